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
	 * Totals that must be hidden too: one of 1–5, or one whose line has no cell left to hide
	 * and would otherwise give a hidden cell away.
	 */
	hiddenRowTotals: R[];
	hiddenColTotals: C[];
}

/**
 * Whether the hidden cells of a line that adds up to a published total can be worked out.
 * A hidden cell is never empty, so one hidden cell is the total less the others, and k
 * hidden cells that share k pupils are one pupil each (two schools hidden beside a total
 * that leaves 2 for them are 1 and 1). Any other split leaves each cell at least two values.
 */
function givesAway(hidden: { count: number }[]): boolean {
	if (hidden.length === 0) return false;
	return hidden.length === 1 || hidden.reduce((n, c) => n + c.count, 0) === hidden.length;
}

/**
 * Primary suppression (base 1–5) then secondary: while a row (or column) whose total is
 * published could give a hidden cell away (see `givesAway`), hide its next smallest cell
 * too (ties: the first in input order; never a zero), across both dimensions until
 * nothing changes. A line with no cell left to hide has its total hidden instead. A total
 * is a count of pupils too, so one of 1–5 is hidden like a cell. Zero-base cells are not
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
	const linesOf = <K extends Key>(keyOf: (c: SuppressedCell<R, C>) => K) => {
		const lines = new Map<K, SuppressedCell<R, C>[]>();
		for (const cell of out) {
			const key = keyOf(cell);
			if (!lines.has(key)) lines.set(key, []);
			lines.get(key)!.push(cell);
		}
		return lines;
	};
	const smallTotals = <K extends Key>(keyOf: (c: SuppressedCell<R, C>) => K, on: boolean) => {
		const hidden = new Set<K>();
		if (!on) return hidden;
		for (const [key, line] of linesOf(keyOf)) {
			const base = line.reduce((n, c) => n + c.base, 0);
			if (base > 0 && base < threshold) hidden.add(key);
		}
		return hidden;
	};
	const hiddenRows = smallTotals((c) => c.row, options.rowTotals);
	const hiddenCols = smallTotals((c) => c.col, options.colTotals);

	const hideSmallest = (line: SuppressedCell<R, C>[]): boolean => {
		// A zero is no cover: other columns (no sessions, no pupils) usually give it away.
		const candidates = line.filter((c) => !c.suppressed && c.count > 0);
		if (candidates.length === 0) return false;
		const next = candidates.reduce((a, b) => (b.count < a.count ? b : a));
		next.suppressed = true;
		next.reason = 'secondary';
		next.display = SUPPRESSED;
		return true;
	};

	// Each pass hides a cell or a total, so this ends after at most cells + lines passes.
	const fixLines = <K extends Key>(keyOf: (c: SuppressedCell<R, C>) => K, hidden: Set<K>) => {
		let changed = false;
		for (const [key, line] of linesOf(keyOf)) {
			// A hidden total of 1–5 needs no more: every cell of its line is smaller still.
			if (hidden.has(key)) continue;
			if (!givesAway(line.filter((c) => c.suppressed))) continue;
			if (!hideSmallest(line)) hidden.add(key);
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

// ——— counts of overlapping groups ———

export interface OverlappingCount<K extends Key = Key> {
	key: K;
	/** Distinct pupils in the group. */
	count: number;
}

export interface OverlappingSuppression<K extends Key = Key> {
	hidden: Set<K>;
	/** The total must be hidden (it was already, or it is 1–5, or a group would give it away). */
	totalHidden: boolean;
}

/**
 * Counts of distinct pupils in groups that overlap (weeks, lessons: one pupil is in
 * several), published beside the total of distinct pupils. They do not add up to the
 * total but bound it: no group is larger than the total, and together they are at least
 * it. So a lone hidden group can still be worked out (the only week with anyone in it is
 * the total; a week hidden beside 10 shown under a total of 15 is 5), and the same rule
 * as for a table that adds up applies: never exactly one hidden group while the total
 * shows. A hidden total could in turn be pinned between the largest group shown and the
 * sum of those shown, so while it is hidden every group with anyone in it is hidden too.
 * That costs nothing when the total is 1–5 (every group is smaller still); otherwise it
 * happens only when every school that took part reached a single pupil.
 */
export function suppressOverlappingCounts<K extends Key>(
	counts: OverlappingCount<K>[],
	total: { count: number; hidden: boolean },
	threshold = MIN_PUPILS
): OverlappingSuppression<K> {
	const small = (n: number) => n > 0 && n < threshold;
	let totalHidden = total.hidden || small(total.count);
	const hidden = new Set(counts.filter((c) => small(c.count)).map((c) => c.key));
	if (!totalHidden && hidden.size === 1) {
		const candidates = counts.filter((c) => c.count > 0 && !hidden.has(c.key));
		if (candidates.length === 0) totalHidden = true;
		else hidden.add(candidates.reduce((a, b) => (b.count < a.count ? b : a)).key);
	}
	if (totalHidden) for (const c of counts) if (c.count > 0) hidden.add(c.key);
	return { hidden, totalHidden };
}

/**
 * Several breakdowns of the same total (by lesson, by week) at once: if any of them needs
 * the total hidden, it is hidden for all of them, and they are worked out again with it so.
 */
export function suppressBreakdowns<K extends Key>(
	total: { count: number; hidden: boolean },
	breakdowns: OverlappingCount<K>[][],
	threshold = MIN_PUPILS
): { totalHidden: boolean; hidden: Set<K>[] } {
	let results = breakdowns.map((b) => suppressOverlappingCounts(b, total, threshold));
	const totalHidden = results.some((r) => r.totalHidden);
	if (totalHidden && !total.hidden)
		results = breakdowns.map((b) =>
			suppressOverlappingCounts(b, { count: total.count, hidden: true }, threshold)
		);
	return { totalHidden, hidden: results.map((r) => r.hidden) };
}
