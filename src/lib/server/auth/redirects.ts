// Where staff land after signing in, and which `next` targets are safe to follow.
import type { Role } from '../db/schema';

export function homeFor(role: Role): string {
	return role === 'coordinator' ? '/borough/report' : '/classes';
}

/** Only same-site paths: never `//evil.example` or `https://…` (open redirects). */
export function safeNext(next: string | null): string | null {
	if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\'))
		return null;
	// Control characters (tab, newline…) can smuggle a second URL past the checks above.
	if ([...next].some((c) => c.charCodeAt(0) < 0x20)) return null;
	return next;
}
