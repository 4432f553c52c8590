// The register of a class session: attendance marks, and pupils who completed the lesson
// on paper. The teacher's own screens; saving changes only what changed.
import type { StaffPrincipal } from '../auth';
import type { AttendanceStatus } from '../platform';
import {
	type ClassSessionInfo,
	markAttendance,
	markPaperCompletion,
	sessionRoster,
	type CompletionState
} from '../teaching';
import { lessonCompletion } from '../reports';
import { Refused } from '../platform';
import { COMPLETION_LABELS } from './class-session-labels';
import type { Lesson } from '../lessons';

// ——— attendance ———

export interface AttendanceView {
	rows: { id: number; name: string; status: AttendanceStatus | null; joined: boolean }[];
	present: number;
	absent: number;
	unmarked: number;
}

export async function attendanceView(session: ClassSessionInfo): Promise<AttendanceView> {
	const roster = await sessionRoster(session);
	return {
		rows: roster.map((r) => ({
			id: r.pupilId,
			name: r.name,
			status: r.status,
			joined: r.source === 'joined'
		})),
		present: roster.filter((r) => r.status === 'present').length,
		absent: roster.filter((r) => r.status === 'absent').length,
		unmarked: roster.filter((r) => r.status === null).length
	};
}

/** Saves the marks that changed (a pupil who joined stays "joined" unless changed). */
export async function saveAttendance(
	session: ClassSessionInfo,
	marks: Map<number, AttendanceStatus>,
	by: StaffPrincipal
): Promise<number> {
	const roster = await sessionRoster(session);
	const known = new Map(roster.map((r) => [r.pupilId, r.status]));
	for (const pupilId of marks.keys()) {
		if (!known.has(pupilId)) throw new Refused('Some of those pupils are not in this lesson.');
	}
	const changed = [...marks]
		.filter(([pupilId, status]) => known.get(pupilId) !== status)
		.map(([pupilId, status]) => ({ pupilId, status }));
	if (changed.length) await markAttendance(session, changed, by, roster);
	return changed.length;
}

// ——— completion on paper ———

export interface CompletionRow {
	id: number;
	name: string;
	state: CompletionState;
	label: string;
}

export async function completionView(
	session: ClassSessionInfo,
	lesson: Lesson
): Promise<{ rows: CompletionRow[] }> {
	const roster = await sessionRoster(session);
	const completion = await lessonCompletion(
		roster.map((r) => r.pupilId),
		lesson
	);
	return {
		rows: roster.map((r) => {
			const state = completion.get(r.pupilId)?.state ?? 'not-started';
			return { id: r.pupilId, name: r.name, state, label: COMPLETION_LABELS[state] };
		})
	};
}

/**
 * The ticked pupils completed the lesson on paper; unticked ones that were marked on
 * paper are unmarked. Pupils who completed it in the app are left as they are.
 */
export async function savePaperCompletion(
	session: ClassSessionInfo,
	lesson: Lesson,
	ticked: Set<number>,
	by: StaffPrincipal
): Promise<{ marked: number; unmarked: number }> {
	const { rows } = await completionView(session, lesson);
	const onRoster = new Set(rows.map((r) => r.id));
	for (const id of ticked) {
		if (!onRoster.has(id)) throw new Refused('Some of those pupils are not in this lesson.');
	}
	const mark = rows
		.filter((r) => ticked.has(r.id) && r.state !== 'paper' && r.state !== 'completed')
		.map((r) => r.id);
	const unmark = rows.filter((r) => !ticked.has(r.id) && r.state === 'paper').map((r) => r.id);
	if (mark.length) await markPaperCompletion(mark, lesson.id, true, by);
	if (unmark.length) await markPaperCompletion(unmark, lesson.id, false, by);
	return { marked: mark.length, unmarked: unmark.length };
}
