// The teacher's control screen for a class session: the header, the questions on the
// class's step with who has answered, the results chart once revealed, and the self-paced
// monitor. Pupil names appear here, for the teacher's own device only (never boardView).
import type { PupilStep } from '../../lesson-view';
import {
	sessionResults,
	type QuestionTally,
	revealQuestion,
	type ClassSessionInfo,
	sessionRoster,
	type AttendanceRow,
	type CompletionState,
	lessonOfSession
} from '../teaching';
import { lessonCompletion } from '../reports';
import { getDb, Refused } from '../platform';
import type { Phase } from '../platform';
import {
	classSessionHeader,
	COMPLETION_LABELS,
	stepLabel,
	type ClassSessionHeader
} from './class-session-labels';
import { checkQuestions, getLesson, toPupilStep, type Lesson } from '../lessons';

/** What every session page's load depends on, so that live events can re-run it. */
export const LIVE_DEPENDENCY = 'session:live';

/** A question's class results as a chart: the key only once the teacher has revealed it. */
export interface ChartData {
	questionId: string;
	promptHtml: string;
	answered: number;
	scored: boolean;
	options: { html: string; count: number; correct: boolean }[];
}

export function chartFor(
	lesson: Lesson,
	questionId: string,
	tally: QuestionTally[]
): ChartData | null {
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
	session: ClassSessionInfo,
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
	session: ClassSessionInfo,
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
	session: ClassSessionInfo,
	origin: string
): Promise<{
	header: ClassSessionHeader;
	live: LiveControl | null;
	monitor: SelfPacedMonitor | null;
}> {
	// An ended session shows the lesson as it ran, even if the file has been revised since.
	const lesson = await lessonOfSession(session);
	const header = classSessionHeader(session, lesson);
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
export async function revealOnCurrentStep(
	session: ClassSessionInfo,
	questionId: string
): Promise<void> {
	const lesson = getLesson(session.lessonId);
	if (!lesson) throw new Refused('This lesson is no longer in the library.');
	const { ids, phase } = questionsOnStep(lesson, session.currentStep);
	if (phase !== 'main' || !ids.includes(questionId)) {
		throw new Refused('That question is not on the step the class is looking at.');
	}
	await revealQuestion(session, questionId);
}
