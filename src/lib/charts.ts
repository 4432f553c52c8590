// Geometry for the reports' bar charts: plain numbers from d3-scale that BarChart.svelte draws
// as SVG on the server. No DOM and no measuring, so server and client agree (no hydration drift).
import { scaleBand, scaleLinear } from 'd3-scale';

/** What a chart shows for a figure that disclosure control hid (fewer than 6 pupils). */
export const HIDDEN_LABEL = '[c]';

/** Text size in viewBox units; the component sets the same size on its <svg>. */
export const FONT_SIZE = 14;
export const LINE_HEIGHT = FONT_SIZE * 1.2;
/** No font metrics on the server: 0.6em is a generous average advance for system-ui. */
const CHAR_WIDTH = FONT_SIZE * 0.6;
const GAP = 6;
const RIGHT = 12;
const MIN_BAR = FONT_SIZE + 2;
const MAX_BAR = 72;
const MIN_PLOT_HEIGHT = 120;
const MAX_WRAPPED_LINES = 3;
/** A rotated label longer than this is cut with "…" (the table beside the chart has it in full). */
const MAX_ROTATED_CHARS = 24;
const SIN45 = Math.SQRT1_2;
/** Padding between category groups and between the bars of one group (fractions of a step). */
const GROUP_PADDING_INNER = 0.2;
const GROUP_PADDING_OUTER = 0.1;
const BAR_PADDING = 0.1;
const TICK_COUNT = 5;

export type ChartFormat = 'count' | 'percent';

export interface ChartSeries {
	name: string;
	/** One per category, in the same order; null is a hidden figure, drawn as "[c]". */
	values: (number | null)[];
}

export interface ChartInput {
	categories: string[];
	series: ChartSeries[];
	/** count: whole numbers; percent: proportions 0–1 on a 0–100% axis. */
	format: ChartFormat;
	/** Nominal size in viewBox units; the box grows to fit many bars or long labels, never shrinks. */
	width: number;
	height: number;
}

export interface ChartTick {
	value: number;
	label: string;
	y: number;
}

export interface ChartBar {
	category: number;
	series: number;
	value: number | null;
	/** The figure as written on the chart: "12", "83%" or "[c]". */
	label: string;
	x: number;
	y: number;
	width: number;
	/** 0 for a zero or hidden figure. */
	height: number;
	hidden: boolean;
	labelX: number;
	/** Baseline of the label text; when `valueLabelsRotated`, the end the text-anchor names. */
	labelY: number;
	labelAnchor: 'start' | 'middle' | 'end';
}

export interface ChartCategoryLabel {
	category: number;
	text: string;
	lines: string[];
	x: number;
	y: number;
}

export interface ChartLayout {
	width: number;
	height: number;
	plot: { left: number; top: number; right: number; bottom: number };
	/** y of the zero line, where bars start. */
	baseline: number;
	ticks: ChartTick[];
	bars: ChartBar[];
	/** Only the labels that are drawn: with very many categories every k-th is kept. */
	categoryLabels: ChartCategoryLabel[];
	categoryLabelMode: 'horizontal' | 'wrapped' | 'rotated';
	/** True when value labels are too wide for their bars and run upwards instead. */
	valueLabelsRotated: boolean;
}

const counts = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

/** Matches the reports' tables: whole percentages, counts as en-GB numbers. */
export function formatValue(value: number | null, format: ChartFormat): string {
	if (value === null || !Number.isFinite(value)) return HIDDEN_LABEL;
	if (format === 'percent') return `${Math.round(value * 100)}%`;
	return counts.format(value);
}

/** Two decimals are plenty in viewBox units and keep the markup short. */
function round(value: number): number {
	return Math.round(value * 100) / 100;
}

function textWidth(text: string): number {
	return text.length * CHAR_WIDTH;
}

