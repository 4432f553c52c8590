// What the report pages and their CSV downloads share: reading the filter from a URL,
// loading a report as tables and charts, and writing those same tables as a CSV. A page
// and its CSV call the same loader, so the figures agree by construction.
import sanitizeHtml from 'sanitize-html';
import { z } from 'zod';
import {
	getDb,
	toCsv,
	type CsvCell,
	academicYearOf,
	formatDay,
	formatWhenUk,
	isAcademicYear,
	isIsoDate
} from '../platform';
import { LEGEND, type Disclosed } from './disclosure';
import { getLibrary, type Lesson } from '../lessons';
import { boroughDashboard, type BoroughDashboard } from './borough-dashboard';
import { classReport } from './class-report';
import type { LessonFigures } from './figures';
import type { ReportFilter } from './scope';
import { schoolSummary } from './school-report';
import {
	anyHidden,
	boroughTables,
	classTables,
	schoolTables,
	weekStart,
	type ReportTable
} from './tables';
import type { ChartSpec, FilterErrors, FilterForm } from '$lib/report-table';

// ——— the filter ———

export type { FilterErrors, FilterForm };

export interface ParsedFilter {
	filter: ReportFilter;
	/** What the form shows (the values as typed, so a mistake can be corrected). */
	form: FilterForm;
	/** Messages for fields that could not be used; the report ignores those fields. */
	errors: FilterErrors;
	/** The query string that reproduces this filter, for the CSV link. */
	query: string;
}

const isoDate = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter a date as day, month and year.')
	.refine(isIsoDate, 'That is not a real date.');

/**
 * Reads `year`, `from`, `to` and `lesson` from a report's URL. With no year given, the
 * current academic year is shown, because that is what a coordinator asks about first.
 */
export function parseReportFilter(
	params: URLSearchParams,
	lessons: Lesson[],
	now = new Date()
): ParsedFilter {
	const form: FilterForm = {
		year: params.get('year')?.trim() || academicYearOf(now),
		from: params.get('from')?.trim() ?? '',
		to: params.get('to')?.trim() ?? '',
		lesson: params.get('lesson')?.trim() ?? ''
	};
	const errors: ParsedFilter['errors'] = {};
	const filter: ReportFilter = {};
	if (form.year !== 'all') {
		if (isAcademicYear(form.year)) filter.academicYear = form.year;
		else errors.year = 'Choose an academic year such as 2026/27.';
	}
	for (const key of ['from', 'to'] as const) {
		if (!form[key]) continue;
		const parsed = isoDate.safeParse(form[key]);
		if (parsed.success) filter[key] = parsed.data;
		else errors[key] = parsed.error.issues[0].message;
	}
	if (filter.from && filter.to && filter.from > filter.to) {
		errors.to = 'The end date is before the start date.';
		delete filter.to;
	}
	if (form.lesson) {
		if (lessons.some((l) => l.id === form.lesson)) filter.lessonId = form.lesson;
		else errors.lesson = 'That lesson is not in the library.';
	}
	const query = new URLSearchParams();
	query.set('year', filter.academicYear ?? 'all');
	if (filter.from) query.set('from', filter.from);
	if (filter.to) query.set('to', filter.to);
	if (filter.lessonId) query.set('lesson', filter.lessonId);
	return { filter, form, errors, query: query.toString() };
}

/** "Academic year 2026/27, 1 Sep 2026 to 28 Nov 2026, all lessons". */
export function describeFilter(filter: ReportFilter, lessons: Lesson[]): string {
	const day = (s: string) => formatDay(s, { weekday: false });
	const parts = [
		filter.academicYear ? `Academic year ${filter.academicYear}` : 'All academic years'
	];
	if (filter.from && filter.to) parts.push(`${day(filter.from)} to ${day(filter.to)}`);
	else if (filter.from) parts.push(`from ${day(filter.from)}`);
	else if (filter.to) parts.push(`up to ${day(filter.to)}`);
	const lesson = filter.lessonId && lessons.find((l) => l.id === filter.lessonId);
	parts.push(lesson ? `lesson “${lesson.title}”` : 'all lessons');
	return parts.join(', ');
}

/** The academic years that have classes, newest first, for the filter's choices. */
export async function academicYearsOnRecord(now = new Date()): Promise<string[]> {
	const rows = await getDb().selectFrom('classes').select('academic_year').distinct().execute();
	const years = new Set(rows.map((r) => r.academic_year));
	years.add(academicYearOf(now));
	return [...years].sort().reverse();
}

