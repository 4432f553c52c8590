import { requireStaff } from '$lib/server/auth';
import { requireLesson, staffLessonView } from '$lib/server/screens';
import { revisionHistory } from '$lib/server/teaching';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	const lesson = requireLesson(event.params.id);
	return { lesson: staffLessonView(lesson), revisions: await revisionHistory(lesson) };
};
