import { error } from '@sveltejs/kit';
import { requireStaff } from '$lib/server/auth/guards';
import { requireLesson } from '$lib/server/library';
import { toPupilStep } from '$lib/server/lessons';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	const lesson = requireLesson(event.params.id);
	const number = Number(event.params.step);
	// Exactly what a pupil's device receives for this step: the pupil projection, nothing more.
	const step = Number.isInteger(number) ? toPupilStep(lesson, number - 1) : undefined;
	if (!step) error(404, 'This lesson has no such step.');
	return {
		lesson: { id: lesson.id, title: lesson.title, stepCount: lesson.steps.length },
		step
	};
};
