// Pupils' answers: validated and graded on the server, stored once, acknowledged only
// after the commit is durable. Concurrent answers share one transaction (group commit)
// because each synchronous=FULL commit costs an fsync. An answer that may not be taken is
// refused by throwing Refused (refusal.ts); the answer endpoint sends it as JSON.
import {
	commitOffThread,
	getDb,
	isRefusal,
	publish,
	Refused,
	type RefusalStatus
} from '../platform';
import type { Answer, Phase, ThreadStatement } from '../platform';
import type { ClassSessionInfo } from './class-sessions';
import { getLesson, gradeAnswer, validateSelection, type Lesson, type Question } from '../lessons';
import { CLIENT_ID, type AnswerFeedback } from '../../lesson-view';
import { getProgress } from './progress';

export interface AnswerInput {
	pupil: { id: number; classId: number };
	/**
	 * The class session, as access.ts's assertPupilClassSession returned it for this pupil: that
	 * is the one check of who may answer in it (class and audience), made once, by the caller.
	 */
	session: ClassSessionInfo;
	/** Made in the browser; the same id sent again is the same answer. */
	clientId: string;
	questionId: string;
	phase: Phase;
	selected: unknown;
}

/** A stored answer (a refusal is thrown as Refused instead). */
export interface AnswerResult {
	ok: true;
	/** False when this submit was a retry or a second try: the first answer stands. */
	created: boolean;
	feedback: AnswerFeedback;
}

/** Why an answer may not be taken, with the status the pupil's answer queue acts on. */
function refusal(status: RefusalStatus, message: string): Refused {
	return new Refused(message, undefined, status);
}

/** What the pupil is told: the key only for a main-phase answer, never in the check. */
export function feedbackFor(
	question: Question,
	selected: number[],
	phase: Phase,
	/** When the caller has graded this very selection already (the answer path). */
	graded = phase === 'pre' ? undefined : gradeAnswer(question, selected)
): AnswerFeedback {
	if (phase === 'pre' || !graded)
		return { selected, correct: null, correctIndexes: [], feedbackHtml: [] };
	return {
		selected,
		correct: graded.correct,
		correctIndexes: question.scored ? graded.correctIndexes : [],
		feedbackHtml: graded.feedbackHtml,
		...(graded.explainHtml ? { explainHtml: graded.explainHtml } : {})
	};
}

/** Checks everything that does not need a write: the question and the sorted selection, or Refused. */
async function admissible(
	input: AnswerInput,
	lesson: Lesson | undefined
): Promise<{ question: Question; selected: number[] }> {
	const { session } = input;
	if (!CLIENT_ID.test(input.clientId))
		throw refusal(400, 'This answer has no valid id. Please reload the page.');
	if (session.status === 'ended')
		throw refusal(409, 'This lesson has finished, so answers are closed.');
	if (!lesson) throw refusal(404, 'This lesson is not available at the moment.');
	const question = lesson.questions.find((q) => q.id === input.questionId);
	if (!question)
		throw refusal(
			404,
			`There is no question "${String(input.questionId).slice(0, 60)}" in this lesson.`
		);
	if (input.phase !== 'pre' && input.phase !== 'main') throw refusal(400, 'Unknown phase.');
	if (input.phase === 'pre') {
		if (!question.check || !question.scored)
			throw refusal(400, 'That question is not in the knowledge check.');
		// "Before" means before the lesson: once a pupil has seen a step, or answered in it (and
		// so been told the right answers), it is too late.
		if (
			(await getProgress(session.id, input.pupil.id)).furthestStep >= 0 ||
			(await hasMainAnswer(input.pupil.id, lesson.id, session.run))
		) {
			throw refusal(409, 'The knowledge check is only before the lesson starts.');
		}
	} else if (session.mode === 'live') {
		// A live lesson's question opens when the class reaches its step: never from the lobby,
		// where its answer key would spoil the knowledge check. A step the pupil has seen stays
		// open, so an answer kept on the device while the teacher went back is not lost. (The
		// pupil's progress is read only then: the usual answer, on the class's step, needs none.)
		const step = lesson.steps.findIndex((s) => s.id === question.stepId);
		if (
			step > session.currentStep &&
			step > (await getProgress(session.id, input.pupil.id)).furthestStep
		)
			throw refusal(409, 'Your teacher has not reached this question yet.');
	}
	const problem = validateSelection(question, input.selected);
	if (problem) throw refusal(400, problem);
	return { question, selected: [...(input.selected as number[])].sort((a, b) => a - b) };
}

