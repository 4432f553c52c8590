// A teacher's class report (teachers and leads: names of their own pupils only): each
// pupil's state and score per lesson, each session's attendance and questions, knowledge gain
// and catch-up, every rate passed through disclosure.ts. Its figures are figures.ts's
// definition over the facts facts.ts reads with the detail (one read of each table for the
// figures, the grid and the questions). Apart from the school report and the borough
// dashboard because it alone names pupils and reads answers question by question.
import { getDb } from '../platform';
import { LEGEND, MIN_PUPILS, suppressRate, type Disclosed, type Gain } from './disclosure';
import type { Lesson } from '../lessons';
import { revisionsByHash } from '../teaching';
import type { CompletionState } from '../teaching';
import { noFacts, pupilCompletion, type Figures } from './figures';
import { loadFacts } from './facts';
import { figures } from './group-figures';
import type { AnswerRow } from './scope';
import { withKeptChoices } from './kept-choices';

export interface QuestionReport {
	questionId: string;
	phase: 'pre' | 'main';
	answers: number;
	/** Null for a poll. */
	correctRate: Disclosed | null;
	/** How many answers chose each option (in option order); null when hidden. */
	spread: { option: string; count: number }[] | null;
	/** The most common wrong answer, as option texts; null when none or hidden. */
	misconception: { options: string[]; count: number } | null;
}

export interface SessionReport {
	sessionId: number;
	lessonId: string;
	createdAt: string;
	present: number;
	absent: number;
	unmarked: number;
	questions: QuestionReport[];
}

export interface ClassReport {
	classId: number;
	className: string;
	schoolId: number;
	legend: string;
	lessons: { id: string; title: string }[];
	grid: {
		pupilId: number;
		name: string;
		lessons: Record<string, { state: CompletionState; score: number | null }>;
	}[];
	sessions: SessionReport[];
	gain: { lessonId: string; gain: Gain }[];
	/** Pupils who have not completed a lesson the class has had (missed it or did not finish). */
	catchUp: { lessonId: string; pupils: { pupilId: number; name: string }[] }[];
	totals: Figures;
}

export async function classReport(classId: number, lessons: Lesson[]): Promise<ClassReport> {
	const db = getDb();
	const byId = new Map(lessons.map((l) => [l.id, l]));
	// The figures, the grid, catch-up, attendance and the questions all come from one read of
	// each table of facts (facts.ts, with the detail).
	const [cls, onRoll, allSessions, facts] = await Promise.all([
		db
			.selectFrom('classes')
			.select(['id', 'name', 'school_id'])
			.where('id', '=', classId)
			.executeTakeFirstOrThrow(),
		db
			.selectFrom('pupils')
			.select(['id', 'first_name', 'last_initial', 'records_deleted_at'])
			.where('class_id', '=', classId)
			.where('archived_at', 'is', null)
			.orderBy('first_name')
			.orderBy('last_initial')
			.orderBy('id')
			.execute(),
		db
			.selectFrom('class_sessions')
			.select(['id', 'lesson_id', 'lesson_hash', 'audience', 'created_at'])
			.where('class_id', '=', classId)
			.orderBy('created_at')
			.orderBy('id')
			.execute(),
		loadFacts({ classId }, {}, lessons, { opened: true, detail: true })
	]);
	// Former pupils (records deleted at the end of the retention period) are in no list by
	// name, but still counted in each session's audience, so its figures stay the same.
	const pupils = onRoll.filter((p) => p.records_deleted_at === null);
	const names = new Map(pupils.map((p) => [p.id, `${p.first_name} ${p.last_initial}.`]));
	const ids = pupils.map((p) => p.id);
	const audienceIds = new Set(onRoll.map((p) => p.id));
	const sessions = allSessions.filter((s) => byId.has(s.lesson_id));
	const sessionIds = sessions.map((s) => s.id);
	// `in ()` is not SQL: a class with no sessions reads nothing.
	const [someAudience, revisions] = await Promise.all([
		sessionIds.length
			? db
					.selectFrom('class_session_pupils')
					.select(['session_id', 'pupil_id'])
					.where('session_id', 'in', sessionIds)
					.execute()
			: [],
		revisionsByHash(sessions.map((s) => s.lesson_hash))
	]);
	// Each pupil's state and score, by the definition every report and the pupil's own
	// summary use (figures.ts).
	const completions = new Map(
		lessons.map((l) => {
			const ofLesson = facts.pairs.get(l.id)!;
			return [
				l.id,
				new Map(
					ids.map((id) => [
						id,
						pupilCompletion(ofLesson.get(id) ?? noFacts(l), facts.opened.has(`${l.id}\n${id}`))
					])
				)
			];
		})
	);
	const grid = pupils.map((p) => ({
		pupilId: p.id,
		name: names.get(p.id)!,
		lessons: Object.fromEntries(
			lessons.map((l) => [l.id, completions.get(l.id)!.get(p.id)!])
		) as ClassReport['grid'][number]['lessons']
	}));

	// Grouped once, not filtered afresh for every session and question.
	const audienceOf = new Map<number, number>();
	for (const a of someAudience)
		if (audienceIds.has(a.pupil_id))
			audienceOf.set(a.session_id, (audienceOf.get(a.session_id) ?? 0) + 1);
	// Former pupils' choices come from the counts kept when their records went.
	const groupsOf = answerGroups(
		await withKeptChoices(facts.answerRows, sessionIds),
		new Set(sessionIds)
	);

	const sessionReports: SessionReport[] = sessions.map((s) => {
		// Each session's questions as it asked them (lesson-revisions.ts).
		const lesson = revisions.get(s.lesson_hash) ?? byId.get(s.lesson_id)!;
		const c = facts.marks.get(s.id) ?? { present: 0, absent: 0 };
		const audience = s.audience === 'some' ? (audienceOf.get(s.id) ?? 0) : audienceIds.size;
		const questions: QuestionReport[] = [];
		for (const phase of ['pre', 'main'] as const) {
			for (const q of lesson.questions) {
				const groups = groupsOf.get(`${s.id}\n${phase}\n${q.id}`);
				if (groups) questions.push(questionReport(q, phase, groups));
			}
		}
		return {
			sessionId: s.id,
			lessonId: s.lesson_id,
			createdAt: s.created_at,
			present: c.present,
			absent: c.absent,
			unmarked: Math.max(0, audience - c.present - c.absent),
			questions
		};
	});

	const gain = lessons.map((l) => ({
		lessonId: l.id,
		gain: figures(facts, { lessonId: l.id }).gain
	}));

	// Catch-up: for each lesson the class has had, every pupil who has not completed it
	// (completion.ts), whether they missed it or were there and did not finish.
	const catchUp = lessons
		.filter((l) => sessions.some((s) => s.lesson_id === l.id))
		.map((l) => {
			const done = completions.get(l.id)!;
			return {
				lessonId: l.id,
				pupils: pupils
					.filter((p) => {
						const state = done.get(p.id)?.state;
						return state !== 'completed' && state !== 'paper';
					})
					.map((p) => ({ pupilId: p.id, name: names.get(p.id)! }))
			};
		})
		.filter((c) => c.pupils.length > 0);

	return {
		classId: cls.id,
		className: cls.name,
		schoolId: cls.school_id,
		legend: LEGEND,
		lessons: lessons.map((l) => ({ id: l.id, title: l.title })),
		grid,
		sessions: sessionReports,
		gain,
		catchUp,
		// The same figures as the class's row of the school report.
		totals: figures(facts, { classId })
	};
}

