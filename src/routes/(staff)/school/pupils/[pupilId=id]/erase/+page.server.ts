// Erasing a pupil's records now, at their family's request: what will go and what stays,
// a confirmation, then the erasure. An open request for help stops it (records/erasure.ts).
import { fail, redirect } from '@sveltejs/kit';
import { failWith } from '$lib/server/platform';
import { erasePupil, erasurePreview } from '$lib/server/records';
import { guardRecords } from '../records.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { pupilId } = await guardRecords(event);
	return { pupilId, preview: await erasurePreview(pupilId) };
};

export const actions: Actions = {
	erase: async (event) => {
		const { staff, pupilId } = await guardRecords(event);
		const form = await event.request.formData();
		if (form.get('confirm') !== 'yes') {
			const message = 'Tick the box to confirm that these are the right records to erase.';
			return failWith(message, { confirm: message });
		}
		const result = await erasePupil(pupilId, staff);
		if (!result.erased)
			return fail(409, {
				message: 'Nothing has been erased.',
				waitsFor: result.safeguardingLeads,
				openHelp: result.openHelp
			});
		redirect(303, '/school/pupils?erased=1');
	}
};
