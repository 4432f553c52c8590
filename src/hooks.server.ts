// Request pipeline: security headers on every response, then who is asking. Access
// itself is decided in each route through $lib/server/access.
import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { prepareBoroughTotals } from '$lib/server/borough-totals';
import { closeDatabase, getHandle, migrateToLatest } from '$lib/server/db';
import { getLibrary } from '$lib/server/lessons';
import { settleRevisions } from '$lib/server/lesson-revisions';
import { scheduleHelpTextRemoval } from '$lib/server/safeguarding';
import { securityHeaders } from '$lib/server/security-headers';
import { proxyStartWarning } from '$lib/server/auth/client-address';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from '$lib/server/auth/cookies';
import { validatePupilSession, validateStaffSession } from '$lib/server/auth/session';

export const init: ServerInit = async () => {
	await migrateToLatest(getHandle().db);
	// Before any report: the lessons as they are now become revisions of their own.
	await settleRevisions(getLibrary().lessons);
	const proxyWarning = proxyStartWarning();
	if (proxyWarning) console.warn(proxyWarning);
	// Built now, in the background, rather than on a coordinator's first visit.
	prepareBoroughTotals(getLibrary().lessons).catch((error: unknown) => {
		console.error(
			'[reports] could not build the borough totals now; the first dashboard will',
			error
		);
	});
	const stopHelpTextRemoval = scheduleHelpTextRemoval();
	process.once('sveltekit:shutdown', () => {
		stopHelpTextRemoval();
		void closeDatabase();
	});
};

const addSecurityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	const headers = response.headers;
	for (const [name, value] of Object.entries(securityHeaders())) headers.set(name, value);
	// Classroom devices are shared: a page with pupils' names must not be kept for the next
	// child to find in the back button or the cache. Streams keep their own no-store value.
	const signedIn = event.locals.staff || event.locals.pupil;
	if (signedIn && !/\bno-store\b/i.test(headers.get('Cache-Control') ?? '')) {
		headers.set('Cache-Control', 'no-store');
	}
	return response;
};

// Fills locals with who is asking. It decides nothing about access: routes do.
const authenticate: Handle = async ({ event, resolve }) => {
	event.locals.staff = null;
	event.locals.pupil = null;
	const staffToken = readSessionCookie(event.cookies, 'staff', event.url);
	if (staffToken) {
		const result = await validateStaffSession(staffToken);
		if (!result) {
			clearSessionCookie(event.cookies, 'staff', event.url);
		} else {
			event.locals.staff = result.user;
			if (result.renewed) {
				setSessionCookie(event.cookies, 'staff', event.url, staffToken, result.expiresAt);
			}
		}
	}
	const pupilToken = readSessionCookie(event.cookies, 'pupil', event.url);
	if (pupilToken) {
		const pupil = await validatePupilSession(pupilToken);
		if (!pupil) clearSessionCookie(event.cookies, 'pupil', event.url);
		event.locals.pupil = pupil;
	}
	return resolve(event);
};

export const handle = sequence(addSecurityHeaders, authenticate);

// Never show a stack trace to a teacher or a child: log it, answer plainly.
export const handleError: HandleServerError = ({ error, status, message }) => {
	if (status >= 500) console.error(error);
	return {
		message:
			status >= 500 ? 'Something went wrong on our side. Please try again in a moment.' : message
	};
};
