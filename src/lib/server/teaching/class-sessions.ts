// Class sessions: a lesson delivered to a class, live (teacher-paced) or self-paced
// until a date; not a sign-in session (that is auth/session.ts). The data and its rules:
// what a teacher sees of one is in control-screen.ts, board-screen.ts and register-screen.ts,
// starting one from the teacher's form in lesson-choices.ts. The live state (step,
// reveal) is pushed to devices through live.ts. Refusals are thrown as Refused (refusal.ts).
import { recordAudit, staffActor, getDb, nowIso, publish, Refused } from '../platform';
import type { StaffPrincipal } from '../auth';
import { recordRevisions } from './lesson-revisions';
import type { ClassSession, SessionMode, SessionStatus } from '../platform';
import { getLesson, type Lesson } from '../lessons';
import type { LiveState } from '../../lesson-view';

export interface ClassSessionInfo {
	id: number;
	classId: number;
	schoolId: number;
	className: string;
	/** The class's join code, for the teacher's lobby and the board (never a pupil's view). */
	classCode: string;
	lessonId: string;
	lessonHash: string;
	mode: SessionMode;
	/** Effective status: a self-paced session past its closing time reads as ended. */
	status: SessionStatus;
	currentStep: number;
	revealedQuestion: string | null;
	closesAt: string | null;
	audience: 'class' | 'some';
	/** The run of the lesson with the class this session belongs to (see migration 012). */
	run: number;
	createdAt: string;
	startedAt: string | null;
	endedAt: string | null;
}

/** Shared with reports: the status a session has now, whatever its row still says. */
export function effectiveStatus(
	row: Pick<ClassSession, 'status' | 'mode' | 'closes_at'>,
	now: Date
): SessionStatus {
	if (
		row.status !== 'ended' &&
		row.mode === 'self' &&
		row.closes_at &&
		Date.parse(row.closes_at) <= now.getTime()
	) {
		return 'ended';
	}
	return row.status;
}

function classSessionQuery() {
	return getDb()
		.selectFrom('class_sessions as s')
		.innerJoin('classes as c', 'c.id', 's.class_id')
		.select([
			's.id',
			's.class_id',
			'c.school_id',
			'c.name as class_name',
			'c.code as class_code',
			's.lesson_id',
			's.lesson_hash',
			's.mode',
			's.status',
			's.current_step',
			's.revealed_question',
			's.closes_at',
			's.audience',
			's.run',
			's.created_at',
			's.started_at',
			's.ended_at'
		]);
}

type ClassSessionQueryRow = Awaited<
	ReturnType<ReturnType<typeof classSessionQuery>['executeTakeFirstOrThrow']>
>;

function toInfo(row: ClassSessionQueryRow, now = new Date()): ClassSessionInfo {
	return {
		id: row.id,
		classId: row.class_id,
		schoolId: row.school_id,
		className: row.class_name,
		classCode: row.class_code,
		lessonId: row.lesson_id,
		lessonHash: row.lesson_hash,
		mode: row.mode,
		status: effectiveStatus(row, now),
		currentStep: row.current_step,
		revealedQuestion: row.revealed_question,
		closesAt: row.closes_at,
		audience: row.audience,
		run: row.run,
		createdAt: row.created_at,
		startedAt: row.started_at,
		endedAt: row.ended_at
	};
}

export async function getClassSession(
	id: number,
	now = new Date()
): Promise<ClassSessionInfo | undefined> {
	if (!Number.isSafeInteger(id) || id <= 0) return undefined;
	const row = await classSessionQuery().where('s.id', '=', id).executeTakeFirst();
	return row && toInfo(row, now);
}

export async function listClassSessions(
	classId: number,
	now = new Date()
): Promise<ClassSessionInfo[]> {
	const rows = await classSessionQuery()
		.where('s.class_id', '=', classId)
		.orderBy('s.created_at', 'desc')
		.orderBy('s.id', 'desc')
		.execute();
	return rows.map((r) => toInfo(r, now));
}

export async function liveSessionOfClass(classId: number): Promise<ClassSessionInfo | undefined> {
	const row = await classSessionQuery()
		.where('s.class_id', '=', classId)
		.where('s.mode', '=', 'live')
		.where('s.status', '<>', 'ended')
		.executeTakeFirst();
	return row && toInfo(row);
}

