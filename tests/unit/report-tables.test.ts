// The tables shared by report pages and CSVs: cells, and the hiding of pupil counts the
// council sees (by school with a total, by lesson and by week).
import { describe, expect, it } from 'vitest';
import { suppressGain, suppressRate, suppressTable } from '../../src/lib/server/reports/disclosure';
import {
	boroughTables,
	pointsCell,
	rateCell,
	weekStart
} from '../../src/lib/server/reports/tables';
import type { BoroughDashboard } from '../../src/lib/server/reports/borough-dashboard';
import type { Figures } from '../../src/lib/server/reports/figures';

function figures(reached: number, extra: Partial<Figures> = {}): Figures {
	return {
		pupils: 30,
		reached,
		sessionsDelivered: reached > 0 ? 1 : 0,
		attendance: suppressRate({ numerator: reached, denominator: 30, pupils: 30 }),
		completion: suppressRate({ numerator: reached, denominator: reached, pupils: reached }),
		averageScore: suppressRate({ numerator: 0, denominator: 0 }),
		gain: suppressGain({ correctBefore: 0, correctAfter: 0, pairs: 0, pupils: 0 }),
		...extra
	};
}

function dashboard(schools: [string, number, boolean][], weeks: [string, number][] = []) {
	const total = schools.reduce((sum, [, n]) => sum + n, 0);
	return {
		legend: '',
		filter: {},
		pupilTarget: 100,
		schoolsTakingPart: schools.filter(([, n]) => n > 0).length,
		schoolsRegistered: schools.length,
		totals: figures(total),
		bySchool: schools.map(([name, n, hidden], i) => ({
			schoolId: i + 1,
			name,
			...figures(n),
			reached: { value: hidden ? null : n, display: hidden ? '[c]' : String(n), suppressed: hidden }
		})),
		// As reports.ts decides it: by disclosure.ts's own rule for a column total.
		reachedTotalHidden:
			suppressTable(
				schools.map(([, n], i) => ({ row: i, col: 'reached', count: n, base: n })),
				{ rowTotals: false, colTotals: true }
			).hiddenColTotals.length > 0,
		byLesson: [
			{ lessonId: 'a', title: 'A', ...figures(40) },
			{ lessonId: 'b', title: 'B', ...figures(3) },
			{ lessonId: 'c', title: 'C', ...figures(0) },
			{ lessonId: 'd', title: 'D', ...figures(12) }
		],
		byWeek: weeks.map(([week, n]) => ({ week, sessions: 2, pupilsReached: n }))
	} as BoroughDashboard;
}

const column = (table: ReturnType<typeof boroughTables>[number], label: string) =>
	table.columns.findIndex((c) => c.label === label) - 1;

describe('cells', () => {
	it('writes a rate as a whole percentage on screen and as a number in the CSV', () => {
		expect(rateCell(suppressRate({ numerator: 5, denominator: 6 }))).toEqual({
			text: '83%',
			value: 83
		});
		expect(rateCell(suppressRate({ numerator: 1, denominator: 3 }))).toEqual({
			text: '[c]',
			value: '[c]'
		});
		expect(rateCell(suppressRate({ numerator: 0, denominator: 0 }))).toEqual({
			text: '–',
			value: null
		});
	});

	it('writes a gain in points with its sign', () => {
		const gain = suppressGain({ correctBefore: 3, correctAfter: 9, pairs: 12, pupils: 6 });
		expect(pointsCell(gain.change)).toEqual({ text: '+50 points', value: 50 });
		const loss = suppressGain({ correctBefore: 9, correctAfter: 6, pairs: 12, pupils: 6 });
		expect(pointsCell(loss.change)).toEqual({ text: '-25 points', value: -25 });
	});

	it('names ISO weeks by their Monday', () => {
		expect(weekStart('2026-W48')).toBe('2026-11-23');
		expect(weekStart('2026-W01')).toBe('2025-12-29');
		expect(weekStart('2021-W01')).toBe('2021-01-04');
	});
});

describe('pupil counts the council sees', () => {
	it('hides the borough total when it would give away the only hidden school', () => {
		const tables = boroughTables(
			dashboard([
				['North', 4, true],
				['South', 0, false]
			])
		);
		const schools = tables.find((t) => t.id === 'schools')!;
		expect(schools.total!.cells[column(schools, 'Pupils reached')].text).toBe('[c]');
		expect(tables[0].rows.find((r) => r.key === 'Pupils reached')!.cells[0].text).toBe('[c]');
	});

	it('publishes the total when another school is hidden beside the small one', () => {
		const tables = boroughTables(
			dashboard([
				['North', 4, true],
				['South', 40, true],
				['West', 50, false]
			])
		);
		const schools = tables.find((t) => t.id === 'schools')!;
		const reached = column(schools, 'Pupils reached');
		expect(schools.rows.map((r) => r.cells[reached].text)).toEqual(['[c]', '[c]', '50']);
		expect(schools.total!.cells[reached].value).toBe(94);
	});

	it('hides 1–5 pupils reached in a lesson or a week, and the next smallest beside it, but not none', () => {
		// With 40 reached in all, a lone hidden week could be bounded by the total less the
		// others, so the next smallest week (and lesson) is hidden with it.
		const tables = boroughTables(
			dashboard(
				[['North', 40, false]],
				[
					['2026-W40', 25],
					['2026-W41', 2],
					['2026-W42', 0],
					['2026-W43', 9]
				]
			)
		);
		const lessons = tables.find((t) => t.id === 'lessons')!;
		const reached = column(lessons, 'Pupils reached');
		expect(lessons.rows.map((r) => r.cells[reached].text)).toEqual(['40', '[c]', '0', '[c]']);
		const weeks = tables.find((t) => t.id === 'weeks')!;
		expect(weeks.rows.map((r) => [r.header.text, ...r.cells.map((c) => c.text)])).toEqual([
			['2026-09-28', '2', '25'],
			['2026-10-05', '2', '[c]'],
			['2026-10-12', '2', '0'],
			['2026-10-19', '2', '[c]']
		]);
	});

	it('hides a borough total of 1–5 and every week and lesson with anyone in it', () => {
		// Two schools of 2 and 3 hide each other, but a total of 5 would still say 5 children.
		const tables = boroughTables(
			dashboard(
				[
					['North', 2, true],
					['South', 3, true]
				],
				[['2026-W49', 5]]
			)
		);
		const schools = tables.find((t) => t.id === 'schools')!;
		expect(schools.total!.cells[column(schools, 'Pupils reached')].text).toBe('[c]');
		expect(tables[0].rows.find((r) => r.key === 'Pupils reached')!.cells[0].text).toBe('[c]');
		const weeks = tables.find((t) => t.id === 'weeks')!;
		expect(weeks.rows[0].cells.map((c) => c.text)).toEqual(['2', '[c]']);
	});
});
