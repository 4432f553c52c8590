import { describe, expect, it } from 'vitest';
import { gradeAnswer, validateSelection } from '../../../src/lib/server/lessons/grade';
import type { Question } from '../../../src/lib/server/lessons/types';

function question(type: Question['type'], correct: boolean[], feedback = true): Question {
	return {
		id: 'q',
		type,
		promptHtml: 'Prompt',
		options: correct.map((c, i) => ({
			text: `O${i}`,
			html: `O${i}`,
			correct: c,
			...(feedback ? { feedbackHtml: `F${i}` } : {})
		})),
		explainHtml: '<p>Because.</p>',
		check: false,
		stepId: 's',
		scored: type !== 'poll'
	};
}

describe('validateSelection', () => {
	const single = question('single', [false, true, false]);
	const multiple = question('multiple', [true, true, false]);

	it('accepts one option for single, truefalse and poll', () => {
		expect(validateSelection(single, [1])).toBeNull();
		expect(validateSelection(question('truefalse', [true, false]), [0])).toBeNull();
		expect(validateSelection(question('poll', [false, false]), [1])).toBeNull();
	});

	it('accepts several options for multiple', () => {
		expect(validateSelection(multiple, [0, 2])).toBeNull();
	});

	it('refuses an empty answer', () => {
		expect(validateSelection(single, [])).toBe('Choose an answer.');
		expect(validateSelection(single, undefined)).toBe('Choose an answer.');
	});

	it('refuses several options on a one-answer question', () => {
		expect(validateSelection(single, [0, 1])).toBe('Choose only one answer.');
		expect(validateSelection(question('truefalse', [true, false]), [0, 1])).toBe(
			'Choose only one answer.'
		);
		expect(validateSelection(question('poll', [false, false]), [0, 1])).toBe(
			'Choose only one answer.'
		);
	});

	it('refuses options that do not exist', () => {
		for (const bad of [[3], [-1], [1.5], ['1'], [Number.NaN], [null]]) {
			expect(validateSelection(single, bad)).toBe('That answer is not one of the options.');
		}
	});

	it('refuses the same option twice', () => {
		expect(validateSelection(multiple, [0, 0])).toBe('Each option can be chosen only once.');
	});
});

describe('gradeAnswer', () => {
	it('marks a single answer right or wrong, with the chosen feedback and the explanation', () => {
		const q = question('single', [false, true, false]);
		expect(gradeAnswer(q, [1])).toEqual({
			correct: true,
			feedbackHtml: ['F1'],
			explainHtml: '<p>Because.</p>',
			correctIndexes: [1]
		});
		expect(gradeAnswer(q, [0])).toMatchObject({
			correct: false,
			feedbackHtml: ['F0'],
			correctIndexes: [1]
		});
	});

	it('needs exactly the right set for a multiple question', () => {
		const q = question('multiple', [true, false, true]);
		expect(gradeAnswer(q, [2, 0]).correct).toBe(true);
		expect(gradeAnswer(q, [0]).correct).toBe(false);
		expect(gradeAnswer(q, [0, 1, 2]).correct).toBe(false);
		expect(gradeAnswer(q, [0, 1, 2]).feedbackHtml).toEqual(['F0', 'F1', 'F2']);
	});

	it('grades true/false by its synthesised options', () => {
		const q = question('truefalse', [false, true], false);
		expect(gradeAnswer(q, [1])).toEqual({
			correct: true,
			feedbackHtml: [],
			explainHtml: '<p>Because.</p>',
			correctIndexes: [1]
		});
		expect(gradeAnswer(q, [0]).correct).toBe(false);
	});

	it('never scores a poll', () => {
		const q = question('poll', [false, false]);
		expect(gradeAnswer(q, [0])).toEqual({
			correct: null,
			feedbackHtml: ['F0'],
			explainHtml: '<p>Because.</p>',
			correctIndexes: []
		});
	});

	it('treats an invalid selection as wrong, never right', () => {
		const q = question('single', [true, false]);
		expect(gradeAnswer(q, [0, 1]).correct).toBe(false);
		expect(gradeAnswer(q, [7]).correct).toBe(false);
		expect(gradeAnswer(q, []).correct).toBe(false);
		expect(gradeAnswer(q, [0, 1]).feedbackHtml).toEqual([]);
	});

	it('leaves out explainHtml when the question has none', () => {
		const q = { ...question('single', [true, false]), explainHtml: undefined };
		expect('explainHtml' in gradeAnswer(q, [0])).toBe(false);
	});
});