/** Sessions a pupil can be in now: their class's, open, and meant for them. */
export async function openClassSessionsForPupil(
	pupil: { id: number; classId: number },
	now = new Date()
): Promise<ClassSessionInfo[]> {
	const rows = await classSessionQuery()
		.where('s.class_id', '=', pupil.classId)
		.where('s.status', '<>', 'ended')
		.where((eb) =>
			eb.or([
				eb('s.audience', '=', 'class'),
				eb.exists(
					eb
						.selectFrom('class_session_pupils as a')
						.select('a.pupil_id')
						.whereRef('a.session_id', '=', 's.id')
						.where('a.pupil_id', '=', pupil.id)
				)
			])
		)
		.orderBy('s.mode')
		.orderBy('s.created_at', 'desc')
		.execute();
	return rows.map((r) => toInfo(r, now)).filter((s) => s.status !== 'ended');
}

export async function isInAudience(session: ClassSessionInfo, pupilId: number): Promise<boolean> {
	if (session.audience === 'class') return true;
	const row = await getDb()
		.selectFrom('class_session_pupils')
		.select('pupil_id')
		.where('session_id', '=', session.id)
		.where('pupil_id', '=', pupilId)
		.executeTakeFirst();
	return !!row;
}

export interface NewClassSession {
	classId: number;
	lessonId: string;
	mode: SessionMode;
	/** Self-paced: the last day it is open (YYYY-MM-DD), inclusive. */
	openUntil?: string;
	/** A catch-up for these pupils only. */
	pupilIds?: number[];
	/**
	 * A fresh run: pupils answer every question again. Otherwise the session carries on the
	 * class's latest run of the lesson (a catch-up, a self-paced reopening), keeping answers.
	 */
	fresh?: boolean;
}

/** The end of a day in the UK: a session "open until 5 Dec" closes at midnight that night. */
export function closingTime(day: string): string {
	const [y, m, d] = day.split('-').map(Number);
	// Europe/London is UTC+0 or +1; closing at 23:59 UTC keeps the whole UK school day open.
	return new Date(Date.UTC(y, m - 1, d, 23, 59, 59)).toISOString();
}

/**
 * Writes a new class session under the data's rules (one live session per class; one
 * whole-class self-paced session of a lesson open at a time). startClassSession, in
 * lesson-choices.ts, checks the teacher's form and the class's history first.
 */
export async function createClassSession(
	input: NewClassSession,
	by: StaffPrincipal,
	now = new Date()
): Promise<number> {
	const lesson = getLesson(input.lessonId);
	if (!lesson)
		throw new Refused('That lesson is not in the library (or has problems to fix first).');
	if (input.mode === 'self' && lesson.delivery === 'teacher-led')
		throw new Refused(
			'This lesson is taught live, with you in the room: start it live, not at their own pace.'
		);
	let closesAt: string | null = null;
	if (input.mode === 'self') {
		if (
			!input.openUntil ||
			!/^\d{4}-\d{2}-\d{2}$/.test(input.openUntil) ||
			Number.isNaN(Date.parse(input.openUntil))
		) {
			throw new Refused('Choose the last day pupils can work on it.');
		}
		closesAt = closingTime(input.openUntil);
		if (Date.parse(closesAt) <= now.getTime())
			throw new Refused('Choose a day from today onwards.');
	}
	const pupilIds = [...new Set(input.pupilIds ?? [])];
	// The revision this session runs is kept before the session names it.
	await recordRevisions([lesson]);
	return getDb()
		.transaction()
		.execute(async (trx) => {
			// Checked inside the transaction; the partial unique index (migration 004) backs it up.
			if (input.mode === 'live') {
				const live = await trx
					.selectFrom('class_sessions')
					.select('id')
					.where('class_id', '=', input.classId)
					.where('mode', '=', 'live')
					.where('status', '<>', 'ended')
					.executeTakeFirst();
				if (live) {
					throw new Refused(
						'This class already has a live lesson running. End it before starting another.'
					);
				}
			}
			// One self-paced session of a lesson open to the whole class at a time: a second
			// would give every pupil two identical cards. Starting it again opens the same one,
			// kept open until the later of the two days.
			if (input.mode === 'self' && pupilIds.length === 0) {
				const open = await trx
					.selectFrom('class_sessions')
					.select(['id', 'closes_at'])
					.where('class_id', '=', input.classId)
					.where('lesson_id', '=', lesson.id)
					.where('mode', '=', 'self')
					.where('audience', '=', 'class')
					.where('status', '<>', 'ended')
					.where('closes_at', '>', now.toISOString())
					.orderBy('id')
					.executeTakeFirst();
				if (open) {
					if (closesAt && closesAt > open.closes_at!)
						await trx
							.updateTable('class_sessions')
							.set({ closes_at: closesAt })
							.where('id', '=', open.id)
							.execute();
					return open.id;
				}
			}
			if (pupilIds.length) {
				const inClass = await trx
					.selectFrom('pupils')
					.select('id')
					.where('class_id', '=', input.classId)
					.where('id', 'in', pupilIds)
					.where('archived_at', 'is', null)
					.execute();
				if (inClass.length !== pupilIds.length)
					throw new Refused('Some of those pupils are not in this class.');
			}
			const at = now.toISOString();
			const latest = await trx
				.selectFrom('class_sessions')
				.select((eb) => eb.fn.max('run').as('run'))
				.where('class_id', '=', input.classId)
				.where('lesson_id', '=', lesson.id)
				.executeTakeFirst();
			const { id } = await trx
				.insertInto('class_sessions')
				.values({
					class_id: input.classId,
					lesson_id: lesson.id,
					lesson_hash: lesson.hash,
					mode: input.mode,
					status: input.mode === 'live' ? 'lobby' : 'running',
					current_step: -1,
					closes_at: closesAt,
					started_by: by.id,
					created_at: at,
					started_at: input.mode === 'self' ? at : null,
					audience: pupilIds.length ? 'some' : 'class',
					run: latest?.run ?? 0
				})
				.returning('id')
				.executeTakeFirstOrThrow();
			// A fresh run is named by its first session (only a class that has had the lesson
			// has a run to leave behind).
			if (input.fresh && latest?.run !== null && latest?.run !== undefined)
				await trx.updateTable('class_sessions').set({ run: id }).where('id', '=', id).execute();
			if (pupilIds.length) {
				await trx
					.insertInto('class_session_pupils')
					.values(pupilIds.map((p) => ({ session_id: id, pupil_id: p })))
					.execute();
			}
			await recordAudit(
				{
					actor: staffActor(by),
					action: 'session.started',
					target: { type: 'session', id },
					detail: {
						lesson: lesson.id,
						mode: input.mode,
						catchUp: pupilIds.length > 0,
						...(input.fresh ? { fresh: true } : {})
					}
				},
				trx
			);
			return id;
		});
}

