// facts.yml: dated facts (helpline numbers, minimum ages…) kept once and referred to as {{name}}.

import { isMap, isScalar } from 'yaml';
import type { Fact, Problem } from './types';
import { ProblemList } from './problems';
import { FACT } from './schema';
import { FACT_REF, LineIndex, didYouMean, isSlug, normaliseSource, quote, slugify } from './text';
import { checkMap, offsetOf, readYaml } from './yaml';

export const FACTS_FILE = 'facts.yml';

export interface FactTable {
	/** Valid facts by name. */
	facts: Map<string, Fact>;
	/** Names defined in facts.yml whose entry has errors: lessons using them are reported. */
	broken: Set<string>;
	problems: Problem[];
}

export function emptyFacts(): FactTable {
	return { facts: new Map(), broken: new Set(), problems: [] };
}

/** Read facts.yml; `source` null means the file does not exist (no facts, no problem). */
export function parseFacts(source: string | null, today: string, path = FACTS_FILE): FactTable {
	const table = emptyFacts();
	if (source === null) return table;
	const text = normaliseSource(source);
	const problems = new ProblemList(path, new LineIndex(text));
	table.problems = problems.items;
	try {
		readFactEntries(text, today, problems, table);
	} catch (error) {
		problems.error(0, 'internal', `facts.yml could not be read: ${(error as Error).message}`);
	}
	return table;
}

function readFactEntries(
	text: string,
	today: string,
	problems: ProblemList,
	table: FactTable
): void {
	const region = readYaml(text, 0, problems, 'facts.yml');
	if (!region.ok) return;
	const root = region.doc.contents;
	if (root === null || (isScalar(root) && root.value === null)) return;
	if (!isMap(root)) {
		problems.error(
			offsetOf(root, 0),
			'facts/not-a-map',
			'facts.yml must be a list of named facts, each like "childline-phone:" followed by indented text, source, checked and review'
		);
		return;
	}
	const values = region.value as Record<string, unknown>;
	for (const pair of root.items) {
		const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
		const keyOffset = offsetOf(pair.key, offsetOf(pair.value, 0));
		if (!isSlug(name)) {
			const guess = slugify(name);
			problems.error(
				keyOffset,
				'facts/name',
				`fact name '${quote(name)}' may only use lower-case letters, digits and single hyphens${guess ? `, e.g. '${guess}'` : ''}`
			);
			table.broken.add(name);
			continue;
		}
		const before = problems.errorCount;
		const { values: fields, ok } = checkMap(pair.value, values[name], FACT, {
			problems,
			baseOffset: 0,
			missingOffset: keyOffset,
			rulePrefix: 'facts',
			missing: (key, hint) => `fact '${name}' is missing '${key}' (${hint})`,
			unknown: (key, suggestion) =>
				`unknown key '${key}' in fact '${name}'${suggestion || ' — a fact has text, source, checked and review'}`,
			notAMap: `fact '${name}' must have indented lines text:, source:, checked: and review:`
		});
		const factText = typeof fields.text === 'string' ? fields.text.replace(/\s+/g, ' ') : undefined;
		if (factText !== undefined && new RegExp(FACT_REF.source).test(factText)) {
			problems.error(
				offsetOf(isMap(pair.value) ? pair.value.get('text', true) : pair.value, keyOffset),
				'facts/nested',
				`fact '${name}' refers to another fact; write its text out in full`
			);
		}
		const { checked, review, source } = fields as Record<string, string | undefined>;
		if (checked && review && review < checked) {
			problems.error(
				offsetOf(isMap(pair.value) ? pair.value.get('review', true) : pair.value, keyOffset),
				'facts/dates',
				`fact '${name}' has review ${review} before checked ${checked} — the review date must come after the date it was checked`
			);
		}
		if (
			!ok ||
			problems.errorCount > before ||
			factText === undefined ||
			!checked ||
			!review ||
			!source
		) {
			table.broken.add(name);
			continue;
		}
		const stale = review < today;
		if (stale) {
			problems.warning(
				offsetOf(isMap(pair.value) ? pair.value.get('review', true) : pair.value, keyOffset),
				'facts/stale',
				`fact '${name}' was due for review on ${review} — confirm it at ${source}, then update text, checked and review`
			);
		}
		table.facts.set(name, { name, text: factText, source, checked, review, stale });
	}
}

export function unknownFactMessage(name: string, table: FactTable): string {
	if (table.broken.has(name)) {
		return `fact '${name}' has errors in facts.yml — fix them there first`;
	}
	if (!name)
		return 'empty fact reference {{}} — write a fact name between the braces, e.g. {{childline-phone}}';
	return `unknown fact '${quote(name)}'${didYouMean(name, [...table.facts.keys()])} — add it to facts.yml or fix the name`;
}