/** Whether the pupil has answered any question of the lesson in this run's lesson itself. */
async function hasMainAnswer(pupilId: number, lessonId: string, run: number): Promise<boolean> {
	const row = await getDb()
		.selectFrom('answers')
		.select('id')
		.where('pupil_id', '=', pupilId)
		.where('lesson_id', '=', lessonId)
		.where('run', '=', run)
		.where('phase', '=', 'main')
		.executeTakeFirst();
	return row !== undefined;
}

// ——— group commit ———

interface Pending {
	/** `counts` is worked out in the commit: whether an earlier run has this answer already. */
	row: Omit<Answer, 'id' | 'counts'>;
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
		// Committed on the database's write thread: this thread serves other requests while
		// the disk syncs, and the answers are acknowledged only after the commit.
		const results = await commitOffThread(batch.map(({ row }) => storeStatements(row)));
		batch.forEach(({ row, resolve }, i) => {
			const { index, row: found } = results[i];
			if (index === 0) return resolve({ created: true, selected: JSON.parse(row.selected) });
			// Already stored: a retry (same client id) or a second try in this run. The first
			// stands.
			const stored = typeof found?.selected === 'string' ? found.selected : row.selected;
			resolve({ created: false, selected: JSON.parse(stored) });
		});
	} catch (error) {
		batch.forEach((p) => p.reject(error));
		// Refused for want of the database (a full disk, the write lock held elsewhere past the
		// wait: a 503, logged once in db/faults.ts): the answers that came in meanwhile would
		// wait as long again for the same refusal. They get it now; their devices keep them
		// and send them again.
		if (isRefusal(error)) {
			const waiting = queue;
			queue = [];
			waiting.forEach((p) => p.reject(error));
		}
	} finally {
		flushing = false;
		if (queue.length) void flush();
	}
}

/**
 * Stores one answer, unless this pupil's answer to the question is already stored in this
 * run or its client id already is: then what was stored is read back, by the question in
 * this run or else by the client id. The write thread runs the three in order until one
 * returns a row (db-threads.ts). Plain SQL rather than the query builder:
 * it runs for every answer, and building the queries cost more than running them (a
 * profile of `npm run bench`).
 */
function storeStatements(row: Pending['row']): ThreadStatement[] {
	return [
		{
			sql: INSERT_ANSWER,
			parameters: [
				row.client_id,
				row.session_id,
				row.pupil_id,
				row.lesson_id,
				row.question_id,
				row.phase,
				row.selected,
				row.correct,
				row.answered_at,
				row.run,
				row.pupil_id,
				row.lesson_id,
				row.question_id,
				row.phase
			]
		},
		{
			sql: STORED_IN_RUN,
			parameters: [row.pupil_id, row.lesson_id, row.run, row.question_id, row.phase]
		},
		{ sql: STORED_BY_CLIENT, parameters: [row.client_id] }
	];
}

const INSERT_ANSWER = `
	insert into answers
		(client_id, session_id, pupil_id, lesson_id, question_id, phase, selected, correct,
		 answered_at, run, counts)
	values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
		-- The figures keep the pupil's first answer to a question, in any run.
		not exists (select 1 from answers where pupil_id = ? and lesson_id = ? and question_id = ?
			and phase = ? and counts = 1))
	on conflict do nothing
	returning id`;

