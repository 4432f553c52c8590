// "I'm worried about something": a pupil's private request for help. Works without
// JavaScript as a plain form post; with it, the page sends through the outbox so that a
// dropped connection keeps the request waiting (see $lib/help-outbox.svelte.ts).
import { randomBytes } from 'node:crypto';
import { fail, redirect } from '@sveltejs/kit';
import { requirePupil } from '$lib/server/auth';
import { refusalOf } from '$lib/server/platform';
import { askForHelp, helpInputFromForm } from '$lib/server/safeguarding';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requirePupil(event);
	// Made here so that the same form sent twice (a double tap, a retry) is stored once.
	return { clientId: randomBytes(16).toString('hex') };
};

export const actions: Actions = {
	default: async (event) => {
		const pupil = requirePupil(event);
		const form = await event.request.formData();
		const input = helpInputFromForm(form);
		try {
			await askForHelp(pupil, input);
		} catch (caught) {
			// What they chose and wrote comes back only to this page, so nothing is lost.
			const refused = refusalOf(caught);
			return fail(refused.status, { message: refused.message, values: input });
		}
		redirect(303, '/help/sent');
	}
};
