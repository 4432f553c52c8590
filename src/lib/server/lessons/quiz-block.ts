// One ```quiz block of a lesson file: its YAML read against the quiz schema, its options
// and how many are right for its type, each problem reported with its place. Apart from
// parse.ts (the file's grammar: front matter, steps, fences) because a quiz block is a small
// grammar of its own, and the longest part of reading a lesson.
import { isMap, isScalar, isSeq } from 'yaml';
import type { QuestionType } from './types';
import { OPTION, QUIZ } from './schema';
import { quote } from './text';
import { checkMap, offsetOf, readYaml } from './yaml';
import type { ParsedLesson, ParsedOption, ParsedQuestion } from './parsed-lesson';

const COUNT_WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six'];

function countWord(n: number): string {
	return COUNT_WORDS[n] ?? String(n);
}

/**
 * Validate one quiz block. Returns its id (when readable, for duplicate checks) and the
 * question, which is only used when `valid`.
 */
export function parseQuiz(
	parsed: ParsedLesson,
	content: string,
	contentOffset: number,
	fenceOffset: number,
	stepId: string
): { id: string; valid: boolean; question: ParsedQuestion } | undefined {
	const { problems } = parsed;
	const errorsBefore = problems.errorCount;
	const region = readYaml(content, contentOffset, problems, 'quiz block');
	if (!region.ok) return undefined;
	const root = region.doc.contents;
	const raw = (region.value ?? {}) as Record<string, unknown>;
	const rawId = typeof raw?.id === 'string' ? raw.id : undefined;
	const label = rawId ? `quiz '${quote(rawId)}'` : 'this quiz';
	const { values, ok: keysOk } = checkMap(root, region.value, QUIZ, {
		problems,
		baseOffset: contentOffset,
		missingOffset: fenceOffset,
		rulePrefix: 'quiz',
		missing: (key, hint) => `${label} is missing '${key}' (${hint})`,
		unknown: (key, suggestion) =>
			`unknown key '${key}' in ${label}${suggestion || ` — a quiz has id, type, prompt, options, answer, explain and check`}`,
		notAMap: "a quiz block must be lines of 'key: value': id, prompt, options…"
	});
	if (!isMap(root)) return undefined;
	const at = (key: string) => contentOffset + offsetOf(root.get(key, true), offsetOf(root, 0));
	const keyAt = (key: string) => {
		const pair = root.items.find((p) => isScalar(p.key) && p.key.value === key);
		return contentOffset + offsetOf(pair?.key, offsetOf(root, 0));
	};
	const type =
		(values.type as QuestionType | undefined) ??
		(Object.hasOwn(raw, 'type') ? undefined : 'single');
	const id = values.id as string | undefined;
	const hasOptions = Object.hasOwn(raw, 'options');
	const hasAnswer = Object.hasOwn(raw, 'answer');

	let options: ParsedOption[] = [];
	if (type === 'truefalse') {
		if (hasOptions) {
			problems.error(
				keyAt('options'),
				'quiz/truefalse-options',
				`${label} is type: truefalse, so it has no options — remove them and write answer: true or answer: false`
			);
		}
		if (!hasAnswer) {
			problems.error(
				fenceOffset,
				'quiz/truefalse-answer',
				`${label} is type: truefalse and needs answer: true or answer: false`
			);
		}
	} else if (type !== undefined) {
		if (hasAnswer) {
			problems.error(
				keyAt('answer'),
				'quiz/answer-not-truefalse',
				`answer is only for type: truefalse — in ${label}, mark the right option with correct: true instead`
			);
		}
		if (!hasOptions) {
			problems.error(
				fenceOffset,
				'quiz/missing-options',
				`${label} needs options: a list of 2 to 6 answers, each on its own line as '- text: …'`
			);
		} else {
			options = readOptions(
				parsed,
				root.get('options', true),
				raw.options,
				contentOffset,
				at('options'),
				label,
				type
			);
		}
	}
	if (type === 'poll' && values.check === true) {
		problems.error(
			keyAt('check'),
			'quiz/poll-check',
			`${label} is a poll, so it cannot be in the knowledge check — remove check: true (a poll has no right answer)`
		);
	}
	for (const key of ['prompt', 'explain'] as const) {
		if (typeof values[key] === 'string') {
			parsed.quizTexts.push({
				text: values[key] as string,
				offset: at(key),
				inline: key === 'prompt'
			});
		}
	}
	if (!id || !type) return undefined;
	const valid = keysOk && problems.errorCount === errorsBefore;
	if (type === 'truefalse') {
		options = [
			{ text: 'True', correct: values.answer === true },
			{ text: 'False', correct: values.answer === false }
		];
	}
	return {
		id,
		valid,
		question: {
			id,
			type,
			prompt: (values.prompt as string | undefined) ?? '',
			options,
			answer: values.answer as boolean | undefined,
			explain: values.explain as string | undefined,
			check: values.check === true,
			stepId,
			offset: fenceOffset
		}
	};
}

