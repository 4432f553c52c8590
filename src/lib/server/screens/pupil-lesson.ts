// What a pupil sees of a class session: the screen they are on, moving through a
// self-paced lesson, their summary, their home list and their certificate. Routes stay
// thin; only the pupil projections of lessons/pupil.ts ever leave this module.
import { z } from 'zod';
import {
	lessonOfSession,
	answersOfPupil,
	submitAnswer,
	type AnswerResult,
	openClassSessionsForPupil,
	type ClassSessionInfo,
	getProgress,
	hasSeenLesson,
	joinSession,
	recordStep
} from '../teaching';
import { lessonCompletion, lessonsCompletion } from '../reports';
import type { PupilPrincipal } from '../auth';
import { getDb, londonDay } from '../platform';
import {
	helpContacts,
	getLesson,
	getLibrary,
	toPupilCheck,
	toPupilStep,
	type Lesson
} from '../lessons';
import type { AnswerFeedback, PupilQuestion, PupilStep } from '../../lesson-view';

type Pupil = Pick<PupilPrincipal, 'id' | 'classId'>;

export function sessionHref(sessionId: number): string {
	return `/session/${sessionId}`;
}

export function summaryHref(sessionId: number): string {
	return `/session/${sessionId}/summary`;
}

// ——— the lesson screen ———

export interface PupilSessionView {
	session: {
		id: number;
		mode: ClassSessionInfo['mode'];
		status: ClassSessionInfo['status'];
		/** Kept so that the page can tell a changed live state from the one it shows. */
		currentStep: number;
		revealedQuestion: string | null;
		closesAt: string | null;
	};
	lesson: { id: string; title: string; stepCount: number };
	/** The screen shown: -1 is the start (introduction and knowledge check), 0… the steps. */
	step: number;
	/** Only on the start screen. */
	start?: {
		introHtml: string;
		/** The "What do you know already?" questions; empty once the pupil has seen a step. */
		check: PupilQuestion[];
	};
	/** Only on a step. */
	content?: PupilStep;
	/** The pupil's own answers to the questions on this screen, by question id. */
	answers: Record<string, AnswerFeedback>;
	/** The furthest step the pupil has reached in this session. */
	furthestStep: number;
}

/** Only the answers to the questions a screen shows: the rest stay on the server. */
function answersOn(questionIds: string[], all: Record<string, AnswerFeedback>) {
	const out: Record<string, AnswerFeedback> = {};
	for (const id of questionIds) if (all[id]) out[id] = all[id];
	return out;
}

/**
 * A pupil opens a session that is not over: they are marked present and get the screen
 * to show. Live, that is the teacher's step (recorded as seen); self-paced, wherever
 * they were last, on any device. Undefined when the lesson has left the library.
 */
export async function openPupilSession(
	pupil: Pupil,
	session: ClassSessionInfo
): Promise<PupilSessionView | undefined> {
	const lesson = getLesson(session.lessonId);
	if (!lesson) return undefined;
	await joinSession(session, pupil.id);
	let progress = await getProgress(session.id, pupil.id);
	let step = progress.currentStep;
	if (session.mode === 'live') {
		step = Math.max(-1, Math.min(session.currentStep, lesson.steps.length - 1));
		if (step >= 0) progress = await recordStep(session, lesson, pupil.id, step, progress);
	}
	const answers = await answersOfPupil(pupil.id, lesson, session.run);
	const view: PupilSessionView = {
		session: {
			id: session.id,
			mode: session.mode,
			status: session.status,
			currentStep: session.currentStep,
			revealedQuestion: session.revealedQuestion,
			closesAt: session.closesAt
		},
		lesson: { id: lesson.id, title: lesson.title, stepCount: lesson.steps.length },
		step,
		answers: {},
		furthestStep: progress.furthestStep
	};
	if (step < 0) {
		// The check is "before": once a step was seen its answers would not be, so it closes,
		// also when the step was seen in an earlier session of this run (a catch-up to finish).
		const before =
			progress.furthestStep < 0 && !(await hasSeenLesson(pupil.id, lesson.id, session.run));
		const check = before ? toPupilCheck(lesson) : [];
		view.start = { introHtml: lesson.introHtml, check };
		view.answers = answersOn(
			check.map((q) => q.id),
			answers.pre
		);
	} else {
		const content = toPupilStep(lesson, step)!;
		view.content = content;
		view.answers = answersOn(
			content.blocks.flatMap((b) => (b.kind === 'quiz' ? [b.question.id] : [])),
			answers.main
		);
	}
	return view;
}

export type MoveResult =
	{ ok: true; step: number; finished: boolean } | { ok: false; status: 400 | 409; message: string };

export const moveSchema = z.object({
	/** The step on the pupil's screen: Next and Previous move from what they see. */
	step: z.coerce.number().int().min(-1).max(1000)
});

/**
 * Self-paced Previous, Next and Finish. A pupil can go back anywhere and forward one
 * step past the furthest they have seen, never jump ahead unseen.
 */
