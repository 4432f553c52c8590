// What the council sees of requests for help: per school and per term, how many there were
// and how quickly they were acknowledged. Counts only, under the same disclosure rules as
// every borough figure (disclosure.ts): never a pupil, a class, a word of a request, or a
// count small enough to point at a child.
import {
	readHelpConfig,
	type HelpConfig,
	getDb,
	londonParts,
	schoolMinutesBetween
} from '../platform';
import { MIN_PUPILS, SUPPRESSED, suppressTable } from '../reports';

export const HELP_COUNTS_LEGEND =
	'[c] = fewer than 6 requests, or hidden so that a small count cannot be worked out from the total';

// ——— terms ———

const SEASONS = ['spring', 'summer', 'autumn'] as const;
type Season = (typeof SEASONS)[number];

/** A school term: autumn is September to December, spring January to March, summer April to August. */
export interface HelpTerm {
	/** `autumn-2026`: what the page's address carries. */
	key: string;
	/** `Autumn 2026`. */
	label: string;
}

function seasonOf(month: number): Season {
	return month >= 9 ? 'autumn' : month >= 4 ? 'summer' : 'spring';
}

/** Terms in time order: spring, summer, autumn of a year, then spring of the next. */
function termAt(order: number): HelpTerm {
	const year = Math.floor(order / 3);
	const season = SEASONS[order % 3];
	return {
		key: `${season}-${year}`,
		label: `${season[0].toUpperCase()}${season.slice(1)} ${year}`
	};
}

/** Where an instant falls, by its date in the UK. */
function termOrderOf(at: Date): number {
	const { year, month } = londonParts(at);
	return year * 3 + SEASONS.indexOf(seasonOf(month));
}

/** The term an instant falls in (UK date). */
export function helpTermOf(at: Date): HelpTerm {
	return termAt(termOrderOf(at));
}

function orderOfKey(key: string): number | undefined {
	const match = /^(spring|summer|autumn)-(\d{4})$/.exec(key);
	return match ? Number(match[2]) * 3 + SEASONS.indexOf(match[1] as Season) : undefined;
}

// ——— the figures ———

/** A published figure: `value` is null when it is hidden or there is nothing to show. */
export interface HelpFigure {
	value: number | null;
	/** "4", "1 h 20 min", "[c]", or "–" for a time with no acknowledged request behind it. */
	display: string;
	suppressed: boolean;
}

export interface HelpSchoolCount {
	schoolId: number;
	name: string;
	requests: HelpFigure;
	/** Median school minutes from a request to its acknowledgement (as the overdue rule counts them). */
	medianAck: HelpFigure;
}

export interface HelpCounts {
	term: HelpTerm;
	/** Every term with a request in it, and the current one, newest first. */
	terms: HelpTerm[];
	schools: HelpSchoolCount[];
	total: { requests: HelpFigure; medianAck: HelpFigure };
	legend: string;
}

const HIDDEN: HelpFigure = { value: null, display: SUPPRESSED, suppressed: true };
const NOTHING: HelpFigure = { value: null, display: '–', suppressed: false };

/** "45 min", "2 h", "1 h 5 min". */
export function formatAckMinutes(minutes: number): string {
	const h = Math.floor(minutes / 60);
	const m = minutes % 60;
	if (h === 0) return `${m} min`;
	return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
}

/**
 * A median time shows only beside a count that shows, and only when it rests on at least
 * six acknowledged requests: with fewer, one request's time moves it visibly.
 */
function medianFigure(countShown: boolean, minutes: number[]): HelpFigure {
	if (!countShown) return HIDDEN;
	if (minutes.length === 0) return NOTHING;
	if (minutes.length < MIN_PUPILS) return HIDDEN;
	const value = median(minutes);
	return { value, display: formatAckMinutes(value), suppressed: false };
}