function readOptions(
	parsed: ParsedLesson,
	node: unknown,
	value: unknown,
	contentOffset: number,
	optionsOffset: number,
	label: string,
	type: QuestionType
): ParsedOption[] {
	const { problems } = parsed;
	if (!isSeq(node) || !Array.isArray(value)) return [];
	if (value.length < 2 || value.length > 6) {
		problems.error(
			optionsOffset,
			'quiz/option-count',
			`${label} has ${countWord(value.length)} option${value.length === 1 ? '' : 's'}; a question needs 2 to 6`
		);
	}
	const options: ParsedOption[] = [];
	const seen = new Map<string, number>();
	let allReadable = true;
	const correctOffsets: number[] = [];
	value.forEach((item, index) => {
		const itemNode = node.items[index];
		const itemOffset = contentOffset + offsetOf(itemNode, optionsOffset - contentOffset);
		if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') {
			allReadable = false;
			problems.error(
				itemOffset,
				'quiz/option-shape',
				`option ${index + 1} of ${label} must be written '- text: ${quote(String(item))}' (add correct: true or feedback: on the lines below if needed)`
			);
			return;
		}
		const { values, ok } = checkMap(itemNode, item, OPTION, {
			problems,
			baseOffset: contentOffset,
			missingOffset: itemOffset,
			rulePrefix: 'quiz/option',
			missing: (key, hint) => `option ${index + 1} of ${label} is missing '${key}' (${hint})`,
			unknown: (key, suggestion) =>
				`unknown key '${key}' in option ${index + 1} of ${label}${suggestion || ' — an option has text, correct and feedback'}`,
			notAMap: `option ${index + 1} of ${label} must be written '- text: …'`
		});
		if (!ok) allReadable = false;
		if (typeof values.text !== 'string') return;
		const normalised = values.text.replace(/\s+/g, ' ').trim().toLowerCase();
		const textOffset =
			contentOffset +
			offsetOf(isMap(itemNode) ? itemNode.get('text', true) : itemNode, itemOffset - contentOffset);
		const first = seen.get(normalised);
		if (first !== undefined) {
			problems.error(
				textOffset,
				'quiz/duplicate-option',
				`${label} has the option '${quote(values.text)}' twice (first on line ${parsed.lines.at(first).line}) — option texts must be different`
			);
		} else {
			seen.set(normalised, textOffset);
		}
		const correct = values.correct === true;
		if (correct) {
			correctOffsets.push(
				contentOffset +
					offsetOf(
						isMap(itemNode) ? itemNode.get('correct', true) : itemNode,
						itemOffset - contentOffset
					)
			);
		}
		options.push({ text: values.text, correct, feedback: values.feedback as string | undefined });
	});
	if (allReadable) checkCorrectCount(parsed, label, type, correctOffsets, optionsOffset);
	return options;
}

function checkCorrectCount(
	parsed: ParsedLesson,
	label: string,
	type: QuestionType,
	correctOffsets: number[],
	optionsOffset: number
): void {
	const { problems } = parsed;
	const count = correctOffsets.length;
	if (type === 'single' && count === 0) {
		problems.error(
			optionsOffset,
			'quiz/correct-count',
			`${label} has no correct option; a 'single' question needs exactly one — add correct: true to the right option, or use type: poll for an opinion question`
		);
	} else if (type === 'single' && count > 1) {
		problems.error(
			correctOffsets[1],
			'quiz/correct-count',
			`${label} has ${countWord(count)} correct options; a 'single' question needs exactly one — use type: multiple?`
		);
	} else if (type === 'multiple' && count === 0) {
		problems.error(
			optionsOffset,
			'quiz/correct-count',
			`${label} has no correct option; a 'multiple' question needs at least one — add correct: true to each right option`
		);
	} else if (type === 'poll' && count > 0) {
		problems.error(
			correctOffsets[0],
			'quiz/poll-correct',
			`${label} is a poll, which has no right answer — remove correct: true, or use type: single`
		);
	}
}
