// Request pipeline: security headers on every response, then who is asking. Access
// itself is decided in each route through $lib/server/access.
import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { prepareBoroughTotals } from '$lib/server/reports';
import {
	closeDatabase,
	getHandle,
	migrateToLatest,
	securityHeaders,
	describeError,
	logEvent,
	logRequest,
	newRequestId,
	type Asker,
	recordRequest,
	metricsReaders
} from '$lib/server/platform';
import { getLibrary } from '$lib/server/lessons';
import { settleRevisions } from '$lib/server/teaching';
import { scheduleHelpTextRemoval } from '$lib/server/safeguarding';
import { scheduleRetention } from '$lib/server/records';
import {
	proxyStartWarning,
	clearSessionCookie,
	readSessionCookie,
	setSessionCookie,
	validatePupilSession,
	validateStaffSession
} from '$lib/server/auth';

export const init: ServerInit = async () => {
	await migrateToLatest(getHandle().db);
	// Before any report: the lessons as they are now become revisions of their own.
	await settleRevisions(getLibrary().lessons);
	const proxyWarning = proxyStartWarning();
	if (proxyWarning) logEvent('warn', 'config.proxy', proxyWarning);
	for (const problem of metricsReaders().problems) {
		logEvent('error', 'config.metrics_allow', `METRICS_ALLOW: ${problem}; it is left out`);
	}
	// Built now, in the background, rather than on a coordinator's first visit.
	prepareBoroughTotals(getLibrary().lessons).catch((error: unknown) => {
		logEvent(
			'error',
			'reports.totals_failed',
			'could not build the borough totals now; the first dashboard will',
			{ error: describeError(error) }
		);
	});
	const stopHelpTextRemoval = scheduleHelpTextRemoval();
	const stopRetention = scheduleRetention();
	logEvent('info', 'server.ready', 'ready: database migrated, lessons loaded');
	process.once('sveltekit:shutdown', () => {
		logEvent('info', 'server.stopping', 'stopping; closing the database');
		stopHelpTextRemoval();
		stopRetention();
		void closeDatabase();
	});
};

// One log line and one count per request, under a reference the error pages show so that
// a teacher can quote it. Paths are never logged (a login card's link holds its token):
// the route's id says which page it was.
const observeRequest: Handle = async ({ event, resolve }) => {
	const started = performance.now();
	const requestId = newRequestId();
	event.locals.requestId = requestId;
	let status = 500;
	try {
		const response = await resolve(event);
		status = response.status;
		response.headers.set('X-Request-Id', requestId);
		return response;
	} finally {
		const seconds = (performance.now() - started) / 1000;
		const route = event.route.id;
		const method = event.request.method;
		recordRequest(method, route, status, seconds);
		logRequest({ requestId, method, route, status, seconds, who: asker(event.locals) });
	}
};

function asker(locals: App.Locals): Asker {
	if (locals.staff) return `staff:${locals.staff.role}`;
	return locals.pupil ? 'pupil' : 'anyone';
}

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

export const handle = sequence(observeRequest, addSecurityHeaders, authenticate);

// Never show a stack trace to a teacher or a child: log it under the request's reference,
// answer plainly, and give the page the reference to show.
export const handleError: HandleServerError = ({ error, event, status, message }) => {
	const requestId = event.locals.requestId;
	if (status >= 500) {
		logEvent('error', 'request.error', 'unexpected error', {
			reqId: requestId,
			route: event.route.id,
			status,
			error: describeError(error)
		});
	}
	return {
		message:
			status >= 500 ? 'Something went wrong on our side. Please try again in a moment.' : message,
		requestId
	};
};
