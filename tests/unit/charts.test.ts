import { createRawSnippet } from 'svelte';
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import {
	FONT_SIZE,
	HIDDEN_LABEL,
	LINE_HEIGHT,
	describeChart,
	formatValue,
	layoutBarChart,
	type ChartInput
} from '../../src/lib/charts';
import BarChart from '../../src/lib/components/BarChart.svelte';

const CHAR_WIDTH = FONT_SIZE * 0.6;

function chart(overrides: Partial<ChartInput> = {}) {
	return layoutBarChart({
		categories: ['A', 'B', 'C'],
		series: [{ name: 'Pupils', values: [10, 20, 40] }],
		format: 'count',
		width: 480,
		height: 300,
		...overrides
	});
}

describe('layoutBarChart', () => {
	// By hand for 480 × 300: ticks "0"…"40" are two characters, so the plot starts at
	// 2 × 8.4 + 12 = 28.8 and is 480 − 28.8 − 12 = 439.2 wide (146.4 a category). The plot runs
	// from 16.8 + 6 = 22.8 (a line for value labels) down to 300 − 24.2 = 275.8.
	it('scales a count axis to nice whole-number ticks that reach past the largest figure', () => {
		const layout = chart();
		expect(layout.ticks.map((t) => t.label)).toEqual(['0', '10', '20', '30', '40']);
		expect(layout.ticks.map((t) => t.y)).toEqual([275.8, 212.55, 149.3, 86.05, 22.8]);
		expect(layout.plot).toEqual({ left: 28.8, top: 22.8, right: 468, bottom: 275.8 });
		expect(layout.baseline).toBe(275.8);
		expect([layout.width, layout.height]).toEqual([480, 300]);

		const ticks = chart({ series: [{ name: 'Pupils', values: [37, 4, null] }] }).ticks;
		expect(ticks.map((t) => t.value)).toEqual([0, 10, 20, 30, 40]);
	});

	it('draws bars whose heights are proportional to the figures, all standing on the zero line', () => {
		const bars = chart().bars;
		expect(bars.map((b) => b.height)).toEqual([63.25, 126.5, 253]);
		expect(bars.map((b) => b.y + b.height)).toEqual([275.8, 275.8, 275.8]);
		expect(bars.map((b) => b.label)).toEqual(['10', '20', '40']);
		// Each value is written just above its bar, in the middle of it.
		expect(bars.map((b) => [b.labelX, b.labelY])).toEqual([
			[102, 206.55],
			[248.4, 143.3],
			[394.8, 16.8]
		]);
	});

	it('keeps the categories in the order given, left to right', () => {
		const layout = chart({ categories: ['Zebra', 'Apple', 'Mango'] });
		expect(layout.categoryLabels.map((l) => l.text)).toEqual(['Zebra', 'Apple', 'Mango']);
		expect(layout.categoryLabels.map((l) => l.x)).toEqual([102, 248.4, 394.8]);
		expect(layout.bars.map((b) => b.x)).toEqual([66, 212.4, 358.8]);
		expect(layout.categoryLabelMode).toBe('horizontal');
	});

	it('draws no bar for a hidden figure and writes [c] where it would stand', () => {
		const layout = chart({ series: [{ name: 'Pupils', values: [10, null, 40] }] });
		const hidden = layout.bars[1];
		expect(hidden).toMatchObject({ hidden: true, value: null, height: 0, label: '[c]' });
		expect(hidden.y).toBe(layout.baseline);
		expect(hidden.labelY).toBe(layout.baseline - 6);
		expect(HIDDEN_LABEL).toBe('[c]');
	});

	it('gives a zero a bar of no height labelled 0', () => {
		const layout = chart({ series: [{ name: 'Pupils', values: [0, 20, 40] }] });
		expect(layout.bars[0]).toMatchObject({ hidden: false, value: 0, height: 0, label: '0' });
		expect(layout.bars[0].y).toBe(layout.baseline);
	});

	it('still draws an axis from 0 to 1 when every figure is zero or hidden', () => {
		const layout = chart({ series: [{ name: 'Pupils', values: [0, null, 0] }] });
		expect(layout.ticks.map((t) => t.label)).toEqual(['0', '1']);
		expect(layout.bars.every((b) => b.height === 0)).toBe(true);
	});

	it('tops a percentage axis at 100% and writes figures as whole percentages', () => {
		const layout = chart({
			format: 'percent',
			series: [{ name: 'Correct', values: [0.25, 0.5, 0.374] }]
		});
		expect(layout.ticks.map((t) => t.label)).toEqual(['0%', '20%', '40%', '60%', '80%', '100%']);
		expect(layout.ticks.at(-1)?.y).toBe(layout.plot.top);
		expect(layout.bars.map((b) => b.label)).toEqual(['25%', '50%', '37%']);
		const plotHeight = layout.plot.bottom - layout.plot.top;
		expect(layout.bars[1].height).toBeCloseTo(plotHeight / 2, 1);
		expect(layout.bars[0].height).toBeCloseTo(plotHeight / 4, 1);
	});

	it('sets the bars of one category side by side in series order, without overlap', () => {
		const layout = chart({
			series: [
				{ name: 'Before', values: [10, 20, 40] },
				{ name: 'After', values: [20, null, 30] }
			]
		});
		expect(layout.bars).toHaveLength(6);
		for (let c = 0; c < 3; c++) {
			const [first, second] = layout.bars.filter((b) => b.category === c);
			expect([first.series, second.series]).toEqual([0, 1]);
			expect(first.width).toBe(second.width);
			expect(first.x + first.width).toBeLessThan(second.x);
		}
		// The next category's first bar starts after this one's last bar.
		expect(layout.bars[1].x + layout.bars[1].width).toBeLessThan(layout.bars[2].x);
	});

	it('turns ISO week labels 45° and thins them when a whole term would collide', () => {
		const weeks = Array.from({ length: 40 }, (_, i) => `2026-W${String(i + 1).padStart(2, '0')}`);
		const layout = layoutBarChart({
			categories: weeks,
			series: [{ name: 'Lessons', values: weeks.map((_, i) => i) }],
			format: 'count',
			width: 480,
			height: 300
		});
		expect(layout.categoryLabelMode).toBe('rotated');
		const shown = layout.categoryLabels;
		expect(shown[0].text).toBe('2026-W01');
		expect(shown.length).toBeLessThan(40);
		// Parallel 45° labels sit (gap × sin 45°) apart: at least a line, so they never touch.
		for (let i = 1; i < shown.length; i++) {
			expect((shown[i].x - shown[i - 1].x) * Math.SQRT1_2).toBeGreaterThanOrEqual(LINE_HEIGHT);
		}
		// Bars never get too thin to carry their label: the box widens instead.
		expect(layout.bars.every((b) => b.width >= FONT_SIZE)).toBe(true);
		expect(layout.width).toBeGreaterThan(480);
	});

	it('wraps long school names at spaces so neighbouring labels do not overlap', () => {
		const layout = chart({
			categories: ['St Mary’s Church of England Primary', 'Hillside Junior School', 'Oakfield'],
			width: 480
		});
		expect(layout.categoryLabelMode).toBe('wrapped');
		const step = layout.categoryLabels[1].x - layout.categoryLabels[0].x;
		for (const label of layout.categoryLabels) {
			expect(label.lines.join(' ')).toBe(label.text);
			for (const line of label.lines) expect(line.length * CHAR_WIDTH).toBeLessThan(step);
		}
	});

	it('cuts a name that needs more than three lines with an ellipsis instead of turning it', () => {
		const layout = chart({
			categories: [
				'St Mary’s Church of England Primary School and Nursery',
				'Hillside Junior School',
				'Oakfield'
			]
		});
		expect(layout.categoryLabelMode).toBe('wrapped');
		// 146.4 − 6 = 140.4 units a line: 16 characters at 8.4.
		expect(layout.categoryLabels[0].lines).toEqual([
			'St Mary’s Church',
			'of England',
			'Primary School…'
		]);
	});

	it('turns value labels upright when they are wider than their bars', () => {
		const layout = layoutBarChart({
			categories: Array.from({ length: 12 }, (_, i) => `Class ${i + 1}`),
			series: ['A', 'B', 'C'].map((name) => ({ name, values: Array(12).fill(0.555) })),
			format: 'percent',
			width: 480,
			height: 300
		});
		expect(layout.valueLabelsRotated).toBe(true);
		// Room above the 100% line for "100%"-wide upright labels.
		expect(layout.plot.top).toBeGreaterThanOrEqual(4 * CHAR_WIDTH);
		expect(layout.bars.every((b) => b.labelAnchor === 'start')).toBe(true);
	});

	it('refuses a series with a different number of figures from the categories', () => {
		expect(() => chart({ series: [{ name: 'Pupils', values: [1, 2] }] })).toThrow(RangeError);
	});

	it('lays out an empty chart without failing', () => {
		const layout = chart({ categories: [], series: [{ name: 'Pupils', values: [] }] });
		expect(layout.bars).toEqual([]);
		expect(layout.ticks.map((t) => t.label)).toEqual(['0', '1']);
	});
});

