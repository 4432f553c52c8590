// Grading one answer: pure functions, run on the server only.

import type { GradeResult, Question } from './types';

/**
 * Why `selected` is not an acceptable answer to `question`, or null when it is. `selected`
 * is what came from the form, so it is typed loosely and checked fully.
 */
export function validateSelection(question: Question, selected: unknown): string | null {
	if (!Array.isArray(selected)) return 'Choose an answer.';
	if (selected.length === 0) return 'Choose an answer.';
	const count = question.options.length;
	for (const value of selected) {
		if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= count) {
			return 'That answer is not one of the options.';
		}
	}
	if (new Set(selected).size !== selected.length) return 'Each option can be chosen only once.';
	if (question.type !== 'multiple' && selected.length > 1) return 'Choose only one answer.';
	return null;
}

/**
 * Grade a selection of option indexes. Call validateSelection first; an invalid selection is
 * graded as wrong (or null for a poll), never as right.
 */
export function gradeAnswer(question: Question, selected: readonly number[]): GradeResult {
	const valid = validateSelection(question, selected) === null;
	const chosen = valid ? new Set(selected) : new Set<number>();
	const correctIndexes = question.options.flatMap((option, index) =>
		option.correct ? [index] : []
	);
	const feedbackHtml = question.options.flatMap((option, index) =>
		chosen.has(index) && option.feedbackHtml ? [option.feedbackHtml] : []
	);
	let correct: boolean | null = null;
	if (question.scored) {
		correct =
			valid &&
			chosen.size === correctIndexes.length &&
			correctIndexes.every((index) => chosen.has(index));
	}
	return {
		correct,
		feedbackHtml,
		...(question.explainHtml ? { explainHtml: question.explainHtml } : {}),
		correctIndexes
	};
}
