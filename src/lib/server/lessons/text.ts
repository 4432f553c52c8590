// Small text helpers shared by the parser, checker and renderer: positions, slugs, suggestions.

export const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * A fact reference: `{{name}}`, spaces allowed inside the braces. Anything between the braces
 * counts, so `{{Childline Phone}}` is reported as an unknown fact rather than ignored.
 */
export const FACT_REF = /\{\{([^{}\n]*)\}\}/g;

export function isSlug(value: string): boolean {
	return SLUG.test(value);
}

/** Turn a heading into a step id: lower-case ASCII letters and digits joined by single hyphens. */
export function slugify(text: string): string {
	return text
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/['’]/g, '')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
}

/**
 * Remove a byte-order mark and turn CRLF / CR line endings into LF. Offsets shift but line
 * numbers do not, and every position we report is computed on the normalised text.
 */
export function normaliseSource(text: string): string {
	const withoutBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
	return withoutBom.includes('\r') ? withoutBom.replace(/\r\n?/g, '\n') : withoutBom;
}

export interface Position {
	line: number;
	column: number;
}

/** Maps character offsets to 1-based line and column. */
export class LineIndex {
	private readonly starts: number[] = [0];

	constructor(readonly text: string) {
		for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
			this.starts.push(i + 1);
		}
	}

	get lineCount(): number {
		return this.starts.length;
	}

	at(offset: number): Position {
		const clamped = Math.max(0, Math.min(offset, this.text.length));
		let low = 0;
		let high = this.starts.length - 1;
		while (low < high) {
			const mid = (low + high + 1) >> 1;
			if (this.starts[mid] <= clamped) low = mid;
			else high = mid - 1;
		}
		return { line: low + 1, column: clamped - this.starts[low] + 1 };
	}

	lineStart(line: number): number {
		return this.starts[Math.max(0, Math.min(line - 1, this.starts.length - 1))];
	}
}

export function levenshtein(a: string, b: string): number {
	if (a === b) return 0;
	if (!a.length) return b.length;
	if (!b.length) return a.length;
	let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
		}
		previous = current;
	}
	return previous[b.length];
}

/**
 * The candidate closest to `word`, if close enough to be a likely typo. Also matches when one
 * contains the other (`strand: bullying` → `online-bullying`).
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
	const needle = word.trim().toLowerCase();
	if (!needle) return undefined;
	let best: string | undefined;
	let bestDistance = Infinity;
	for (const candidate of candidates) {
		const distance = levenshtein(needle, candidate);
		if (distance < bestDistance) {
			best = candidate;
			bestDistance = distance;
		}
	}
	const limit = Math.max(2, Math.floor(needle.length / 3));
	if (best !== undefined && bestDistance <= limit) return best;
	if (needle.length >= 4) return candidates.find((c) => c.includes(needle) || needle.includes(c));
	return undefined;
}

export function didYouMean(word: string, candidates: readonly string[]): string {
	const guess = nearest(word, candidates);
	return guess ? ` — did you mean '${guess}'?` : '';
}

const HTML_ESCAPES: Record<string, string> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&#39;'
};

export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** Shorten a value for quoting in a message. */
export function quote(value: unknown, max = 40): string {
	const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
	return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
