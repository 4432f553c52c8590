// Starting a lesson with a class: choose the lesson, read its safeguarding note, choose
// live or self-paced. A class has at most one live lesson at a time.
import { redirect } from '@sveltejs/kit';
import { assertCanSeeClass, parseId } from '$lib/server/access';
import { requireStaff } from '$lib/server/auth/guards';
import { getClass } from '$lib/server/classes';
import { SessionRefused } from '$lib/server/deliveries';
import { failWith, formValues, parseForm } from '$lib/server/forms';
import {
	addDays,
	lessonChoices,
	lessonToStart,
	liveSessionSummary,
	londonDay,
	startClassSession,
	startSessionSchema
} from '$lib/server/teacher-session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const staff = requireStaff(event, 'teacher', 'lead');
	const classId = parseId(event.params.id);
	await assertCanSeeClass(staff, classId);
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
		const staff = requireStaff(event, 'teacher', 'lead');
		const classId = parseId(event.params.id);
		await assertCanSeeClass(staff, classId);
		const form = await event.request.formData();
		const parsed = parseForm(startSessionSchema(), form, ['lessonId', 'mode', 'openUntil']);
		if (!parsed.ok) return parsed.failure;
		let sessionId: number;
		try {
			sessionId = await startClassSession(staff, classId, parsed.data);
		} catch (caught) {
			if (caught instanceof SessionRefused) {
				const { lessonId = '', mode = '', openUntil = '' } = formValues(form);
				return failWith(caught.message, {}, 400, { lessonId, mode, openUntil });
			}
			throw caught;
		}
		redirect(303, `/sessions/${sessionId}`);
	}
};
