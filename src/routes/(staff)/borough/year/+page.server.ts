// The council's turn of the school year: close a year for every school at once. Each
// school's lead sees the closing in their audit log; the figures stay in every report.
import { error, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { canCloseAcademicYear, requireCoordinator } from '$lib/server/access';
import { refusalFailure, parseForm } from '$lib/server/platform';
import { closeAcademicYear, yearsToClose } from '$lib/server/people';
import type { Actions, PageServerLoad } from './$types';

function guard(event: RequestEvent) {
	const staff = requireCoordinator(event);
	if (!canCloseAcademicYear(staff, null)) error(404, 'Not found.');
	return staff;
}

export const load: PageServerLoad = async (event) => {
	guard(event);
	const years = await yearsToClose({ borough: true });
	// Counts only: the council works with figures, never class lists.
	return {
		years: years.map((y) => ({
			...y,
			schools: y.schools.map((s) => ({
				schoolId: s.schoolId,
				schoolName: s.schoolName,
				classes: s.classes.map((c) => ({ pupils: c.pupils }))
			}))
		}))
	};
};

const CloseYear = z.object({
	academicYear: z
		.string({ error: 'Choose the academic year to close.' })
		.trim()
		.min(1, 'Choose the academic year to close.')
});

export const actions: Actions = {
	close: async (event) => {
		const staff = guard(event);
		const parsed = parseForm(CloseYear, await event.request.formData());
		if (!parsed.ok) return parsed.failure;
		try {
			return {
				closed: await closeAcademicYear(
					{ academicYear: parsed.data.academicYear, schoolId: null },
					staff
				)
			};
		} catch (caught) {
			return refusalFailure(caught);
		}
	}
};
