import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	LEGEND,
	MIN_PUPILS,
	SUPPRESSED,
	suppressAverage,
	suppressGain,
	suppressRate,
	suppressBreakdowns,
	suppressOverlappingCounts,
	suppressTable,
	type TableCell
} from '../../src/lib/server/reports/disclosure';

function hidden(result: ReturnType<typeof suppressTable>): string[] {
	return result.cells
		.filter((c) => c.suppressed)
		.map((c) => `${c.row}${c.col}`)
		.sort();
}

describe('suppressRate', () => {
	it('shows a rate that rests on six or more pupils as a percentage', () => {
		expect(suppressRate({ numerator: 5, denominator: 6 })).toEqual({
			value: 5 / 6,
			display: '83%',
			suppressed: false,
			pupils: 6
		});
	});

	it('hides a rate that rests on fewer than six pupils as [c]', () => {
		const rate = suppressRate({ numerator: 4, denominator: 5 });
		expect(rate).toEqual({ value: null, display: '[c]', suppressed: true, pupils: 5 });
		expect(SUPPRESSED).toBe('[c]');
		expect(MIN_PUPILS).toBe(6);
	});

	it('decides on the number of pupils, not the number of items', () => {
		// 40 answers from 5 pupils is still about 5 children.
		expect(suppressRate({ numerator: 30, denominator: 40, pupils: 5 }).suppressed).toBe(true);
		expect(suppressRate({ numerator: 3, denominator: 4, pupils: 6 }).display).toBe('75%');
	});

	it('shows a dash, not [c], when nothing rests on the rate', () => {
		expect(suppressRate({ numerator: 0, denominator: 0 })).toMatchObject({
			value: null,
			display: '–',
			suppressed: false
		});
	});

	it('explains [c] in the legend', () => {
		expect(LEGEND).toBe('[c] = fewer than 6 pupils, hidden so no child can be identified');
	});
});

describe('suppressAverage and suppressGain', () => {
	it('averages scores over the pupils they rest on', () => {
		expect(suppressAverage({ sum: 4.5, count: 6 }).display).toBe('75%');
		expect(suppressAverage({ sum: 4.5, count: 6, pupils: 3 }).display).toBe('[c]');
	});

	it('reports a gain in points from before to after', () => {
		const gain = suppressGain({ correctBefore: 3, correctAfter: 9, pairs: 12, pupils: 6 });
		expect(gain.before.display).toBe('25%');
		expect(gain.after.display).toBe('75%');
		expect(gain.change.display).toBe('+50 points');
		expect(gain.change.value).toBeCloseTo(0.5);
	});

	it('hides the whole gain when it rests on fewer than six pupils', () => {
		const gain = suppressGain({ correctBefore: 3, correctAfter: 9, pairs: 12, pupils: 5 });
		expect([gain.before.display, gain.after.display, gain.change.display]).toEqual([
			'[c]',
			'[c]',
			'[c]'
		]);
		expect(gain.change.value).toBeNull();
	});
});

