// Attendance of one session: pupils who joined are present; the teacher marks the rest
// (or corrects a mark), also for sessions long past.
import { redirect, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { assertCanRunSession, parseId } from '$lib/server/access';
import { requireStaff } from '$lib/server/auth/guards';
import type { AttendanceStatus } from '$lib/server/db/schema';
import { SessionRefused } from '$lib/server/deliveries';
import { failWith, parseForm } from '$lib/server/forms';
import { getLesson } from '$lib/server/lessons';
import { markRestAbsent } from '$lib/server/progress';
import { attendanceView, saveAttendance, sessionHeader } from '$lib/server/teacher-session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const staff = requireStaff(event, 'teacher', 'lead');
	const session = await assertCanRunSession(staff, parseId(event.params.sid));
	const saved = event.url.searchParams.get('saved');
	const absent = event.url.searchParams.get('absent');
	return {
		header: sessionHeader(session, getLesson(session.lessonId)),
		attendance: await attendanceView(session),
		message:
			saved !== null
				? 'Attendance saved.'
				: absent !== null && /^\d{1,4}$/.test(absent)
					? `${absent} ${absent === '1' ? 'pupil' : 'pupils'} marked absent.`
					: null
	};
};

async function guard(event: RequestEvent<{ sid: string }>) {
	const staff = requireStaff(event, 'teacher', 'lead');
	const session = await assertCanRunSession(staff, parseId(event.params.sid));
	return { staff, session };
}

// One radio group per pupil, named by their id; a pupil left unmarked sends nothing.
const Marks = z.record(
	z.string().regex(/^pupil-[1-9]\d{0,14}$/, 'Unknown field.'),
	z.enum(['present', 'absent'], { error: 'Choose present or absent.' })
);

/** Reads and saves the marks in the form; a failure to show, or null when saved. */
async function saveMarks(
	event: RequestEvent<{ sid: string }>,
	access: Awaited<ReturnType<typeof guard>>
) {
	const parsed = parseForm(Marks, await event.request.formData());
	if (!parsed.ok) return parsed.failure;
	const marks = new Map<number, AttendanceStatus>(
		Object.entries(parsed.data).map(([field, status]) => [Number(field.slice(6)), status])
	);
	try {
		await saveAttendance(access.session, marks, access.staff);
	} catch (caught) {
		if (caught instanceof SessionRefused) return failWith(caught.message);
		throw caught;
	}
	return null;
}

export const actions: Actions = {
	save: async (event) => {
		const access = await guard(event);
		const failure = await saveMarks(event, access);
		if (failure) return failure;
		redirect(303, `/sessions/${access.session.id}/attendance?saved`);
	},

	/** Saves what the teacher marked, then marks every pupil still unmarked absent. */
	rest: async (event) => {
		const access = await guard(event);
		const failure = await saveMarks(event, access);
		if (failure) return failure;
		const count = await markRestAbsent(access.session, access.staff);
		redirect(303, `/sessions/${access.session.id}/attendance?absent=${count}`);
	}
};
