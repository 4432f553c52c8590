// The teacher's side of class sessions: starting one, the control view, the board,
// attendance and completion on paper. Routes ask access.ts first, then call here.
// Pupil names appear only in views for the teacher's own device, never in boardView.
import { formatWhenUk } from '../uk-time';
import QRCode from 'qrcode';
import { z } from 'zod';
import { STRAND_NAMES, type PupilStep } from '../lesson-view';
import { sessionResults, type QuestionTally } from './answers';
import type { StaffPrincipal } from './auth/session';
import { getClass } from './classes';
import { getDb } from './db';
import type { AttendanceStatus, Phase, SessionMode } from './db/schema';
import {
	listSessionsForClass,
	liveSessionOfClass,
	revealQuestion,
	SessionRefused,
	startSession,
	type SessionInfo
} from './deliveries';
import { checkQuestions, getLesson, getLibrary, toPupilStep, type Lesson } from './lessons';
import {
	attendanceCounts,
	lessonCompletion,
	markAttendance,
	markPaperCompletion,
	sessionRoster,
	type AttendanceRow,
	type CompletionState
} from './progress';
import { classReport } from './reports';
import { lessonOfSession } from './lesson-revisions';

/** What every session page's load depends on, so that live events can re-run it. */
export const LIVE_DEPENDENCY = 'session:live';

// ——— dates (UK school days) ———

const LONDON = 'Europe/London';
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Today's date in the UK, `YYYY-MM-DD`. */
export function londonDay(now = new Date()): string {
	// en-CA writes dates as YYYY-MM-DD.
	return new Intl.DateTimeFormat('en-CA', {
		timeZone: LONDON,
		year: 'numeric',
		month: '2-digit',
		day: '2-digit'
	}).format(now);
}