export function liveState(session: ClassSessionInfo, lesson: Lesson | undefined): LiveState {
	return {
		sessionId: session.id,
		status: session.status,
		currentStep: session.currentStep,
		stepCount: lesson?.steps.length ?? 0,
		revealedQuestion: session.revealedQuestion
	};
}

/** Tells every device the session's new state, from what the caller just wrote (no re-read). */
function publishState(session: ClassSessionInfo, change: Partial<ClassSessionInfo>): LiveState {
	const state = liveState({ ...session, ...change }, getLesson(session.lessonId));
	publish(session.id, 'state', state);
	return state;
}

/** Teacher's next/previous/go-to. -1 is the start (lobby and knowledge check). */
export async function setLiveStep(session: ClassSessionInfo, step: number): Promise<LiveState> {
	const lesson = getLesson(session.lessonId);
	if (!lesson) throw new Refused('This lesson is no longer in the library.');
	if (session.mode !== 'live' || session.status === 'ended')
		throw new Refused('This session has ended.');
	const target = Math.max(-1, Math.min(step, lesson.steps.length - 1));
	const starts = session.status === 'lobby' && target >= 0;
	await getDb()
		.updateTable('class_sessions')
		.set({
			current_step: target,
			revealed_question: null,
			...(starts ? { status: 'running' as const, started_at: nowIso() } : {})
		})
		.where('id', '=', session.id)
		.execute();
	return publishState(session, {
		currentStep: target,
		revealedQuestion: null,
		...(starts ? { status: 'running' as const } : {})
	});
}

export async function revealQuestion(
	session: ClassSessionInfo,
	questionId: string | null
): Promise<LiveState> {
	if (session.status === 'ended') throw new Refused('This session has ended.');
	const lesson = getLesson(session.lessonId);
	if (questionId && !lesson?.questions.some((q) => q.id === questionId)) {
		throw new Refused('That question is not in this lesson.');
	}
	await getDb()
		.updateTable('class_sessions')
		.set({ revealed_question: questionId })
		.where('id', '=', session.id)
		.execute();
	return publishState(session, { revealedQuestion: questionId });
}

export async function endClassSession(
	session: ClassSessionInfo,
	by: StaffPrincipal
): Promise<void> {
	if (session.status === 'ended') return;
	await getDb()
		.transaction()
		.execute(async (trx) => {
			await trx
				.updateTable('class_sessions')
				.set({ status: 'ended', ended_at: nowIso() })
				.where('id', '=', session.id)
				.execute();
			await recordAudit(
				{
					actor: staffActor(by),
					action: 'session.ended',
					target: { type: 'session', id: session.id }
				},
				trx
			);
		});
	publishState(session, { status: 'ended' });
}
