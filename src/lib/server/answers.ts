// Pupils' answers: validated and graded on the server, stored once, acknowledged only
// after the commit is durable. Concurrent answers share one transaction (group commit)
// because each synchronous=FULL commit costs an fsync.
import { getDb, nowIso } from './db';
import type { Phase } from './db/schema';
import { getSession, isInAudience, type SessionInfo } from './deliveries';
import { getLesson, gradeAnswer, validateSelection, type Lesson, type Question } from './lessons';
import type { AnswerFeedback } from '../lesson-view';
import { publish } from './live';

export interface AnswerInput {
	pupil: { id: number; classId: number };
	sessionId: number;
	/** Made in the browser; the same id sent again is the same answer. */
	clientId: string;
	questionId: string;
	phase: Phase;
	selected: unknown;
	/** The session, when the caller has just loaded it; otherwise it is read here. */
	session?: SessionInfo;
}

export type AnswerResult =
	| {
			ok: true;
			/** False when this submit was a retry or a second try: the first answer stands. */
			created: boolean;
			feedback: AnswerFeedback;
	  }
	| { ok: false; status: 400 | 403 | 404 | 409; message: string };

const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/;

function refuse(status: 400 | 403 | 404 | 409, message: string): AnswerResult {
	return { ok: false, status, message };
}

/** What the pupil is told: the key only for a main-phase answer, never in the check. */
export function feedbackFor(question: Question, selected: number[], phase: Phase): AnswerFeedback {
	if (phase === 'pre') return { selected, correct: null, correctIndexes: [], feedbackHtml: [] };
	const graded = gradeAnswer(question, selected);
	return {
		selected,
		correct: graded.correct,
		correctIndexes: question.scored ? graded.correctIndexes : [],
		feedbackHtml: graded.feedbackHtml,
		...(graded.explainHtml ? { explainHtml: graded.explainHtml } : {})
	};
}

async function furthestStep(sessionId: number, pupilId: number): Promise<number> {
	const row = await getDb()
		.selectFrom('progress')
		.select('furthest_step')
		.where('session_id', '=', sessionId)
		.where('pupil_id', '=', pupilId)
		.executeTakeFirst();
	return row?.furthest_step ?? -1;
}

/** Checks everything that does not need a write; returns the question on success. */
async function admissible(
	input: AnswerInput,
	session: SessionInfo | undefined,
	lesson: Lesson | undefined
): Promise<{ question: Question; selected: number[] } | AnswerResult> {
	if (!CLIENT_ID.test(input.clientId))
		return refuse(400, 'This answer has no valid id. Please reload the page.');
	if (
		!session ||
		session.classId !== input.pupil.classId ||
		!(await isInAudience(session, input.pupil.id))
	) {
		return refuse(404, 'This lesson is not one of yours.');
	}
	if (session.status === 'ended')
		return refuse(409, 'This lesson has finished, so answers are closed.');
	if (!lesson) return refuse(404, 'This lesson is not available at the moment.');
	const question = lesson.questions.find((q) => q.id === input.questionId);
	if (!question)
		return refuse(
			404,
			`There is no question "${String(input.questionId).slice(0, 60)}" in this lesson.`
		);
	if (input.phase !== 'pre' && input.phase !== 'main') return refuse(400, 'Unknown phase.');
	if (input.phase === 'pre') {
		if (!question.check || !question.scored)
			return refuse(400, 'That question is not in the knowledge check.');
		// "Before" means before the lesson: once a pupil has seen a step it is too late.
		if ((await furthestStep(session.id, input.pupil.id)) >= 0) {
			return refuse(409, 'The knowledge check is only before the lesson starts.');
		}
	}
	const problem = validateSelection(question, input.selected);
	if (problem) return refuse(400, problem);
	return { question, selected: [...(input.selected as number[])].sort((a, b) => a - b) };
}

// ——— group commit ———

interface Pending {
	row: {
		client_id: string;
		session_id: number;
		pupil_id: number;
		lesson_id: string;
		question_id: string;
		phase: Phase;
		selected: string;
		correct: number | null;
		answered_at: string;
	};
	resolve: (stored: { created: boolean; selected: number[] }) => void;
	reject: (error: unknown) => void;
}

let queue: Pending[] = [];
let flushing = false;

