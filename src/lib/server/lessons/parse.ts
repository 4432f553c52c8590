// Reads one lesson file into its parts — front matter, introduction, steps, questions,
// take-home sheet — reporting every structural problem with its line and column. The file's
// grammar; a quiz block's own is quiz-block.ts, and the shapes it reads into parsed-lesson.ts.

import type { Token, Tokens } from 'marked';
import { YAMLMap, isMap, isScalar } from 'yaml';
import { ProblemList } from './problems';
import { FRONT_MATTER } from './schema';
import { lexBlocks, plainText, readFence } from './markdown';
import { LineIndex, levenshtein, normaliseSource, quote, slugify } from './text';
import { checkMap, offsetOf, readYaml } from './yaml';
import type { FrontMatter, ParsedLesson, StepOutline } from './parsed-lesson';
import { parseQuiz } from './quiz-block';

const SPECIAL_FENCES = ['quiz', 'teacher', 'home'] as const;

export function parseLesson(source: string, file: string): ParsedLesson {
	const text = normaliseSource(source);
	const lines = new LineIndex(text);
	const parsed: ParsedLesson = {
		file,
		text,
		lines,
		frontMatter: {},
		frontMatterOffsets: {},
		intro: [],
		steps: [],
		home: [],
		questions: [],
		regions: [],
		quizTexts: [],
		problems: new ProblemList(file, lines)
	};
	try {
		const bodyOffset = readFrontMatter(parsed);
		if (bodyOffset !== undefined) readBody(parsed, bodyOffset);
	} catch (error) {
		// Nothing in a lesson file may crash the server; an unexpected failure becomes a problem.
		parsed.problems.error(
			0,
			'internal',
			`this file could not be read (${(error as Error).message}) — please report it to the developers`
		);
	}
	return parsed;
}

/** Returns where the body starts, or undefined when the front matter never ends. */
function readFrontMatter(parsed: ParsedLesson): number | undefined {
	const { text, problems } = parsed;
	const opening = /^---[ \t]*(\n|$)/.exec(text);
	if (!opening) {
		problems.error(
			0,
			'front-matter/missing',
			"the file must start with front matter: a line '---', the keys (id, title, summary, order, minutes, strand, objectives), then another '---'"
		);
		return 0;
	}
	const yamlStart = opening[0].length;
	const rest = text.slice(yamlStart);
	const match = /^---[ \t]*(\n|$)/m.exec(rest);
	if (!match) {
		problems.error(
			0,
			'front-matter/unclosed',
			"the front matter is never closed — add a line '---' after the last key"
		);
		return undefined;
	}
	const yaml = rest.slice(0, match.index);
	const bodyOffset = yamlStart + match.index + match[0].length;
	const region = readYaml(yaml, yamlStart, problems, 'front matter');
	if (!region.ok) return bodyOffset;
	const root = region.doc.contents;
	const value = region.value ?? {};
	const empty = root === null || (isScalar(root) && root.value === null);
	// An empty front matter is an empty map, so each missing key is reported.
	const { values } = checkMap(empty ? new YAMLMap() : root, empty ? {} : value, FRONT_MATTER, {
		problems,
		baseOffset: yamlStart,
		missingOffset: 0,
		rulePrefix: 'front-matter',
		missing: (key, hint) => `missing required key '${key}' (${hint})`,
		unknown: (key, suggestion) =>
			`unknown front matter key '${key}'${suggestion || ` — the keys are ${Object.keys(FRONT_MATTER).join(', ')}`}`,
		notAMap:
			"the front matter must be lines of 'key: value', such as 'title: Think before you share'"
	});
	if (isMap(root)) {
		for (const pair of root.items) {
			const key = isScalar(pair.key) ? String(pair.key.value) : '';
			parsed.frontMatterOffsets[key] = yamlStart + offsetOf(pair.value, offsetOf(pair.key, 0));
		}
	}
	const frontMatter = values as Partial<FrontMatter>;
	if (frontMatter.year) frontMatter.year = [...new Set(frontMatter.year)].sort((a, b) => a - b);
	parsed.frontMatter = frontMatter;
	return bodyOffset;
}

