// Reads a YAML region of a file (front matter, a quiz block, facts.yml) and validates its keys
// with zod, reporting every problem at the line and column of the offending key or value.

import { isMap, isNode, isPair, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import type { ZodType } from 'zod';
import type { ProblemList } from './problems';
import { didYouMean, quote } from './text';

export interface YamlRegion {
	doc: Document.Parsed;
	/** Plain JS value, or undefined when the YAML could not be read. */
	value: unknown;
	/** False when there was a syntax error; the value is then not validated further. */
	ok: boolean;
}

/** Parse `source`, which starts at `baseOffset` in the file, reporting syntax errors. */
export function readYaml(
	source: string,
	baseOffset: number,
	problems: ProblemList,
	context: string
): YamlRegion {
	// logLevel 'error' keeps yaml from printing process warnings for odd input.
	const doc = parseDocument(source, {
		prettyErrors: false,
		uniqueKeys: true,
		logLevel: 'error',
		strict: true
	});
	// One syntax error per line: yaml often reports a single mistake several times.
	const reportedLines = new Set<number>();
	for (const error of doc.errors) {
		const offset = baseOffset + error.pos[0];
		const line = problems.lines.at(offset).line;
		if (reportedLines.has(line)) continue;
		reportedLines.add(line);
		problems.error(
			offset,
			'yaml/syntax',
			yamlMessage(context, error.code, error.message, source, error.pos[0])
		);
	}
	for (const warning of doc.warnings) {
		problems.warning(baseOffset + warning.pos[0], 'yaml/warning', `${context}: ${warning.message}`);
	}
	if (doc.errors.length > 0) return { doc, value: undefined, ok: false };
	try {
		// A small alias budget: a lesson has no need for YAML aliases, and this stops
		// "billion laughs" expansion.
		return { doc, value: doc.toJS({ maxAliasCount: 20 }), ok: true };
	} catch (error) {
		problems.error(baseOffset, 'yaml/syntax', `${context}: ${(error as Error).message}`);
		return { doc, value: undefined, ok: false };
	}
}

function yamlMessage(
	context: string,
	code: string,
	message: string,
	source: string,
	offset: number
): string {
	const lineStart = source.lastIndexOf('\n', offset - 1) + 1;
	const lineEnd = source.indexOf('\n', offset);
	const line = source.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
	if (code === 'DUPLICATE_KEY') {
		const key = line.split(':')[0].trim().replace(/^-\s*/, '');
		return `${context}: the key '${key}' appears twice — keep only one`;
	}
	const value = /^\s*(?:-\s+)?([\w-]+):\s+(.*:\s.*)$/.exec(line);
	if (value && !/^["']/.test(value[2])) {
		return `${context}: ${message} — the value of '${value[1]}' contains ': ', so put the whole value in double quotes, e.g. ${value[1]}: "${quote(value[2], 30)}"`;
	}
	if (line.includes('{{')) {
		return `${context}: ${message} — a value that starts with {{ must be in quotes, e.g. text: "{{childline-phone}} is free"`;
	}
	if (/\t/.test(line)) {
		return `${context}: ${message} — indent with spaces, not tabs`;
	}
	return `${context}: ${message} — check the indentation, and put quotes around text that contains ': ' or ' #' or starts with a symbol`;
}

/** The YAML node at `path` below `root`, or the deepest node found on the way. */
export function nodeAt(root: unknown, path: readonly PropertyKey[]): unknown {
	let node = root;
	for (const key of path) {
		let next: unknown;
		if (isMap(node)) next = node.get(key, true);
		else if (isSeq(node) && typeof key === 'number') next = node.items[key];
		if (!isNode(next)) return node;
		node = next;
	}
	return node;
}

export function offsetOf(node: unknown, fallback: number): number {
	if (isNode(node) && node.range) return node.range[0];
	if (isPair(node) && isNode(node.key) && node.key.range) return node.key.range[0];
	return fallback;
}

export interface FieldSpec {
	required: boolean;
	schema: ZodType;
	/** What the key is for, added to "missing" messages. */
	hint: string;
}

export interface MapCheck {
	problems: ProblemList;
	/** Where the region starts in the file. */
	baseOffset: number;
	/** Where to point at when a required key is missing. */
	missingOffset: number;
	rulePrefix: string;
	missing: (key: string, hint: string) => string;
	unknown: (key: string, suggestion: string) => string;
	notAMap: string;
}

/**
 * Validate a YAML mapping key by key: unknown keys (with the nearest known key), missing
 * required keys, and each value against its zod schema. Returns the values that passed.
 */
export function checkMap(
	node: unknown,
	value: unknown,
	spec: Record<string, FieldSpec>,
	check: MapCheck
): { values: Record<string, unknown>; ok: boolean } {
	const { problems, baseOffset } = check;
	const values: Record<string, unknown> = {};
	if (!isMap(node) || value === null || typeof value !== 'object' || Array.isArray(value)) {
		problems.error(
			baseOffset + offsetOf(node, check.missingOffset - baseOffset),
			`${check.rulePrefix}/not-a-map`,
			check.notAMap
		);
		return { values, ok: false };
	}
	const known = Object.keys(spec);
	let ok = true;
	for (const pair of node.items) {
		const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
		if (!Object.hasOwn(spec, key)) {
			ok = false;
			const offset = baseOffset + offsetOf(pair.key, offsetOf(pair.value, 0));
			problems.error(
				offset,
				`${check.rulePrefix}/unknown-key`,
				check.unknown(quote(key), didYouMean(key, known))
			);
		}
	}
	const record = value as Record<string, unknown>;
	for (const [key, field] of Object.entries(spec)) {
		const present = Object.hasOwn(record, key);
		if (!present) {
			if (field.required) {
				ok = false;
				problems.error(
					check.missingOffset,
					`${check.rulePrefix}/missing-key`,
					check.missing(key, field.hint)
				);
			}
			continue;
		}
		const valueNode = node.get(key, true);
		const result = field.schema.safeParse(record[key]);
		if (result.success) {
			values[key] = result.data;
			continue;
		}
		ok = false;
		const fallback = offsetOf(valueNode, offsetOf(node, 0));
		// One message per place: the first rule a value breaks is the one to fix first, and
		// zod can report a wrong type and a length for the same value.
		const seen = new Set<number>();
		for (const issue of result.error.issues) {
			const offset = baseOffset + offsetOf(nodeAt(valueNode, issue.path), fallback);
			if (seen.has(offset)) continue;
			seen.add(offset);
			problems.error(offset, `${check.rulePrefix}/invalid-value`, issue.message);
		}
	}
	return { values, ok };
}
