// What a pupil sees of a class session: the screen they are on, moving through a
// self-paced lesson, and sending an answer. Their summary is pupil-summary.ts; their home
// list and certificate pupil-home.ts. Routes stay thin; only the pupil projections of
// lessons/pupil.ts ever leave this module. A move or an answer that may not be made is
// refused by throwing Refused (refusal.ts).
import { z } from 'zod';
import {
	answersOfPupil,
	submitAnswer,
	type AnswerResult,
	type ClassSessionInfo,
	getProgress,
	hasSeenLesson,
	joinSession,
	recordStep
} from '../teaching';
import type { PupilPrincipal } from '../auth';
import { Refused } from '../platform';
import { getLesson, toPupilCheck, toPupilStep } from '../lessons';
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

/** Where the pupil is after a move (a move that may not be made is thrown as Refused). */
export interface MoveResult {
	ok: true;
	step: number;
	finished: boolean;
}

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
		throw new Refused('Your teacher moves this lesson on.', undefined, 409);
	if (session.status === 'ended') throw new Refused('This lesson has finished.', undefined, 409);
	const lesson = getLesson(session.lessonId);
	if (!lesson) throw new Refused('This lesson is not available at the moment.', undefined, 409);
	const last = lesson.steps.length - 1;
	const progress = await getProgress(session.id, pupil.id);
	const here = Math.max(-1, Math.min(from, last, progress.furthestStep + 1));
	if (direction === 'finish') {
		if (here !== last) throw new Refused('Finish is on the last step of the lesson.');
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
	/** As access.ts's assertPupilClassSession returned it for this pupil. */
	session: ClassSessionInfo,
	body: unknown
): Promise<AnswerResult> {
	const parsed = answerSchema.safeParse(body);
	if (!parsed.success)
		throw new Refused('That answer could not be read. Please reload the page and try again.');
	return submitAnswer({ pupil, session, ...parsed.data });
}
