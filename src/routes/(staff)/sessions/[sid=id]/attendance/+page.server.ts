// Attendance of one session: pupils who joined are present; the teacher marks the rest
// (or corrects a mark), also for sessions long past.
import { redirect, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import type { AttendanceStatus } from '$lib/server/platform';
import { parseForm, orRefusal, wasRefused } from '$lib/server/platform';
import { getLesson } from '$lib/server/lessons';
import { markRestAbsent } from '$lib/server/teaching';
import { attendanceView, saveAttendance, classSessionHeader } from '$lib/server/screens';
import { guardSession } from '../../routes.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { session } = await guardSession(event);
	const saved = event.url.searchParams.get('saved');
	const absent = event.url.searchParams.get('absent');
	return {
		header: classSessionHeader(session, getLesson(session.lessonId)),
		attendance: await attendanceView(session),
		message:
			saved !== null
				? 'Attendance saved.'
				: absent !== null && /^\d{1,4}$/.test(absent)
					? `${absent} ${absent === '1' ? 'pupil' : 'pupils'} marked absent.`
					: null
	};
};

// One radio group per pupil, named by their id; a pupil left unmarked sends nothing.
const Marks = z.record(
	z.string().regex(/^pupil-[1-9]\d{0,14}$/, 'Unknown field.'),
	z.enum(['present', 'absent'], { error: 'Choose present or absent.' })
);

/** Reads and saves the marks in the form; a failure to show, or null when saved. */
async function saveMarks(
	event: RequestEvent<{ sid: string }>,
	access: Awaited<ReturnType<typeof guardSession>>
) {
	const parsed = parseForm(Marks, await event.request.formData());
	if (!parsed.ok) return parsed.failure;
	const marks = new Map<number, AttendanceStatus>(
		Object.entries(parsed.data).map(([field, status]) => [Number(field.slice(6)), status])
	);
	const saved = await orRefusal(() => saveAttendance(access.session, marks, access.staff));
	return wasRefused(saved) ? saved : null;
}

export const actions: Actions = {
	save: async (event) => {
		const access = await guardSession(event);
		const failure = await saveMarks(event, access);
		if (failure) return failure;
		redirect(303, `/sessions/${access.session.id}/attendance?saved`);
	},

	/** Saves what the teacher marked, then marks every pupil still unmarked absent. */
	rest: async (event) => {
		const access = await guardSession(event);
		const failure = await saveMarks(event, access);
		if (failure) return failure;
		const count = await markRestAbsent(access.session, access.staff);
		redirect(303, `/sessions/${access.session.id}/attendance?absent=${count}`);
	}
};