/** What a report page's controls show: the filter as read, its description and its choices. */
export interface ReportControlsData {
	filterText: string;
	filter: Pick<ParsedFilter, 'form' | 'errors' | 'query'>;
	years: string[];
	lessons: { id: string; title: string }[];
}

/**
 * Reads a school or borough report's filter from its URL and loads the report with it,
 * alongside what the page's filter form and CSV link need.
 */
export async function withReportControls<T>(
	params: URLSearchParams,
	lessons: Lesson[],
	load: (filter: ReportFilter) => Promise<T>
): Promise<{ report: T; controls: ReportControlsData }> {
	const parsed = parseReportFilter(params, lessons);
	const [report, years] = await Promise.all([load(parsed.filter), academicYearsOnRecord()]);
	return {
		report,
		controls: {
			filterText: describeFilter(parsed.filter, lessons),
			filter: { form: parsed.form, errors: parsed.errors, query: parsed.query },
			years,
			lessons: lessons.map((l) => ({ id: l.id, title: l.title }))
		}
	};
}

// ——— charts ———

/** A chart's value: null draws "[c]", so a figure with nothing behind it ("–") is left out. */
function chartValue(d: Disclosed): number | null {
	return d.suppressed ? null : d.value;
}

function hasFigure(...figures: Disclosed[]): boolean {
	return figures.some((d) => d.suppressed || d.value !== null);
}

/** A chart with nothing to draw is left out; its table says "–" or that it is empty. */
function drawable(charts: ChartSpec[]): ChartSpec[] {
	return charts.filter((c) => c.categories.length > 0);
}

function gainChart(id: string, place: string, lessons: LessonFigures[]): ChartSpec {
	const rows = lessons
		.filter((l) => hasFigure(l.gain.before, l.gain.after))
		.map((l) => ({
			title: l.title,
			before: chartValue(l.gain.before),
			after: chartValue(l.gain.after)
		}));
	return {
		id,
		title: `Correct answers before and after each lesson${place}`,
		description:
			'Share of check questions answered correctly before the lesson and after it, for the ' +
			'lessons with answers. A missing bar marked [c] rests on fewer than 6 pupils.',
		categories: rows.map((r) => r.title),
		series: [
			{ name: 'Before', values: rows.map((r) => r.before) },
			{ name: 'After', values: rows.map((r) => r.after) }
		],
		format: 'percent',
		tableId: 'lessons'
	};
}

// ——— borough ———

export interface BoroughReport {
	dashboard: BoroughDashboard;
	tables: ReportTable[];
	charts: ChartSpec[];
	legend: string | null;
}

export async function loadBoroughReport(
	filter: ReportFilter,
	lessons: Lesson[]
): Promise<BoroughReport> {
	const dashboard = await boroughDashboard(filter, lessons);
	const tables = boroughTables(dashboard);
	const weeks = tables.find((t) => t.id === 'weeks')!;
	const weekLabels = dashboard.byWeek.map((w) => weekStart(w.week));
	const charts: ChartSpec[] = [
		{
			id: 'sessions-by-week',
			title: 'Sessions delivered each week',
			description: 'How many class sessions were delivered in each week, by the Monday it began.',
			categories: weekLabels,
			series: [{ name: 'Sessions delivered', values: dashboard.byWeek.map((w) => w.sessions) }],
			format: 'count',
			tableId: 'weeks'
		},
		{
			id: 'pupils-by-week',
			title: 'Pupils reached each week',
			description:
				'How many different pupils were present in a session in each week. A missing bar marked [c] is fewer than 6 pupils.',
			categories: weekLabels,
			series: [
				{
					name: 'Pupils reached',
					values: weeks.rows.map((r) =>
						typeof r.cells[1].value === 'number' ? r.cells[1].value : null
					)
				}
			],
			format: 'count',
			tableId: 'weeks'
		},
		gainChart('gain-by-lesson', ' across the borough', dashboard.byLesson)
	];
	return { dashboard, tables, charts: drawable(charts), legend: anyHidden(tables) ? LEGEND : null };
}

export async function boroughCsv(
	filter: ReportFilter = {},
	lessons: Lesson[] = getLibrary().lessons,
	now = new Date()
): Promise<string> {
	const report = await loadBoroughReport(filter, lessons);
	return reportCsv('Borough report', describeFilter(filter, lessons), report.tables, now);
}

// ——— school ———

