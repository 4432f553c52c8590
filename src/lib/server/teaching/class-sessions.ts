// Class sessions: a lesson delivered to a class, live (teacher-paced) or self-paced
// until a date; not a sign-in session (that is auth/session.ts). The record and reading it:
// starting one is class-session-start.ts, moving a live one on and ending it live-state.ts.
// What a teacher sees of one is in screens (control, board, register).
import { compiledOnce, getDb } from '../platform';
import type { ClassSession, SessionMode, SessionStatus } from '../platform';

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
	const [row] = await classSessionById([id]);
	return row && toInfo(row, now);
}

/** Read on every answer (access.ts's check), so compiled once. */
const classSessionById = compiledOnce(() => classSessionQuery().where('s.id', '=', 0));

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
