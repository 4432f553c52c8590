// Where each pupil is in a session and who was there. Whether they completed a lesson is
// the one rule of completion.ts, worked out from their facts in reports/pupil-completion.ts.
import { recordAudit, staffActor, getDb, nowIso, publish } from '../platform';
import type { StaffPrincipal } from '../auth';
import type { AttendanceStatus } from '../platform';
import type { ClassSessionInfo } from './class-sessions';
import type { Lesson } from '../lessons';

export interface PupilProgress {
	currentStep: number;
	furthestStep: number;
	reachedEnd: boolean;
}

export async function getProgress(sessionId: number, pupilId: number): Promise<PupilProgress> {
	const row = await getDb()
		.selectFrom('progress')
		.select(['current_step', 'furthest_step', 'reached_end'])
		.where('session_id', '=', sessionId)
		.where('pupil_id', '=', pupilId)
		.executeTakeFirst();
	return row
		? {
				currentStep: row.current_step,
				furthestStep: row.furthest_step,
				reachedEnd: row.reached_end === 1
			}
		: { currentStep: -1, furthestStep: -1, reachedEnd: false };
}

/**
 * Whether the pupil has seen a step of the lesson in any session of this run of it (a fresh
 * run starts before the lesson again, knowledge check and all).
 */
export async function hasSeenLesson(
	pupilId: number,
	lessonId: string,
	run: number
): Promise<boolean> {
	const row = await getDb()
		.selectFrom('progress as g')
		.innerJoin('class_sessions as s', 's.id', 'g.session_id')
		.select('g.session_id')
		.where('g.pupil_id', '=', pupilId)
		.where('g.lesson_id', '=', lessonId)
		.where('s.run', '=', run)
		.where('g.furthest_step', '>=', 0)
		.executeTakeFirst();
	return row !== undefined;
}

/**
 * A pupil opened the session: they are present (staff never are), in one transaction
 * with their progress row.
 */
export async function joinSession(session: ClassSessionInfo, pupilId: number): Promise<void> {
	const at = nowIso();
	const db = getDb();
	const existing = await db
		.selectFrom('attendance')
		.select(['status', 'source'])
		.where('session_id', '=', session.id)
		.where('pupil_id', '=', pupilId)
		.executeTakeFirst();
	if (existing?.status === 'present') return;
	await db.transaction().execute(async (trx) => {
		await trx
			.insertInto('attendance')
			.values({
				session_id: session.id,
				pupil_id: pupilId,
				status: 'present',
				source: 'joined',
				marked_by: null,
				updated_at: at
			})
			.onConflict((oc) =>
				oc
					.columns(['session_id', 'pupil_id'])
					.doUpdateSet({ status: 'present', source: 'joined', marked_by: null, updated_at: at })
			)
			.execute();
		await trx
			.insertInto('progress')
			.values({
				session_id: session.id,
				pupil_id: pupilId,
				lesson_id: session.lessonId,
				current_step: -1,
				furthest_step: -1,
				reached_end: 0,
				updated_at: at
			})
			.onConflict((oc) => oc.columns(['session_id', 'pupil_id']).doNothing())
			.execute();
	});
	publish(session.id, 'joined', { count: 1 }, 'staff');
}

/**
 * The pupil is looking at `step` (live: the teacher's step; self-paced: their own).
 * `before` is their progress when the caller has just read it, so it is not read twice.
 */
export async function recordStep(
	session: ClassSessionInfo,
	lesson: Lesson,
	pupilId: number,
	step: number,
	before?: PupilProgress
): Promise<PupilProgress> {
	const last = lesson.steps.length - 1;
	const target = Math.max(-1, Math.min(step, last));
	before ??= await getProgress(session.id, pupilId);
	const next: PupilProgress = {
		currentStep: target,
		furthestStep: Math.max(before.furthestStep, target),
		reachedEnd: before.reachedEnd || target === last
	};
	if (
		next.currentStep === before.currentStep &&
		next.furthestStep === before.furthestStep &&
		next.reachedEnd === before.reachedEnd
	) {
		return next;
	}
	const at = nowIso();
	await getDb()
		.insertInto('progress')
		.values({
			session_id: session.id,
			pupil_id: pupilId,
			lesson_id: session.lessonId,
			current_step: next.currentStep,
			furthest_step: next.furthestStep,
			reached_end: next.reachedEnd ? 1 : 0,
			updated_at: at
		})
		.onConflict((oc) =>
			oc.columns(['session_id', 'pupil_id']).doUpdateSet({
				current_step: next.currentStep,
				furthest_step: next.furthestStep,
				reached_end: next.reachedEnd ? 1 : 0,
				updated_at: at
			})
		)
		.execute();
	if (next.furthestStep !== before.furthestStep) publish(session.id, 'progress', {}, 'staff');
	return next;
}

// ——— attendance ———

export interface AttendanceRow {
	pupilId: number;
	name: string;
	status: AttendanceStatus | null;
	source: 'joined' | 'teacher' | null;
	furthestStep: number;
	reachedEnd: boolean;
}

