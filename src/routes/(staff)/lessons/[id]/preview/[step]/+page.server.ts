// A step as a pupil's device shows it, for staff to try before a lesson.
import { requireStaff } from '$lib/server/auth/guards';
import { previewStep } from '$lib/server/library';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	return previewStep(event.params.id, event.params.step);
};
