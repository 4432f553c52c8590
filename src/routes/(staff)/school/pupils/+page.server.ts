// A school lead finds a pupil whose family has asked to see or erase their records, in
// every class the school has had (last year's too). The name is sent in a form, not the
// address, so that it never lands in the browser's history.
import { error, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { requireSchoolLead } from '$lib/server/access';
import { failWith } from '$lib/server/platform';
import {
	findPupilsOfSchool,
	MAX_SEARCH_RESULTS,
	recordsDeletedInSchool
} from '$lib/server/records';
import type { Actions, PageServerLoad } from './$types';

function guard(event: RequestEvent): number {
	const staff = requireSchoolLead(event);
	if (staff.schoolId === null) error(404, 'Not found.');
	return staff.schoolId;
}

export const load: PageServerLoad = async (event) => {
	const schoolId = guard(event);
	return {
		erased: event.url.searchParams.get('erased') === '1',
		max: MAX_SEARCH_RESULTS,
		// Pupils of years long over are not found: their records were deleted, and this says when.
		deletedYears: await recordsDeletedInSchool(schoolId)
	};
};

const Search = z.object({
	name: z
		.string({ error: 'Type the pupil’s first name.' })
		.trim()
		.min(1, 'Type the pupil’s first name.')
		.max(60, 'Type the first name and the first letter of the last name only.')
});

export const actions: Actions = {
	search: async (event) => {
		const schoolId = guard(event);
		const parsed = Search.safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) {
			const message = parsed.error.issues[0]?.message ?? 'Type the pupil’s first name.';
			return failWith(message, { name: message });
		}
		return {
			name: parsed.data.name,
			results: await findPupilsOfSchool(schoolId, parsed.data.name)
		};
	}
};
