import { describe, expect, it } from 'vitest';
import {
	compile,
	errors,
	frontMatter,
	lesson,
	lineOf,
	positionOf,
	theError,
	BODY
} from './helpers';

describe('front matter', () => {
	it('accepts a lesson with every required key and fills in the defaults', () => {
		const result = compile(lesson());
		expect(result.problems).toEqual([]);
		expect(result.lesson).toMatchObject({
			id: 'online-friends',
			title: 'Online friends',
			order: 1,
			minutes: 40,
			strand: 'online-relationships',
			objectives: ['I can name a trusted adult.'],
			year: [6],
			keywords: []
		});
		expect(result.lesson?.safeguarding).toBeUndefined();
	});

	it('accepts every optional key', () => {
		const result = compile(
			lesson(BODY, {
				year: '[6, 5, 6]',
				keywords: '\n  - trusted adult\n  - 2024',
				safeguarding: 'If a pupil discloses, follow **your** procedure.'
			})
		);
		expect(result.problems).toEqual([]);
		expect(result.lesson?.year).toEqual([5, 6]);
		expect(result.lesson?.keywords).toEqual(['trusted adult', '2024']);
		expect(result.lesson?.safeguarding).toBe('If a pupil discloses, follow **your** procedure.');
		expect(result.lesson?.safeguardingHtml).toContain('<strong>your</strong>');
	});

	it('accepts a single year as a number', () => {
		expect(compile(lesson(BODY, { year: '5' })).lesson?.year).toEqual([5]);
	});

	it('reports a file without front matter at line 1', () => {
		const result = compile('## A step\n\nText.\n');
		const problem = theError(result, /must start with front matter/);
		expect([problem.line, problem.column]).toEqual([1, 1]);
		expect(result.lesson).toBeNull();
	});

	it('reports front matter that is never closed', () => {
		const problem = theError(compile('---\nid: x\ntitle: y\n'), /never closed/);
		expect(problem.line).toBe(1);
	});

	it('reports each missing required key with what it is for', () => {
		const result = compile(lesson(BODY, { summary: null, objectives: null }));
		expect(theError(result, /'summary'/).message).toBe(
			"missing required key 'summary' (one or two sentences for lesson cards)"
		);
		expect(theError(result, /'objectives'/).message).toMatch(/"I can …"/);
		expect(errors(result)).toHaveLength(2);
	});

	it('reports every required key of an empty front matter', () => {
		const result = compile('---\n---\n' + BODY);
		const missing = errors(result).map((p) => /missing required key '(\w+)'/.exec(p.message)?.[1]);
		expect(missing.sort()).toEqual(
			['id', 'minutes', 'objectives', 'order', 'strand', 'summary', 'title'].sort()
		);
	});

	it('reports an unknown key at its line and suggests the nearest known key', () => {
		const source = lesson(BODY, { objectivs: '\n  - I can spell.' });
		const problem = theError(compile(source), /unknown front matter key/);
		expect(problem.message).toBe(
			"unknown front matter key 'objectivs' — did you mean 'objectives'?"
		);
		expect(problem.line).toBe(lineOf(source, 'objectivs:'));
		expect(problem.column).toBe(1);
	});

	it('lists the known keys when an unknown key is nothing like them', () => {
		const problem = theError(compile(lesson(BODY, { colour: 'blue' })), /unknown front matter key/);
		expect(problem.message).toMatch(/the keys are id, title, summary/);
	});

	it('reports YAML that cannot be read, at its line', () => {
		const source = frontMatter({ title: 'Online: friends: and more' }) + BODY;
		const problem = errors(compile(source))[0];
		expect(problem.message).toMatch(/front matter: .*double quotes/);
		expect(problem.line).toBe(lineOf(source, 'title:'));
	});

	it('reports a key written twice', () => {
		const source = lesson(BODY, { title2: 'x' }).replace('title2: x', 'title: Again');
		expect(theError(compile(source), /appears twice/).line).toBe(lineOf(source, 'title: Again'));
	});

	it('reports front matter that is not a set of keys', () => {
		theError(compile('---\n- a\n- b\n---\n' + BODY), /must be lines of 'key: value'/);
	});

	describe('id', () => {
		it('must be a slug, and the message suggests one', () => {
			const source = lesson(BODY, { id: 'Online Friends!' });
			const problem = theError(compile(source), /^id /);
			expect(problem.message).toBe(
				"id 'Online Friends!' may only use lower-case letters, digits and single hyphens, e.g. 'online-friends'"
			);
			expect(positionOf(source, 'Online Friends!')).toEqual({
				line: problem.line,
				column: problem.column
			});
		});

		it('may be up to 60 characters', () => {
			expect(errors(compile(lesson(BODY, { id: 'a'.repeat(60) })))).toEqual([]);
			theError(
				compile(lesson(BODY, { id: 'a'.repeat(61) })),
				/id is 61 characters long; the limit is 60/
			);
		});

		it('rejects double hyphens and trailing hyphens', () => {
			theError(compile(lesson(BODY, { id: 'online--friends' })), /lower-case letters/);
			theError(compile(lesson(BODY, { id: 'online-' })), /lower-case letters/);
		});
	});

	describe('title and summary', () => {
		it('title may be up to 100 characters', () => {
			expect(errors(compile(lesson(BODY, { title: 'T'.repeat(100) })))).toEqual([]);
			theError(
				compile(lesson(BODY, { title: 'T'.repeat(101) })),
				/title is 101 characters long; the limit is 100 — shorten it/
			);
		});

		it('summary may be up to 240 characters', () => {
			expect(errors(compile(lesson(BODY, { summary: 'S'.repeat(240) })))).toEqual([]);
			theError(
				compile(lesson(BODY, { summary: 'S'.repeat(241) })),
				/summary is 241 characters long; the limit is 240/
			);
		});

		it('must not be empty', () => {
			theError(compile(lesson(BODY, { title: '' })), /title is empty/);
			theError(compile(lesson(BODY, { summary: '""' })), /summary is empty/);
		});

		it('must be text, not a list', () => {
			theError(compile(lesson(BODY, { title: '[a, b]' })), /title must be text, not a list/);
		});

		it('takes a number as the text the author typed', () => {
			expect(compile(lesson(BODY, { title: '2024' })).lesson?.title).toBe('2024');
		});
	});

	describe('order', () => {
		it('must be a whole number of 1 or more', () => {
			expect(errors(compile(lesson(BODY, { order: '1' })))).toEqual([]);
			theError(compile(lesson(BODY, { order: '0' })), /order must be a whole number of 1 or more/);
			theError(compile(lesson(BODY, { order: '1.5' })), /order must be a whole number/);
			theError(compile(lesson(BODY, { order: 'first' })), /order must be a whole number/);
		});

		it('says to remove quotes from a quoted number', () => {
			theError(compile(lesson(BODY, { order: '"3"' })), /order must be a number without quotes/);
		});
	});

	describe('minutes', () => {
		it('must be from 5 to 180', () => {
			expect(errors(compile(lesson(BODY, { minutes: '5' })))).toEqual([]);
			expect(errors(compile(lesson(BODY, { minutes: '180' })))).toEqual([]);
			theError(
				compile(lesson(BODY, { minutes: '4' })),
				/minutes must be a whole number from 5 to 180/
			);
			theError(
				compile(lesson(BODY, { minutes: '181' })),
				/minutes must be a whole number from 5 to 180/
			);
		});
	});

	describe('strand', () => {
		it('accepts each of the eight strands', () => {
			for (const strand of [
				'self-image-and-identity',
				'online-relationships',
				'online-reputation',
				'online-bullying',
				'managing-online-information',
				'health-wellbeing-and-lifestyle',
				'privacy-and-security',
				'copyright-and-ownership'
			]) {
				expect(errors(compile(lesson(BODY, { strand })))).toEqual([]);
			}
		});

		it('suggests the nearest strand for a misspelling or a part of one', () => {
			theError(
				compile(lesson(BODY, { strand: 'online-reputaton' })),
				/did you mean 'online-reputation'\?/
			);
			theError(compile(lesson(BODY, { strand: 'bullying' })), /did you mean 'online-bullying'\?/);
		});
	});

	describe('objectives', () => {
		it('must be a list of 1 to 8', () => {
			const eight = '\n' + Array.from({ length: 8 }, (_, i) => `  - I can do ${i}.`).join('\n');
			const nine = eight + '\n  - I can do 9.';
			expect(errors(compile(lesson(BODY, { objectives: eight })))).toEqual([]);
			theError(
				compile(lesson(BODY, { objectives: nine })),
				/objectives has 9 items; the limit is 8/
			);
			theError(compile(lesson(BODY, { objectives: '[]' })), /objectives needs at least 1 item/);
		});

		it('must be a list, not one line of text', () => {
			theError(compile(lesson(BODY, { objectives: 'I can list.' })), /objectives must be a list/);
		});

		it('reports an empty objective at its own line', () => {
			const source = lesson(BODY, { objectives: '\n  - I can do this.\n  - ""' });
			expect(theError(compile(source), /each objective is empty/).line).toBe(
				lineOf(source, '- ""')
			);
		});
	});

	describe('year', () => {
		it('must be year groups from 1 to 13', () => {
			expect(errors(compile(lesson(BODY, { year: '[1, 13]' })))).toEqual([]);
			theError(compile(lesson(BODY, { year: '14' })), /year 14 is not a year group/);
			theError(compile(lesson(BODY, { year: '[6, 0]' })), /year 0 is not a year group/);
			theError(compile(lesson(BODY, { year: 'six' })), /year must be a year group/);
			theError(compile(lesson(BODY, { year: '[]' })), /year is an empty list/);
		});
	});

	describe('keywords', () => {
		it('must be a list of text', () => {
			theError(compile(lesson(BODY, { keywords: 'safe, kind' })), /keywords must be a list/);
		});
	});

	describe('delivery', () => {
		it('is any unless the lesson says teacher-led', () => {
			expect(compile(lesson()).lesson?.delivery).toBe('any');
			const led = compile(lesson(BODY, { delivery: 'teacher-led' }));
			expect(led.problems).toEqual([]);
			expect(led.lesson?.delivery).toBe('teacher-led');
		});

		it('names the two choices when misspelt', () => {
			const source = lesson(BODY, { delivery: 'teacher-lead' });
			const problem = theError(
				compile(source),
				/unknown delivery 'teacher-lead' — did you mean 'teacher-led'\? — use any .* or teacher-led/
			);
			expect(problem.line).toBe(lineOf(source, 'delivery:'));
		});
	});

	describe('safeguarding', () => {
		it('must be text', () => {
			theError(
				compile(lesson(BODY, { safeguarding: '\n  - a list' })),
				/safeguarding must be text/
			);
		});
	});

	it('reports every problem in the front matter, not just the first', () => {
		const source = lesson(BODY, {
			id: 'Bad Id',
			order: '0',
			minutes: '1000',
			strand: 'nope',
			colour: 'red'
		});
		const found = errors(compile(source));
		expect(found.map((p) => p.line)).toEqual([
			lineOf(source, 'id:'),
			lineOf(source, 'order:'),
			lineOf(source, 'minutes:'),
			lineOf(source, 'strand:'),
			lineOf(source, 'colour:')
		]);
	});
});
