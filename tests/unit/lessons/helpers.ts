// Small builders for lesson sources held in memory, and lookups on the problems they produce.

import {
	compileLesson,
	type CompileOptions,
	type CompileResult
} from '../../../src/lib/server/lessons/compile';
import { parseFacts } from '../../../src/lib/server/lessons/facts';
import type { Problem } from '../../../src/lib/server/lessons/types';

export const TODAY = '2026-12-01';

export const FACTS_YML = `childline-phone:
  text: "0800 1111"
  source: https://www.childline.org.uk/
  checked: 2026-11-01
  review: 2099-11-01
old-campaign:
  text: Share Aware
  source: https://www.nspcc.org.uk/
  checked: 2019-01-01
  review: 2020-01-01
`;

export const FACTS = parseFacts(FACTS_YML, TODAY);

export const FRONT_MATTER: Record<string, string> = {
	id: 'online-friends',
	title: 'Online friends',
	summary: 'Who we meet online and how to stay safe.',
	order: '1',
	minutes: '40',
	strand: 'online-relationships',
	objectives: '\n  - I can name a trusted adult.'
};

/** Front matter lines; `null` leaves a key out, extra keys are added at the end. */
export function frontMatter(overrides: Record<string, string | null> = {}): string {
	const keys = { ...FRONT_MATTER, ...overrides };
	const lines = Object.entries(keys)
		.filter((entry): entry is [string, string] => entry[1] !== null)
		.map(([key, value]) => `${key}:${value.startsWith('\n') ? '' : ' '}${value}`);
	return `---\n${lines.join('\n')}\n---\n`;
}

export const BODY = `
Welcome to the lesson.

## First step

Some text for pupils.
`;

export function lesson(body = BODY, overrides: Record<string, string | null> = {}): string {
	return frontMatter(overrides) + body;
}

export function quizBlock(yaml: string): string {
	return '```quiz\n' + yaml.trim() + '\n```\n';
}

/** A lesson with one step holding `content`. */
export function withStep(content: string, overrides: Record<string, string | null> = {}): string {
	return lesson(`\nIntro.\n\n## The step\n\n${content}\n`, overrides);
}

export function compile(
	source: string | Uint8Array,
	options: Partial<CompileOptions> = {}
): CompileResult {
	return compileLesson(source, { file: 'test.md', facts: FACTS, ...options });
}

export function errors(result: { problems: Problem[] }): Problem[] {
	return result.problems.filter((p) => p.severity === 'error');
}

export function warnings(result: { problems: Problem[] }): Problem[] {
	return result.problems.filter((p) => p.severity === 'warning');
}

/** The one error matching `pattern`; fails loudly when there are none or several. */
export function theError(result: { problems: Problem[] }, pattern: RegExp): Problem {
	const found = errors(result).filter((p) => pattern.test(p.message));
	if (found.length !== 1) {
		throw new Error(
			`expected one error matching ${pattern}, found ${found.length}:\n${result.problems.map((p) => `  ${p.line}:${p.column} ${p.message}`).join('\n')}`
		);
	}
	return found[0];
}

/** 1-based line and column where `needle` first occurs in `text` (after `after`, if given). */
export function positionOf(
	text: string,
	needle: string,
	after = ''
): { line: number; column: number } {
	const from = after ? text.indexOf(after) : 0;
	const offset = text.indexOf(needle, from);
	if (offset === -1) throw new Error(`'${needle}' not found`);
	const before = text.slice(0, offset);
	const line = before.split('\n').length;
	return { line, column: offset - before.lastIndexOf('\n') };
}

export function lineOf(text: string, needle: string, after = ''): number {
	return positionOf(text, needle, after).line;
}
