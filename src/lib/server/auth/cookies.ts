// Session cookies: HttpOnly, SameSite=Lax, and over HTTPS Secure with the __Host-
// prefix (which also pins them to this host and path /).
import type { Cookies } from '@sveltejs/kit';

export type CookieKind = 'staff' | 'pupil';

function name(kind: CookieKind, secure: boolean): string {
	return secure ? `__Host-ts-${kind}` : `ts-${kind}`;
}

export function readSessionCookie(
	cookies: Cookies,
	kind: CookieKind,
	url: URL
): string | undefined {
	return cookies.get(name(kind, url.protocol === 'https:'));
}

export function setSessionCookie(
	cookies: Cookies,
	kind: CookieKind,
	url: URL,
	token: string,
	expiresAt: Date
): void {
	const secure = url.protocol === 'https:';
	cookies.set(name(kind, secure), token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure,
		expires: expiresAt
	});
}

export function clearSessionCookie(cookies: Cookies, kind: CookieKind, url: URL): void {
	const secure = url.protocol === 'https:';
	cookies.delete(name(kind, secure), { path: '/', httpOnly: true, sameSite: 'lax', secure });
}
