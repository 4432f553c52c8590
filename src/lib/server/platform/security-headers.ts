// The security headers every response carries: set by hooks.server.ts on what SvelteKit
// renders, and by `npm start` on what never reaches the hooks (static files, Kit's own
// refusal of a cross-site form post).

/** Headers for every response; HSTS only when the public address (ORIGIN) is https. */
export function securityHeaders(origin = process.env.ORIGIN): Record<string, string> {
	const headers: Record<string, string> = {
		'X-Content-Type-Options': 'nosniff',
		// same-origin, not no-referrer: with no-referrer browsers send `Origin: null` on plain
		// form posts, which Kit's CSRF check (rightly) refuses. Nothing leaks to other sites.
		'Referrer-Policy': 'same-origin',
		'X-Frame-Options': 'DENY',
		'Cross-Origin-Opener-Policy': 'same-origin',
		'Cross-Origin-Resource-Policy': 'same-origin',
		'Permissions-Policy':
			'geolocation=(), camera=(), microphone=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()'
	};
	// Think Safe serves plain HTTP behind something that ends TLS; an https ORIGIN says so.
	if (origin?.startsWith('https:')) {
		headers['Strict-Transport-Security'] = 'max-age=31536000; includeSubDomains';
	}
	return headers;
}
