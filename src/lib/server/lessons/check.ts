// The content rules that need more than the file's structure: facts, images, raw HTML, links,
// and (across files) unique lesson ids.

import type { Token, Tokens } from 'marked';
import type { Problem } from './types';
import type { FactTable } from './facts';
import { unknownFactMessage } from './facts';
import { imageProblem, imageTarget } from './images';
import { lexBlocks, lexInline, readFence, walk } from './markdown';
import { locate } from './parse';
import type { MarkdownRegion, ParsedLesson, QuizText } from './parsed-lesson';
import { FACT_REF, quote } from './text';

export interface CheckContext {
	facts: FactTable;
	/**
	 * Whether a file exists, given its path relative to the lessons folder. Without it, image
	 * files are not looked for (e.g. when checking a lesson held only in memory).
	 */
	assetExists?: (relativePath: string) => boolean;
}

export function checkLesson(parsed: ParsedLesson, context: CheckContext): void {
	try {
		checkFactReferences(parsed, context.facts);
		for (const region of parsed.regions) checkRegion(parsed, region, context);
		for (const quizText of parsed.quizTexts) checkQuizText(parsed, quizText, context);
	} catch (error) {
		parsed.problems.error(
			0,
			'internal',
			`this file could not be checked (${(error as Error).message}) — please report it to the developers`
		);
	}
}

/** Every {{name}} in the file, with its offset. */
export function factReferences(text: string): { name: string; offset: number }[] {
	const references: { name: string; offset: number }[] = [];
	for (const match of text.matchAll(FACT_REF)) {
		references.push({ name: match[1].trim(), offset: match.index ?? 0 });
	}
	return references;
}

function checkFactReferences(parsed: ParsedLesson, table: FactTable): void {
	const warned = new Set<string>();
	for (const { name, offset } of factReferences(parsed.text)) {
		const fact = table.facts.get(name);
		if (!fact) {
			parsed.problems.error(offset, 'facts/unknown', unknownFactMessage(name, table));
		} else if (fact.stale && !warned.has(name)) {
			warned.add(name);
			parsed.problems.warning(
				offset,
				'facts/stale',
				`uses fact '${name}', which was due for review on ${fact.review} — staff see "needs review" until it is confirmed and facts.yml is updated`
			);
		}
	}
}

function checkRegion(parsed: ParsedLesson, region: MarkdownRegion, context: CheckContext): void {
	let cursor = region.offset;
	const offsetOf = (raw: string): number => {
		if (!region.exact) return region.offset;
		const found = locate(parsed.text, raw, cursor);
		// Past this token's start, so the next one (even a nested one) is looked for after it.
		cursor = found + 1;
		return found;
	};
	let lastHtmlLine = 0;
	walk(region.tokens, (token) => {
		switch (token.type) {
			case 'html': {
				// One report per line: '<b>bold</b>' is one mistake, not two.
				const offset = offsetOf(token.raw);
				const line = parsed.lines.at(offset).line;
				if (line !== lastHtmlLine) reportHtml(parsed, token as Tokens.HTML, offset);
				lastHtmlLine = line;
				break;
			}
			case 'image':
				checkImage(parsed, token as Tokens.Image, offsetOf(token.raw), context);
				break;
			case 'link':
				checkLink(parsed, token as Tokens.Link, offsetOf(token.raw));
				break;
			case 'code':
				checkNestedFence(parsed, token as Tokens.Code, offsetOf(token.raw));
				break;
		}
	});
}

function checkQuizText(parsed: ParsedLesson, quizText: QuizText, context: CheckContext): void {
	// Only HTML, images and links are checked here, and each needs one of these characters.
	if (!/[<\]:]/.test(quizText.text)) return;
	let tokens: Token[];
	try {
		tokens = quizText.inline ? lexInline(quizText.text) : lexBlocks(quizText.text);
	} catch {
		return;
	}
	checkRegion(parsed, { tokens, offset: quizText.offset, exact: false }, context);
}

