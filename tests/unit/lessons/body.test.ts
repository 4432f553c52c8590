import { describe, expect, it } from 'vitest';
import {
	compile,
	errors,
	lesson,
	lineOf,
	positionOf,
	quizBlock,
	theError,
	warnings,
	withStep
} from './helpers';

const QUIZ = quizBlock(`
id: q1
prompt: Pick one
options:
  - text: A
    correct: true
  - text: B
`);

describe('lesson body', () => {
	it('takes text before the first ## heading as the introduction', () => {
		const result = compile(lesson('\nHello *class*.\n\n## Step one\n\nText.\n'));
		expect(result.lesson?.introHtml).toBe('<p>Hello <em>class</em>.</p>\n');
		expect(result.lesson?.steps).toHaveLength(1);
	});

	it('starts a step at every level-2 heading, with a slug id and a 0-based index', () => {
		const result = compile(
			lesson('\n## What is *personal* information?\n\nA.\n\n## Café & Co.\n\nB.\n')
		);
		expect(result.problems).toEqual([]);
		expect(result.lesson?.steps.map((s) => [s.id, s.index, s.title])).toEqual([
			['what-is-personal-information', 0, 'What is personal information?'],
			['cafe-co', 1, 'Café & Co.']
		]);
	});

	it('gives duplicate step headings the ids -2, -3', () => {
		const body = '\n## Recap\n\nA.\n\n## Recap\n\nB.\n\n## Recap\n\nC.\n';
		expect(compile(lesson(body)).lesson?.steps.map((s) => s.id)).toEqual([
			'recap',
			'recap-2',
			'recap-3'
		]);
	});

	it('does not let a -2 suffix collide with a heading that already has it', () => {
		const body = '\n## Recap 2\n\nA.\n\n## Recap\n\nB.\n\n## Recap\n\nC.\n';
		expect(compile(lesson(body)).lesson?.steps.map((s) => s.id)).toEqual([
			'recap-2',
			'recap',
			'recap-3'
		]);
	});

	it('gives a heading without letters or digits the id step-N', () => {
		expect(compile(lesson('\n## 🙂 ?\n\nA.\n')).lesson?.steps[0].id).toBe('step-1');
	});

	it('treats a "Text then ---" (setext) heading as a step, as markdown does', () => {
		const result = compile(lesson('\nIntro.\n\nStep by underline\n---\n\nText.\n'));
		expect(result.lesson?.steps.map((s) => s.title)).toEqual(['Step by underline']);
	});

	it('requires at least one step', () => {
		const source = lesson('\nOnly an introduction.\n');
		const problem = theError(compile(source), /has no steps/);
		expect(problem.message).toMatch(/## /);
		expect(problem.line).toBe(lineOf(source, 'Only an introduction') - 1);
	});

	it('reports a level-1 heading at its line', () => {
		const source = lesson('\n# Big title\n\n## Step\n\nText.\n');
		const problem = theError(compile(source), /level-1 heading/);
		expect(problem.line).toBe(lineOf(source, '# Big title'));
		expect(problem.message).toMatch(/comes from the front matter/);
	});

	it('allows ### sub-headings inside a step', () => {
		const result = compile(withStep('### A sub-heading\n\nText.'));
		expect(result.problems).toEqual([]);
		expect(result.lesson?.steps[0].blocks[0]).toEqual({
			kind: 'html',
			html: expect.stringContaining('<h3>A sub-heading</h3>')
		});
	});

	it('reports an empty step heading', () => {
		const source = lesson('\n## Fine\n\nA.\n\n##\n\nB.\n');
		expect(theError(compile(source), /empty heading/).line).toBe(lineOf(source, '##\n'));
	});

	it('warns about a step with nothing for pupils', () => {
		const source = lesson('\n## Empty\n\n```teacher\nOnly notes.\n```\n\n## Full\n\nText.\n');
		const result = compile(source);
		expect(errors(result)).toEqual([]);
		expect(warnings(result)[0].message).toMatch(/step 'Empty' has nothing for pupils to see/);
		expect(result.lesson).not.toBeNull();
	});

	it('renders ordinary GFM: emphasis, lists, tables, quotes, links, code', () => {
		const result = compile(
			withStep(
				'**Bold**, *em*, ~~gone~~, `code`.\n\n- one\n- two\n\n1. first\n\n| a | b |\n| --- | :-: |\n| 1 | 2 |\n\n> quoted\n\n[a link](https://example.org)\n\n---\n\n```\nplain code\n```'
			)
		);
		expect(result.problems).toEqual([]);
		const html = result.lesson!.steps[0].blocks.map((b) => ('html' in b ? b.html : '')).join('');
		for (const tag of [
			'<strong>',
			'<em>',
			'<del>',
			'<code>',
			'<ul>',
			'<ol>',
			'<table>',
			'<blockquote>',
			'<hr />',
			'<pre>'
		]) {
			expect(html).toContain(tag);
		}
	});

	describe('raw HTML', () => {
		it('is an error at its line and column, and is shown as text', () => {
			const source = withStep('Some <b>bold</b> text.');
			const result = compile(source);
			const problem = theError(result, /raw HTML \('<b>'\)/);
			expect(positionOf(source, '<b>')).toEqual({ line: problem.line, column: problem.column });
		});

		it('reports an HTML block and an HTML comment', () => {
			const source = withStep('<div>\nhello\n</div>\n\n<!-- note -->');
			const result = compile(source);
			expect(theError(result, /raw HTML \('<div>'\)/).line).toBe(lineOf(source, '<div>'));
			expect(theError(result, /HTML comments/).line).toBe(lineOf(source, '<!--'));
		});

		it('is reported in the introduction, teacher and home blocks, and quiz texts', () => {
			const source = lesson(
				'\nIntro <i>x</i>.\n\n## Step\n\n```teacher\nNote <span>y</span>\n```\n\n' +
					quizBlock(
						'id: q\nprompt: Pick <u>one</u>\noptions:\n  - text: A\n    correct: true\n  - text: B'
					) +
					'\n```home\n<script>alert(1)</script>\n```\n'
			);
			const lines = errors(compile(source)).map((p) => p.line);
			expect(lines).toEqual([
				lineOf(source, '<i>'),
				lineOf(source, '<span>'),
				lineOf(source, 'prompt: Pick'),
				lineOf(source, '<script>')
			]);
		});
	});

	describe('teacher blocks', () => {
		it('become teacher blocks where they stand in the step', () => {
			const result = compile(withStep('Before.\n\n```teacher\nAsk the *class*.\n```\n\nAfter.'));
			expect(result.lesson?.steps[0].blocks).toEqual([
				{ kind: 'html', html: '<p>Before.</p>\n' },
				{ kind: 'teacher', html: '<p>Ask the <em>class</em>.</p>\n' },
				{ kind: 'html', html: '<p>After.</p>\n' }
			]);
		});

		it('before the first step become the introduction notes for staff', () => {
			const result = compile(
				lesson('\nIntro.\n\n```teacher\nGet ready.\n```\n\n## Step\n\nText.\n')
			);
			expect(result.lesson?.introTeacherHtml).toBe('<p>Get ready.</p>\n');
			expect(result.lesson?.introHtml).not.toContain('Get ready');
		});

		it('work with ~~~ fences, an upper-case info string and extra words after it', () => {
			const result = compile(withStep('Text.\n\n~~~ Teacher notes\nHidden.\n~~~'));
			expect(result.lesson?.steps[0].blocks[1]).toEqual({
				kind: 'teacher',
				html: '<p>Hidden.</p>\n'
			});
		});

		it('nested in a list or quote are an error and never rendered', () => {
			const source = withStep(
				'- item\n\n  ```teacher\n  Secret note.\n  ```\n\n> ```teacher\n> Another.\n> ```'
			);
			const result = compile(source);
			const problems = errors(result).filter((p) => /inside a list, a quote/.test(p.message));
			expect(problems.map((p) => p.line)).toEqual([
				lineOf(source, '  ```teacher'),
				lineOf(source, '> ```teacher')
			]);
		});

		it('with a misspelt info string are an error, because pupils would see them', () => {
			const source = withStep('```teachr\nSecret.\n```');
			expect(theError(compile(source), /did you mean 'teacher'\?/).line).toBe(
				lineOf(source, '```teachr')
			);
		});

		it('that are empty are a warning', () => {
			expect(warnings(compile(withStep('Text.\n\n```teacher\n```')))[0].message).toMatch(
				/```teacher block is empty/
			);
		});
	});

	describe('home blocks', () => {
		it('form the take-home sheet and are not shown in the steps', () => {
			const result = compile(
				withStep('Text.\n\n```home\n### What we learnt\n\nA.\n```\n\n```home\nB.\n```')
			);
			expect(result.lesson?.homeHtml).toBe('<h3>What we learnt</h3>\n<p>A.</p>\n\n<p>B.</p>\n');
			expect(result.lesson?.steps[0].blocks).toEqual([{ kind: 'html', html: '<p>Text.</p>\n' }]);
		});

		it('may stand in the introduction', () => {
			const result = compile(lesson('\n```home\nFor families.\n```\n\n## Step\n\nText.\n'));
			expect(result.lesson?.homeHtml).toContain('For families.');
		});
	});

	describe('fences', () => {
		it('an unclosed special fence is an error at its opening line', () => {
			const source = withStep('Text.\n\n```teacher\nNever closed.');
			expect(theError(compile(source), /never closed/).line).toBe(lineOf(source, '```teacher'));
		});

		it('a quiz block before the first step is an error', () => {
			const source = lesson('\nIntro.\n\n' + QUIZ + '\n## Step\n\nText.\n');
			expect(theError(compile(source), /before the first step/).line).toBe(
				lineOf(source, '```quiz')
			);
		});

		it('a closing fence longer than the opening one still closes it', () => {
			expect(compile(withStep('Text.\n\n````teacher\nA.\n`````')).problems).toEqual([]);
		});

		it('an ordinary code block is shown as code', () => {
			const result = compile(withStep('```js\nalert(1)\n```'));
			expect(result.problems).toEqual([]);
			expect(result.lesson?.steps[0].blocks[0]).toEqual({
				kind: 'html',
				html: '<pre><code>alert(1)\n</code></pre>\n'
			});
		});
	});

	describe('links', () => {
		it('may point anywhere on the web; external ones open in a new tab', () => {
			const result = compile(
				withStep(
					'[Childline](https://www.childline.org.uk) and [email](mailto:a@b.org) and [phone](tel:08001111)'
				)
			);
			expect(result.problems).toEqual([]);
			const html = (result.lesson!.steps[0].blocks[0] as { html: string }).html;
			expect(html).toContain(
				'<a href="https://www.childline.org.uk" target="_blank" rel="noopener noreferrer">Childline</a>'
			);
			expect(html).toContain('<a href="mailto:a@b.org">email</a>');
			expect(html).toContain('<a href="tel:08001111">phone</a>');
		});

		it('with a javascript: address are an error and rendered without the address', () => {
			const source = withStep('[click](javascript:alert(1))');
			const result = compile(source);
			expect(theError(result, /link to 'javascript:alert\(1\)' is not allowed/).line).toBe(
				lineOf(source, '[click]')
			);
		});
	});

	describe('file handling', () => {
		it('reads CRLF line endings and a byte-order mark, reporting the right lines', () => {
			const source = '\uFEFF' + lesson(BODY_WITH_ERROR).replace(/\n/g, '\r\n');
			const result = compile(source);
			expect(theError(result, /raw HTML/).line).toBe(lineOf(lesson(BODY_WITH_ERROR), '<b>'));
			const fixed = compile('\uFEFF' + lesson().replace(/\n/g, '\r\n'));
			expect(fixed.problems).toEqual([]);
			expect(fixed.lesson?.steps[0].id).toBe('first-step');
		});

		it('reports a file that is not UTF-8', () => {
			const bytes = new Uint8Array([...new TextEncoder().encode(lesson()), 0xe9, 0x0a]);
			theError(compile(bytes), /not valid UTF-8/);
		});
	});

	it('stops listing after 100 problems in one file, saying how many more there are', () => {
		const result = compile(withStep('{{nope}} '.repeat(150)));
		expect(result.problems).toHaveLength(101);
		expect(result.problems[100]).toMatchObject({
			severity: 'error',
			message: 'and 50 more problems in this file — fix the ones above and check again'
		});
	});

	it('reports markdown nested too deeply to read instead of crashing', () => {
		const result = compile(withStep('> '.repeat(5000) + 'deep'));
		expect(result.lesson).toBeNull();
		expect(errors(result).length).toBeGreaterThan(0);
	});

	it('reports every problem in a file, each at its own line', () => {
		const source = lesson(
			'\n# Title\n\nIntro <b>x</b>.\n\n## Step\n\n![](pic.png)\n\n' +
				quizBlock('id: q\nprompt: P\noptions:\n  - text: A\n  - text: B') +
				'\nUse {{nope}}.\n'
		);
		const lines = errors(compile(source)).map((p) => p.line);
		expect(lines).toEqual([
			lineOf(source, '# Title'),
			lineOf(source, '<b>'),
			lineOf(source, '![](pic.png)'),
			lineOf(source, '- text: A'),
			lineOf(source, '{{nope}}')
		]);
	});
});

const BODY_WITH_ERROR = '\nIntro.\n\n## Step\n\nSome <b>bold</b>.\n';
