// What a teacher may start with a class, and starting it: the lesson choices and the
// "Next lesson" panel, the start form's rules, a lesson run again with everyone or as a
// catch-up for the pupils who missed it, and the list of the class's sessions. Routes ask
// access.ts first, then call here.
import { z } from 'zod';
import { STRAND_NAMES } from '../../lesson-view';
import type { StaffPrincipal } from '../auth';
import { getClass } from '../people';
import {
	getDb,
	Refused,
	addDays,
	formatDay,
	formatWhenUk,
	isIsoDate,
	londonDay
} from '../platform';
import type { SessionMode } from '../platform';
import {
	createClassSession,
	listClassSessions,
	liveSessionOfClass,
	type ClassSessionInfo,
	attendanceCounts
} from '../teaching';
import { statusLabel } from './class-session-labels';
import { getLesson, getLibrary, type Lesson } from '../lessons';
import { classReport } from '../reports';

export interface LessonChoice {
	id: string;
	title: string;
	summary: string;
	minutes: number;
	strand: string;
	/** This class and the lesson: never, open now, or done (with when). */
	withClass: 'never' | 'open' | 'done';
	withClassLabel: string;
}

/** What the "start a lesson" page says of any lesson, with the strand's name in words. */
function lessonBasics(lesson: Lesson) {
	return {
		id: lesson.id,
		title: lesson.title,
		summary: lesson.summary,
		minutes: lesson.minutes,
		strand: STRAND_NAMES[lesson.strand] ?? lesson.strand,
		/** Only ever live with the teacher in the room: no self-paced choice, live catch-ups. */
		liveOnly: lesson.delivery === 'teacher-led'
	};
}

export async function lessonChoices(classId: number, now = new Date()): Promise<LessonChoice[]> {
	const sessions = await listClassSessions(classId, now);
	return getLibrary().lessons.map((lesson) => {
		const mine = sessions.filter((s) => s.lessonId === lesson.id);
		const open = mine.find((s) => s.status !== 'ended');
		const done = mine.find((s) => s.status === 'ended');
		let withClass: LessonChoice['withClass'] = 'never';
		let withClassLabel = 'Not yet';
		if (open) {
			withClass = 'open';
			withClassLabel = open.mode === 'live' ? 'Live now' : statusLabel(open);
		} else if (done) {
			withClass = 'done';
			withClassLabel = `Done ${formatDay((done.endedAt ?? done.closesAt ?? done.createdAt).slice(0, 10))}`;
		}
		return { ...lessonBasics(lesson), withClass, withClassLabel };
	});
}

/** The lesson chosen on the "start a lesson" page, with what the teacher must read first. */
export function lessonToStart(lessonId: string | null) {
	const lesson = lessonId ? getLesson(lessonId) : undefined;
	if (!lesson) return null;
	return {
		...lessonBasics(lesson),
		steps: lesson.steps.length,
		safeguardingHtml: lesson.safeguardingHtml ?? null
	};
}

/** The class's live session, if one is running: a class has at most one. */
export async function liveSessionSummary(classId: number) {
	const live = await liveSessionOfClass(classId);
	if (!live) return null;
	return { id: live.id, lessonTitle: getLesson(live.lessonId)?.title ?? live.lessonId };
}

export interface NextLesson {
	/** The first lesson of the programme the class has not had, ready to start live. */
	next: NonNullable<ReturnType<typeof lessonToStart>> | null;
	/** The class's live lesson, if one is on: the panel offers to go back to it instead. */
	live: Awaited<ReturnType<typeof liveSessionSummary>>;
	/** Every lesson of the programme has been had (or is open) with the class. */
	allHad: boolean;
}

/** What the class page's "Next lesson" panel offers. */
export async function nextLessonFor(classId: number, now = new Date()): Promise<NextLesson> {
	const [choices, live] = await Promise.all([
		lessonChoices(classId, now),
		liveSessionSummary(classId)
	]);
	const first = choices.find((c) => c.withClass === 'never');
	return {
		next: first ? lessonToStart(first.id) : null,
		live,
		allHad: choices.length > 0 && !first
	};
}