async function flush(): Promise<void> {
	if (flushing || queue.length === 0) return;
	flushing = true;
	const batch = queue;
	queue = [];
	try {
		const results = await getDb()
			.transaction()
			.execute(async (trx) => {
				const out: { created: boolean; selected: number[] }[] = [];
				for (const { row } of batch) {
					const inserted = await trx
						.insertInto('answers')
						.values(row)
						.onConflict((oc) => oc.doNothing())
						.returning('id')
						.executeTakeFirst();
					if (inserted) {
						out.push({ created: true, selected: JSON.parse(row.selected) });
						continue;
					}
					// Already stored: a retry (same client id) or a second try. The first stands.
					const existing = await trx
						.selectFrom('answers')
						.select('selected')
						.where('pupil_id', '=', row.pupil_id)
						.where('lesson_id', '=', row.lesson_id)
						.where('question_id', '=', row.question_id)
						.where('phase', '=', row.phase)
						.executeTakeFirst();
					const byClient = existing
						? undefined
						: await trx
								.selectFrom('answers')
								.select('selected')
								.where('client_id', '=', row.client_id)
								.executeTakeFirst();
					out.push({
						created: false,
						selected: JSON.parse((existing ?? byClient)?.selected ?? row.selected)
					});
				}
				return out;
			});
		batch.forEach((p, i) => p.resolve(results[i]));
	} catch (error) {
		batch.forEach((p) => p.reject(error));
	} finally {
		flushing = false;
		if (queue.length) void flush();
	}
}

function enqueue(row: Pending['row']): Promise<{ created: boolean; selected: number[] }> {
	return new Promise((resolve, reject) => {
		queue.push({ row, resolve, reject });
		// Answers arriving while a commit runs wait for the next one, together.
		if (!flushing) setImmediate(() => void flush());
	});
}

export async function submitAnswer(input: AnswerInput, now = new Date()): Promise<AnswerResult> {
	const session =
		input.session?.id === input.sessionId ? input.session : await getSession(input.sessionId, now);
	const lesson = session && getLesson(session.lessonId);
	const checked = await admissible(input, session, lesson);
	if ('ok' in checked) return checked;
	const { question, selected } = checked;
	const graded = gradeAnswer(question, selected);
	const stored = await enqueue({
		client_id: input.clientId,
		session_id: session!.id,
		pupil_id: input.pupil.id,
		lesson_id: lesson!.id,
		question_id: question.id,
		phase: input.phase,
		selected: JSON.stringify(selected),
		correct: graded.correct === null ? null : graded.correct ? 1 : 0,
		answered_at: now.toISOString()
	});
	if (stored.created)
		publish(session!.id, 'answered', { questionId: question.id, phase: input.phase }, 'staff');
	return {
		ok: true,
		created: stored.created,
		feedback: feedbackFor(question, stored.selected, input.phase)
	};
}

/** A pupil's answers in a lesson, with feedback for the main phase: for reloads and resumes. */
export async function answersOfPupil(
	pupilId: number,
	lesson: Lesson
): Promise<{ pre: Record<string, AnswerFeedback>; main: Record<string, AnswerFeedback> }> {
	const rows = await getDb()
		.selectFrom('answers')
		.select(['question_id', 'phase', 'selected'])
		.where('pupil_id', '=', pupilId)
		.where('lesson_id', '=', lesson.id)
		.execute();
	const result = {
		pre: {} as Record<string, AnswerFeedback>,
		main: {} as Record<string, AnswerFeedback>
	};
	for (const row of rows) {
		const question = lesson.questions.find((q) => q.id === row.question_id);
		if (!question) continue; // a question removed from the file since
		result[row.phase][row.question_id] = feedbackFor(question, JSON.parse(row.selected), row.phase);
	}
	return result;
}

export interface QuestionTally {
	questionId: string;
	answered: number;
	/** How many chose each option, in option order. */
	counts: number[];
	correct: number;
}

/** Class counts per question in one session and phase: for the teacher and the board. */
export async function tallyAnswers(
	session: SessionInfo,
	lesson: Lesson,
	phase: Phase = 'main'
): Promise<QuestionTally[]> {
	const rows = await getDb()
		.selectFrom('answers')
		.select(['question_id', 'selected', 'correct'])
		.where('session_id', '=', session.id)
		.where('phase', '=', phase)
		.execute();
	return lesson.questions.map((q) => {
		const mine = rows.filter((r) => r.question_id === q.id);
		const counts = q.options.map(() => 0);
		for (const r of mine)
			for (const i of JSON.parse(r.selected) as number[]) if (i < counts.length) counts[i]++;
		return {
			questionId: q.id,
			answered: mine.length,
			counts,
			correct: mine.filter((r) => r.correct === 1).length
		};
	});
}

/** Pupils of the session who answered each question (ids only; the teacher view names them). */
export async function answeredBy(
	sessionId: number,
	phase: Phase = 'main'
): Promise<Map<string, Set<number>>> {
	const rows = await getDb()
		.selectFrom('answers')
		.select(['question_id', 'pupil_id'])
		.where('session_id', '=', sessionId)
		.where('phase', '=', phase)
		.execute();
	const map = new Map<string, Set<number>>();
	for (const r of rows) {
		if (!map.has(r.question_id)) map.set(r.question_id, new Set());
		map.get(r.question_id)!.add(r.pupil_id);
	}
	return map;
}

export { nowIso };
