import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { allowAnyone } from '$lib/server/auth';
import { orRefusal, parseForm, wasRefused } from '$lib/server/platform';
import { findOpenReset, resetPassword } from '$lib/server/people';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	// The token in the link is the only credential: it is checked, not trusted.
	allowAnyone(event);
	const reset = await findOpenReset(event.params.token);
	return { reset: reset && { displayName: reset.displayName } };
};

const Reset = z
	.object({ password: z.string().max(1000), confirm: z.string().max(1000) })
	.refine((v) => v.password === v.confirm, {
		path: ['confirm'],
		message: 'The two passwords are not the same.'
	});

export const actions: Actions = {
	default: async (event) => {
		allowAnyone(event);
		const parsed = parseForm(Reset, await event.request.formData());
		if (!parsed.ok) return parsed.failure;
		const reset = await orRefusal(() => resetPassword(event.params.token, parsed.data.password));
		if (wasRefused(reset)) return reset;
		redirect(303, '/sign-in?reset=1');
	}
};
