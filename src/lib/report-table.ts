// The shape of a report's table, shared by the server that builds it and the component
// that shows it (the CSV is written from the same object).
import type { ChartFormat, ChartSeries } from './charts';

/** A report filter's fields as the form shows them (the values as typed). */
export interface FilterForm {
	/** An academic year such as "2026/27", or "all". */
	year: string;
	from: string;
	to: string;
	lesson: string;
}

/** Messages for filter fields that could not be used; the report ignores those fields. */
export type FilterErrors = Partial<Record<keyof FilterForm, string>>;

/** One cell: what the page shows, and what the CSV holds (a number wherever it is one). */
export interface Cell {
	text: string;
	value: string | number | null;
	/** A pupil's state in a lesson, drawn as a mark beside the text (never colour alone). */
	mark?: 'completed' | 'paper' | 'started' | 'not-started';
}

export interface Column {
	label: string;
	/** Written after the label in the CSV header, e.g. "%", because the CSV holds bare numbers. */
	unit?: string;
}

export interface Row {
	key: string;
	header: Cell;
	cells: Cell[];
	/** A link for the row header on screen (never in the CSV). */
	href?: string;
}

export interface ReportTable {
	id: string;
	title: string;
	/** Says what a row is, for screen readers and the CSV. */
	caption: string;
	columns: Column[];
	rows: Row[];
	total?: Row;
	/** Shown when there are no rows. */
	empty?: string;
}

/** A bar chart of figures that a table of the same report also holds. */
export interface ChartSpec {
	id: string;
	title: string;
	description: string;
	categories: string[];
	series: ChartSeries[];
	format: ChartFormat;
	/** The table beside the chart that holds the same figures. */
	tableId: string;
}