function readBody(parsed: ParsedLesson, bodyOffset: number): void {
	const body = parsed.text.slice(bodyOffset);
	let tokens: Token[];
	try {
		tokens = lexBlocks(body);
	} catch (error) {
		parsed.problems.error(
			bodyOffset,
			'markdown/unreadable',
			`the lesson text could not be read as markdown (${(error as Error).message})`
		);
		return;
	}
	const state: BodyState = {
		parsed,
		current: undefined,
		pending: [],
		pendingOffset: bodyOffset,
		slugs: new Set(),
		quizIds: new Map()
	};
	let cursor = bodyOffset;
	for (const token of tokens) {
		const offset = locate(parsed.text, token.raw, cursor);
		cursor = offset + token.raw.length;
		readBlock(state, token, offset);
	}
	flushMarkdown(state);
	if (parsed.steps.length === 0) {
		parsed.problems.error(
			bodyOffset,
			'body/no-steps',
			"the lesson has no steps — start each step with a level-2 heading line such as '## What is personal information?'"
		);
	}
	for (const step of parsed.steps) {
		const visible = step.hasQuiz || step.segments.some((s) => s.kind === 'markdown');
		if (!visible) {
			parsed.problems.warning(
				step.offset,
				'body/empty-step',
				`step '${step.title || step.id}' has nothing for pupils to see — add some text or a question, or remove the heading`
			);
		}
	}
}

interface BodyState {
	parsed: ParsedLesson;
	current: StepOutline | undefined;
	/** Markdown tokens waiting to become one segment. */
	pending: Token[];
	pendingOffset: number;
	slugs: Set<string>;
	quizIds: Map<string, number>;
}

function readBlock(state: BodyState, token: Token, offset: number): void {
	const { parsed } = state;
	if (token.type === 'heading') {
		const heading = token as Tokens.Heading;
		if (heading.depth === 2) {
			flushMarkdown(state);
			parsed.regions.push({ tokens: [heading], offset, exact: true });
			startStep(state, heading, offset);
			return;
		}
		if (heading.depth === 1) {
			parsed.problems.error(
				offset,
				'body/h1',
				`a level-1 heading ('# ${quote(plainText(heading.tokens))}') is not allowed in the body — the title comes from the front matter; use '## ' to start a step or '### ' for a sub-heading`
			);
		}
	}
	if (token.type === 'code') {
		const fence = readFence(token.raw);
		if (fence && (SPECIAL_FENCES as readonly string[]).includes(fence.kind)) {
			flushMarkdown(state);
			readSpecialFence(state, fence.kind as (typeof SPECIAL_FENCES)[number], fence, offset);
			return;
		}
		if (fence) warnNearSpecialFence(parsed, fence.kind, offset);
	}
	if (state.pending.length === 0) state.pendingOffset = offset;
	state.pending.push(token);
}

function warnNearSpecialFence(parsed: ParsedLesson, kind: string, offset: number): void {
	if (!kind) return;
	for (const special of SPECIAL_FENCES) {
		if (levenshtein(kind, special) <= 2 && kind.length >= 3) {
			parsed.problems.error(
				offset,
				'body/fence-typo',
				`code block marked '${quote(kind)}' — did you mean '${special}'? As written it is shown to pupils as code`
			);
			return;
		}
	}
}

