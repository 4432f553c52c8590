// The report pages and their CSVs on the demo borough (with its term of history): the
// CSV holds exactly the figures of the page's tables, and nothing the coordinator is sent
// (page data or CSV) holds a pupil's name or id.
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { load as boroughLoad } from '../../src/routes/(staff)/borough/report/+page.server';
import { seedDemo } from '../../src/lib/server/demo/borough';
import { nowIso } from '../../src/lib/server/platform/db';
import { getLibrary } from '../../src/lib/server/lessons';
import {
	boroughCsv,
	classCsv,
	loadBoroughReport,
	loadClassReportTables,
	loadSchoolReport,
	parseReportFilter,
	schoolCsv
} from '../../src/lib/server/reports/exports';
import type { ReportTable } from '../../src/lib/report-table';
import { staffPrincipal, useTestDatabase } from './context';

const ctx = useTestDatabase();
const NOW = new Date('2026-11-28T12:00:00Z');
// A pupil with a name and an id that appear nowhere else, so any leak is unmistakable.
const CANARY_NAME = 'Zebedeeqx';
const CANARY_ID = 987_654_321;

async function demoWithCanary() {
	await seedDemo(ctx.handle.db, NOW);
	const db = ctx.handle.db;
	const willow = await db
		.selectFrom('classes')
		.select(['id', 'school_id'])
		.where('name', '=', 'Willow')
		.executeTakeFirstOrThrow();
	await db
		.insertInto('pupils')
		.values({
			id: CANARY_ID,
			class_id: willow.id,
			first_name: CANARY_NAME,
			last_initial: 'Q',
			picture_password: 'zz-zz-zz',
			created_at: nowIso()
		})
		.execute();
	// The canary was present at Willow's most recent session and answered a question in it.
	const session = await db
		.selectFrom('class_sessions')
		.select(['id', 'lesson_id'])
		.where('class_id', '=', willow.id)
		.orderBy('created_at', 'desc')
		.executeTakeFirstOrThrow();
	await db
		.insertInto('attendance')
		.values({
			session_id: session.id,
			pupil_id: CANARY_ID,
			status: 'present',
			source: 'joined',
			marked_by: null,
			updated_at: nowIso()
		})
		.execute();
	const question = getLibrary().lessons.find((l) => l.id === session.lesson_id)!.questions[0];
	await db
		.insertInto('answers')
		.values({
			client_id: 'canary-answer',
			session_id: session.id,
			pupil_id: CANARY_ID,
			lesson_id: session.lesson_id,
			question_id: question.id,
			phase: 'main',
			selected: '[0]',
			correct: 1,
			answered_at: nowIso()
		})
		.execute();
	return { willowId: willow.id, schoolId: willow.school_id };
}

/** Splits a report CSV into its tables: title, header row, then rows up to a blank line. */
function csvTables(csv: string): Map<string, string[][]> {
	expect(csv.startsWith('\uFEFF')).toBe(true);
	const rows = Papa.parse<string[]>(csv.slice(1), { skipEmptyLines: false }).data;
	const tables = new Map<string, string[][]>();
	let i = rows.findIndex((r) => r.length === 1 && r[0] === '');
	while (i >= 0 && i < rows.length) {
		const title = rows[i + 1]?.[0];
		if (!title) break;
		const body: string[][] = [];
		let j = i + 2;
		for (; j < rows.length && !(rows[j].length === 1 && rows[j][0] === ''); j++) body.push(rows[j]);
		tables.set(title, body);
		i = j;
	}
	return tables;
}

/** What the page shows, as the CSV must hold it: numbers bare, hidden as [c], nothing as empty. */
function expectedRows(table: ReportTable): string[][] {
	const header = table.columns.map((c) => (c.unit ? `${c.label} (${c.unit})` : c.label));
	const rows = [...table.rows, ...(table.total ? [table.total] : [])].map((r) =>
		[r.header, ...r.cells].map((c) => (c.value === null ? '' : String(c.value)))
	);
	return [header, ...rows];
}

/** The page's text for a cell must say the same number as the CSV's value. */
function expectTextMatchesValue(table: ReportTable) {
	for (const row of [...table.rows, ...(table.total ? [table.total] : [])]) {
		for (const cell of row.cells) {
			if (typeof cell.value === 'number') {
				expect(Number(cell.text.replace(/[^0-9-]/g, ''))).toBe(cell.value);
			} else if (cell.value === null) {
				expect(cell.text).toBe('–');
			} else {
				expect(cell.text).toBe(cell.value);
			}
		}
	}
}

