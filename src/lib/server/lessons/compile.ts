// One lesson file from bytes to a checked, rendered Lesson (or the problems that keep it out).

import { createHash } from 'node:crypto';
import type { Block, Fact, Lesson, Problem } from './types';
import { checkLesson, factReferences, type CheckContext } from './check';
import { emptyFacts, type FactTable } from './facts';
import { parseLesson } from './parse';
import type { ParsedLesson } from './parsed-lesson';
import { hasErrors, sortProblems } from './problems';
import {
	renderInlineRaw,
	renderMarkdownRaw,
	renderTitle,
	renderTokensRaw,
	sanitizeAll,
	substituteFacts,
	type RenderContext
} from './render';

export interface CompileOptions {
	/** Path relative to the lessons folder, with `/` separators. */
	file: string;
	facts?: FactTable;
	/** See CheckContext.assetExists. */
	assetExists?: (relativePath: string) => boolean;
	/** Render the HTML on first use instead of now (see buildLazyLesson). */
	lazy?: boolean;
}

export interface CompileResult {
	/** Null when the file has any error. */
	lesson: Lesson | null;
	/** Errors and warnings, in file order. */
	problems: Problem[];
	/** As far as they could be read, for listing an invalid lesson to staff. */
	id?: string;
	title?: string;
	/** Position of the `id` value, for duplicate-id reports. */
	idLine?: number;
	idColumn?: number;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Read, check and render one lesson. Never throws: every failure is a problem. */
export function compileLesson(source: string | Uint8Array, options: CompileOptions): CompileResult {
	const facts = options.facts ?? emptyFacts();
	try {
		const bytes = typeof source === 'string' ? new TextEncoder().encode(source) : source;
		let text: string;
		try {
			text = typeof source === 'string' ? source : decoder.decode(source);
		} catch {
			return fileError(
				options.file,
				'file/encoding',
				'the file is not valid UTF-8 text — save it again choosing the UTF-8 encoding'
			);
		}
		const parsed = parseLesson(text, options.file);
		checkLesson(parsed, { facts, assetExists: options.assetExists } satisfies CheckContext);
		const problems = capProblems(sortProblems([...parsed.problems.items]), options.file);
		const idOffset = parsed.frontMatterOffsets.id;
		const idPosition = idOffset === undefined ? undefined : parsed.lines.at(idOffset);
		const summary = {
			id: parsed.frontMatter.id,
			title: parsed.frontMatter.title,
			idLine: idPosition?.line,
			idColumn: idPosition?.column
		};
		if (hasErrors(problems)) return { lesson: null, problems, ...summary };
		const build = options.lazy ? buildLazyLesson : buildLesson;
		return { lesson: build(parsed, bytes, facts, problems), problems, ...summary };
	} catch (error) {
		return fileError(
			options.file,
			'internal',
			`this file could not be read (${(error as Error).message}) — please report it to the developers`
		);
	}
}

/** A file that could not be read at all: one error, at its start. */
export function fileError(path: string, rule: string, message: string): CompileResult {
	return {
		lesson: null,
		problems: [{ path, line: 1, column: 1, severity: 'error', rule, message }]
	};
}

/** More than this many problems in one file is noise: the first ones tell the author enough. */
export const MAX_PROBLEMS_PER_FILE = 100;

function capProblems(problems: Problem[], file: string): Problem[] {
	if (problems.length <= MAX_PROBLEMS_PER_FILE) return problems;
	const shown = problems.slice(0, MAX_PROBLEMS_PER_FILE);
	const last = shown[shown.length - 1];
	shown.push({
		path: file,
		line: last.line,
		column: last.column,
		severity: problems.slice(MAX_PROBLEMS_PER_FILE).some((p) => p.severity === 'error')
			? 'error'
			: 'warning',
		rule: 'file/too-many-problems',
		message: `and ${problems.length - MAX_PROBLEMS_PER_FILE} more problems in this file — fix the ones above and check again`
	});
	return shown;
}

/** The facts a lesson uses, in order of first use. */
function usedFacts(parsed: ParsedLesson, table: FactTable): Fact[] {
	const used = new Map<string, Fact>();
	for (const { name } of factReferences(parsed.text)) {
		const fact = table.facts.get(name);
		if (fact && !used.has(name)) used.set(name, fact);
	}
	return [...used.values()];
}

/**
 * The content hash recorded with each session: the file's bytes and the text of each fact it
 * uses, so a changed helpline number counts as a new version of the lesson.
 */
export function lessonHash(bytes: Uint8Array, facts: readonly Fact[]): string {
	const hash = createHash('sha256').update(bytes);
	for (const fact of facts) hash.update(`\0${fact.name}\0${fact.text}`);
	return hash.digest('hex');
}

/** The parts of a Lesson that are HTML, rendered from markdown. */
type RenderedParts = Pick<
	Lesson,
	'safeguardingHtml' | 'introHtml' | 'introTeacherHtml' | 'steps' | 'questions' | 'homeHtml'
>;

const RENDERED_KEYS = [
	'safeguardingHtml',
	'introHtml',
	'introTeacherHtml',
	'steps',
	'questions',
	'homeHtml'
] as const satisfies readonly (keyof RenderedParts)[];

function lessonBasics(
	parsed: ParsedLesson,
	bytes: Uint8Array,
	table: FactTable,
	problems: Problem[]
): Omit<Lesson, keyof RenderedParts> {
	const facts = usedFacts(parsed, table);
	const fm = parsed.frontMatter as Required<ParsedLesson['frontMatter']>;
	const plain = (text: string) => substituteFacts(text, table.facts);
	return {
		id: fm.id,
		title: plain(fm.title),
		summary: plain(fm.summary),
		order: fm.order,
		minutes: fm.minutes,
		strand: fm.strand,
		objectives: fm.objectives.map(plain),
		year: parsed.frontMatter.year ?? [6],
		keywords: (parsed.frontMatter.keywords ?? []).map(plain),
		safeguarding: parsed.frontMatter.safeguarding
			? plain(parsed.frontMatter.safeguarding)
			: undefined,
		delivery: parsed.frontMatter.delivery ?? 'any',
		file: parsed.file,
		source: parsed.text,
		hash: lessonHash(bytes, facts),
		facts,
		needsReview: facts.some((f) => f.stale),
		warnings: problems.filter((p) => p.severity === 'warning')
	};
}

/**
 * Render every piece of a lesson, then sanitise them all in one call (see sanitizeAll): pieces
 * are collected as numbered slots first and filled in once they are clean.
 */
function renderParts(parsed: ParsedLesson, table: FactTable): RenderedParts {
	const context: RenderContext = { file: parsed.file, facts: table.facts };
	const raw: string[] = [];
	const slot = (html: string) => raw.push(html) - 1;
	const intro = parsed.intro.map((s) => ({
		kind: s.kind,
		slot: s.kind === 'quiz' ? -1 : slot(renderTokensRaw(s.tokens, context))
	}));
	const safeguarding = parsed.frontMatter.safeguarding
		? slot(renderMarkdownRaw(parsed.frontMatter.safeguarding, context))
		: -1;
	const home = parsed.home.map((tokens) => slot(renderTokensRaw(tokens, context)));
	const steps = parsed.steps.map((outline) =>
		outline.segments.map((segment) =>
			segment.kind === 'quiz' ? -1 : slot(renderTokensRaw(segment.tokens, context))
		)
	);
	const questions = parsed.questions.map((q) => ({
		prompt: slot(renderInlineRaw(q.prompt, context)),
		options: q.options.map((o) => ({
			html: slot(renderInlineRaw(o.text, context)),
			feedback: o.feedback ? slot(renderInlineRaw(o.feedback, context)) : -1
		})),
		explain: q.explain ? slot(renderMarkdownRaw(q.explain, context)) : -1
	}));

	const clean = sanitizeAll(raw);
	const html = (i: number) => clean[i];
	const joined = (kind: 'markdown' | 'teacher') =>
		intro
			.filter((s) => s.kind === kind)
			.map((s) => html(s.slot))
			.join('\n');
	return {
		safeguardingHtml: safeguarding === -1 ? undefined : html(safeguarding),
		introHtml: joined('markdown'),
		introTeacherHtml: joined('teacher'),
		steps: parsed.steps.map((outline, index) => ({
			id: outline.id,
			index,
			title: renderTitle(outline.titleTokens, context),
			blocks: outline.segments.map((segment, j): Block => {
				if (segment.kind === 'quiz') return { kind: 'quiz', questionId: segment.questionId };
				return {
					kind: segment.kind === 'teacher' ? 'teacher' : 'html',
					html: html(steps[index][j])
				};
			})
		})),
		questions: parsed.questions.map((q, i) => ({
			id: q.id,
			type: q.type,
			promptHtml: html(questions[i].prompt),
			options: q.options.map((option, j) => {
				const slots = questions[i].options[j];
				return {
					text: substituteFacts(option.text, context.facts),
					html: html(slots.html),
					correct: option.correct,
					...(slots.feedback === -1 ? {} : { feedbackHtml: html(slots.feedback) })
				};
			}),
			...(questions[i].explain === -1 ? {} : { explainHtml: html(questions[i].explain) }),
			check: q.check,
			stepId: q.stepId,
			scored: q.type !== 'poll'
		})),
		homeHtml: home.map(html).join('\n')
	};
}

/** Render a lesson that passed every rule. Exported so the benchmark can time it alone. */
export function buildLesson(
	parsed: ParsedLesson,
	bytes: Uint8Array,
	table: FactTable,
	problems: Problem[]
): Lesson {
	return { ...lessonBasics(parsed, bytes, table, problems), ...renderParts(parsed, table) };
}

/**
 * The same lesson, with its HTML rendered on first use. Start-up then only reads and checks
 * (rendering is a fifth of the work); the first page that touches a lesson renders all of it,
 * and from then on it is a plain object with ordinary properties.
 */
export function buildLazyLesson(
	parsed: ParsedLesson,
	bytes: Uint8Array,
	table: FactTable,
	problems: Problem[]
): Lesson {
	const lesson = lessonBasics(parsed, bytes, table, problems) as Lesson;
	let parts: RenderedParts | undefined;
	const settle = (key: keyof RenderedParts, value: unknown) => {
		try {
			Object.defineProperty(lesson, key, {
				value,
				writable: true,
				enumerable: true,
				configurable: true
			});
		} catch {
			// A frozen lesson keeps its getters, which go on answering from `parts`.
		}
	};
	const materialise = (): RenderedParts => {
		if (parts) return parts;
		parts = renderParts(parsed, table);
		for (const key of RENDERED_KEYS) settle(key, parts[key]);
		return parts;
	};
	for (const key of RENDERED_KEYS) {
		Object.defineProperty(lesson, key, {
			enumerable: true,
			configurable: true,
			get: () => materialise()[key],
			set: (value: unknown) => {
				materialise();
				settle(key, value);
			}
		});
	}
	return lesson;
}
