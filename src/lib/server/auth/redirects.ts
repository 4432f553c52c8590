// Where staff land after signing in, and which `next` targets are safe to follow.
import type { Role } from '../platform';

export function homeFor(role: Role): string {
	return role === 'coordinator' ? '/borough/report' : '/classes';
}

// A Location header carries printable ASCII only (a `next` of "/。evil" made the sign-in
// page answer 500), and Think Safe's own paths and queries arrive here percent-encoded.
// No spaces, tabs or newlines either: control characters can smuggle a second URL.
const PRINTABLE_ASCII = /^[\x21-\x7e]*$/;

/**
 * Only same-site paths: never `//evil.example`, `/\evil.example` or `https://…` (open
 * redirects), nor anything that only becomes one once decoded (`/%2F%2Fevil.example`).
 * Anything else, undecodable included, is null: the caller falls back to the home page.
 */
export function safeNext(next: string | null): string | null {
	if (!next || !PRINTABLE_ASCII.test(next)) return null;
	const path = next.split(/[?#]/, 1)[0];
	let decodedPath: string;
	try {
		decodeURIComponent(next);
		decodedPath = decodeURIComponent(path);
	} catch {
		return null;
	}
	for (const candidate of [path, decodedPath]) {
		if (
			!candidate.startsWith('/') ||
			candidate.startsWith('//') ||
			candidate.includes('\\') ||
			!PRINTABLE_ASCII.test(candidate)
		) {
			return null;
		}
	}
	return next;
}
