// Pupil-safe projections: the only lesson data a pupil's device ever receives. Built field by
// field (never by spreading) so that an answer key added to Question later cannot leak.

import type { Lesson, PupilBlock, PupilQuestion, PupilStep, Question } from './types';

export function toPupilQuestion(question: Question): PupilQuestion {
	return {
		id: question.id,
		type: question.type,
		promptHtml: question.promptHtml,
		options: question.options.map((option, index) => ({ index, html: option.html }))
	};
}

/** Step `index` of the lesson without teacher notes or answers; undefined when out of range. */
export function toPupilStep(lesson: Lesson, index: number): PupilStep | undefined {
	const step = Number.isInteger(index) ? lesson.steps[index] : undefined;
	if (!step) return undefined;
	const blocks: PupilBlock[] = [];
	for (const block of step.blocks) {
		if (block.kind === 'html') {
			blocks.push({ kind: 'html', html: block.html });
		} else if (block.kind === 'quiz') {
			const question = lesson.questions.find((q) => q.id === block.questionId);
			if (question) blocks.push({ kind: 'quiz', question: toPupilQuestion(question) });
		}
	}
	return { id: step.id, index: step.index, title: step.title, blocks };
}

/** The questions of the "What do you know already?" knowledge check, in lesson order. */
export function checkQuestions(lesson: Lesson): Question[] {
	return lesson.questions.filter((q) => q.check && q.scored);
}

/** The knowledge check as pupils see it: no feedback, no answers. */
export function toPupilCheck(lesson: Lesson): PupilQuestion[] {
	return checkQuestions(lesson).map(toPupilQuestion);
}