export function startClassSessionSchema(now = new Date()) {
	const today = londonDay(now);
	const latest = addDays(today, 366);
	return z
		.object({
			lessonId: z.string().trim().min(1, 'Choose a lesson.').max(60, 'Choose a lesson.'),
			mode: z.enum(['live', 'self'], { error: 'Choose live or at their own pace.' }),
			openUntil: z.string().trim().optional().default(''),
			safeguarding: z.string().optional(),
			/** "yes" once the teacher has seen that the class has done this lesson. */
			again: z.string().optional()
		})
		.superRefine((value, ctx) => {
			const lesson = getLesson(value.lessonId);
			if (!lesson) {
				ctx.addIssue({
					code: 'custom',
					path: ['lessonId'],
					message: 'That lesson is not in the library (or has problems to fix first).'
				});
				return;
			}
			if (lesson.safeguardingHtml && value.safeguarding !== 'yes') {
				ctx.addIssue({
					code: 'custom',
					path: ['safeguarding'],
					message: 'Tick the box to confirm you have read the safeguarding note.'
				});
			}
			if (value.mode !== 'self') return;
			if (!isIsoDate(value.openUntil)) {
				ctx.addIssue({
					code: 'custom',
					path: ['openUntil'],
					message: 'Give the last day pupils can work on it.'
				});
			} else if (value.openUntil < today) {
				ctx.addIssue({
					code: 'custom',
					path: ['openUntil'],
					message: 'Choose today or a later day.'
				});
			} else if (value.openUntil > latest) {
				ctx.addIssue({
					code: 'custom',
					path: ['openUntil'],
					message: 'Choose a day within the next year.'
				});
			}
		});
}

export type StartClassSessionForm = z.infer<ReturnType<typeof startClassSessionSchema>>;

async function assertClassTakesLessons(classId: number): Promise<void> {
	const cls = await getClass(classId);
	if (!cls) throw new Refused('There is no such class.');
	if (cls.archived)
		throw new Refused('This class is archived. Restore it before starting a lesson.');
}

/** Starts a session from the checked form; throws Refused with a message to show. */
export async function startClassSession(
	staff: StaffPrincipal,
	classId: number,
	form: StartClassSessionForm,
	now = new Date()
): Promise<number> {
	await assertClassTakesLessons(classId);
	const history = await lessonHistory(classId, form.lessonId, now);
	if (history.doneOn && form.again !== 'yes') throw new Refused(rerunWarning(history));
	// "One live session per class" is held by createClassSession's transaction and a unique index.
	return createClassSession(
		{
			classId,
			lessonId: form.lessonId,
			mode: form.mode,
			openUntil: form.mode === 'self' ? form.openUntil : undefined,
			// Run again with the whole class: a fresh run, every question answered anew.
			fresh: history.doneOn !== null
		},
		staff,
		now
	);
}

export interface LessonHistory {
	lessonId: string;
	title: string;
	/** When the class last had the lesson ("Thu 5 Dec 2026"), or null if never. */
	doneOn: string | null;
	/** Pupils who have not completed it (the catch-up list). */
	notCompleted: number;
}

/** Whether the class has had this lesson, and how many pupils have not completed it. */
export async function lessonHistory(
	classId: number,
	lessonId: string,
	now = new Date()
): Promise<LessonHistory> {
	const lesson = getLesson(lessonId);
	const title = lesson?.title ?? lessonId;
	// Catch-ups (for some pupils) are not the class having the lesson; one still open is
	// refused by createClassSession for its own reason.
	const had = (await listClassSessions(classId, now)).filter(
		(s) => s.lessonId === lessonId && s.audience === 'class' && s.status === 'ended'
	);
	if (!lesson || had.length === 0) return { lessonId, title, doneOn: null, notCompleted: 0 };
	const last = had[0];
	const report = await classReport(classId, [lesson]);
	return {
		lessonId,
		title,
		doneOn: formatDay((last.endedAt ?? last.startedAt ?? last.createdAt).slice(0, 10)),
		notCompleted: report.catchUp.find((c) => c.lessonId === lessonId)?.pupils.length ?? 0
	};
}