/**
 * Requests for help per school (open schools only) in one term, with the borough's total.
 * `termKey` picks the term (`autumn-2026`); anything else means the current term.
 */
export async function boroughHelpCounts(
	input: { termKey?: string | null; now?: Date; config?: HelpConfig } = {}
): Promise<HelpCounts> {
	const now = input.now ?? new Date();
	const config = input.config ?? readHelpConfig();
	const db = getDb();
	const [schools, requests] = await Promise.all([
		db
			.selectFrom('schools')
			.select(['id', 'name'])
			.where('archived_at', 'is', null)
			.orderBy('name')
			.execute(),
		// A closed school's requests are left out of the total too: it has no row, so the
		// total would otherwise give its count away.
		db
			.selectFrom('help_requests as h')
			.innerJoin('schools as s', 's.id', 'h.school_id')
			.select(['h.school_id', 'h.created_at', 'h.acknowledged_at'])
			.where('s.archived_at', 'is', null)
			.execute()
	]);

	const current = termOrderOf(now);
	const orders = requests.map((r) => termOrderOf(new Date(r.created_at)));
	const first = orders.reduce((a, b) => Math.min(a, b), current);
	const terms: HelpTerm[] = [];
	for (let order = current; order >= first; order--) terms.push(termAt(order));
	const wanted = input.termKey ? orderOfKey(input.termKey) : undefined;
	const order = wanted !== undefined && wanted >= first && wanted <= current ? wanted : current;

	const bySchool = new Map<number, { count: number; minutes: number[] }>(
		schools.map((s) => [s.id, { count: 0, minutes: [] }])
	);
	requests.forEach((r, i) => {
		if (orders[i] !== order) return;
		const school = bySchool.get(r.school_id)!;
		school.count++;
		if (r.acknowledged_at)
			school.minutes.push(
				schoolMinutesBetween(new Date(r.created_at), new Date(r.acknowledged_at), config.schoolDay)
			);
	});

	// Published with a borough total, so small counts are hidden and so is whatever would
	// let one be worked back from the total. Cells come back in the order they went in.
	const { cells, hiddenColTotals } = suppressTable(
		schools.map((s) => {
			const count = bySchool.get(s.id)!.count;
			return { row: s.id, col: 'requests', count, base: count };
		}),
		{ rowTotals: false, colTotals: true }
	);
	const rows = schools.map((s, i): HelpSchoolCount => {
		const cell = cells[i];
		const shown = !cell.suppressed;
		return {
			schoolId: s.id,
			name: s.name,
			requests: shown
				? { value: cell.count, display: String(cell.count), suppressed: false }
				: HIDDEN,
			medianAck: medianFigure(shown, bySchool.get(s.id)!.minutes)
		};
	});
	const totalShown = hiddenColTotals.length === 0;
	const all = [...bySchool.values()];
	const totalCount = all.reduce((n, s) => n + s.count, 0);
	return {
		term: termAt(order),
		terms,
		schools: rows,
		total: {
			requests: totalShown
				? { value: totalCount, display: String(totalCount), suppressed: false }
				: HIDDEN,
			medianAck: medianFigure(
				totalShown,
				all.flatMap((s) => s.minutes)
			)
		},
		legend: HELP_COUNTS_LEGEND
	};
}

/** Open schools with nobody holding a safeguarding role: their requests go to the school leads. */
export async function schoolsWithoutSafeguardingLead(): Promise<number[]> {
	const rows = await getDb()
		.selectFrom('schools as s')
		.select('s.id')
		.where('s.archived_at', 'is', null)
		.where(({ not, exists, selectFrom }) =>
			not(
				exists(
					selectFrom('staff_users as u')
						.select('u.id')
						.whereRef('u.school_id', '=', 's.id')
						.where('u.safeguarding_role', 'is not', null)
						.where('u.disabled_at', 'is', null)
				)
			)
		)
		.orderBy('s.id')
		.execute();
	return rows.map((r) => r.id);
}
