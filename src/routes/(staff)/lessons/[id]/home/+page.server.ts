import { requireStaff } from '$lib/server/auth';
import { requireLesson } from '$lib/server/screens';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	const lesson = requireLesson(event.params.id);
	return {
		sheet: {
			id: lesson.id,
			title: lesson.title,
			objectives: lesson.objectives,
			homeHtml: lesson.homeHtml
		}
	};
};
