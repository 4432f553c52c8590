// The zod rules for front matter, quiz blocks and facts.yml, with messages that name the fix.

import { z } from 'zod';
import { DELIVERIES, QUESTION_TYPES, STRANDS } from './types';
import type { FieldSpec } from './yaml';
import { isIsoDate } from '../platform';
import { SLUG, didYouMean, quote, slugify } from './text';

/** YAML reads `title: 2024` as a number; for text fields we take what the author typed. */
function asText(value: unknown): unknown {
	return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}

function describe(value: unknown): string {
	if (value === null || value === undefined) return 'nothing';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'a set of keys';
	if (typeof value === 'boolean') return `${value}`;
	if (typeof value === 'number') return `the number ${value}`;
	return `'${quote(value)}'`;
}

function emptyOrWrong(label: string, what: string) {
	return (issue: { input?: unknown }) =>
		issue.input === null || issue.input === undefined
			? `${label} is empty — write ${what} after the colon`
			: `${label} must be ${what}, not ${describe(issue.input)}`;
}

function lengthOf(issue: { input?: unknown }): number {
	return typeof issue.input === 'string' ? issue.input.length : 0;
}

function textSchema(label: string, max?: number) {
	let schema = z
		.string({ error: emptyOrWrong(label, 'text') })
		.trim()
		.min(1, { error: `${label} is empty — write the text after the colon` });
	if (max !== undefined) {
		schema = schema.max(max, {
			error: (issue) =>
				`${label} is ${lengthOf(issue)} characters long; the limit is ${max} — shorten it`
		});
	}
	return schema;
}

export function text(label: string, max?: number) {
	return z.preprocess(asText, textSchema(label, max));
}

export function slug(label: string, max: number, example: string) {
	return z.preprocess(
		asText,
		z
			.string({ error: emptyOrWrong(label, `a short name such as '${example}'`) })
			.trim()
			.min(1, { error: `${label} is empty — write a short name such as '${example}'` })
			.max(max, {
				error: (issue) =>
					`${label} is ${lengthOf(issue)} characters long; the limit is ${max} — shorten it`
			})
			.regex(SLUG, {
				error: (issue) => {
					const guess = slugify(String(issue.input ?? ''));
					const hint = guess ? `, e.g. '${guess}'` : '';
					return `${label} '${quote(issue.input)}' may only use lower-case letters, digits and single hyphens${hint}`;
				}
			})
	);
}

function integer(label: string, min: number, max: number | undefined, what: string) {
	const range = max === undefined ? `of ${min} or more` : `from ${min} to ${max}`;
	const message = (issue: { input?: unknown }) =>
		typeof issue.input === 'string' && /^\s*\d+\s*$/.test(issue.input)
			? `${label} must be a number without quotes (${what})`
			: `${label} must be a whole number ${range} (${what}), not ${describe(issue.input)}`;
	let schema = z.int({ error: message }).min(min, { error: message });
	if (max !== undefined) schema = schema.max(max, { error: message });
	return schema;
}

function boolean(label: string, meaning: string) {
	return z.boolean({
		error: (issue) => `${label} must be true or false (${meaning}), not ${describe(issue.input)}`
	});
}

function list<T extends z.ZodType>(label: string, item: T, min: number, max?: number) {
	const notAList = (issue: { input?: unknown }) =>
		issue.input === null || issue.input === undefined
			? `${label} is empty — put each item on its own line starting with '- '`
			: `${label} must be a list: put each item on its own line starting with '- '`;
	let schema = z.array(item, { error: notAList });
	if (min > 0) {
		schema = schema.min(min, {
			error: `${label} needs at least ${min} item${min === 1 ? '' : 's'} — put each on its own line starting with '- '`
		});
	}
	if (max !== undefined) {
		schema = schema.max(max, {
			error: (issue) =>
				`${label} has ${Array.isArray(issue.input) ? issue.input.length : 'too many'} items; the limit is ${max} — merge or remove some`
		});
	}
	return schema;
}

const strand = z
	.string({ error: emptyOrWrong('strand', 'one of the eight strands') })
	.refine((value) => (STRANDS as readonly string[]).includes(value), {
		error: (issue) =>
			`unknown strand '${quote(issue.input)}'${didYouMean(String(issue.input), STRANDS)} — the strands are: ${STRANDS.join(', ')}`
	});

const delivery = z
	.string({ error: emptyOrWrong('delivery', 'any or teacher-led') })
	.refine((value) => (DELIVERIES as readonly string[]).includes(value), {
		error: (issue) =>
			`unknown delivery '${quote(issue.input)}'${didYouMean(String(issue.input), DELIVERIES)} — use any (live or self-paced) or teacher-led (live with a teacher only)`
	});

