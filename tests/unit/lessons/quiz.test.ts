import { describe, expect, it } from 'vitest';
import { compile, errors, lineOf, positionOf, quizBlock, theError, withStep } from './helpers';

function quiz(yaml: string) {
	const source = withStep(quizBlock(yaml));
	return { source, result: compile(source) };
}

const SINGLE = `
id: secret-chat
prompt: Someone you met in a game says "let's keep our chats *secret*". What should you do?
options:
  - text: Keep it secret
    feedback: A real friend would not ask that.
  - text: Stop chatting and tell a trusted adult
    correct: true
    feedback: Yes.
  - text: Send a photo
explain: Secrets are a **warning sign**.
check: true
`;

describe('quiz blocks', () => {
	it('read a single-choice question with inline markdown, feedback and explanation', () => {
		const { result } = quiz(SINGLE);
		expect(result.problems).toEqual([]);
		const question = result.lesson!.questions[0];
		expect(question).toEqual({
			id: 'secret-chat',
			type: 'single',
			promptHtml:
				'Someone you met in a game says "let\'s keep our chats <em>secret</em>". What should you do?',
			options: [
				{
					text: 'Keep it secret',
					html: 'Keep it secret',
					correct: false,
					feedbackHtml: 'A real friend would not ask that.'
				},
				{
					text: 'Stop chatting and tell a trusted adult',
					html: 'Stop chatting and tell a trusted adult',
					correct: true,
					feedbackHtml: 'Yes.'
				},
				{ text: 'Send a photo', html: 'Send a photo', correct: false }
			],
			explainHtml: '<p>Secrets are a <strong>warning sign</strong>.</p>\n',
			check: true,
			stepId: 'the-step',
			scored: true
		});
		expect(result.lesson!.steps[0].blocks).toContainEqual({
			kind: 'quiz',
			questionId: 'secret-chat'
		});
	});

	it('keep their order and step in the lesson', () => {
		const source = `---
id: l
title: T
summary: S
order: 1
minutes: 10
strand: online-bullying
objectives: [I can.]
---

## One

${quizBlock('id: a\ntype: truefalse\nprompt: A?\nanswer: true')}
## Two

${quizBlock('id: b\ntype: truefalse\nprompt: B?\nanswer: false')}`;
		const result = compile(source);
		expect(result.lesson?.questions.map((q) => [q.id, q.stepId])).toEqual([
			['a', 'one'],
			['b', 'two']
		]);
	});

	describe('id', () => {
		it('is required', () => {
			const { source, result } = quiz(
				'prompt: P\noptions:\n  - text: A\n    correct: true\n  - text: B'
			);
			const problem = theError(result, /missing 'id'/);
			expect(problem.line).toBe(lineOf(source, '```quiz'));
		});

		it('must be a slug', () => {
			const { source, result } = quiz(
				'id: Secret Chat\nprompt: P\noptions:\n  - text: A\n    correct: true\n  - text: B'
			);
			const problem = theError(
				result,
				/quiz id 'Secret Chat' may only use .* e\.g\. 'secret-chat'/
			);
			expect(positionOf(source, 'Secret Chat')).toEqual({
				line: problem.line,
				column: problem.column
			});
		});

		it('must be unique in the lesson', () => {
			const block = quizBlock('id: same\ntype: truefalse\nprompt: P\nanswer: true');
			const source = withStep(block + '\n' + block);
			const problem = theError(compile(source), /quiz id 'same' is already used on line/);
			expect(problem.line).toBe(lineOf(source, '```quiz', 'answer: true'));
			expect(problem.message).toContain(`line ${lineOf(source, '```quiz')}`);
		});
	});

	describe('type', () => {
		it('defaults to single', () => {
			expect(quiz(SINGLE).result.lesson?.questions[0].type).toBe('single');
		});

		it('must be one of the four, with a suggestion', () => {
			const { result } = quiz(
				'id: q\ntype: multple\nprompt: P\noptions:\n  - text: A\n    correct: true\n  - text: B'
			);
			theError(result, /unknown question type 'multple' — did you mean 'multiple'\?/);
		});
	});

	it('requires a prompt', () => {
		const { result } = quiz('id: q\noptions:\n  - text: A\n    correct: true\n  - text: B');
		theError(result, /quiz 'q' is missing 'prompt' \(the question pupils see\)/);
	});

	it('reports unknown keys in the question and its options, with suggestions', () => {
		const { source, result } = quiz(
			'id: q\nprompt: P\nexplian: E\noptions:\n  - text: A\n    correct: true\n    feedbak: F\n  - text: B'
		);
		expect(
			theError(result, /unknown key 'explian' in quiz 'q' — did you mean 'explain'\?/).line
		).toBe(lineOf(source, 'explian'));
		expect(
			theError(result, /unknown key 'feedbak' in option 1 of quiz 'q' — did you mean 'feedback'\?/)
				.line
		).toBe(lineOf(source, 'feedbak'));
	});

	describe('options', () => {
		it('are required for single, multiple and poll', () => {
			for (const type of ['single', 'multiple', 'poll']) {
				theError(quiz(`id: q\ntype: ${type}\nprompt: P`).result, /needs options: a list of 2 to 6/);
			}
		});

		it('number from 2 to 6', () => {
			const option = (i: number) => `  - text: O${i}${i === 0 ? '\n    correct: true' : ''}`;
			const make = (n: number) =>
				`id: q\nprompt: P\noptions:\n${Array.from({ length: n }, (_, i) => option(i)).join('\n')}`;
			expect(errors(quiz(make(2)).result)).toEqual([]);
			expect(errors(quiz(make(6)).result)).toEqual([]);
			theError(quiz(make(1)).result, /has one option; a question needs 2 to 6/);
			theError(quiz(make(7)).result, /has 7 options; a question needs 2 to 6/);
		});

		it('each need text', () => {
			const { source, result } = quiz('id: q\nprompt: P\noptions:\n  - correct: true\n  - text: B');
			expect(theError(result, /option 1 of quiz 'q' is missing 'text'/).line).toBe(
				lineOf(source, '- correct')
			);
		});

		it('written as plain strings are explained', () => {
			theError(
				quiz('id: q\nprompt: P\noptions:\n  - Yes\n  - No').result,
				/must be written '- text: Yes'/
			);
		});

		it('must have different texts (ignoring case and spacing)', () => {
			const { source, result } = quiz(
				'id: q\nprompt: P\noptions:\n  - text: Tell an adult\n    correct: true\n  - text: "tell  an adult"'
			);
			const problem = theError(result, /has the option 'tell {2}an adult' twice/);
			expect(problem.line).toBe(lineOf(source, '"tell  an adult"'));
		});

		it('mark correct with true or false only', () => {
			const { source, result } = quiz(
				'id: q\nprompt: P\noptions:\n  - text: A\n    correct: yes\n  - text: B'
			);
			const problem = theError(result, /correct must be true or false/);
			expect(positionOf(source, 'yes')).toEqual({ line: problem.line, column: problem.column });
		});
	});

	describe('correct answers', () => {
		it('a single question needs exactly one', () => {
			const two = quiz(
				'id: secret-chat\nprompt: P\noptions:\n  - text: A\n    correct: true\n  - text: B\n    correct: true'
			);
			const problem = theError(two.result, /two correct options/);
			expect(problem.message).toBe(
				"quiz 'secret-chat' has two correct options; a 'single' question needs exactly one — use type: multiple?"
			);
			expect(problem.line).toBe(lineOf(two.source, 'correct: true', '- text: B'));
			theError(
				quiz('id: q\nprompt: P\noptions:\n  - text: A\n  - text: B').result,
				/has no correct option; a 'single' question needs exactly one/
			);
		});

		it('a multiple question needs at least one', () => {
			const ok = quiz(
				'id: q\ntype: multiple\nprompt: P\noptions:\n  - text: A\n    correct: true\n  - text: B\n    correct: true\n  - text: C'
			);
			expect(ok.result.problems).toEqual([]);
			theError(
				quiz('id: q\ntype: multiple\nprompt: P\noptions:\n  - text: A\n  - text: B').result,
				/'multiple' question needs at least one/
			);
		});

		it('a poll has none, is never scored and cannot be in the knowledge check', () => {
			const ok = quiz(
				'id: q\ntype: poll\nprompt: How do you feel?\noptions:\n  - text: Good\n    feedback: Great!\n  - text: Not sure'
			);
			expect(ok.result.problems).toEqual([]);
			expect(ok.result.lesson?.questions[0]).toMatchObject({ scored: false, check: false });
			theError(
				quiz('id: q\ntype: poll\nprompt: P\noptions:\n  - text: A\n    correct: true\n  - text: B')
					.result,
				/is a poll, which has no right answer/
			);
			const check = quiz(
				'id: q\ntype: poll\nprompt: P\ncheck: true\noptions:\n  - text: A\n  - text: B'
			);
			expect(theError(check.result, /cannot be in the knowledge check/).line).toBe(
				lineOf(check.source, 'check: true')
			);
		});
	});

	describe('truefalse', () => {
		it('needs answer and gets two options True and False', () => {
			const { result } = quiz(
				'id: q\ntype: truefalse\nprompt: The internet never forgets.\nanswer: true\nexplain: Copies stay.'
			);
			expect(result.problems).toEqual([]);
			expect(result.lesson?.questions[0].options).toEqual([
				{ text: 'True', html: 'True', correct: true },
				{ text: 'False', html: 'False', correct: false }
			]);
			const falseAnswer = quiz('id: q\ntype: truefalse\nprompt: P\nanswer: false').result;
			expect(falseAnswer.lesson?.questions[0].options.map((o) => o.correct)).toEqual([false, true]);
		});

		it('without answer is an error', () => {
			theError(
				quiz('id: q\ntype: truefalse\nprompt: P').result,
				/needs answer: true or answer: false/
			);
		});

		it('with options is an error', () => {
			const { source, result } = quiz(
				'id: q\ntype: truefalse\nprompt: P\nanswer: true\noptions:\n  - text: A\n  - text: B'
			);
			expect(theError(result, /so it has no options/).line).toBe(lineOf(source, 'options:'));
		});

		it('answer must be true or false', () => {
			theError(
				quiz('id: q\ntype: truefalse\nprompt: P\nanswer: "yes"').result,
				/answer must be true or false/
			);
		});

		it('answer is not allowed on other types', () => {
			const { source, result } = quiz(
				'id: q\nprompt: P\nanswer: true\noptions:\n  - text: A\n    correct: true\n  - text: B'
			);
			expect(theError(result, /answer is only for type: truefalse/).line).toBe(
				lineOf(source, 'answer: true')
			);
		});
	});

	it('check must be true or false', () => {
		theError(
			quiz('id: q\ntype: truefalse\nprompt: P\nanswer: true\ncheck: maybe').result,
			/check must be true or false/
		);
	});

	it('YAML mistakes are reported at their line with a hint', () => {
		const { source, result } = quiz(
			'id: q\ntype: truefalse\nprompt: Option 1: what now?\nanswer: true'
		);
		const problem = errors(result)[0];
		expect(problem.message).toMatch(/put the whole value in double quotes/);
		expect(problem.line).toBe(lineOf(source, 'prompt: Option'));
	});

	it('a value starting with {{ must be quoted, and the message says so', () => {
		const { result } = quiz(
			'id: q\ntype: truefalse\nprompt: {{childline-phone}} is free\nanswer: true'
		);
		expect(errors(result)[0].message).toMatch(/must be in quotes/);
		const quoted = quiz(
			'id: q\ntype: truefalse\nprompt: "{{childline-phone}} is free"\nanswer: true'
		).result;
		expect(quoted.problems).toEqual([]);
		expect(quoted.lesson?.questions[0].promptHtml).toBe('0800 1111 is free');
	});

	it('an empty quiz block is an error', () => {
		theError(quiz('').result, /```quiz block is empty/);
	});

	it('a quiz that is not a set of keys is an error', () => {
		theError(quiz('- just\n- a list').result, /must be lines of 'key: value'/);
	});

	it('several broken questions in one file are all reported', () => {
		const source = withStep(
			quizBlock('id: a\nprompt: P\noptions:\n  - text: A\n  - text: B') +
				'\n' +
				quizBlock('id: b\ntype: truefalse\nprompt: P') +
				'\n' +
				quizBlock('id: c\ntype: poll\nprompt: P\ncheck: true\noptions:\n  - text: A\n  - text: B')
		);
		expect(errors(compile(source))).toHaveLength(3);
	});
});