export interface SchoolReport {
	name: string;
	tables: ReportTable[];
	charts: ChartSpec[];
	legend: string | null;
}

export async function loadSchoolReport(
	schoolId: number,
	filter: ReportFilter,
	lessons: Lesson[]
): Promise<SchoolReport> {
	const summary = await schoolSummary(schoolId, filter, lessons);
	const tables = schoolTables(summary);
	const withCompletion = summary.classes.filter((c) => hasFigure(c.completion));
	const charts: ChartSpec[] = [
		{
			id: 'completion-by-class',
			title: 'Completion by class',
			description:
				'Share of lessons each class’s pupils completed, of those they were present for or did on ' +
				'paper, for the classes that have had a lesson.',
			categories: withCompletion.map((c) => c.name),
			series: [{ name: 'Completion', values: withCompletion.map((c) => chartValue(c.completion)) }],
			format: 'percent',
			tableId: 'classes'
		},
		gainChart('gain-by-lesson', ` at ${summary.name}`, summary.byLesson)
	];
	return {
		name: summary.name,
		tables,
		charts: drawable(charts),
		legend: anyHidden(tables) ? LEGEND : null
	};
}

export async function schoolCsv(
	schoolId: number,
	filter: ReportFilter,
	lessons: Lesson[],
	now = new Date()
): Promise<{ name: string; csv: string }> {
	const report = await loadSchoolReport(schoolId, filter, lessons);
	const csv = reportCsv(
		`School report: ${report.name}`,
		describeFilter(filter, lessons),
		report.tables,
		now
	);
	return { name: report.name, csv };
}

// ——— class ———

// A prompt's plain text never changes while its lesson object lives: sanitise it once.
const plainPrompts = new WeakMap<Lesson['questions'][number], string>();
function plainPrompt(question: Lesson['questions'][number]): string {
	let text = plainPrompts.get(question);
	if (text === undefined) {
		text = sanitizeHtml(question.promptHtml, { allowedTags: [], allowedAttributes: {} })
			.replace(/\s+/g, ' ')
			.trim();
		plainPrompts.set(question, text);
	}
	return text;
}

export interface ClassReportTables {
	className: string;
	tables: ReportTable[];
	report: Awaited<ReturnType<typeof classReport>>;
}

export async function loadClassReportTables(
	classId: number,
	lessons: Lesson[]
): Promise<ClassReportTables> {
	const report = await classReport(classId, lessons);
	// Question number by lesson and question id, worked out once rather than per row.
	const numbers = new Map(
		lessons.map((l) => [l.id, new Map(l.questions.map((q, i) => [q.id, { q, number: i + 1 }]))])
	);
	const tables = classTables({
		report,
		titles: new Map(lessons.map((l) => [l.id, l.title])),
		when: formatWhenUk,
		prompt: (lessonId, questionId) => {
			const found = numbers.get(lessonId)?.get(questionId);
			return found
				? { number: found.number, text: plainPrompt(found.q) }
				: { number: 0, text: questionId };
		}
	});
	return { className: report.className, tables, report };
}

export function classCsv(data: ClassReportTables, now = new Date()): string {
	return reportCsv(
		`Class report: ${data.className}`,
		'All sessions of the class',
		data.tables,
		now
	);
}

// ——— CSV ———

/**
 * One CSV holding every table of a report, each under its title and separated by a blank
 * line: the same rows, columns and totals as the page. Numbers are bare numbers (the unit is
 * in the column header); hidden figures are "[c]", explained in the file's heading.
 */
function reportCsv(
	title: string,
	filterText: string,
	tables: ReportTable[],
	now = new Date()
): string {
	const rows: CsvCell[][] = [
		[`Think Safe — ${title}`],
		['Filter', filterText],
		['Downloaded', now.toISOString().slice(0, 10)],
		['Key', LEGEND]
	];
	for (const table of tables) {
		rows.push([]);
		rows.push([table.title]);
		rows.push(table.columns.map((c) => (c.unit ? `${c.label} (${c.unit})` : c.label)));
		for (const row of [...table.rows, ...(table.total ? [table.total] : [])])
			rows.push([row.header.value, ...row.cells.map((c) => c.value)]);
	}
	return toCsv(rows);
}

/** The response for any report's CSV: a dated attachment that is never cached. */
export function csvResponse(csv: string, fileName: string): Response {
	return new Response(csv, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${fileName}"`,
			'cache-control': 'no-store'
		}
	});
}