describe('report CSVs hold the figures on screen', () => {
	it('the borough CSV has every table of the dashboard, row for row and total for total', async () => {
		await demoWithCanary();
		const lessons = getLibrary().lessons;
		const { filter } = parseReportFilter(new URLSearchParams('year=2026/27'), lessons, NOW);
		const report = await loadBoroughReport(filter, lessons);
		const csv = csvTables(await boroughCsv(filter, lessons, NOW));
		expect([...csv.keys()]).toEqual(report.tables.map((t) => t.title));
		for (const table of report.tables) {
			expect(csv.get(table.title)).toEqual(expectedRows(table));
			expectTextMatchesValue(table);
		}
		// The demo history makes every table worth reading.
		const schools = report.tables.find((t) => t.id === 'schools')!;
		expect(schools.rows.length).toBeGreaterThan(1);
		expect(schools.total!.cells[2].value).toBeGreaterThan(0);
	});

	it('the school CSV matches the school view, with a lesson filter', async () => {
		const { schoolId } = await demoWithCanary();
		const lessons = getLibrary().lessons;
		const { filter } = parseReportFilter(
			new URLSearchParams(`year=all&lesson=${lessons[0].id}`),
			lessons,
			NOW
		);
		const report = await loadSchoolReport(schoolId, filter, lessons);
		const { csv } = await schoolCsv(schoolId, filter, lessons, NOW);
		const tables = csvTables(csv);
		expect([...tables.keys()]).toEqual(report.tables.map((t) => t.title));
		for (const table of report.tables) expect(tables.get(table.title)).toEqual(expectedRows(table));
		expect(report.tables.find((t) => t.id === 'lessons')!.rows.map((r) => r.key)).toEqual([
			lessons[0].id
		]);
	});

	it('the class CSV matches the class report, names and all', async () => {
		const { willowId } = await demoWithCanary();
		const data = await loadClassReportTables(willowId, getLibrary().lessons);
		const tables = csvTables(classCsv(data, NOW));
		expect([...tables.keys()]).toEqual(data.tables.map((t) => t.title));
		for (const table of data.tables) {
			expect(tables.get(table.title)).toEqual(expectedRows(table));
			expectTextMatchesValue(table);
		}
		const grid = tables.get('Who has done which lesson')!;
		expect(grid.some((row) => row[0] === `${CANARY_NAME} Q.`)).toBe(true);
	});
});

describe('the coordinator never receives a pupil’s name or id', () => {
	it('in the dashboard’s page data or the borough CSV, filtered or not', async () => {
		await demoWithCanary();
		const queries = [
			'',
			'year=all',
			'year=all&from=2026-09-01&to=2026-11-28',
			'lesson=nope&from=x'
		];
		for (const query of queries) {
			const url = new URL(`http://localhost/borough/report?${query}`);
			const data = await boroughLoad({
				locals: { staff: staffPrincipal(1, 'coordinator', null), pupil: null },
				url,
				request: new Request(url)
			} as unknown as Parameters<typeof boroughLoad>[0]);
			const text = JSON.stringify(data);
			expect(text).not.toContain(CANARY_NAME);
			expect(text).not.toContain(String(CANARY_ID));
			// No per-pupil field of any kind travels to the browser.
			expect(text).not.toMatch(/pupilId|"pupils":\{|first_name/);
			const lessons = getLibrary().lessons;
			const csv = await boroughCsv(parseReportFilter(url.searchParams, lessons, NOW).filter);
			expect(csv).not.toContain(CANARY_NAME);
			expect(csv).not.toContain(String(CANARY_ID));
		}
	});
});

describe('the report filter', () => {
	const lessons = () => getLibrary().lessons;

	it('shows the current academic year when none is chosen', () => {
		const parsed = parseReportFilter(new URLSearchParams(''), lessons(), NOW);
		expect(parsed.filter).toEqual({ academicYear: '2026/27' });
		expect(parsed.query).toBe('year=2026%2F27');
	});

	it('reads every field, and "all" years means no year filter', () => {
		const id = lessons()[1].id;
		const parsed = parseReportFilter(
			new URLSearchParams(`year=all&from=2026-09-01&to=2026-10-31&lesson=${id}`),
			lessons(),
			NOW
		);
		expect(parsed.filter).toEqual({ from: '2026-09-01', to: '2026-10-31', lessonId: id });
		expect(parsed.errors).toEqual({});
	});

	it('explains each field it cannot use and leaves it out of the filter', () => {
		const parsed = parseReportFilter(
			new URLSearchParams('year=2026/28&from=2026-02-30&to=tomorrow&lesson=../etc'),
			lessons(),
			NOW
		);
		expect(parsed.filter).toEqual({});
		expect(parsed.errors).toEqual({
			year: 'Choose an academic year such as 2026/27.',
			from: 'That is not a real date.',
			to: 'Enter a date as day, month and year.',
			lesson: 'That lesson is not in the library.'
		});
	});

	it('refuses an end date before the start date', () => {
		const parsed = parseReportFilter(
			new URLSearchParams('year=all&from=2026-11-01&to=2026-10-01'),
			lessons(),
			NOW
		);
		expect(parsed.filter).toEqual({ from: '2026-11-01' });
		expect(parsed.errors.to).toBe('The end date is before the start date.');
	});
});
