// Lesson revisions, without the database: rebuild a lesson from a kept revision, and say
// what changed between two revisions (for the library, and for lessons:check's warning
// that a question kept its id but changed its meaning).

import { compileLesson } from './compile';
import { emptyFacts } from './facts';
import type { Fact, Lesson, Problem, Question } from './types';

/** What is kept of a revision: the file's text and the facts it used, with their texts then. */
export interface KeptRevision {
	hash: string;
	file: string;
	source: string;
	facts: Omit<Fact, 'stale'>[];
}

export function keptRevisionOf(lesson: Lesson): KeptRevision {
	return {
		hash: lesson.hash,
		file: lesson.file,
		source: lesson.source,
		facts: lesson.facts.map(({ name, text, source, checked, review }) => ({
			name,
			text,
			source,
			checked,
			review
		}))
	};
}

/**
 * The lesson as it was. Pictures are not looked for (an old revision's may be gone) and its
 * facts are the texts it used then. Undefined only if today's checker refuses the old text
 * (a rule added since): callers fall back to the lesson as it is now.
 */
export function compileRevision(kept: KeptRevision): Lesson | undefined {
	const table = emptyFacts();
	for (const fact of kept.facts) table.facts.set(fact.name, { ...fact, stale: false });
	const { lesson } = compileLesson(kept.source, {
		file: kept.file,
		facts: table,
		assetExists: () => true
	});
	// The hash names the revision: keep the one it was recorded under.
	return lesson ? { ...lesson, hash: kept.hash } : undefined;
}

/** What a question asks and which answers are right, without its wording's markup. */
function questionKey(q: Question): string {
	return JSON.stringify([q.type, q.check, q.options.map((o) => [o.text, o.correct])]);
}

function questionText(q: Question): string {
	return JSON.stringify([
		q.promptHtml,
		q.explainHtml ?? '',
		q.options.map((o) => o.feedbackHtml ?? '')
	]);
}

function stepText(lesson: Lesson, index: number): string {
	return JSON.stringify(lesson.steps[index].blocks);
}

export interface RevisionChanges {
	stepsAdded: string[];
	stepsRemoved: string[];
	stepsChanged: string[];
	questionsAdded: string[];
	questionsRemoved: string[];
	/** Same id, other options, right answers, type or knowledge-check membership. */
	questionsChanged: string[];
	/** Same id and meaning; only the prompt, explanation or feedback reads differently. */
	questionsReworded: string[];
}

/** Steps by their titles, questions by their ids, from `older` to `newer`. */
export function revisionChanges(older: Lesson, newer: Lesson): RevisionChanges {
	const oldSteps = new Map(older.steps.map((s) => [s.id, s]));
	const newSteps = new Map(newer.steps.map((s) => [s.id, s]));
	const oldQuestions = new Map(older.questions.map((q) => [q.id, q]));
	const newQuestions = new Map(newer.questions.map((q) => [q.id, q]));
	const kept = newer.questions.filter((q) => oldQuestions.has(q.id));
	return {
		stepsAdded: newer.steps.filter((s) => !oldSteps.has(s.id)).map((s) => s.title),
		stepsRemoved: older.steps.filter((s) => !newSteps.has(s.id)).map((s) => s.title),
		stepsChanged: newer.steps
			.filter((s) => {
				const before = oldSteps.get(s.id);
				return before && stepText(older, before.index) !== stepText(newer, s.index);
			})
			.map((s) => s.title),
		questionsAdded: newer.questions.filter((q) => !oldQuestions.has(q.id)).map((q) => q.id),
		questionsRemoved: older.questions.filter((q) => !newQuestions.has(q.id)).map((q) => q.id),
		questionsChanged: kept
			.filter((q) => questionKey(q) !== questionKey(oldQuestions.get(q.id)!))
			.map((q) => q.id),
		questionsReworded: kept
			.filter(
				(q) =>
					questionKey(q) === questionKey(oldQuestions.get(q.id)!) &&
					questionText(q) !== questionText(oldQuestions.get(q.id)!)
			)
			.map((q) => q.id)
	};
}

export function hasChanges(changes: RevisionChanges): boolean {
	return Object.values(changes).some((list) => list.length > 0);
}

/** 1-based line of a question's `id:` in the lesson's text, for pointing at it. */
function lineOfQuestion(source: string, id: string): number {
	const lines = source.split('\n');
	const at = lines.findIndex((line) => line.trim() === `id: ${id}`);
	return at === -1 ? 1 : at + 1;
}

/**
 * Warnings for questions that kept their id but changed what they ask since `previous` (the
 * version last kept from class): answers given then would be read against the new question.
 */
export function revisionWarnings(lesson: Lesson, previous: Lesson, since: string): Problem[] {
	if (previous.hash === lesson.hash) return [];
	return revisionChanges(previous, lesson).questionsChanged.map((id) => ({
		path: lesson.file,
		line: lineOfQuestion(lesson.source, id),
		column: 1,
		severity: 'warning' as const,
		rule: 'revision/question-changed',
		message: `question '${id}' keeps its id but its options or answer changed since the version run in class from ${since} — give it a new id, so answers to the old question are not mixed with the new`
	}));
}
