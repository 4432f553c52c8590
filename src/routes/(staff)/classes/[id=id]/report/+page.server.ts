// A teacher's report on one class: who has done which lesson, who needs to catch up, and
// what the class understood. Every rate arrives already passed through disclosure.ts, and
// the tables are the ones the CSV writes.
import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { assertCanSeeClass, parseId } from '$lib/server/access';
import { requireStaff } from '$lib/server/auth/guards';
import { SessionRefused } from '$lib/server/deliveries';
import { failWith, parseForm } from '$lib/server/forms';
import { getLibrary } from '$lib/server/lessons';
import { loadClassReportTables } from '$lib/server/report-exports';
import { anyHidden } from '$lib/server/report-tables';
import { LEGEND } from '$lib/server/disclosure';
import { startCatchUp } from '$lib/server/teacher-session';
import { cellText } from './view';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const staff = requireStaff(event, 'teacher', 'lead');
	const classId = parseId(event.params.id);
	await assertCanSeeClass(staff, classId);
	const lessons = getLibrary().lessons;
	const { className, tables, report } = await loadClassReportTables(classId, lessons, cellText);
	const title = new Map(lessons.map((l) => [l.id, l.title]));
	return {
		cls: { id: classId, name: className },
		tables,
		catchUp: report.catchUp.map((c) => ({
			lessonId: c.lessonId,
			title: title.get(c.lessonId) ?? c.lessonId,
			names: c.pupils.map((p) => p.name)
		})),
		legend: anyHidden(tables) ? LEGEND : null
	};
};

const CatchUp = z.object({
	lessonId: z.string().trim().min(1, 'Choose a lesson.').max(60, 'Choose a lesson.')
});

export const actions: Actions = {
	catchUp: async (event) => {
		const staff = requireStaff(event, 'teacher', 'lead');
		const classId = parseId(event.params.id);
		await assertCanSeeClass(staff, classId);
		const parsed = parseForm(CatchUp, await event.request.formData());
		if (!parsed.ok) return parsed.failure;
		let sessionId: number;
		try {
			sessionId = await startCatchUp(staff, classId, parsed.data.lessonId);
		} catch (caught) {
			if (caught instanceof SessionRefused) return failWith(caught.message);
			throw caught;
		}
		redirect(303, `/sessions/${sessionId}`);
	}
};
