// One request for help with its whole chronology, for the school's safeguarding leads.
// Every load is written to the audit log (viewHelpRequest). Acknowledging and notes are
// added, never edited: a correction is a new note.
import { randomBytes } from 'node:crypto';
import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { assertCanReadHelpRequests, parseId } from '$lib/server/access';
import { requireStaff } from '$lib/server/auth';
import { recordsKeptFor } from '$lib/server/records';
import {
	clientAddress,
	formValues,
	refusalError,
	refusalFailure,
	refusalOf
} from '$lib/server/platform';
import {
	acknowledgeHelpRequest,
	addHelpNote,
	NOTE_KINDS,
	viewHelpRequest
} from '$lib/server/safeguarding';
import type { Actions, PageServerLoad } from './$types';

async function guard(event: RequestEvent<{ id: string }>) {
	// No role list: anyone who is not a reader, the coordinator included, gets "not found".
	const staff = requireStaff(event);
	const schoolId = await assertCanReadHelpRequests(staff);
	return { staff, schoolId, id: parseId(event.params.id) };
}

export const load: PageServerLoad = async (event) => {
	const { staff, schoolId, id } = await guard(event);
	const request = await viewHelpRequest(staff, schoolId, id, clientAddress(event));
	if (!request) error(404, 'There is no such request.');
	return {
		request,
		// The pupil's records are past their period, kept only while this request is open.
		recordsKept: await recordsKeptFor(id),
		noteKinds: NOTE_KINDS.map((k) => ({ key: k.key, label: k.label })),
		// A fresh id per page view: the same note sent twice (double click, retry) is stored once.
		noteClientId: randomBytes(16).toString('hex')
	};
};

export const actions: Actions = {
	acknowledge: async (event) => {
		const { staff, schoolId, id } = await guard(event);
		try {
			await acknowledgeHelpRequest(staff, schoolId, id);
		} catch (caught) {
			refusalError(caught);
		}
		redirect(303, `/concerns/${id}`);
	},
	note: async (event) => {
		const { staff, schoolId, id } = await guard(event);
		const values = formValues(await event.request.formData());
		try {
			await addHelpNote(staff, schoolId, id, values);
		} catch (caught) {
			// A request that is not the school's is "not found"; a note to fix stays on the form.
			if (refusalOf(caught).status === 404) refusalError(caught);
			return refusalFailure(caught, values);
		}
		redirect(303, `/concerns/${id}`);
	}
};
