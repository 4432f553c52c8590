// Starting a lesson with a class: choose the lesson, read its safeguarding note, choose
// live or self-paced. A class has at most one live lesson at a time.
import { redirect } from '@sveltejs/kit';
import { getClass } from '$lib/server/classes';
import { formValues, isRefusal, orRefusal, parseForm } from '$lib/server/forms';
import {
	addDays,
	lessonChoices,
	lessonToStart,
	liveSessionSummary,
	londonDay,
	startClassSession,
	startSessionSchema
} from '$lib/server/teacher-session';
import { guardClass } from '../../../routes.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { classId } = await guardClass(event);
	const cls = (await getClass(classId))!;
	const today = londonDay();
	return {
		cls: { id: cls.id, name: cls.name, archived: cls.archived },
		lessons: await lessonChoices(classId),
		chosen: lessonToStart(event.url.searchParams.get('lesson')),
		live: await liveSessionSummary(classId),
		today,
		defaultOpenUntil: addDays(today, 7)
	};
};

export const actions: Actions = {
	default: async (event) => {
		const { staff, classId } = await guardClass(event);
		const form = await event.request.formData();
		const parsed = parseForm(startSessionSchema(), form, ['lessonId', 'mode', 'openUntil']);
		if (!parsed.ok) return parsed.failure;
		const { lessonId = '', mode = '', openUntil = '' } = formValues(form);
		const sessionId = await orRefusal(() => startClassSession(staff, classId, parsed.data), {
			lessonId,
			mode,
			openUntil
		});
		if (isRefusal(sessionId)) return sessionId;
		redirect(303, `/sessions/${sessionId}`);
	}
};
