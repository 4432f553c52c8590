// A school lead's turn of the school year: close last year's classes for the school (their
// codes and cards stop, their figures stay), then set up the new Year 6 under Classes.
import { error, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { canCloseAcademicYear, requireSchoolLead } from '$lib/server/access';
import { refusalFailure, parseForm } from '$lib/server/platform';
import { closeAcademicYear, yearsToClose } from '$lib/server/people';
import type { Actions, PageServerLoad } from './$types';

function guard(event: RequestEvent) {
	const staff = requireSchoolLead(event);
	const schoolId = staff.schoolId;
	if (schoolId === null || !canCloseAcademicYear(staff, schoolId)) error(404, 'Not found.');
	return { staff, schoolId };
}

export const load: PageServerLoad = async (event) => {
	const { schoolId } = guard(event);
	return { years: await yearsToClose({ schoolId }) };
};

const CloseYear = z.object({
	academicYear: z
		.string({ error: 'Choose the academic year to close.' })
		.trim()
		.min(1, 'Choose the academic year to close.')
});

export const actions: Actions = {
	close: async (event) => {
		const { staff, schoolId } = guard(event);
		const parsed = parseForm(CloseYear, await event.request.formData());
		if (!parsed.ok) return parsed.failure;
		try {
			return {
				closed: await closeAcademicYear({ academicYear: parsed.data.academicYear, schoolId }, staff)
			};
		} catch (caught) {
			return refusalFailure(caught);
		}
	}
};
