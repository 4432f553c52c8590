import { z } from 'zod';
import { requireStaff, setSessionCookie, createStaffSession } from '$lib/server/auth';
import { orRefusal, parseForm, wasRefused } from '$lib/server/platform';
import { changePassword, getStaffUser } from '$lib/server/people';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const staff = requireStaff(event);
	const me = await getStaffUser(staff.id);
	return {
		me: me && {
			email: me.email,
			displayName: me.displayName,
			schoolName: me.schoolName,
			classes: me.classes
		}
	};
};

const Change = z
	.object({
		current: z.string().min(1, 'Enter your current password.').max(1000),
		password: z.string().max(1000),
		confirm: z.string().max(1000)
	})
	.refine((v) => v.password === v.confirm, {
		path: ['confirm'],
		message: 'The two new passwords are not the same.'
	});

export const actions: Actions = {
	password: async (event) => {
		const staff = requireStaff(event);
		const parsed = parseForm(Change, await event.request.formData());
		if (!parsed.ok) return parsed.failure;
		const changed = await orRefusal(() =>
			changePassword(staff, parsed.data.current, parsed.data.password)
		);
		if (wasRefused(changed)) return changed;
		// Every session ended with the change; this device gets a fresh one.
		const session = await createStaffSession(staff.id);
		setSessionCookie(event.cookies, 'staff', event.url, session.token, session.expiresAt);
		return { changed: true };
	}
};
