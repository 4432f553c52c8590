// A lesson file as parse.ts reads it: its parts and where each stands in the file, before
// anything is checked further or rendered. Apart from the parser because check.ts and
// compile.ts read these shapes too, and the grammar reads better without them.
import type { Token } from 'marked';
import type { Lesson, QuestionType } from './types';
import type { ProblemList } from './problems';
import type { LineIndex } from './text';

/** The front matter as written: the lesson's own fields, before anything is rendered. */
export type FrontMatter = Pick<
	Lesson,
	| 'id'
	| 'title'
	| 'summary'
	| 'order'
	| 'minutes'
	| 'strand'
	| 'objectives'
	| 'year'
	| 'keywords'
	| 'safeguarding'
	| 'delivery'
>;

export interface ParsedOption {
	text: string;
	correct: boolean;
	feedback?: string;
}

export interface ParsedQuestion {
	id: string;
	type: QuestionType;
	prompt: string;
	options: ParsedOption[];
	/** Only for `truefalse`. */
	answer?: boolean;
	explain?: string;
	check: boolean;
	stepId: string;
	/** Offset of the ```quiz fence in the file. */
	offset: number;
}

/** A run of markdown tokens and where it starts in the file. */
export interface MarkdownRegion {
	tokens: Token[];
	/** Offset of the first token in the file. */
	offset: number;
	/** Whether tokens are exactly the file text from `offset` (so positions can be found in it). */
	exact: boolean;
}

export type Segment =
	| { kind: 'markdown'; tokens: Token[] }
	| { kind: 'teacher'; tokens: Token[] }
	| { kind: 'quiz'; questionId: string };

export interface StepOutline {
	id: string;
	title: string;
	/** Inline tokens of the heading, rendered with facts substituted. */
	titleTokens: Token[];
	offset: number;
	segments: Segment[];
	/** Whether any quiz block stands in the step, even one with errors. */
	hasQuiz: boolean;
}

/** A string from a quiz block that is rendered as markdown, and where its value starts. */
export interface QuizText {
	text: string;
	offset: number;
	inline: boolean;
}

export interface ParsedLesson {
	file: string;
	/** The file text with BOM removed and line endings normalised. */
	text: string;
	lines: LineIndex;
	/** The keys that passed their rules. */
	frontMatter: Partial<FrontMatter>;
	/** Offset of each front matter key's value, for reporting later rules. */
	frontMatterOffsets: Record<string, number>;
	intro: Segment[];
	steps: StepOutline[];
	/** Token lists of the `home` blocks, in order. */
	home: Token[][];
	questions: ParsedQuestion[];
	/** Every markdown region in the file (body, teacher and home blocks), for the content rules. */
	regions: MarkdownRegion[];
	/** Quiz strings rendered as markdown, for the content rules. */
	quizTexts: QuizText[];
	problems: ProblemList;
}