export function rerunWarning(history: LessonHistory): string {
	return (
		`This class had ${history.title} on ${history.doneOn}. ` +
		'Choose to run it again with everyone, or a catch-up for the pupils who have not completed it.'
	);
}

/**
 * A self-paced catch-up for exactly the pupils of the class report's catch-up list for
 * this lesson (worked out here, never taken from the form), open until `openUntil` (a
 * day the teacher chose, from today) or for a week. The teacher
 * has delivered the lesson to the class already, so its safeguarding note was read then.
 * Pressing the button twice opens the same session, not a second one.
 */
export async function startCatchUp(
	staff: StaffPrincipal,
	classId: number,
	lessonId: string,
	now = new Date(),
	openUntil?: string
): Promise<number> {
	await assertClassTakesLessons(classId);
	if (openUntil !== undefined && (!isIsoDate(openUntil) || openUntil < londonDay(now)))
		throw new Refused('Choose today or a later day.');
	const lesson = getLibrary().lessons.find((l) => l.id === lessonId);
	if (!lesson)
		throw new Refused('That lesson is not in the library (or has problems to fix first).');
	// The report of this one lesson: its catch-up list is the same as in the whole report.
	const report = await classReport(classId, [lesson]);
	const missed = report.catchUp.find((c) => c.lessonId === lessonId);
	if (!missed || missed.pupils.length === 0)
		throw new Refused('Everyone in the class has now done this lesson.');
	const pupilIds = missed.pupils.map((p) => p.pupilId).sort((a, b) => a - b);
	// A teacher-led lesson's catch-up is a live session for the group, like the lesson was.
	const mode = lesson.delivery === 'teacher-led' ? 'live' : 'self';
	const open = await openCatchUpFor(classId, lessonId, mode, pupilIds, now);
	if (open !== undefined) return open;
	return createClassSession(
		{
			classId,
			lessonId,
			mode,
			openUntil: mode === 'self' ? (openUntil ?? addDays(londonDay(now), 7)) : undefined,
			pupilIds
		},
		staff,
		now
	);
}

async function openCatchUpFor(
	classId: number,
	lessonId: string,
	mode: SessionMode,
	pupilIds: number[],
	now: Date
): Promise<number | undefined> {
	// One read of every open catch-up's audience, compared as sorted lists of ids.
	let query = getDb()
		.selectFrom('class_sessions as s')
		.innerJoin('class_session_pupils as a', 'a.session_id', 's.id')
		.select(['s.id', 'a.pupil_id'])
		.where('s.class_id', '=', classId)
		.where('s.lesson_id', '=', lessonId)
		.where('s.mode', '=', mode)
		.where('s.audience', '=', 'some')
		.where('s.status', '<>', 'ended');
	if (mode === 'self') query = query.where('s.closes_at', '>', now.toISOString());
	const rows = await query.orderBy('s.id').orderBy('a.pupil_id').execute();
	const audiences = new Map<number, number[]>();
	for (const r of rows) audiences.set(r.id, [...(audiences.get(r.id) ?? []), r.pupil_id]);
	const wanted = pupilIds.join();
	return [...audiences].find(([, ids]) => ids.join() === wanted)?.[0];
}

// ——— the class's sessions ———

export interface ClassSessionListRow {
	id: number;
	lessonTitle: string;
	mode: 'live' | 'self';
	modeLabel: string;
	status: ClassSessionInfo['status'];
	statusLabel: string;
	date: string;
	present: number;
	absent: number;
}

export async function classSessionRows(
	classId: number,
	now = new Date()
): Promise<ClassSessionListRow[]> {
	const sessions = await listClassSessions(classId, now);
	const counts = await attendanceCounts(sessions.map((s) => s.id));
	return sessions.map((s) => ({
		id: s.id,
		lessonTitle: getLesson(s.lessonId)?.title ?? s.lessonId,
		mode: s.mode,
		modeLabel: s.mode === 'live' ? 'Live' : 'At their own pace',
		status: s.status,
		statusLabel: statusLabel(s),
		date: formatWhenUk(s.startedAt ?? s.createdAt),
		present: counts.get(s.id)?.present ?? 0,
		absent: counts.get(s.id)?.absent ?? 0
	}));
}
