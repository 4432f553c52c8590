import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatProblem, summarise } from '../../../src/lib/server/lessons/report';
import type { Problem } from '../../../src/lib/server/lessons/types';

function check(...args: string[]) {
	const run = spawnSync(
		process.execPath,
		['--import', 'tsx', 'scripts/lessons-check.ts', ...args],
		{
			encoding: 'utf8',
			env: { ...process.env, LESSONS_DIR: '' }
		}
	);
	return { code: run.status, lines: run.stdout.trim().split('\n'), stderr: run.stderr };
}

const problem = (severity: Problem['severity']): Problem => ({
	path: 'unit/a.md',
	line: 12,
	column: 5,
	severity,
	rule: 'x',
	message: 'the message'
});

describe('problem lines', () => {
	it('read path:line:column: message, with warnings marked after the location', () => {
		expect(formatProblem(problem('error'), 'lessons')).toBe('lessons/unit/a.md:12:5: the message');
		expect(formatProblem(problem('warning'), 'lessons/')).toBe(
			'lessons/unit/a.md:12:5: warning: the message'
		);
		expect(formatProblem(problem('error'))).toBe('unit/a.md:12:5: the message');
	});

	it('end with a total', () => {
		expect(summarise(6, [problem('warning')])).toBe('6 lessons checked: 0 errors, 1 warning');
		expect(summarise(1, [problem('error'), problem('error')])).toBe(
			'1 lesson checked: 2 errors, 0 warnings'
		);
	});
});

describe('npm run lessons:check', () => {
	it('exits 0 when there are only warnings, printing them and the total', () => {
		const { code, lines } = check('tests/fixtures/lessons/valid');
		expect(lines).toEqual([
			expect.stringMatching(
				/^tests\/fixtures\/lessons\/valid\/facts\.yml:12:11: warning: fact 'old-campaign' was due for review/
			),
			expect.stringMatching(
				/^tests\/fixtures\/lessons\/valid\/sub\/02-passwords\.md:16:14: warning: uses fact 'old-campaign'/
			),
			'4 lessons checked: 0 errors, 2 warnings'
		]);
		expect(code).toBe(0);
	});

	it('exits 1 on any error, one line per problem', () => {
		const { code, lines } = check('tests/fixtures/lessons/invalid');
		expect(code).toBe(1);
		expect(lines).toContain(
			"tests/fixtures/lessons/invalid/quiz.md:21:14: quiz 'two-correct' has two correct options; a 'single' question needs exactly one — use type: multiple?"
		);
		expect(lines).toContain(
			"tests/fixtures/lessons/invalid/front-matter.md:7:1: unknown front matter key 'objectivs' — did you mean 'objectives'?"
		);
		for (const line of lines.slice(0, -1))
			expect(line).toMatch(/^tests\/fixtures\/lessons\/invalid\/[\w./-]+:\d+:\d+: /);
		expect(lines.at(-1)).toMatch(/^9 lessons checked: \d+ errors, 2 warnings$/);
	});

	it('exits 1 for a folder that does not exist', () => {
		const { code, lines } = check('no/such/folder');
		expect(code).toBe(1);
		expect(lines[0]).toMatch(/does not exist/);
		expect(lines.at(-1)).toBe('0 lessons checked: 1 error, 0 warnings');
	});
});