describe('suppressTable', () => {
	const column = (counts: number[]): TableCell[] =>
		counts.map((count, i) => ({ row: String.fromCharCode(65 + i), col: 'n', count, base: count }));

	it('hides a small count and, with a published total, the next smallest one too', () => {
		// 3 + 10 + 12 = 25: with only "3" hidden, 25 − 10 − 12 would give it away.
		const result = suppressTable(column([3, 10, 12]), { rowTotals: false, colTotals: true });
		expect(hidden(result)).toEqual(['An', 'Bn']);
		expect(result.cells.map((c) => c.reason)).toEqual(['primary', 'secondary', null]);
		expect(result.cells.map((c) => c.display)).toEqual(['[c]', '[c]', '12']);
	});

	it('needs no secondary cell when two cells are already hidden', () => {
		const result = suppressTable(column([3, 4, 12]), { rowTotals: false, colTotals: true });
		expect(hidden(result)).toEqual(['An', 'Bn']);
		expect(result.cells.map((c) => c.reason)).toEqual(['primary', 'primary', null]);
	});

	it('hides nothing more when no total is published', () => {
		const result = suppressTable(column([3, 10, 12]), { rowTotals: false, colTotals: false });
		expect(hidden(result)).toEqual(['An']);
	});

	it('does not treat an empty cell as a small one', () => {
		const result = suppressTable(column([0, 10, 12]), { rowTotals: false, colTotals: true });
		expect(hidden(result)).toEqual([]);
	});

	it('never picks an empty cell as the second hidden cell', () => {
		// School C reached nobody, which its other columns show anyway: hiding it protects nothing.
		const result = suppressTable(column([3, 9, 0]), { rowTotals: false, colTotals: true });
		expect(hidden(result)).toEqual(['An', 'Bn']);
	});

	it('hides the total of a line whose only cell is hidden', () => {
		const result = suppressTable(column([4]), { rowTotals: false, colTotals: true });
		expect(hidden(result)).toEqual(['An']);
		expect(result.hiddenColTotals).toEqual(['n']);
	});

	it('works across rows and columns until nothing changes (hand-worked 3 × 3)', () => {
		//        x   y   z
		//   A   10  [3] 12      A.y primary
		//   B    8  20   9
		//   C   15   7  30
		// rows: A → A.x (10). cols: x → B.x (8), y → C.y (7).
		// rows: B → B.z (9), C → C.x (15). cols: z → A.z (12). Then stable.
		const grid: [string, string, number][] = [
			['A', 'x', 10],
			['A', 'y', 3],
			['A', 'z', 12],
			['B', 'x', 8],
			['B', 'y', 20],
			['B', 'z', 9],
			['C', 'x', 15],
			['C', 'y', 7],
			['C', 'z', 30]
		];
		const result = suppressTable(
			grid.map(([row, col, count]) => ({ row, col, count, base: count })),
			{ rowTotals: true, colTotals: true }
		);
		expect(hidden(result)).toEqual(['Ax', 'Ay', 'Az', 'Bx', 'Bz', 'Cx', 'Cy']);
		expect(result.cells.filter((c) => c.reason === 'primary').map((c) => c.row + c.col)).toEqual([
			'Ay'
		]);
		expect(result.hiddenRowTotals).toEqual([]);
		expect(result.hiddenColTotals).toEqual([]);
	});

	it('hides another cell when the hidden ones could only be one pupil each', () => {
		// 1 + 1 + 20 = 22: two hidden cells sharing 22 − 20 = 2 pupils are 1 and 1.
		const result = suppressTable(column([1, 1, 20, 30]), { rowTotals: false, colTotals: true });
		expect(hidden(result)).toEqual(['An', 'Bn', 'Cn']);
		expect(result.hiddenColTotals).toEqual([]);
	});

	it('hides the total when every cell is hidden and each could only be one pupil', () => {
		const result = suppressTable(column([1, 1, 1, 1, 1, 1, 1, 0]), {
			rowTotals: false,
			colTotals: true
		});
		expect(result.hiddenColTotals).toEqual(['n']);
	});

	it('hides a total of 1 to 5 even when the cells already hide each other', () => {
		const result = suppressTable(column([2, 3, 0]), { rowTotals: false, colTotals: true });
		expect(hidden(result)).toEqual(['An', 'Bn']);
		expect(result.hiddenColTotals).toEqual(['n']);
	});

	it('leaves a table with no small cell as it is', () => {
		const result = suppressTable(column([6, 7, 100]), { rowTotals: true, colTotals: true });
		expect(hidden(result)).toEqual([]);
	});
});

