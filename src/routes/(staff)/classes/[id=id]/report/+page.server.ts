// A teacher's report on one class: who has done which lesson, who needs to catch up, and
// what the class understood. Every rate arrives already passed through disclosure.ts, and
// the tables are the ones the CSV writes.
import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { parseForm, orRefusal, wasRefused } from '$lib/server/platform';
import { getLibrary } from '$lib/server/lessons';
import { loadClassReportTables, anyHidden, LEGEND } from '$lib/server/reports';
import { startCatchUp } from '$lib/server/screens';
import { recordsDeletedInClass } from '$lib/server/records';
import { guardClass } from '../../routes.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { classId } = await guardClass(event);
	const lessons = getLibrary().lessons;
	const { className, tables, report } = await loadClassReportTables(classId, lessons);
	const byId = new Map(lessons.map((l) => [l.id, l]));
	return {
		cls: { id: classId, name: className },
		tables,
		catchUp: report.catchUp.map((c) => ({
			lessonId: c.lessonId,
			title: byId.get(c.lessonId)?.title ?? c.lessonId,
			liveOnly: byId.get(c.lessonId)?.delivery === 'teacher-led',
			names: c.pupils.map((p) => p.name)
		})),
		legend: anyHidden(tables) ? LEGEND : null,
		// Former pupils are in the figures but not in the grid or the catch-up lists.
		recordsDeleted: await recordsDeletedInClass(classId)
	};
};

const CatchUp = z.object({
	lessonId: z.string().trim().min(1, 'Choose a lesson.').max(60, 'Choose a lesson.')
});

export const actions: Actions = {
	catchUp: async (event) => {
		const { staff, classId } = await guardClass(event);
		const parsed = parseForm(CatchUp, await event.request.formData());
		if (!parsed.ok) return parsed.failure;
		const sessionId = await orRefusal(() => startCatchUp(staff, classId, parsed.data.lessonId));
		if (wasRefused(sessionId)) return sessionId;
		redirect(303, `/sessions/${sessionId}`);
	}
};