export async function movePupil(
	pupil: Pupil,
	session: ClassSessionInfo,
	from: number,
	direction: 'previous' | 'next' | 'finish'
): Promise<MoveResult> {
	if (session.mode !== 'self')
		return { ok: false, status: 409, message: 'Your teacher moves this lesson on.' };
	if (session.status === 'ended')
		return { ok: false, status: 409, message: 'This lesson has finished.' };
	const lesson = getLesson(session.lessonId);
	if (!lesson)
		return { ok: false, status: 409, message: 'This lesson is not available at the moment.' };
	const last = lesson.steps.length - 1;
	const progress = await getProgress(session.id, pupil.id);
	const here = Math.max(-1, Math.min(from, last, progress.furthestStep + 1));
	if (direction === 'finish') {
		if (here !== last)
			return { ok: false, status: 400, message: 'Finish is on the last step of the lesson.' };
		await recordStep(session, lesson, pupil.id, last, progress);
		return { ok: true, step: last, finished: true };
	}
	const target =
		direction === 'next'
			? Math.min(here + 1, last, progress.furthestStep + 1)
			: Math.max(here - 1, -1);
	await recordStep(session, lesson, pupil.id, target, progress);
	return { ok: true, step: target, finished: false };
}

// ——— answering ———

const answerSchema = z.object({
	clientId: z.string().max(64),
	questionId: z.string().min(1).max(100),
	phase: z.enum(['pre', 'main']),
	selected: z.array(z.number().int().min(0).max(20)).max(10)
});

/** The body of POST /session/[sid]/answer, checked, then stored by answers.ts. */
export async function answerFromRequest(
	pupil: Pupil,
	sessionId: number,
	body: unknown,
	/** The session, when the route has just loaded and checked it: saves reading it again. */
	session?: ClassSessionInfo
): Promise<AnswerResult> {
	const parsed = answerSchema.safeParse(body);
	if (!parsed.success) {
		return {
			ok: false,
			status: 400,
			message: 'That answer could not be read. Please reload the page and try again.'
		};
	}
	return submitAnswer({ pupil, sessionId, session, ...parsed.data });
}

// ——— the summary ———

/** The number pupils are given for Childline: from facts.yml, through help.ts. */
export function childlinePhone(): string {
	return helpContacts().childlinePhone;
}

export interface PupilSummary {
	sessionId: number;
	lesson: { id: string; title: string; objectives: string[] };
	mode: ClassSessionInfo['mode'];
	/** The pupil may still go back into the lesson (self-paced and open). */
	canGoBack: boolean;
	stepsSeen: number;
	stepCount: number;
	/** Right `main` answers out of the scored questions (all but polls). */
	right: number;
	scored: number;
	/** Scored questions not answered yet (completion.ts). */
	unanswered: number;
	completed: boolean;
	/**
	 * Where a pupil who has not completed the lesson can finish it at their own pace (this
	 * session while open, or another open to them), with its closing time; null if nowhere.
	 */
	finish: { href: string; closesAt: string | null } | null;
	childline: string;
}

/**
 * The summary, once it is there to see: the session ended (live: the teacher ended it;
 * self-paced: it closed) or a self-paced pupil finished. Undefined before then.
 */
export async function pupilSummary(
	pupil: Pupil,
	session: ClassSessionInfo
): Promise<PupilSummary | undefined> {
	// As it ran: a lesson revised since keeps this session's questions.
	const lesson = await lessonOfSession(session);
	if (!lesson) return undefined;
	const progress = await getProgress(session.id, pupil.id);
	const open = session.status !== 'ended';
	if (open && !(session.mode === 'self' && progress.reachedEnd)) return undefined;
	const { main } = await answersOfPupil(pupil.id, lesson, session.run);
	const scoredQuestions = lesson.questions.filter((q) => q.scored);
	const answered = scoredQuestions.filter((q) => main[q.id]);
	const completion = (await lessonCompletion([pupil.id], lesson)).get(pupil.id);
	const completed = completion?.state === 'completed' || completion?.state === 'paper';
	let finish: PupilSummary['finish'] = null;
	if (!completed) {
		const place =
			open && session.mode === 'self'
				? session
				: (await openClassSessionsForPupil(pupil)).find(
						(s) => s.lessonId === lesson.id && s.mode === 'self'
					);
		if (place) finish = { href: sessionHref(place.id), closesAt: place.closesAt };
	}
	return {
		sessionId: session.id,
		lesson: { id: lesson.id, title: lesson.title, objectives: lesson.objectives },
		mode: session.mode,
		canGoBack: open && session.mode === 'self',
		stepsSeen: Math.max(0, progress.furthestStep + 1),
		stepCount: lesson.steps.length,
		right: answered.filter((q) => main[q.id].correct === true).length,
		scored: scoredQuestions.length,
		unanswered: scoredQuestions.length - answered.length,
		completed,
		finish,
		childline: childlinePhone()
	};
}

// ——— the pupil's home ———

