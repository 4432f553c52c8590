// Statistical disclosure control for every report: no rate, average or count may let a
// reader work out something about one child. Pure functions, no database.

/** A figure resting on fewer pupils than this is hidden. */
export const MIN_PUPILS = 6;
export const SUPPRESSED = '[c]';
export const LEGEND = '[c] = fewer than 6 pupils, hidden so no child can be identified';

export interface Disclosed {
	/** The figure, or null when it is hidden (or there is nothing to show). */
	value: number | null;
	/** What a page or CSV shows: "83%", "[c]" or "–" when nothing rests on it. */
	display: string;
	suppressed: boolean;
	/** How many pupils the figure rests on (kept for the server; 0 when there are none). */
	pupils: number;
}

const NONE: Disclosed = { value: null, display: '–', suppressed: false, pupils: 0 };

function percent(value: number): string {
	return `${Math.round(value * 100)}%`;
}

/**
 * A proportion such as an attendance or correct rate. `pupils` is how many distinct pupils
 * it rests on; it defaults to the denominator (one pupil per item).
 */
export function suppressRate(input: {
	numerator: number;
	denominator: number;
	pupils?: number;
}): Disclosed {
	const pupils = input.pupils ?? input.denominator;
	if (input.denominator <= 0 || pupils <= 0) return NONE;
	if (pupils < MIN_PUPILS) return { value: null, display: SUPPRESSED, suppressed: true, pupils };
	const value = input.numerator / input.denominator;
	return { value, display: percent(value), suppressed: false, pupils };
}

/** A mean of proportions (e.g. scores 0–1): `sum` of `count` values from `pupils` pupils. */
export function suppressAverage(input: { sum: number; count: number; pupils?: number }): Disclosed {
	return suppressRate({ numerator: input.sum, denominator: input.count, pupils: input.pupils });
}

export interface Gain {
	before: Disclosed;
	after: Disclosed;
	/** after − before, in proportion points. */
	change: Disclosed;
	pupils: number;
}

/**
 * Knowledge gain: correct rate on the same check questions before and after, over the
 * `pairs` (pupil, question) answered in both phases by `pupils` pupils.
 */
export function suppressGain(input: {
	correctBefore: number;
	correctAfter: number;
	pairs: number;
	pupils: number;
}): Gain {
	const before = suppressRate({
		numerator: input.correctBefore,
		denominator: input.pairs,
		pupils: input.pupils
	});
	const after = suppressRate({
		numerator: input.correctAfter,
		denominator: input.pairs,
		pupils: input.pupils
	});
	let change: Disclosed = { ...before };
	if (before.value !== null && after.value !== null) {
		const value = after.value - before.value;
		const points = Math.round(value * 100);
		change = {
			value,
			display: `${points > 0 ? '+' : ''}${points} points`,
			suppressed: false,
			pupils: input.pupils
		};
	}
	return { before, after, change, pupils: input.pupils };
}

// ——— tables of counts ———

export type Key = string | number;

export interface TableCell<R extends Key = Key, C extends Key = Key> {
	row: R;
	col: C;
	/** The published count. */
	count: number;
	/** How many pupils the cell rests on (often equal to count). */
	base: number;
}

export interface SuppressedCell<R extends Key = Key, C extends Key = Key> extends TableCell<R, C> {
	suppressed: boolean;
	/** 'primary': too few pupils; 'secondary': hidden so a primary one cannot be worked out. */
	reason: 'primary' | 'secondary' | null;
	display: string;
}

export interface TableSuppression<R extends Key = Key, C extends Key = Key> {
	cells: SuppressedCell<R, C>[];
	/**
	 * Totals that must be hidden too: a line whose only other cells are already hidden
	 * (or that has a single cell) would otherwise give the hidden cell away.
	 */
	hiddenRowTotals: R[];
	hiddenColTotals: C[];
}

/**
 * Primary suppression (base 1–5) then secondary: while a row (or column) whose total is
 * published has exactly one hidden cell, hide its next smallest cell too (ties: the
 * first in input order; never a zero), across both dimensions until nothing changes. A
 * line with no cell left to hide has its total hidden instead. Zero-base cells are not
 * primary: an empty cell says nothing about a child.
 */
export function suppressTable<R extends Key, C extends Key>(
	cells: TableCell<R, C>[],
	options: { rowTotals: boolean; colTotals: boolean; threshold?: number }
): TableSuppression<R, C> {
	const threshold = options.threshold ?? MIN_PUPILS;
	const out: SuppressedCell<R, C>[] = cells.map((c) => {
		const primary = c.base > 0 && c.base < threshold;
		// Named, not spread: V8 builds a spread-then-extended object about 100 times slower,
		// and the borough's table has a cell per school.
		return {
			row: c.row,
			col: c.col,
			count: c.count,
			base: c.base,
			suppressed: primary,
			reason: primary ? 'primary' : null,
			display: primary ? SUPPRESSED : String(c.count)
		};
	});
	const hiddenRows = new Set<R>();
	const hiddenCols = new Set<C>();

	// Each pass hides a cell or a total, so this ends after at most cells + lines passes.
	const fixLines = <K extends Key>(keyOf: (c: SuppressedCell<R, C>) => K, hidden: Set<K>) => {
		const lines = new Map<K, SuppressedCell<R, C>[]>();
		for (const cell of out) {
			const key = keyOf(cell);
			if (!lines.has(key)) lines.set(key, []);
			lines.get(key)!.push(cell);
		}
		let changed = false;
		for (const [key, line] of lines) {
			if (hidden.has(key)) continue;
			if (line.filter((c) => c.suppressed).length !== 1) continue;
			// A zero is no cover: other columns (no sessions, no pupils) usually give it away.
			const candidates = line.filter((c) => !c.suppressed && c.count > 0);
			if (candidates.length === 0) {
				hidden.add(key);
			} else {
				const next = candidates.reduce((a, b) => (b.count < a.count ? b : a));
				next.suppressed = true;
				next.reason = 'secondary';
				next.display = SUPPRESSED;
			}
			changed = true;
		}
		return changed;
	};

	let changed = true;
	while (changed) {
		changed = false;
		if (options.rowTotals && fixLines((c) => c.row, hiddenRows)) changed = true;
		if (options.colTotals && fixLines((c) => c.col, hiddenCols)) changed = true;
	}
	return { cells: out, hiddenRowTotals: [...hiddenRows], hiddenColTotals: [...hiddenCols] };
}