describe('formatValue and describeChart', () => {
	it('writes counts, percentages and hidden figures as the report tables do', () => {
		expect(formatValue(1234, 'count')).toBe('1,234');
		expect(formatValue(0, 'count')).toBe('0');
		expect(formatValue(0.835, 'percent')).toBe('84%');
		expect(formatValue(null, 'percent')).toBe('[c]');
	});

	it('describes every figure in words for the chart’s <desc>', () => {
		expect(
			describeChart({
				categories: ['Lesson 1', 'Lesson 2'],
				series: [
					{ name: 'Before', values: [0.4, null] },
					{ name: 'After', values: [0.8, 0.75] }
				],
				format: 'percent'
			})
		).toBe('Lesson 1: Before 40%, After 80%. Lesson 2: Before [c], After 75%.');
	});
});

describe('BarChart', () => {
	const props = {
		title: 'Correct answers before and after each lesson',
		categories: ['Lesson 1', 'Lesson 2', 'Lesson 3'],
		series: [
			{ name: 'Before', values: [0.4, null, 0] },
			{ name: 'After', values: [0.8, 0.75, 0.5] },
			{ name: 'Six weeks on', values: [0.7, 0.6, null] }
		],
		format: 'percent' as const
	};

	it('renders on the server as an image named by its title and described by its figures', () => {
		const { body } = render(BarChart, { props });
		const svg = body.match(/<svg class="chart-svg[^>]*>/)?.[0] ?? '';
		expect(svg).toContain('role="img"');
		const [titleId, descId] = svg.match(/aria-labelledby="([^"]+)"/)?.[1].split(' ') ?? [];
		expect(body).toContain(`<title id="${titleId}">${props.title}</title>`);
		expect(body).toContain(`<desc id="${descId}">Lesson 1: Before 40%, After 80%, Six weeks on`);
	});

	it('writes every figure on the chart, including 0% and [c]', () => {
		const { body } = render(BarChart, { props });
		const values = [...body.matchAll(/<text class="value[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
		expect(values).toEqual(['40%', '80%', '70%', '[c]', '75%', '60%', '0%', '50%', '[c]']);
		// Two hidden figures, so two fewer bars than figures.
		expect(body.match(/<rect class="bar bar-/g)).toHaveLength(7 + 3);
	});

	it('shows an HTML key naming each series beside a swatch of its pattern', () => {
		const { body } = render(BarChart, { props });
		const key = body.match(/<ul class="chart-key[\s\S]*?<\/ul>/)?.[0] ?? '';
		expect(key).toContain('aria-label="Key"');
		for (const name of ['Before', 'After', 'Six weeks on'])
			expect(key).toContain(`<span>${name}</span>`);
		// Series 2 and 3 are filled with patterns that exist in the same SVG, not colour alone.
		for (const fill of key.match(/fill="url\(#([^)]+)\)"/g) ?? []) {
			const id = fill.slice('fill="url(#'.length, -2);
			expect(key).toContain(`<pattern id="${id}"`);
		}
		expect(key.match(/fill="url\(#/g)).toHaveLength(2);
	});

	it('fills the bars of later series with the hatch and dot patterns it defines', () => {
		const { body } = render(BarChart, { props });
		const chartSvg = body.slice(body.indexOf('<svg class="chart-svg'));
		const rects = chartSvg.match(/<rect class="bar bar-\d[^>]*>/g) ?? [];
		expect(rects).toHaveLength(7);
		for (const rect of rects) {
			const fill = rect.match(/fill="url\(#([^)]+)\)"/)?.[1];
			// Series 1 is solid (its colour comes from a class); the others name a pattern.
			if (rect.includes('bar-0')) expect(fill).toBeUndefined();
			else expect(chartSvg).toContain(`<pattern id="${fill}"`);
		}
	});

	it('uses no style attributes, so it needs no unsafe-inline under the CSP', () => {
		const { body } = render(BarChart, { props });
		expect(body).not.toMatch(/\sstyle=/);
	});

	it('leaves out the key for a single series and puts a given table beside the chart', () => {
		const table = createRawSnippet(() => ({
			render: () => '<table><caption>Pupils per lesson</caption></table>'
		}));
		const { body } = render(BarChart, {
			props: { ...props, series: [props.series[0]], description: 'Short.', table }
		});
		expect(body).not.toContain('chart-key');
		expect(body).toContain('<desc id="');
		expect(body).toMatch(/<desc id="[^"]+">Short.<\/desc>/);
		expect(body).toMatch(/class="chart-body[^"]*with-table/);
		expect(body).toContain('<table><caption>Pupils per lesson</caption></table>');
	});
});