function clean(value: number | null | undefined): number | null {
	return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * Greedy word wrap into at most MAX_WRAPPED_LINES lines no wider than `width`, the last cut
 * with "…" if the text is longer; null when a single word is too wide (the label must turn).
 */
function wrap(text: string, width: number): string[] | null {
	const words = text.split(/\s+/).filter(Boolean);
	const lines: string[] = [];
	for (const word of words) {
		if (textWidth(word) > width) return null;
		const last = lines.at(-1);
		if (last !== undefined && textWidth(`${last} ${word}`) <= width) {
			lines[lines.length - 1] = `${last} ${word}`;
		} else {
			lines.push(word);
		}
	}
	if (lines.length > MAX_WRAPPED_LINES) {
		let last = lines[MAX_WRAPPED_LINES - 1];
		while (last.length > 1 && textWidth(`${last}…`) > width) last = last.slice(0, -1);
		lines.splice(MAX_WRAPPED_LINES - 1, Infinity, `${last.trimEnd()}…`);
	}
	return lines.length > 0 ? lines : [''];
}

function truncate(text: string, max: number): string {
	return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

export function layoutBarChart(input: ChartInput): ChartLayout {
	const { categories, series, format } = input;
	for (const s of series) {
		if (s.values.length !== categories.length) {
			throw new RangeError(
				`Chart series "${s.name}" has ${s.values.length} values for ${categories.length} categories`
			);
		}
	}
	const n = categories.length;
	const m = Math.max(series.length, 1);
	const values = series.map((s) => s.values.map(clean));
	const shown = values.flat().filter((v): v is number => v !== null);

	// Value axis: always includes zero; at least 0–1, so a percentage axis always reaches 100%
	// (charts compare at a glance) and an all-zero count chart still has an axis.
	const negative = shown.some((v) => v < 0);
	const y = scaleLinear()
		.domain([Math.min(0, ...shown), Math.max(1, ...shown)])
		.nice(TICK_COUNT);
	let tickValues = y.ticks(TICK_COUNT);
	// A count axis has no half pupils.
	if (format === 'count') tickValues = tickValues.filter((t) => Number.isInteger(t));
	const tickLabels = tickValues.map((t) => formatValue(t, format));

	const valueLabels = values.map((vs) => vs.map((v) => formatValue(v, format)));
	const widestValue = Math.max(0, ...valueLabels.flat().map(textWidth));

	// Horizontal room: bars never narrower than a line of text, so value labels always fit one way.
	const tickLeft = Math.max(0, ...tickLabels.map(textWidth)) + GAP * 2;
	const groupMin = (MIN_BAR * (m - BAR_PADDING)) / (1 - BAR_PADDING);
	const stepMin = groupMin / (1 - GROUP_PADDING_INNER);
	let left = tickLeft;
	let plotWidth = Math.max(input.width - left - RIGHT, n * stepMin);
	let step = n > 0 ? plotWidth / n : plotWidth;

	// Category labels: one line if they fit, else wrapped at spaces (up to three lines, then "…"),
	// else turned 45° (and thinned when even that would collide). Labels never overlap; the table
	// beside the chart always has them in full.
	let mode: ChartLayout['categoryLabelMode'] = 'horizontal';
	let lines: string[][] = categories.map((c) => [c]);
	const room = step - GAP;
	if (categories.some((c) => textWidth(c) > room)) {
		const wrapped = categories.map((c) => wrap(c, room));
		if (wrapped.every((w) => w !== null)) {
			mode = 'wrapped';
			lines = wrapped as string[][];
		} else {
			mode = 'rotated';
			lines = categories.map((c) => [truncate(c, MAX_ROTATED_CHARS)]);
		}
	}
	let labelBlock: number;
	if (mode === 'rotated') {
		const longest = Math.max(0, ...lines.map((l) => textWidth(l[0])));
		const reach = longest * SIN45;
		labelBlock = GAP + reach + FONT_SIZE * SIN45 + GAP;
		// The first label runs down and to the left of its bar group: keep it inside the box.
		if (reach > left) {
			left = reach;
			plotWidth = Math.max(input.width - left - RIGHT, n * stepMin);
			step = n > 0 ? plotWidth / n : plotWidth;
		}
	} else {
		// First baseline one font size below the gap, then a line per extra line, then descenders.
		const most = Math.max(1, ...lines.map((l) => l.length));
		labelBlock = GAP + FONT_SIZE + (most - 1) * LINE_HEIGHT + FONT_SIZE * 0.3;
	}
	// Parallel 45° labels are step·sin45 apart; keep every k-th so they are a line apart.
	const every = mode === 'rotated' ? Math.max(1, Math.ceil(LINE_HEIGHT / (step * SIN45))) : 1;

	const x = scaleBand<number>()
		.domain(categories.map((_, i) => i))
		.range([left, left + plotWidth])
		.paddingInner(GROUP_PADDING_INNER)
		.paddingOuter(GROUP_PADDING_OUTER);
	const inner = scaleBand<number>()
		.domain(series.map((_, i) => i))
		.range([0, x.bandwidth()])
		.paddingInner(m > 1 ? BAR_PADDING : 0);
	const barWidth = Math.min(inner.bandwidth(), MAX_BAR);
	const rotated = widestValue > inner.step() - 2;

	// Room for a value label above the tallest bar (and below the lowest, if any is negative).
	const labelRoom = rotated ? widestValue + GAP * 2 : LINE_HEIGHT + GAP;
	const plotTop = labelRoom;
	const plotHeight = Math.max(MIN_PLOT_HEIGHT, input.height - plotTop - labelBlock);
	const plotBottom = plotTop + plotHeight;
	y.range([negative ? plotBottom - labelRoom : plotBottom, plotTop]);
	const baseline = y(0);

	const bars: ChartBar[] = [];
	categories.forEach((_, c) => {
		series.forEach((_s, s) => {
			const value = values[s][c];
			const band = (x(c) ?? left) + (inner(s) ?? 0);
			const barX = band + (inner.bandwidth() - barWidth) / 2;
			const end = value === null ? baseline : y(value);
			const barY = Math.min(end, baseline);
			const height = Math.abs(baseline - end);
			const below = value !== null && value < 0;
			const labelX = barX + barWidth / 2;
			let labelY = barY - GAP;
			let labelAnchor: ChartBar['labelAnchor'] = rotated ? 'start' : 'middle';
			if (below) {
				labelY = barY + height + (rotated ? GAP : LINE_HEIGHT);
				// Turned -90°, an end-anchored label runs downwards from its anchor.
				if (rotated) labelAnchor = 'end';
			}
			bars.push({
				category: c,
				series: s,
				value,
				label: valueLabels[s][c],
				x: round(barX),
				y: round(barY),
				width: round(barWidth),
				height: round(height),
				hidden: value === null,
				labelX: round(labelX),
				labelY: round(labelY),
				labelAnchor
			});
		});
	});

	const categoryLabels: ChartCategoryLabel[] = [];
	categories.forEach((text, c) => {
		if (c % every !== 0) return;
		categoryLabels.push({
			category: c,
			text,
			lines: lines[c],
			x: round((x(c) ?? left) + x.bandwidth() / 2),
			y: round(plotBottom + GAP + (mode === 'rotated' ? FONT_SIZE * SIN45 : FONT_SIZE))
		});
	});

	return {
		width: round(left + plotWidth + RIGHT),
		height: round(plotBottom + labelBlock),
		plot: {
			left: round(left),
			top: round(plotTop),
			right: round(left + plotWidth),
			bottom: round(plotBottom)
		},
		baseline: round(baseline),
		ticks: tickValues.map((value, i) => ({ value, label: tickLabels[i], y: round(y(value)) })),
		bars,
		categoryLabels,
		categoryLabelMode: mode,
		valueLabelsRotated: rotated
	};
}

/** A sentence per category for the chart's <desc>, when the page gives no description. */
export function describeChart(input: Pick<ChartInput, 'categories' | 'series' | 'format'>): string {
	return input.categories
		.map((category, c) => {
			const figures = input.series.map((s) => {
				const label = formatValue(clean(s.values[c]), input.format);
				return input.series.length > 1 ? `${s.name} ${label}` : label;
			});
			return `${category}: ${figures.join(', ')}.`;
		})
		.join(' ');
}
