// Where staff land after signing in, and which `next` targets are safe to follow.
import type { Role } from '../db/schema';

export function homeFor(role: Role): string {
	return role === 'coordinator' ? '/borough/schools' : '/classes';
}

/** Only same-site paths: never `//evil.example` or `https://…` (open redirects). */
export function safeNext(next: string | null): string | null {
	if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\'))
		return null;
	if (/[\u0000-\u001f]/.test(next)) return null;
	return next;
}