type AnswerGroup = { selected: string; correct: number | null; n: number };

/**
 * The class's sessions' answers (every answer given there, by any pupil, first or not), by
 * session, phase and question, then by what was chosen and whether it was right.
 */
function answerGroups(
	rows: readonly AnswerRow[],
	sessionIds: Set<number>
): Map<string, AnswerGroup[]> {
	const groups = new Map<string, Map<string, AnswerGroup>>();
	for (const x of rows) {
		if (!sessionIds.has(x.session_id)) continue;
		const key = `${x.session_id}\n${x.phase}\n${x.question_id}`;
		let ofQuestion = groups.get(key);
		if (!ofQuestion) groups.set(key, (ofQuestion = new Map()));
		const choice = `${x.selected}\n${x.correct}`;
		const group = ofQuestion.get(choice);
		if (group) group.n++;
		else ofQuestion.set(choice, { selected: x.selected, correct: x.correct, n: 1 });
	}
	return new Map([...groups].map(([key, g]) => [key, [...g.values()]]));
}

function questionReport(
	q: Lesson['questions'][number],
	phase: 'pre' | 'main',
	groups: AnswerGroup[]
): QuestionReport {
	const total = groups.reduce((sum, g) => sum + Number(g.n), 0);
	const right = groups.filter((g) => g.correct === 1).reduce((sum, g) => sum + Number(g.n), 0);
	// A pupil answers once per phase, so answers = pupils.
	const correctRate = q.scored ? suppressRate({ numerator: right, denominator: total }) : null;
	// The spread and the misconception say as much as the rate, so they hide with it.
	const hidden = total > 0 && total < MIN_PUPILS;
	const chosen = (g: { selected: string }): number[] => {
		try {
			const parsed: unknown = JSON.parse(g.selected);
			return Array.isArray(parsed) ? parsed.filter((i): i is number => typeof i === 'number') : [];
		} catch {
			return [];
		}
	};
	const spread = q.options.map((o) => ({ option: o.text, count: 0 }));
	for (const g of groups) for (const i of chosen(g)) if (spread[i]) spread[i].count += Number(g.n);
	let worst: (typeof groups)[number] | undefined;
	for (const g of groups)
		if (g.correct === 0 && (!worst || Number(g.n) > Number(worst.n))) worst = g;
	return {
		questionId: q.id,
		phase,
		answers: total,
		correctRate,
		spread: hidden ? null : spread,
		misconception:
			hidden || !worst
				? null
				: {
						options: chosen(worst).map((i) => q.options[i]?.text ?? '?'),
						count: Number(worst.n)
					}
	};
}