const years = z.preprocess(
	(value) => (typeof value === 'number' ? [value] : value),
	z
		.array(
			z
				.int({
					error: (issue) =>
						`year must be a year group from 1 to 13 (e.g. year: 6 or year: [5, 6]), not ${describe(issue.input)}`
				})
				.min(1, {
					error: (issue) => `year ${quote(issue.input)} is not a year group — they run from 1 to 13`
				})
				.max(13, {
					error: (issue) => `year ${quote(issue.input)} is not a year group — they run from 1 to 13`
				}),
			{
				error: (issue) =>
					`year must be a year group from 1 to 13 or a list of them (e.g. year: 6 or year: [5, 6]), not ${describe(issue.input)}`
			}
		)
		.min(1, { error: 'year is an empty list — write year: 6, or leave the key out for Year 6' })
);

export const FRONT_MATTER: Record<string, FieldSpec> = {
	id: {
		required: true,
		schema: slug('id', 60, 'online-friends'),
		hint: 'a short unique name such as online-friends; answers and reports are keyed on it'
	},
	title: {
		required: true,
		schema: text('title', 100),
		hint: 'shown to pupils and staff, up to 100 characters'
	},
	summary: {
		required: true,
		schema: text('summary', 240),
		hint: 'one or two sentences for lesson cards'
	},
	order: {
		required: true,
		schema: integer('order', 1, undefined, 'its position in the programme'),
		hint: 'its position in the programme: 1, 2, 3 …'
	},
	minutes: {
		required: true,
		schema: integer('minutes', 5, 180, 'the planned length of the session'),
		hint: 'the planned length of the session, 5 to 180'
	},
	strand: { required: true, schema: strand, hint: `one of: ${STRANDS.join(', ')}` },
	objectives: {
		required: true,
		schema: list('objectives', text('each objective'), 1, 8),
		hint: 'a list of 1 to 8 learning objectives, "I can …"'
	},
	year: { required: false, schema: years, hint: 'year group(s), default 6' },
	keywords: {
		required: false,
		schema: list('keywords', text('each keyword'), 0),
		hint: 'a list of words'
	},
	safeguarding: {
		required: false,
		schema: text('safeguarding'),
		hint: 'a note for the teacher before the session'
	},
	delivery: {
		required: false,
		schema: delivery,
		hint: 'any (the default) or teacher-led (only ever live, with a teacher in the room)'
	}
};

const questionType = z
	.string({ error: emptyOrWrong('type', `one of ${QUESTION_TYPES.join(', ')}`) })
	.refine((value) => (QUESTION_TYPES as readonly string[]).includes(value), {
		error: (issue) =>
			`unknown question type '${quote(issue.input)}'${didYouMean(String(issue.input), QUESTION_TYPES)} — use single, multiple, truefalse or poll`
	});

export const QUIZ: Record<string, FieldSpec> = {
	id: {
		required: true,
		schema: slug('quiz id', 60, 'secret-chat'),
		hint: 'a short name such as secret-chat, unique in this lesson'
	},
	type: { required: false, schema: questionType, hint: 'single, multiple, truefalse or poll' },
	prompt: { required: true, schema: text('prompt'), hint: 'the question pupils see' },
	// Each option is checked on its own (with its own line numbers) by the parser.
	options: {
		required: false,
		schema: z.array(z.unknown(), {
			error: "options must be a list: put each option on its own line starting with '- text: '"
		}),
		hint: 'a list of 2 to 6 options'
	},
	answer: {
		required: false,
		schema: boolean('answer', 'whether the statement is true'),
		hint: 'true or false'
	},
	explain: { required: false, schema: text('explain'), hint: 'shown to everyone after answering' },
	check: {
		required: false,
		schema: boolean('check', 'true puts the question in the knowledge check'),
		hint: 'true or false'
	}
};

export const OPTION: Record<string, FieldSpec> = {
	text: { required: true, schema: text('option text'), hint: 'what the pupil chooses' },
	correct: {
		required: false,
		schema: boolean('correct', 'whether this option is right'),
		hint: 'true for a right answer'
	},
	feedback: {
		required: false,
		schema: text('feedback'),
		hint: 'shown after answering when this option was chosen'
	}
};

function date(label: string) {
	return z.preprocess(
		(value) => (value instanceof Date ? value.toISOString().slice(0, 10) : value),
		z.string({ error: emptyOrWrong(label, 'a date such as 2027-11-01') }).refine(isIsoDate, {
			error: (issue) =>
				`${label} must be a real date written YYYY-MM-DD, such as 2027-11-01, not ${describe(issue.input)}`
		})
	);
}

const url = z
	.string({ error: emptyOrWrong('source', 'the web address where the fact was confirmed') })
	.trim()
	.refine(
		(value) => {
			try {
				const parsed = new URL(value);
				return (
					(parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.hostname !== ''
				);
			} catch {
				return false;
			}
		},
		{
			error: (issue) =>
				`source must be a web address starting with https:// (where the fact was confirmed), not ${describe(issue.input)}`
		}
	);

export const FACT: Record<string, FieldSpec> = {
	text: { required: true, schema: text('text', 200), hint: 'the words put into lessons' },
	source: { required: true, schema: url, hint: 'the web address where it was confirmed' },
	checked: {
		required: true,
		schema: date('checked'),
		hint: 'when someone last confirmed it at the source, YYYY-MM-DD'
	},
	review: {
		required: true,
		schema: date('review'),
		hint: 'when it must be confirmed again, YYYY-MM-DD'
	}
};
