import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import {
	allowAnyone,
	clearSessionCookie,
	setSessionCookie,
	homeFor,
	createStaffSession,
	invalidateStaffSession
} from '$lib/server/auth';
import { orRefusal, parseForm, wasRefused } from '$lib/server/platform';
import { acceptInvitation, findOpenInvitation, getStaffUser } from '$lib/server/people';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	// The token in the link is the only credential: it is checked, not trusted.
	allowAnyone(event);
	const invitation = await findOpenInvitation(event.params.token);
	return { invitation };
};

const Accept = z
	.object({
		displayName: z
			.string()
			.trim()
			.min(2, 'Enter your name as colleagues know you.')
			.max(80, 'Use at most 80 characters.'),
		email: z.string().trim().email('Enter an email address, like name@school.sch.uk.').max(200),
		password: z.string().max(1000),
		confirm: z.string().max(1000)
	})
	.refine((v) => v.password === v.confirm, {
		path: ['confirm'],
		message: 'The two passwords are not the same.'
	});

export const actions: Actions = {
	default: async (event) => {
		allowAnyone(event);
		const parsed = parseForm(Accept, await event.request.formData(), ['displayName', 'email']);
		if (!parsed.ok) return parsed.failure;
		const { displayName, email, password } = parsed.data;
		const userId = await orRefusal(
			() => acceptInvitation(event.params.token, { displayName, email, password }),
			{ displayName, email }
		);
		if (wasRefused(userId)) return userId;
		if (event.locals.staff) await invalidateStaffSession(event.locals.staff.sessionId);
		clearSessionCookie(event.cookies, 'pupil', event.url);
		const session = await createStaffSession(userId);
		setSessionCookie(event.cookies, 'staff', event.url, session.token, session.expiresAt);
		const user = await getStaffUser(userId);
		redirect(303, homeFor(user!.role));
	}
};
