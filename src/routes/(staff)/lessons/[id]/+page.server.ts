import { requireStaff } from '$lib/server/auth/guards';
import { requireLesson, staffLessonView } from '$lib/server/library';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	return { lesson: staffLessonView(requireLesson(event.params.id)) };
};