function startStep(state: BodyState, heading: Tokens.Heading, offset: number): void {
	const { parsed } = state;
	const title = plainText(heading.tokens);
	const index = parsed.steps.length;
	if (!title) {
		parsed.problems.error(
			offset,
			'body/empty-heading',
			`step ${index + 1} has an empty heading — write the step's title after '## '`
		);
	}
	const base = slugify(title) || `step-${index + 1}`;
	let id = base;
	for (let n = 2; state.slugs.has(id); n++) id = `${base}-${n}`;
	state.slugs.add(id);
	const step: StepOutline = {
		id,
		title,
		titleTokens: heading.tokens,
		offset,
		segments: [],
		hasQuiz: false
	};
	parsed.steps.push(step);
	state.current = step;
}

function flushMarkdown(state: BodyState): void {
	if (state.pending.length === 0) return;
	const tokens = state.pending;
	state.pending = [];
	state.parsed.regions.push({ tokens, offset: state.pendingOffset, exact: true });
	const onlySpace = tokens.every((t) => t.type === 'space');
	if (onlySpace) return;
	const segments = state.current ? state.current.segments : state.parsed.intro;
	segments.push({ kind: 'markdown', tokens });
}

function readSpecialFence(
	state: BodyState,
	kind: (typeof SPECIAL_FENCES)[number],
	fence: NonNullable<ReturnType<typeof readFence>>,
	offset: number
): void {
	const { parsed } = state;
	if (!fence.closed) {
		parsed.problems.error(
			offset,
			'body/unclosed-fence',
			`this \`\`\`${kind} block is never closed — add a line with \`\`\` after its last line (everything below it was read as part of the block)`
		);
		return;
	}
	const contentOffset = offset + fence.contentStart;
	if (kind === 'quiz') {
		readQuiz(state, fence.content, contentOffset, offset);
		return;
	}
	if (!fence.content.trim()) {
		parsed.problems.warning(
			offset,
			`body/empty-${kind}`,
			`this \`\`\`${kind} block is empty — write something in it or remove it`
		);
		return;
	}
	let tokens: Token[];
	try {
		tokens = lexBlocks(fence.content);
	} catch (error) {
		parsed.problems.error(
			offset,
			'markdown/unreadable',
			`this \`\`\`${kind} block could not be read as markdown (${(error as Error).message})`
		);
		return;
	}
	parsed.regions.push({ tokens, offset: contentOffset, exact: true });
	if (kind === 'home') {
		parsed.home.push(tokens);
		return;
	}
	const segments = state.current ? state.current.segments : parsed.intro;
	segments.push({ kind: 'teacher', tokens });
}

function readQuiz(
	state: BodyState,
	content: string,
	contentOffset: number,
	fenceOffset: number
): void {
	const { parsed } = state;
	const { problems } = parsed;
	if (state.current) state.current.hasQuiz = true;
	if (!content.trim()) {
		problems.error(
			fenceOffset,
			'quiz/empty',
			'this ```quiz block is empty — write the question in YAML: id, prompt and options (see lessons/README.md)'
		);
		return;
	}
	const question = parseQuiz(parsed, content, contentOffset, fenceOffset, state.current?.id ?? '');
	if (!question) return;
	const previous = state.quizIds.get(question.id);
	if (previous !== undefined) {
		problems.error(
			fenceOffset,
			'quiz/duplicate-id',
			`quiz id '${question.id}' is already used on line ${parsed.lines.at(previous).line} — each question in a lesson needs its own id`
		);
		return;
	}
	state.quizIds.set(question.id, fenceOffset);
	if (!state.current) {
		problems.error(
			fenceOffset,
			'quiz/outside-step',
			`quiz '${question.id}' is before the first step — move it below a '## ' heading`
		);
		return;
	}
	if (!question.valid) return;
	parsed.questions.push(question.question);
	state.current.segments.push({ kind: 'quiz', questionId: question.id });
}

/** Where `raw` starts in `text`, searching from `from`; falls back to `from`. */
export function locate(text: string, raw: string, from: number): number {
	if (text.startsWith(raw, from)) return from;
	const firstLine = raw.split('\n', 1)[0];
	if (!firstLine) return from;
	const found = text.indexOf(firstLine, from);
	return found === -1 ? from : found;
}