export interface PupilHomeSession {
	id: number;
	href: string;
	title: string;
	summary: string;
	mode: ClassSessionInfo['mode'];
	status: ClassSessionInfo['status'];
	/** Self-paced: the moment it closes (ISO); live: null. */
	closesAt: string | null;
	/** Where this pupil is: not opened yet, part way, or reached the end. */
	progress: 'new' | 'started' | 'finished';
	/** Words for the button: "Join the lesson", "Start", "Carry on", "Look again". */
	action: string;
}

export interface PupilHome {
	/** Every session the pupil can open now, live first. */
	sessions: PupilHomeSession[];
	/** The class's live lesson, if one is on (lobby or running): send the pupil straight in. */
	live: PupilHomeSession | null;
}

export async function pupilHomeSessions(pupil: Pupil, now = new Date()): Promise<PupilHome> {
	const open = await openClassSessionsForPupil(pupil, now);
	const lessons = [
		...new Map(
			open.flatMap((s) => {
				const lesson = getLesson(s.lessonId);
				return lesson ? [[lesson.id, lesson] as const] : [];
			})
		).values()
	];
	const done = await lessonsCompletion([pupil.id], lessons);
	const sessions: PupilHomeSession[] = [];
	// One card per lesson: the live one, else the newest (openClassSessionsForPupil's order).
	const shown = new Set<string>();
	for (const session of open) {
		const lesson = getLesson(session.lessonId);
		if (!lesson) continue; // a lesson with problems to fix is kept away from pupils
		if (shown.has(lesson.id)) continue;
		shown.add(lesson.id);
		const p = await getProgress(session.id, pupil.id);
		const state = done.get(lesson.id)?.get(pupil.id)?.state;
		const progress =
			state === 'completed' || state === 'paper'
				? 'finished'
				: p.furthestStep >= 0 || state === 'started'
					? 'started'
					: 'new';
		sessions.push({
			id: session.id,
			href: sessionHref(session.id),
			title: lesson.title,
			summary: lesson.summary,
			mode: session.mode,
			status: session.status,
			closesAt: session.closesAt,
			progress,
			action:
				session.mode === 'live'
					? 'Join the lesson'
					: progress === 'new'
						? 'Start'
						: progress === 'started'
							? 'Carry on'
							: 'Look again'
		});
	}
	// Live first, then self-paced (openClassSessionsForPupil orders by mode, newest first).
	sessions.sort((a, b) => (a.mode === b.mode ? 0 : a.mode === 'live' ? -1 : 1));
	return { sessions, live: sessions.find((s) => s.mode === 'live') ?? null };
}

// ——— the certificate ———

export interface CertificateLesson {
	id: string;
	title: string;
	done: boolean;
}

export interface CertificateStatus {
	/** Every lesson of the programme completed (or marked done on paper). */
	complete: boolean;
	/** First name and initial: all a certificate needs, and all Think Safe stores. */
	name: string;
	lessons: CertificateLesson[];
	remaining: CertificateLesson[];
	/** When the last piece of work was done (YYYY-MM-DD, UK), once complete. */
	awardedOn: string | null;
}

/** The latest moment this pupil did work on these lessons. */
async function lastWorkOn(pupilId: number, lessonIds: string[]): Promise<string | null> {
	const db = getDb();
	const [answer, step, paper] = await Promise.all([
		db
			.selectFrom('answers')
			.select((eb) => eb.fn.max('answered_at').as('at'))
			.where('pupil_id', '=', pupilId)
			.where('lesson_id', 'in', lessonIds)
			.executeTakeFirst(),
		db
			.selectFrom('progress')
			.select((eb) => eb.fn.max('updated_at').as('at'))
			.where('pupil_id', '=', pupilId)
			.where('lesson_id', 'in', lessonIds)
			.executeTakeFirst(),
		db
			.selectFrom('paper_completions')
			.select((eb) => eb.fn.max('marked_at').as('at'))
			.where('pupil_id', '=', pupilId)
			.where('lesson_id', 'in', lessonIds)
			.executeTakeFirst()
	]);
	const times = [answer?.at, step?.at, paper?.at].filter((t): t is string => !!t);
	// ISO-8601 UTC text sorts as time does.
	return times.length ? times.sort().at(-1)! : null;
}

export async function certificateStatus(
	pupil: Pick<PupilPrincipal, 'id' | 'firstName' | 'lastInitial'>
): Promise<CertificateStatus> {
	const programme: Lesson[] = getLibrary().lessons;
	const completion = await lessonsCompletion([pupil.id], programme);
	const lessons: CertificateLesson[] = programme.map((lesson) => {
		const state = completion.get(lesson.id)?.get(pupil.id)?.state;
		return { id: lesson.id, title: lesson.title, done: state === 'completed' || state === 'paper' };
	});
	const remaining = lessons.filter((l) => !l.done);
	// An empty library certifies nothing.
	const complete = lessons.length > 0 && remaining.length === 0;
	const last = complete
		? await lastWorkOn(
				pupil.id,
				lessons.map((l) => l.id)
			)
		: null;
	return {
		complete,
		name: `${pupil.firstName} ${pupil.lastInitial}.`,
		lessons,
		remaining,
		awardedOn: last ? londonDay(new Date(last)) : null
	};
}
