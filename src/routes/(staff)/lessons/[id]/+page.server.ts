import { requireStaff } from '$lib/server/auth/guards';
import { requireLesson, staffLessonView } from '$lib/server/library';
import { revisionHistory } from '$lib/server/lesson-revisions';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	const lesson = requireLesson(event.params.id);
	return { lesson: staffLessonView(lesson), revisions: await revisionHistory(lesson) };
};
