// The shapes the lesson engine hands to the rest of the app. Routes build against these names.

export type Severity = 'error' | 'warning';

/** One broken rule, located in a file of the lessons folder. */
export interface Problem {
	/** Path relative to the lessons folder, with `/` separators (e.g. `online/friends.md`). */
	path: string;
	/** 1-based. */
	line: number;
	/** 1-based. */
	column: number;
	severity: Severity;
	/** Names the problem and the fix, in words a council officer can act on. */
	message: string;
	/** Stable identifier of the rule (e.g. `front-matter/unknown-key`), for tests and filtering. */
	rule: string;
}

export const STRANDS = [
	'self-image-and-identity',
	'online-relationships',
	'online-reputation',
	'online-bullying',
	'managing-online-information',
	'health-wellbeing-and-lifestyle',
	'privacy-and-security',
	'copyright-and-ownership'
] as const;

export type Strand = (typeof STRANDS)[number];

/** How a lesson may run: `teacher-led` lessons only ever run live with a teacher present. */
export const DELIVERIES = ['any', 'teacher-led'] as const;

export type Delivery = (typeof DELIVERIES)[number];

export const QUESTION_TYPES = ['single', 'multiple', 'truefalse', 'poll'] as const;

export type QuestionType = (typeof QUESTION_TYPES)[number];

/** A dated fact from facts.yml. */
export interface Fact {
	name: string;
	text: string;
	source: string;
	/** ISO date `YYYY-MM-DD`. */
	checked: string;
	/** ISO date `YYYY-MM-DD`. */
	review: string;
	/** True when `review` is before today: staff see "needs review". */
	stale: boolean;
}

export interface QuestionOption {
	text: string;
	html: string;
	correct: boolean;
	feedbackHtml?: string;
}

export interface Question {
	id: string;
	type: QuestionType;
	promptHtml: string;
	/** For `truefalse`, two synthesised options "True" and "False". */
	options: QuestionOption[];
	explainHtml?: string;
	/** In the before/after knowledge check. */
	check: boolean;
	stepId: string;
	/** False for `poll`. */
	scored: boolean;
}

export type Block =
	| { kind: 'html'; html: string }
	| { kind: 'teacher'; html: string }
	| { kind: 'quiz'; questionId: string };

export interface Step {
	/** Slug of the heading; duplicates get `-2`, `-3`, … */
	id: string;
	/** 0-based. */
	index: number;
	title: string;
	blocks: Block[];
}

export interface Lesson {
	id: string;
	title: string;
	summary: string;
	order: number;
	minutes: number;
	strand: Strand;
	objectives: string[];
	year: number[];
	keywords: string[];
	safeguarding?: string;
	/** `teacher-led`: never self-paced; its catch-up is a live session for the group. */
	delivery: Delivery;
	/** `safeguarding` as sanitised HTML (markdown and facts allowed). */
	safeguardingHtml?: string;
	/** Path relative to the lessons folder, with `/` separators. */
	file: string;
	/** The file's text (line endings normalised): kept as the lesson's revision (migration 010). */
	source: string;
	/** sha256 hex of the file bytes plus the texts of the facts it uses; recorded with each session. */
	hash: string;
	introHtml: string;
	/** Teacher notes written before the first step (staff only). */
	introTeacherHtml: string;
	steps: Step[];
	/** All questions, in lesson order. */
	questions: Question[];
	/** The printable take-home sheet: every `home` block, in order. */
	homeHtml: string;
	/** Facts this lesson uses, in order of first use. */
	facts: Fact[];
	/** True when a fact it uses is past its review date. */
	needsReview: boolean;
	warnings: Problem[];
}

// What a pupil's device may receive (no answer key, no feedback, no teacher notes) is
// declared once, beside the components that render it.
export type { PupilBlock, PupilQuestion, PupilStep } from '../../lesson-view';

export interface InvalidLesson {
	file: string;
	id?: string;
	title?: string;
	problems: Problem[];
}

export interface Library {
	/** Absolute path of the lessons folder that was read. */
	dir: string;
	/** Valid lessons only, sorted by `order` then `id`. */
	lessons: Lesson[];
	/** Files that failed a rule (errors), kept away from pupils; staff see the problems. */
	invalid: InvalidLesson[];
	/** Every problem found, lessons and facts.yml alike, errors and warnings. */
	problems: Problem[];
	/** Problems in facts.yml (also in `problems`). */
	factsProblems: Problem[];
	facts: Fact[];
	byId: Map<string, Lesson>;
	/** Number of lesson files read (valid and invalid). */
	fileCount: number;
	errorCount: number;
	warningCount: number;
	/** ISO timestamp. */
	loadedAt: string;
	getLesson(id: string): Lesson | undefined;
}

export interface GradeResult {
	/** Null for a poll: it is never scored. */
	correct: boolean | null;
	/** Feedback of the chosen options that have some, in option order. */
	feedbackHtml: string[];
	explainHtml?: string;
	correctIndexes: number[];
}