describe('suppressTable properties', () => {
	const table = fc
		.record({
			rows: fc.integer({ min: 1, max: 6 }),
			cols: fc.integer({ min: 1, max: 6 }),
			rowTotals: fc.boolean(),
			colTotals: fc.boolean()
		})
		.chain(({ rows, cols, rowTotals, colTotals }) =>
			fc.record({
				cells: fc.array(fc.integer({ min: 0, max: 40 }), {
					minLength: rows * cols,
					maxLength: rows * cols
				}),
				rows: fc.constant(rows),
				cols: fc.constant(cols),
				rowTotals: fc.constant(rowTotals),
				colTotals: fc.constant(colTotals)
			})
		)
		.map(({ cells, rows, cols, rowTotals, colTotals }) => ({
			cells: cells.map((count, i) => ({
				row: Math.floor(i / cols),
				col: i % cols,
				count,
				base: count
			})),
			rows,
			cols,
			rowTotals,
			colTotals
		}));

	it('never leaves exactly one hidden cell in a line whose total is published', () => {
		fc.assert(
			fc.property(table, ({ cells, rowTotals, colTotals }) => {
				const result = suppressTable(cells, { rowTotals, colTotals });
				const lines = (key: 'row' | 'col', hiddenTotals: number[]) => {
					const counts = new Map<number, number>();
					for (const c of result.cells)
						counts.set(
							c[key] as number,
							(counts.get(c[key] as number) ?? 0) + (c.suppressed ? 1 : 0)
						);
					for (const [line, n] of counts) if (!hiddenTotals.includes(line)) expect(n).not.toBe(1);
				};
				if (rowTotals) lines('row', result.hiddenRowTotals as number[]);
				if (colTotals) lines('col', result.hiddenColTotals as number[]);
			})
		);
	});

	it('always hides every cell resting on 1 to 5 pupils and shows no hidden value', () => {
		fc.assert(
			fc.property(table, ({ cells, rowTotals, colTotals }) => {
				const result = suppressTable(cells, { rowTotals, colTotals });
				for (const c of result.cells) {
					if (c.base > 0 && c.base < MIN_PUPILS) expect(c.suppressed).toBe(true);
					expect(c.display).toBe(c.suppressed ? '[c]' : String(c.count));
				}
			})
		);
	});

	it('hides a total only when its line has no non-empty cell left to hide', () => {
		fc.assert(
			fc.property(table, ({ cells, rowTotals, colTotals }) => {
				const result = suppressTable(cells, { rowTotals, colTotals });
				for (const row of result.hiddenRowTotals)
					expect(
						result.cells.filter((c) => c.row === row).every((c) => c.suppressed || c.count === 0)
					).toBe(true);
				for (const col of result.hiddenColTotals)
					expect(
						result.cells.filter((c) => c.col === col).every((c) => c.suppressed || c.count === 0)
					).toBe(true);
			})
		);
	});
});

describe('suppressOverlappingCounts (weeks and lessons beside the total of distinct pupils)', () => {
	const groups = (counts: number[]) => counts.map((count, i) => ({ key: `w${i}`, count }));
	const keys = (r: { hidden: Set<string> }) => [...r.hidden].sort();

	it('hides the next smallest group beside a lone hidden one while the total shows', () => {
		// 15 reached, weeks 10 and [c]: the hidden week is at least 15 − 10 = 5, so at most 5.
		const result = suppressOverlappingCounts(groups([10, 5, 0, 30]), {
			count: 31,
			hidden: false
		});
		expect(keys(result)).toEqual(['w0', 'w1']);
		expect(result.totalHidden).toBe(false);
	});

	it('needs nothing more when two groups are already hidden', () => {
		const result = suppressOverlappingCounts(groups([3, 4, 12]), { count: 14, hidden: false });
		expect(keys(result)).toEqual(['w0', 'w1']);
	});

	it('hides a total of 1 to 5, and with it every group with anyone in it', () => {
		// The case: from 30 November, one week with 5 pupils and a total of 5.
		const result = suppressOverlappingCounts(groups([5]), { count: 5, hidden: false });
		expect(result).toEqual({ hidden: new Set(['w0']), totalHidden: true });
	});

	it('hides every group with anyone in it while the total is hidden', () => {
		// Seven schools of one pupil each hide the total of 7; one week of 7 would give it back.
		const result = suppressOverlappingCounts(groups([7, 0]), { count: 7, hidden: true });
		expect(keys(result)).toEqual(['w0']);
	});

	it('asks to hide the total when a lone hidden group has nothing beside it', () => {
		// Figures that disagree (a total larger than every group together) are still safe.
		const result = suppressOverlappingCounts(groups([3, 0]), { count: 9, hidden: false });
		expect(result.totalHidden).toBe(true);
		expect(keys(result)).toEqual(['w0']);
	});

	it('hides the total for every breakdown once one of them needs it', () => {
		const result = suppressBreakdowns({ count: 9, hidden: false }, [
			groups([3, 0]),
			groups([9, 8])
		]);
		expect(result.totalHidden).toBe(true);
		expect(result.hidden.map((h) => [...h].sort())).toEqual([['w0'], ['w0', 'w1']]);
	});
});