export function addDays(day: string, days: number): string {
	const [y, m, d] = day.split('-').map(Number);
	return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function isRealDay(day: string): boolean {
	return DAY.test(day) && addDays(day, 0) === day;
}

/** "Thu 5 Dec 2026" for a `YYYY-MM-DD` day. */
export function formatDay(day: string): string {
	return new Intl.DateTimeFormat('en-GB', {
		timeZone: 'UTC',
		weekday: 'short',
		day: 'numeric',
		month: 'short',
		year: 'numeric'
	}).format(new Date(`${day}T12:00:00Z`));
}

/** "Thu 5 Dec 2026, 10:15" in UK time, for a timestamp. */
export const formatWhen = formatWhenUk;

/** The day a self-paced session is open until: closingTime() keeps it as the UTC date. */
function openUntilDay(session: SessionInfo): string | null {
	return session.closesAt ? session.closesAt.slice(0, 10) : null;
}

// ——— labels ———

export function statusLabel(session: SessionInfo): string {
	if (session.status === 'ended') return 'Ended';
	if (session.mode === 'self') {
		const day = openUntilDay(session);
		return day ? `Open until ${formatDay(day)}` : 'Open';
	}
	return session.status === 'lobby' ? 'Waiting to start' : 'Running now';
}

export const COMPLETION_LABELS: Record<CompletionState, string> = {
	'not-started': 'Not started',
	started: 'Started',
	completed: 'Completed',
	paper: 'Completed on paper'
};

function stepLabel(step: number, stepCount: number, reachedEnd = false): string {
	if (reachedEnd) return 'Reached the end';
	if (step < 0) return 'Not started';
	return `Step ${step + 1} of ${stepCount}`;
}

// ——— starting a session ———

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
	const sessions = await listSessionsForClass(classId, now);
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

export function startSessionSchema(now = new Date()) {
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
			if (!isRealDay(value.openUntil)) {
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

export type StartSessionForm = z.infer<ReturnType<typeof startSessionSchema>>;

async function assertClassTakesLessons(classId: number): Promise<void> {
	const cls = await getClass(classId);
	if (!cls) throw new SessionRefused('There is no such class.');
	if (cls.archived)
		throw new SessionRefused('This class is archived. Restore it before starting a lesson.');
}

/** Starts a session from the checked form; throws SessionRefused with a message to show. */
export async function startClassSession(
	staff: StaffPrincipal,
	classId: number,
	form: StartSessionForm,
	now = new Date()
): Promise<number> {
	await assertClassTakesLessons(classId);
	const history = await lessonHistory(classId, form.lessonId, now);
	if (history.doneOn && form.again !== 'yes') throw new SessionRefused(rerunWarning(history));
	// "One live session per class" is held by startSession's transaction and a unique index.
	return startSession(
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
	// refused by startSession for its own reason.
	const had = (await listSessionsForClass(classId, now)).filter(
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
	if (openUntil !== undefined && (!isRealDay(openUntil) || openUntil < londonDay(now)))
		throw new SessionRefused('Choose today or a later day.');
	const lesson = getLibrary().lessons.find((l) => l.id === lessonId);
	if (!lesson)
		throw new SessionRefused('That lesson is not in the library (or has problems to fix first).');
	// The report of this one lesson: its catch-up list is the same as in the whole report.
	const report = await classReport(classId, [lesson]);
	const missed = report.catchUp.find((c) => c.lessonId === lessonId);
	if (!missed || missed.pupils.length === 0)
		throw new SessionRefused('Everyone in the class has now done this lesson.');
	const pupilIds = missed.pupils.map((p) => p.pupilId).sort((a, b) => a - b);
	// A teacher-led lesson's catch-up is a live session for the group, like the lesson was.
	const mode = lesson.delivery === 'teacher-led' ? 'live' : 'self';
	const open = await openCatchUpFor(classId, lessonId, mode, pupilIds, now);
	if (open !== undefined) return open;
	return startSession(
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

export interface SessionRow {
	id: number;
	lessonTitle: string;
	mode: 'live' | 'self';
	modeLabel: string;
	status: SessionInfo['status'];
	statusLabel: string;
	date: string;
	present: number;
	absent: number;
}

export async function classSessionRows(classId: number, now = new Date()): Promise<SessionRow[]> {
	const sessions = await listSessionsForClass(classId, now);
	const counts = await attendanceCounts(sessions.map((s) => s.id));
	return sessions.map((s) => ({
		id: s.id,
		lessonTitle: getLesson(s.lessonId)?.title ?? s.lessonId,
		mode: s.mode,
		modeLabel: s.mode === 'live' ? 'Live' : 'At their own pace',
		status: s.status,
		statusLabel: statusLabel(s),
		date: formatWhen(s.startedAt ?? s.createdAt),
		present: counts.get(s.id)?.present ?? 0,
		absent: counts.get(s.id)?.absent ?? 0
	}));
}

// ——— the control view ———

export interface SessionHeader {
	id: number;
	classId: number;
	className: string;
	lessonId: string;
	lessonTitle: string;
	mode: 'live' | 'self';
	status: SessionInfo['status'];
	statusLabel: string;
	currentStep: number;
	stepCount: number;
	revealedQuestion: string | null;
	openUntil: string | null;
	started: string;
	ended: string | null;
}

export function sessionHeader(session: SessionInfo, lesson: Lesson | undefined): SessionHeader {
	const day = openUntilDay(session);
	return {
		id: session.id,
		classId: session.classId,
		className: session.className,
		lessonId: session.lessonId,
		lessonTitle: lesson?.title ?? session.lessonId,
		mode: session.mode,
		status: session.status,
		statusLabel: statusLabel(session),
		currentStep: session.currentStep,
		stepCount: lesson?.steps.length ?? 0,
		revealedQuestion: session.revealedQuestion,
		openUntil: day ? formatDay(day) : null,
		started: formatWhen(session.startedAt ?? session.createdAt),
		ended: session.endedAt ? formatWhen(session.endedAt) : null
	};
}

/** A question's class results as a chart: the key only once the teacher has revealed it. */
export interface ChartData {
	questionId: string;
	promptHtml: string;
	answered: number;
	scored: boolean;
	options: { html: string; count: number; correct: boolean }[];
}

function chartFor(lesson: Lesson, questionId: string, tally: QuestionTally[]): ChartData | null {
	const question = lesson.questions.find((q) => q.id === questionId);
	const counts = tally.find((t) => t.questionId === questionId);
	if (!question || !counts) return null;
	return {
		questionId,
		promptHtml: question.promptHtml,
		answered: counts.answered,
		scored: question.scored,
		options: question.options.map((o, i) => ({
			html: o.html,
			count: counts.counts[i] ?? 0,
			correct: question.scored && o.correct
		}))
	};
}

export interface QuestionStatus {
	id: string;
	promptHtml: string;
	answered: number;
	/** Pupils who are here (present), plus anyone who answered: the "of N". */
	expected: number;
	notAnswered: string[];
	revealed: boolean;
	chart: ChartData | null;
}

/** Questions shown on a step: the knowledge check at -1, else that step's quiz blocks. */
function questionsOnStep(lesson: Lesson, step: number): { ids: string[]; phase: Phase } {
	if (step < 0) return { ids: checkQuestions(lesson).map((q) => q.id), phase: 'pre' };
	const blocks = lesson.steps[step]?.blocks ?? [];
	return {
		ids: blocks.flatMap((b) => (b.kind === 'quiz' ? [b.questionId] : [])),
		phase: 'main'
	};
}

/**
 * The answers of the pupils here to the lesson, in this session or an earlier one of the same
 * run (a catch-up, a reopening). A pupil answers each question once a run (the first answer
 * stands), so a pupil finishing a lesson sees the answers they gave before: the teacher's
 * screen and the board count them too, so that what they show agrees with the pupils'
 * screens. A fresh run starts with none.
 */
export async function rosterResults(
	session: SessionInfo,
	lesson: Lesson,
	phase: Phase,
	roster: AttendanceRow[]
): Promise<{ tally: QuestionTally[]; answeredBy: Map<string, Set<number>> }> {
	// Pupils here now: an earlier answer of a pupil who is not here is on no screen today.
	const pupilIds = roster.filter((r) => r.status === 'present').map((r) => r.pupilId);
	if (pupilIds.length === 0) return sessionResults(session, lesson, phase);
	const rows = await getDb()
		.selectFrom('answers')
		.select(['question_id', 'pupil_id', 'selected', 'correct'])
		.where('lesson_id', '=', lesson.id)
		.where('phase', '=', phase)
		.where('run', '=', session.run)
		.where((eb) => eb.or([eb('session_id', '=', session.id), eb('pupil_id', 'in', pupilIds)]))
		.execute();
	const answeredBy = new Map<string, Set<number>>();
	const tally: QuestionTally[] = lesson.questions.map((q) => ({
		questionId: q.id,
		answered: 0,
		counts: q.options.map(() => 0),
		correct: 0
	}));
	const byId = new Map(tally.map((t) => [t.questionId, t]));
	for (const r of rows) {
		const t = byId.get(r.question_id);
		if (!t) continue;
		if (!answeredBy.has(r.question_id)) answeredBy.set(r.question_id, new Set());
		answeredBy.get(r.question_id)!.add(r.pupil_id);
		t.answered++;
		if (r.correct === 1) t.correct++;
		for (const i of JSON.parse(r.selected) as number[]) if (i < t.counts.length) t.counts[i]++;
	}
	return { tally, answeredBy };
}

async function questionStatuses(
	session: SessionInfo,
	lesson: Lesson,
	roster: AttendanceRow[]
): Promise<QuestionStatus[]> {
	const { ids, phase } = questionsOnStep(lesson, session.currentStep);
	if (ids.length === 0) return [];
	const { tally, answeredBy: who } = await rosterResults(session, lesson, phase, roster);
	const onRoster = new Set(roster.map((r) => r.pupilId));
	const present = roster.filter((r) => r.status === 'present');
	return ids.flatMap((id) => {
		const question = lesson.questions.find((q) => q.id === id);
		if (!question) return [];
		const answeredIds = new Set([...(who.get(id) ?? [])].filter((p) => onRoster.has(p)));
		const expected = new Set([...present.map((r) => r.pupilId), ...answeredIds]).size;
		const revealed = phase === 'main' && session.revealedQuestion === id;
		return [
			{
				id,
				promptHtml: question.promptHtml,
				answered: answeredIds.size,
				expected,
				notAnswered: present.filter((r) => !answeredIds.has(r.pupilId)).map((r) => r.name),
				revealed,
				chart: revealed ? chartFor(lesson, id, tally) : null
			}
		];
	});
}

export interface LiveControl {
	kind: 'live';
	step: PupilStep | null;
	introHtml: string;
	teacherHtml: string[];
	phase: Phase;
	questions: QuestionStatus[];
	joined: { id: number; name: string; byTeacher: boolean }[];
	rosterSize: number;
	code: string;
	joinUrl: string;
}

export interface SelfPacedMonitor {
	kind: 'self';
	pupils: { id: number; name: string; progress: string; state: CompletionState; label: string }[];
	completed: number;
}

/** The teacher's own screen: names of their pupils, answers so far, teacher notes. */
export async function controlView(
	session: SessionInfo,
	origin: string
): Promise<{ header: SessionHeader; live: LiveControl | null; monitor: SelfPacedMonitor | null }> {
	// An ended session shows the lesson as it ran, even if the file has been revised since.
	const lesson = await lessonOfSession(session);
	const header = sessionHeader(session, lesson);
	if (!lesson) return { header, live: null, monitor: null };
	const roster = await sessionRoster(session);
	if (session.mode === 'self') {
		const completion = await lessonCompletion(
			roster.map((r) => r.pupilId),
			lesson
		);
		const pupils = roster.map((r) => {
			const state = completion.get(r.pupilId)?.state ?? 'not-started';
			return {
				id: r.pupilId,
				name: r.name,
				progress: stepLabel(r.furthestStep, lesson.steps.length, r.reachedEnd),
				state,
				label: COMPLETION_LABELS[state]
			};
		});
		return {
			header,
			live: null,
			monitor: {
				kind: 'self',
				pupils,
				completed: pupils.filter((p) => p.state === 'completed' || p.state === 'paper').length
			}
		};
	}
	const code = session.classCode;
	const step = session.currentStep;
	const teacherHtml =
		step < 0
			? lesson.introTeacherHtml
				? [lesson.introTeacherHtml]
				: []
			: (lesson.steps[step]?.blocks ?? []).flatMap((b) => (b.kind === 'teacher' ? [b.html] : []));
	return {
		header,
		monitor: null,
		live: {
			kind: 'live',
			step: step >= 0 ? (toPupilStep(lesson, step) ?? null) : null,
			introHtml: lesson.introHtml,
			teacherHtml,
			phase: step < 0 ? 'pre' : 'main',
			questions: await questionStatuses(session, lesson, roster),
			joined: roster
				.filter((r) => r.status === 'present')
				.map((r) => ({ id: r.pupilId, name: r.name, byTeacher: r.source === 'teacher' })),
			rosterSize: roster.length,
			code,
			joinUrl: `${origin}/join/${code}`
		}
	};
}

/** Reveal results of a question on the step the class is on (not the knowledge check). */
export async function revealOnCurrentStep(session: SessionInfo, questionId: string): Promise<void> {
	const lesson = getLesson(session.lessonId);
	if (!lesson) throw new SessionRefused('This lesson is no longer in the library.');
	const { ids, phase } = questionsOnStep(lesson, session.currentStep);
	if (phase !== 'main' || !ids.includes(questionId)) {
		throw new SessionRefused('That question is not on the step the class is looking at.');
	}
	await revealQuestion(session, questionId);
}

// ——— the board ———

const qrCache = new Map<string, string>();

async function qrSvg(url: string): Promise<string> {
	const cached = qrCache.get(url);
	if (cached) return cached;
	const svg = (
		await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
	).replace('<svg ', '<svg aria-hidden="true" focusable="false" ');
	if (qrCache.size > 200) qrCache.clear();
	qrCache.set(url, svg);
	return svg;
}

export interface BoardView {
	id: number;
	className: string;
	lessonTitle: string;
	mode: 'live' | 'self';
	status: SessionInfo['status'];
	currentStep: number;
	stepCount: number;
	introHtml: string;
	step: PupilStep | null;
	lobby: { code: string; joinHost: string; joinUrl: string; qrSvg: string; joined: number } | null;
	chart: ChartData | null;
}

/**
 * The projector: what the whole class may see. Counts, never names; the answer key
 * only for the question the teacher revealed.
 */
export async function boardView(session: SessionInfo, origin: string): Promise<BoardView> {
	const lesson = getLesson(session.lessonId);
	const step = session.currentStep;
	const view: BoardView = {
		id: session.id,
		className: session.className,
		lessonTitle: lesson?.title ?? session.lessonId,
		mode: session.mode,
		status: session.status,
		currentStep: step,
		stepCount: lesson?.steps.length ?? 0,
		introHtml: lesson?.introHtml ?? '',
		step: lesson && step >= 0 ? (toPupilStep(lesson, step) ?? null) : null,
		lobby: null,
		chart: null
	};
	if (!lesson || session.status === 'ended') return view;
	if (step < 0) {
		const code = session.classCode;
		const joinUrl = `${origin}/join/${code}`;
		const roster = await sessionRoster(session);
		view.lobby = {
			code,
			joinHost: `${new URL(origin).host}/join`,
			joinUrl,
			qrSvg: await qrSvg(joinUrl),
			joined: roster.filter((r) => r.status === 'present').length
		};
	}
	if (session.revealedQuestion) {
		const { tally } = await rosterResults(session, lesson, 'main', await sessionRoster(session));
		view.chart = chartFor(lesson, session.revealedQuestion, tally);
	}
	return view;
}

// ——— attendance ———

export interface AttendanceView {
	rows: { id: number; name: string; status: AttendanceStatus | null; joined: boolean }[];
	present: number;
	absent: number;
	unmarked: number;
}

export async function attendanceView(session: SessionInfo): Promise<AttendanceView> {
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
	session: SessionInfo,
	marks: Map<number, AttendanceStatus>,
	by: StaffPrincipal
): Promise<number> {
	const roster = await sessionRoster(session);
	const known = new Map(roster.map((r) => [r.pupilId, r.status]));
	for (const pupilId of marks.keys()) {
		if (!known.has(pupilId))
			throw new SessionRefused('Some of those pupils are not in this lesson.');
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
	session: SessionInfo,
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
	session: SessionInfo,
	lesson: Lesson,
	ticked: Set<number>,
	by: StaffPrincipal
): Promise<{ marked: number; unmarked: number }> {
	const { rows } = await completionView(session, lesson);
	const onRoster = new Set(rows.map((r) => r.id));
	for (const id of ticked) {
		if (!onRoster.has(id)) throw new SessionRefused('Some of those pupils are not in this lesson.');
	}
	const mark = rows
		.filter((r) => ticked.has(r.id) && r.state !== 'paper' && r.state !== 'completed')
		.map((r) => r.id);
	const unmark = rows.filter((r) => !ticked.has(r.id) && r.state === 'paper').map((r) => r.id);
	if (mark.length) await markPaperCompletion(mark, lesson.id, true, by);
	if (unmark.length) await markPaperCompletion(unmark, lesson.id, false, by);
	return { marked: mark.length, unmarked: unmark.length };
}