const STORED_IN_RUN = `
	select selected from answers
	where pupil_id = ? and lesson_id = ? and run = ? and question_id = ? and phase = ?`;

const STORED_BY_CLIENT = `select selected from answers where client_id = ?`;

function enqueue(row: Pending['row']): Promise<{ created: boolean; selected: number[] }> {
	return new Promise((resolve, reject) => {
		queue.push({ row, resolve, reject });
		// Answers arriving while a commit runs wait for the next one, together.
		if (!flushing) setImmediate(() => void flush());
	});
}

export async function submitAnswer(input: AnswerInput, now = new Date()): Promise<AnswerResult> {
	const { session } = input;
	const lesson = getLesson(session.lessonId);
	const { question, selected } = await admissible(input, lesson);
	const graded = gradeAnswer(question, selected);
	const stored = await enqueue({
		client_id: input.clientId,
		session_id: session.id,
		pupil_id: input.pupil.id,
		lesson_id: lesson!.id,
		question_id: question.id,
		phase: input.phase,
		selected: JSON.stringify(selected),
		correct: graded.correct === null ? null : graded.correct ? 1 : 0,
		answered_at: now.toISOString(),
		run: session.run
	});
	if (stored.created)
		publish(session.id, 'answered', { questionId: question.id, phase: input.phase }, 'staff');
	return {
		ok: true,
		created: stored.created,
		// A new answer is the selection graded above; a retry or second try is the one stored.
		feedback: stored.created
			? feedbackFor(question, selected, input.phase, graded)
			: feedbackFor(question, stored.selected, input.phase)
	};
}

/**
 * A pupil's answers in a lesson in one run of it (see migration 012), with feedback for the
 * main phase: for reloads and resumes.
 */
export async function answersOfPupil(
	pupilId: number,
	lesson: Lesson,
	run: number
): Promise<{ pre: Record<string, AnswerFeedback>; main: Record<string, AnswerFeedback> }> {
	const rows = await getDb()
		.selectFrom('answers')
		.select(['question_id', 'phase', 'selected'])
		.where('pupil_id', '=', pupilId)
		.where('lesson_id', '=', lesson.id)
		.where('run', '=', run)
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

type SessionAnswerRow = Pick<Answer, 'question_id' | 'pupil_id' | 'selected' | 'correct'>;

function readSessionAnswers(sessionId: number, phase: Phase): Promise<SessionAnswerRow[]> {
	return getDb()
		.selectFrom('answers')
		.select(['question_id', 'pupil_id', 'selected', 'correct'])
		.where('session_id', '=', sessionId)
		.where('phase', '=', phase)
		.execute();
}

function tally(lesson: Lesson, rows: SessionAnswerRow[]): QuestionTally[] {
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

/** Class counts per question in one session and phase: for the teacher and the board. */
export async function tallyAnswers(
	session: ClassSessionInfo,
	lesson: Lesson,
	phase: Phase = 'main'
): Promise<QuestionTally[]> {
	return tally(lesson, await readSessionAnswers(session.id, phase));
}

/**
 * The class counts and, per question, the pupils who answered it (ids only; the teacher
 * view names them), from one read: the teacher's screen reloads on every answer.
 */
export async function sessionResults(
	session: ClassSessionInfo,
	lesson: Lesson,
	phase: Phase = 'main'
): Promise<{ tally: QuestionTally[]; answeredBy: Map<string, Set<number>> }> {
	const rows = await readSessionAnswers(session.id, phase);
	const answeredBy = new Map<string, Set<number>>();
	for (const r of rows) {
		if (!answeredBy.has(r.question_id)) answeredBy.set(r.question_id, new Set());
		answeredBy.get(r.question_id)!.add(r.pupil_id);
	}
	return { tally: tally(lesson, rows), answeredBy };
}
