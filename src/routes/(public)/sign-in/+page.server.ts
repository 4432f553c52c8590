import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import {
	allowAnyone,
	clearSessionCookie,
	setSessionCookie,
	homeFor,
	safeNext,
	createStaffSession,
	invalidateStaffSession
} from '$lib/server/auth';
import { clientAddress, orRefusal, parseForm, wasRefused } from '$lib/server/platform';
import { getStaffUser, signIn } from '$lib/server/people';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	allowAnyone(event);
	const staff = event.locals.staff;
	if (staff) redirect(303, safeNext(event.url.searchParams.get('next')) ?? homeFor(staff.role));
	return {};
};

const SignIn = z.object({
	email: z.string().trim().min(1, 'Enter your email address.').max(200),
	password: z.string().min(1, 'Enter your password.').max(1000)
});

export const actions: Actions = {
	default: async (event) => {
		allowAnyone(event);
		const form = await event.request.formData();
		const parsed = parseForm(SignIn, form, ['email']);
		if (!parsed.ok) return parsed.failure;
		// Refused for a wrong password (400) or a locked account (429), the email kept.
		const userId = await orRefusal(() => signIn({ ...parsed.data, ip: clientAddress(event) }), {
			email: parsed.data.email
		});
		if (wasRefused(userId)) return userId;
		// A fresh session at every sign-in: an old cookie on this device is ended first.
		if (event.locals.staff) await invalidateStaffSession(event.locals.staff.sessionId);
		if (event.locals.pupil) clearSessionCookie(event.cookies, 'pupil', event.url);
		const session = await createStaffSession(userId);
		setSessionCookie(event.cookies, 'staff', event.url, session.token, session.expiresAt);
		const user = await getStaffUser(userId);
		redirect(303, safeNext(event.url.searchParams.get('next')) ?? homeFor(user!.role));
	}
};
