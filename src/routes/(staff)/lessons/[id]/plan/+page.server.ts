import { requireStaff } from '$lib/server/auth';
import { lessonPlan, requireLesson } from '$lib/server/screens';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	// The plan holds every answer: staff only, never a pupil.
	requireStaff(event);
	return { plan: lessonPlan(requireLesson(event.params.id)) };
};