function reportHtml(parsed: ParsedLesson, token: Tokens.HTML, offset: number): void {
	const raw = token.raw.trim();
	if (!raw) return;
	if (raw.startsWith('<!--')) {
		parsed.problems.error(
			offset,
			'body/html',
			'HTML comments are not allowed in lessons — for notes to staff use a ```teacher block; for a draft, start the file name with _'
		);
		return;
	}
	const tag = raw.split('\n', 1)[0];
	parsed.problems.error(
		offset,
		'body/html',
		`raw HTML ('${quote(tag, 30)}') is not allowed in lessons and is shown as plain text — use markdown instead (**bold**, *italic*, lists, tables)`
	);
}

function checkImage(
	parsed: ParsedLesson,
	token: Tokens.Image,
	offset: number,
	context: CheckContext
): void {
	const target = imageTarget(token.href, parsed.file);
	if (!token.text.trim()) {
		parsed.problems.error(
			offset,
			'image/alt',
			`image '${quote(token.href)}' has no alt text — describe the picture between the brackets, e.g. ![A phone showing a chat message](${quote(token.href)})`
		);
	}
	if (!target.ok) {
		parsed.problems.error(
			offset,
			`image/${target.reason}`,
			imageProblem(token.href, target.reason)
		);
		return;
	}
	if (context.assetExists && !context.assetExists(target.path)) {
		parsed.problems.error(
			offset,
			'image/missing',
			`image file '${target.path}' was not found — put the picture beside the lesson and check the spelling (file names are case-sensitive)`
		);
	}
}

const LINK_SCHEMES = ['http:', 'https:', 'mailto:', 'tel:'];

function checkLink(parsed: ParsedLesson, token: Tokens.Link, offset: number): void {
	const href = token.href.trim();
	// Browsers ignore whitespace and control characters inside a scheme ('java\tscript:').
	// eslint-disable-next-line no-control-regex
	const scheme = /^([a-z][a-z0-9+.-]*:)/i.exec(href.replace(/[\s\0-\x1f]/g, ''));
	if (scheme && !LINK_SCHEMES.includes(scheme[1].toLowerCase())) {
		parsed.problems.error(
			offset,
			'link/scheme',
			`link to '${quote(href)}' is not allowed — links may use https://, http://, mailto: or tel: addresses`
		);
	}
}

const SPECIAL = new Set(['quiz', 'teacher', 'home']);

function checkNestedFence(parsed: ParsedLesson, token: Tokens.Code, offset: number): void {
	const kind =
		readFence(token.raw)?.kind ?? (token.lang ?? '').trim().split(/\s+/)[0]?.toLowerCase();
	if (kind && SPECIAL.has(kind)) {
		parsed.problems.error(
			offset,
			'body/nested-fence',
			`this \`\`\`${kind} block is inside a list, a quote or another block, so it is not read as a ${kind} block — start its fence at the beginning of a line, with a blank line before it`
		);
	}
}

/** Files that share a lesson id: every one of them gets an error naming the others. */
export function checkDuplicateIds(
	entries: { file: string; id?: string; idLine?: number; idColumn?: number }[]
): Map<string, Problem[]> {
	const byId = new Map<string, typeof entries>();
	for (const entry of entries) {
		if (!entry.id) continue;
		const list = byId.get(entry.id) ?? [];
		list.push(entry);
		byId.set(entry.id, list);
	}
	const problems = new Map<string, Problem[]>();
	for (const [id, list] of byId) {
		if (list.length < 2) continue;
		for (const entry of list) {
			const others = list.filter((e) => e !== entry).map((e) => e.file);
			const problem: Problem = {
				path: entry.file,
				line: entry.idLine ?? 1,
				column: entry.idColumn ?? 1,
				severity: 'error',
				rule: 'front-matter/duplicate-id',
				message: `lesson id '${id}' is also used by ${others.join(', ')} — every lesson needs its own id (answers and reports are keyed on it)`
			};
			problems.set(entry.file, [...(problems.get(entry.file) ?? []), problem]);
		}
	}
	return problems;
}