/** Pupils the session is for (the class, or the catch-up list), with attendance and progress. */
export async function sessionRoster(session: ClassSessionInfo): Promise<AttendanceRow[]> {
	const db = getDb();
	let pupils = db
		.selectFrom('pupils as p')
		.leftJoin('attendance as a', (j) =>
			j.onRef('a.pupil_id', '=', 'p.id').on('a.session_id', '=', session.id)
		)
		.leftJoin('progress as g', (j) =>
			j.onRef('g.pupil_id', '=', 'p.id').on('g.session_id', '=', session.id)
		)
		.select([
			'p.id',
			'p.first_name',
			'p.last_initial',
			'p.archived_at',
			'a.status',
			'a.source',
			'g.furthest_step',
			'g.reached_end'
		])
		.where('p.class_id', '=', session.classId)
		.where('p.records_deleted_at', 'is', null)
		.orderBy('p.first_name')
		.orderBy('p.last_initial');
	if (session.audience === 'some') {
		pupils = pupils.where(
			'p.id',
			'in',
			db.selectFrom('class_session_pupils').select('pupil_id').where('session_id', '=', session.id)
		);
	}
	const rows = await pupils.execute();
	return (
		rows
			// Archived pupils stay on the roster only if they had a mark in this session.
			.filter((r) => r.archived_at === null || r.status !== null)
			.map((r) => ({
				pupilId: r.id,
				name: `${r.first_name} ${r.last_initial}.`,
				status: r.status,
				source: r.source,
				furthestStep: r.furthest_step ?? -1,
				reachedEnd: r.reached_end === 1
			}))
	);
}

/** `roster` is the session's roster when the caller has just read it, so it is not read twice. */
export async function markAttendance(
	session: ClassSessionInfo,
	marks: { pupilId: number; status: AttendanceStatus }[],
	by: StaffPrincipal,
	roster?: AttendanceRow[]
): Promise<void> {
	const onRoster = new Set((roster ?? (await sessionRoster(session))).map((r) => r.pupilId));
	const unknown = marks.filter((m) => !onRoster.has(m.pupilId));
	if (unknown.length) throw new Error('Some of those pupils are not in this session.');
	const at = nowIso();
	await getDb()
		.transaction()
		.execute(async (trx) => {
			for (const mark of marks) {
				await trx
					.insertInto('attendance')
					.values({
						session_id: session.id,
						pupil_id: mark.pupilId,
						status: mark.status,
						source: 'teacher',
						marked_by: by.id,
						updated_at: at
					})
					.onConflict((oc) =>
						oc.columns(['session_id', 'pupil_id']).doUpdateSet({
							status: mark.status,
							source: 'teacher',
							marked_by: by.id,
							updated_at: at
						})
					)
					.execute();
			}
			await recordAudit(
				{
					actor: staffActor(by),
					action: 'attendance.marked',
					target: { type: 'session', id: session.id },
					detail: {
						present: marks.filter((m) => m.status === 'present').length,
						absent: marks.filter((m) => m.status === 'absent').length
					}
				},
				trx
			);
		});
}

/** "Mark everyone else absent": every pupil without a mark yet. */
export async function markRestAbsent(
	session: ClassSessionInfo,
	by: StaffPrincipal
): Promise<number> {
	const roster = await sessionRoster(session);
	const rest = roster.filter((r) => r.status === null);
	if (rest.length)
		await markAttendance(
			session,
			rest.map((r) => ({ pupilId: r.pupilId, status: 'absent' as const })),
			by,
			roster
		);
	return rest.length;
}

// ——— completion ———

export async function markPaperCompletion(
	pupilIds: number[],
	lessonId: string,
	done: boolean,
	by: StaffPrincipal
): Promise<void> {
	const at = nowIso();
	await getDb()
		.transaction()
		.execute(async (trx) => {
			for (const pupilId of pupilIds) {
				if (done) {
					await trx
						.insertInto('paper_completions')
						.values({ pupil_id: pupilId, lesson_id: lessonId, marked_by: by.id, marked_at: at })
						.onConflict((oc) => oc.columns(['pupil_id', 'lesson_id']).doNothing())
						.execute();
				} else {
					await trx
						.deleteFrom('paper_completions')
						.where('pupil_id', '=', pupilId)
						.where('lesson_id', '=', lessonId)
						.execute();
				}
			}
			await recordAudit(
				{
					actor: staffActor(by),
					action: done ? 'completion.paper_marked' : 'completion.paper_unmarked',
					detail: { lesson: lessonId, pupils: pupilIds.length }
				},
				trx
			);
		});
}

export type { CompletionState } from './completion';

/** Present and absent marks per session, for lists of sessions (counts only, no names). */
export async function attendanceCounts(
	sessionIds: number[]
): Promise<Map<number, { present: number; absent: number }>> {
	const result = new Map<number, { present: number; absent: number }>();
	for (const id of sessionIds) result.set(id, { present: 0, absent: 0 });
	if (sessionIds.length === 0) return result;
	const rows = await getDb()
		.selectFrom('attendance')
		.select((eb) => ['session_id', 'status', eb.fn.countAll<number>().as('n')])
		.where('session_id', 'in', sessionIds)
		.groupBy(['session_id', 'status'])
		.execute();
	for (const row of rows) {
		const counts = result.get(row.session_id);
		if (counts) counts[row.status] = Number(row.n);
	}
	return result;
}
