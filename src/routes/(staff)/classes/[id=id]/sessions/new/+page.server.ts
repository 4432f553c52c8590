// Starting a lesson with a class: choose the lesson, read its safeguarding note, choose
// live or self-paced. A class has at most one live lesson at a time. A lesson the class has
// had already is started again only once the teacher has seen that (or they choose a
// catch-up for the pupils who have not completed it instead).
import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { getClass } from '$lib/server/people';
import {
	formValues,
	parseForm,
	orRefusal,
	wasRefused,
	addDays,
	londonDay
} from '$lib/server/platform';
import {
	lessonChoices,
	lessonHistory,
	lessonToStart,
	liveSessionSummary,
	startCatchUp,
	startClassSession,
	startClassSessionSchema
} from '$lib/server/screens';
import { guardClass } from '../../../routes.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { classId } = await guardClass(event);
	const cls = (await getClass(classId))!;
	const today = londonDay();
	const chosen = lessonToStart(event.url.searchParams.get('lesson'));
	const history = chosen ? await lessonHistory(classId, chosen.id) : null;
	return {
		cls: { id: cls.id, name: cls.name, archived: cls.archived },
		lessons: await lessonChoices(classId),
		chosen,
		history: history?.doneOn ? history : null,
		live: await liveSessionSummary(classId),
		today,
		defaultOpenUntil: addDays(today, 7)
	};
};

const CatchUp = z.object({
	lessonId: z.string().trim().min(1, 'Choose a lesson.').max(60, 'Choose a lesson.'),
	// Absent for a teacher-led lesson, whose catch-up is live.
	catchUpUntil: z
		.string()
		.trim()
		.regex(/^\d{4}-\d{2}-\d{2}$/, 'Give the last day pupils can work on it.')
		.optional()
});

export const actions: Actions = {
	start: async (event) => {
		const { staff, classId } = await guardClass(event);
		const form = await event.request.formData();
		const parsed = parseForm(startClassSessionSchema(), form, ['lessonId', 'mode', 'openUntil']);
		if (!parsed.ok) return parsed.failure;
		const { lessonId = '', mode = '', openUntil = '' } = formValues(form);
		const sessionId = await orRefusal(() => startClassSession(staff, classId, parsed.data), {
			lessonId,
			mode,
			openUntil
		});
		if (wasRefused(sessionId)) return sessionId;
		redirect(303, `/sessions/${sessionId}`);
	},
	catchUp: async (event) => {
		const { staff, classId } = await guardClass(event);
		const form = await event.request.formData();
		const parsed = parseForm(CatchUp, form, ['catchUpUntil']);
		if (!parsed.ok) return parsed.failure;
		const { lessonId, catchUpUntil } = parsed.data;
		const sessionId = await orRefusal(() =>
			startCatchUp(staff, classId, lessonId, new Date(), catchUpUntil)
		);
		if (wasRefused(sessionId)) return sessionId;
		redirect(303, `/sessions/${sessionId}`);
	}
};
