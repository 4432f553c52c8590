// The board as the class would see a step, for staff to try before a lesson (and for
// the tests that hold every shipped step to a projector's screen).
import { requireStaff } from '$lib/server/auth';
import { previewStep } from '$lib/server/screens';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	return previewStep(event.params.id, event.params.step);
};
