// Step 1 of a pupil's sign-in: the class code from the board.
import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { allowAnyone, lookUpClassCode } from '$lib/server/auth';
import { clientAddress, formValues } from '$lib/server/platform';
import { CODE_NOT_FOUND } from './join.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	allowAnyone(event);
	return {};
};

const schema = z.object({ code: z.string().trim().min(1).max(40) });

export const actions: Actions = {
	default: async (event) => {
		allowAnyone(event);
		const values = formValues(await event.request.formData());
		const parsed = schema.safeParse(values);
		const code = values.code ?? '';
		if (!parsed.success) {
			return fail(400, { message: 'Type the class code from the board.', code });
		}
		const lookup = await lookUpClassCode({ code: parsed.data.code, ip: clientAddress(event) });
		if (lookup.status === 'unknown') return fail(400, { message: CODE_NOT_FOUND, code });
		redirect(303, `/join/${lookup.class.code}`);
	}
};
