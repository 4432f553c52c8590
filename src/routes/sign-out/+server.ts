// Signs staff out (POST only, so a link or prefetch can never sign anyone out).
import { redirect } from '@sveltejs/kit';
import { allowAnyone, clearSessionCookie, invalidateStaffSession } from '$lib/server/auth';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
	// Anyone may ask to end their own session; there is nothing else here to touch.
	allowAnyone(event);
	if (event.locals.staff) await invalidateStaffSession(event.locals.staff.sessionId);
	clearSessionCookie(event.cookies, 'staff', event.url);
	redirect(303, '/sign-in?signed-out=1');
};
