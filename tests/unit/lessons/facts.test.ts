import { describe, expect, it } from 'vitest';
import { parseFacts } from '../../../src/lib/server/lessons/facts';
import {
	compile,
	FACTS_YML,
	lesson,
	lineOf,
	positionOf,
	theError,
	TODAY,
	warnings,
	withStep
} from './helpers';

function factsProblems(yaml: string, today = TODAY) {
	return parseFacts(yaml, today).problems;
}

const GOOD = `childline-phone:
  text: "0800 1111"
  source: https://www.childline.org.uk/
  checked: 2026-11-01
  review: 2027-11-01
`;

describe('facts.yml', () => {
	it('reads each fact with its text, source and dates', () => {
		const table = parseFacts(GOOD, TODAY);
		expect(table.problems).toEqual([]);
		expect(table.facts.get('childline-phone')).toEqual({
			name: 'childline-phone',
			text: '0800 1111',
			source: 'https://www.childline.org.uk/',
			checked: '2026-11-01',
			review: '2027-11-01',
			stale: false
		});
	});

	it('may be missing or empty', () => {
		expect(parseFacts(null, TODAY).facts.size).toBe(0);
		expect(parseFacts('', TODAY).problems).toEqual([]);
		expect(parseFacts('# only a comment\n', TODAY).problems).toEqual([]);
	});

	it('takes a number as the text', () => {
		expect(
			parseFacts(GOOD.replace('"0800 1111"', '999'), TODAY).facts.get('childline-phone')?.text
		).toBe('999');
	});

	it.each(['text', 'source', 'checked', 'review'])('requires %s', (key) => {
		const yaml = GOOD.split('\n')
			.filter((line) => !line.trim().startsWith(`${key}:`))
			.join('\n');
		const problems = factsProblems(yaml);
		expect(problems).toHaveLength(1);
		expect(problems[0]).toMatchObject({ path: 'facts.yml', line: 1, severity: 'error' });
		expect(problems[0].message).toMatch(new RegExp(`fact 'childline-phone' is missing '${key}'`));
	});

	it('requires real YYYY-MM-DD dates', () => {
		const problems = factsProblems(
			GOOD.replace('2026-11-01', '2026-02-30').replace('2027-11-01', '1 Nov 2027')
		);
		expect(problems.map((p) => p.line)).toEqual([lineOf(GOOD, 'checked'), lineOf(GOOD, 'review')]);
		expect(problems[0].message).toMatch(/checked must be a real date written YYYY-MM-DD/);
	});

	it('requires review after checked', () => {
		const problems = factsProblems(GOOD.replace('2027-11-01', '2025-01-01'));
		expect(problems[0].message).toMatch(/review date must come after the date it was checked/);
	});

	it('requires the source to be a web address', () => {
		for (const source of ['childline.org.uk', 'ftp://example.org/', 'javascript:alert(1)']) {
			const problems = factsProblems(GOOD.replace('https://www.childline.org.uk/', source));
			expect(problems[0].message).toMatch(/source must be a web address starting with https:\/\//);
			expect(problems[0].line).toBe(lineOf(GOOD, 'source:'));
		}
	});

	it('reports unknown keys with a suggestion', () => {
		const problems = factsProblems(GOOD + '  sauce: x\n');
		expect(problems[0].message).toBe(
			"unknown key 'sauce' in fact 'childline-phone' — did you mean 'source'?"
		);
	});

	it('requires slug names', () => {
		const problems = factsProblems(GOOD.replace('childline-phone:', 'Childline Phone:'));
		expect(problems[0].message).toMatch(
			/fact name 'Childline Phone' may only use .* e\.g\. 'childline-phone'/
		);
	});

	it('requires each fact to be a set of keys', () => {
		expect(factsProblems('childline-phone: "0800 1111"\n')[0].message).toMatch(
			/must have indented lines text:, source:/
		);
		expect(factsProblems('- a\n- b\n')[0].message).toMatch(
			/facts.yml must be a list of named facts/
		);
	});

	it('reports YAML mistakes at their line', () => {
		const problems = factsProblems(GOOD + 'broken:\n  text: "unclosed\n');
		expect(problems[0].message).toMatch(/^facts.yml: /);
	});

	it('warns about a fact past its review date, at the review line', () => {
		const problems = factsProblems(GOOD, '2027-11-02');
		expect(problems).toHaveLength(1);
		expect(problems[0]).toMatchObject({ severity: 'warning', line: lineOf(GOOD, 'review:') });
		expect(problems[0].message).toMatch(
			/was due for review on 2027-11-01 — confirm it at https:\/\/www.childline.org.uk\//
		);
		expect(factsProblems(GOOD, '2027-11-01')).toEqual([]);
	});

	it('does not allow a fact to refer to another fact', () => {
		expect(factsProblems(GOOD.replace('"0800 1111"', '"{{other}}"'))[0].message).toMatch(
			/refers to another fact/
		);
	});
});

describe('fact references', () => {
	it('are replaced in the body, teacher notes, home sheet, questions and front matter', () => {
		const source = lesson(
			'\nCall {{childline-phone}}.\n\n## Step for {{childline-phone}}\n\nText {{ childline-phone }}.\n\n```teacher\nNote {{childline-phone}}.\n```\n\n```quiz\nid: q\nprompt: "Is {{childline-phone}} free?"\noptions:\n  - text: "Yes, {{childline-phone}}"\n    correct: true\n    feedback: "{{childline-phone}}"\n  - text: "No"\nexplain: "`{{childline-phone}}`"\n```\n\n```home\nHome {{childline-phone}}.\n```\n',
			{ summary: 'Childline {{childline-phone}}', safeguarding: '"Childline: {{childline-phone}}"' }
		);
		const result = compile(source);
		expect(result.problems).toEqual([]);
		// Everything shown is substituted; only the kept source text (a revision) has {{…}}.
		const { source: kept, ...shown } = result.lesson!;
		expect(kept).toContain('{{childline-phone}}');
		expect(JSON.stringify(shown)).not.toContain('{{');
		expect(result.lesson?.introHtml).toBe('<p>Call 0800 1111.</p>\n');
		expect(result.lesson?.steps[0]).toMatchObject({
			id: 'step-for-childline-phone',
			title: 'Step for 0800 1111'
		});
		expect(result.lesson?.summary).toBe('Childline 0800 1111');
		expect(result.lesson?.questions[0].explainHtml).toBe('<p><code>0800 1111</code></p>\n');
		expect(result.lesson?.facts.map((f) => f.name)).toEqual(['childline-phone']);
	});

	it('to an unknown fact are an error at their line and column, and stay visible', () => {
		const source = withStep('Call {{childline-phon}} now.');
		const result = compile(source);
		const problem = theError(
			result,
			/unknown fact 'childline-phon' — did you mean 'childline-phone'\?/
		);
		expect(positionOf(source, '{{childline-phon}}')).toEqual({
			line: problem.line,
			column: problem.column
		});
	});

	it('inside a quiz block are located too', () => {
		const source = withStep(
			'```quiz\nid: q\ntype: truefalse\nprompt: "Ring {{nobody}}?"\nanswer: true\n```'
		);
		const problem = theError(compile(source), /unknown fact 'nobody'/);
		expect(positionOf(source, '{{nobody}}')).toEqual({
			line: problem.line,
			column: problem.column
		});
	});

	it('that are empty are an error', () => {
		theError(compile(withStep('Call {{}}.')), /empty fact reference/);
	});

	it('to a fact with errors in facts.yml are an error in the lesson', () => {
		const facts = parseFacts('broken:\n  text: x\n', TODAY);
		theError(
			compile(withStep('Use {{broken}}.'), { facts }),
			/fact 'broken' has errors in facts.yml/
		);
	});

	it('to a stale fact are a warning once, and the lesson needs review', () => {
		const source = withStep('{{old-campaign}} and {{old-campaign}} and {{childline-phone}}.');
		const result = compile(source);
		expect(warnings(result)).toHaveLength(1);
		expect(warnings(result)[0].message).toMatch(
			/uses fact 'old-campaign', which was due for review on 2020-01-01/
		);
		expect(result.lesson?.needsReview).toBe(true);
		expect(result.lesson?.warnings).toEqual(warnings(result));
		expect(result.lesson?.facts.find((f) => f.name === 'old-campaign')?.stale).toBe(true);
	});

	it('change the lesson hash when the fact text changes', () => {
		const source = withStep('Call {{childline-phone}}.');
		const before = compile(source).lesson!.hash;
		const facts = parseFacts(FACTS_YML.replace('0800 1111', '0800 2222'), TODAY);
		const after = compile(source, { facts }).lesson!.hash;
		expect(before).toMatch(/^[0-9a-f]{64}$/);
		expect(after).not.toBe(before);
		expect(compile(source).lesson!.hash).toBe(before);
	});
});
