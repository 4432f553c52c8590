// The first line of every load, action and endpoint: who is asking, and may their
// kind of account be here at all. What they may touch is access.ts's question.
import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import type { Role } from '../platform';
import type { PupilPrincipal, StaffPrincipal } from './session';

type Event = Pick<RequestEvent, 'locals' | 'url' | 'request'>;

/** People navigating (to a page, or SvelteKit's data for one) are sent to sign in. */
function navigating(event: Event): boolean {
	// Endpoints and fetches get a status instead.
	return (
		event.url.pathname.endsWith('/__data.json') ||
		(event.request.method === 'GET' &&
			(event.request.headers.get('accept') ?? '').includes('text/html'))
	);
}

function signInPath(base: string, event: Event): string {
	const next = event.url.pathname.replace(/\/__data\.json$/, '') + event.url.search;
	return `${base}?next=${encodeURIComponent(next)}`;
}

export function requireStaff(event: Event, ...roles: Role[]): StaffPrincipal {
	const staff = event.locals.staff;
	if (!staff) {
		if (navigating(event)) {
			redirect(303, signInPath('/sign-in', event));
		}
		error(401, 'Please sign in as staff to do this.');
	}
	if (roles.length > 0 && !roles.includes(staff.role)) {
		error(403, 'Your account cannot open this page.');
	}
	return staff;
}

export function requirePupil(event: Event): PupilPrincipal {
	const pupil = event.locals.pupil;
	if (!pupil) {
		if (navigating(event)) {
			redirect(303, '/join');
		}
		error(401, 'Please sign in with your class code first.');
	}
	return pupil;
}

/** For pages anyone may open: says so explicitly, so every route starts with a guard. */
export function allowAnyone(_event: Event): void {}

/** Who is signed in on a public page, for its header links: staff, a pupil, or nobody. */
export function signedInKind(event: Event): 'staff' | 'pupil' | null {
	return event.locals.staff ? 'staff' : event.locals.pupil ? 'pupil' : null;
}
