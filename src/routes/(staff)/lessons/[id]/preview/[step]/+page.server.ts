// A step as a pupil's device shows it, for staff to try before a lesson.
import { requireStaff } from '$lib/server/auth';
import { previewStep } from '$lib/server/screens';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	return previewStep(event.params.id, event.params.step);
};
