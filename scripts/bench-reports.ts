// `npm run bench:reports -- --out FILE`: the reports at county scale. Builds a county
// (15,000 pupils in 500 classes of 150 schools, every lesson of the programme delivered, about
// 1.6 million answers) and the same at 4× in temporary SQLite files through the real
// migrations, then measures the server time of the borough dashboard, a class report and
// the borough CSV export (medians, after a warm-up).
//
// The dashboard keeps the borough's totals in memory and brings them up to date from what
// changed (borough-totals.ts), and remembers its last answer until anything is written.
// So it is measured four ways: `dashboard_ms`, the request right after a write (the usual
// case while lessons run); `dashboard_busy_ms`, after ten classes' worth of pupils changed
// at once; `dashboard_first_ms`, the first request after the server starts (everything
// built from the tables); and `dashboard_repeat_ms`, a repeat with nothing written in
// between. The CSV, built from the dashboard, is measured after a write and on repeat;
// class reports are never remembered, and each run asks for a different class.
// Last, the built server is started on the same file with the heap limit `npm start` gives
// it, asked for the dashboard, the CSV and a class report, and its peak memory read
// (scripts/bench/server-memory.ts): what a county's server needs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
	closeDatabase,
	migrateToLatest,
	openDatabase,
	useHandle,
	type Handle
} from '../src/lib/server/platform/db';
import { getLibrary } from '../src/lib/server/lessons';
import { boroughCsv } from '../src/lib/server/reports/exports';
import { boroughDashboard } from '../src/lib/server/reports/borough-dashboard';
import { classReport } from '../src/lib/server/reports/class-report';
import type { ReportFilter } from '../src/lib/server/reports/scope';
import { buildBorough } from './bench/borough';
import { deliverProgramme } from './bench/programme';
import { measureServerMemory, type ServerMemory } from './bench/server-memory';

const COUNTY = { schools: 150, classes: 500, pupils: 15_000 };
const SCALES = (process.env.BENCH_SCALES ?? '1,4').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
/** Requests after a write are cheap now: many give a steady median. */
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 25);
/** Each first request builds everything: a few seconds at county scale. */
const FIRST_RUNS = Number(process.env.BENCH_FIRST_RUNS ?? 3);
/** Repeat requests take microseconds: many of them give a steady median. */
const WARM_RUNS = Math.max(RUNS * 5, 200);

function arg(name: string): string | undefined {
	const i = process.argv.indexOf(name);
	return i >= 0 ? process.argv[i + 1] : undefined;
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	const m = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
	// Microseconds: a remembered dashboard takes well under a millisecond.
	return Math.round(m * 1000) / 1000;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
	const start = performance.now();
	await fn();
	return performance.now() - start;
}

type CsvExport = (filter?: ReportFilter) => Promise<string>;

/** A write that every report depends on, changing nothing: the next request must look. */
function touch(handle: Handle): void {
	handle.sqlite
		.prepare(
			'update attendance set updated_at = updated_at where rowid = (select min(rowid) from attendance)'
		)
		.run();
}

/** Ten sessions' attendance marked again: about 300 pupils for the next request to redo. */
function touchClasses(handle: Handle, round: number): void {
	handle.sqlite
		.prepare(
			`update attendance set updated_at = updated_at
			 where session_id in (select id from class_sessions order by id limit 10 offset ?)`
		)
		.run((round * 10) % 1000);
}

interface ScaleResult {
	scale: number;
	schools: number;
	classes: number;
	pupils: number;
	answers: number;
	sessions: number;
	build_s: number;
	dashboard_ms: number;
	dashboard_busy_ms: number;
	dashboard_first_ms: number;
	dashboard_repeat_ms: number;
	class_report_ms: number;
	csv_ms: number;
	csv_repeat_ms: number;
	/** The built server on this database, with npm start's heap limit (server-memory.ts). */
	server: ServerMemory;
}

async function measureScale(scale: number, csv: CsvExport): Promise<ScaleResult> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thinksafe-bench-reports-'));
	try {
		const file = path.join(dir, 'reports.db');
		const handle = openDatabase(file);
		await migrateToLatest(handle.db);
		useHandle(handle);
		const shape = {
			schools: COUNTY.schools * scale,
			classes: COUNTY.classes * scale,
			pupils: COUNTY.pupils * scale
		};
		const lessons = getLibrary().lessons;
		const built = performance.now();
		// A throwaway file: durability while building only costs time.
		handle.sqlite.pragma('synchronous = OFF');
		const borough = buildBorough(handle, shape);
		const counts = deliverProgramme(handle, borough, lessons);
		handle.sqlite.pragma('synchronous = FULL');
		handle.sqlite.exec('analyze');
		const buildS = Math.round((performance.now() - built) / 100) / 10;
		console.log(
			`  ${scale}×: ${shape.pupils} pupils, ${shape.classes} classes, ${shape.schools} schools, ` +
				`${counts.sessions} sessions, ${counts.answers} answers; built in ${buildS} s`
		);

		const warm = async (fn: () => Promise<unknown>) => {
			await fn();
			await fn();
			const runs: number[] = [];
			for (let i = 0; i < WARM_RUNS; i++) runs.push(await time(fn));
			return median(runs);
		};
		const afterWrite = async (
			fn: () => Promise<unknown>,
			write: (round: number) => void = () => touch(handle),
			times = COLD_RUNS
		) => {
			const runs: number[] = [];
			for (let i = 0; i < times; i++) {
				write(i);
				runs.push(await time(fn));
			}
			return median(runs);
		};

		// Warm-up: the first runs also pay for compiling the code and filling caches.
		for (let i = 0; i < 3; i++) {
			touch(handle);
			await boroughDashboard({}, lessons);
		}
		const dashboardAfterWrite = await afterWrite(() => boroughDashboard({}, lessons));
		const dashboardBusy = await afterWrite(
			() => boroughDashboard({}, lessons),
			(round) => touchClasses(handle, round),
			Math.min(COLD_RUNS, 9)
		);
		const dashboardRepeat = await warm(() => boroughDashboard({}, lessons));
		// As after a restart: a second connection to the same file has nothing kept yet.
		const firstRuns: number[] = [];
		for (let i = 0; i < FIRST_RUNS; i++) {
			const again = openDatabase(file);
			useHandle(again);
			firstRuns.push(await time(() => boroughDashboard({}, lessons)));
			await again.db.destroy();
			useHandle(handle);
		}
		// A different class each time, spread over the county.
		const classIds = borough.classes.map((c) => c.id);
		let next = 0;
		const someClass = () => classIds[(next++ * 97) % classIds.length];
		await classReport(someClass(), lessons);
		const classRuns: number[] = [];
		for (let i = 0; i < RUNS; i++) {
			const id = someClass();
			classRuns.push(await time(() => classReport(id, lessons)));
		}
		touch(handle);
		await csv();
		const csvAfterWrite = await afterWrite(() => csv());
		const csvRepeat = await warm(() => csv());
		const server = await measureServerMemory(handle, file, borough.classes[0].id);
		await closeDatabase();
		return {
			scale,
			...shape,
			answers: counts.answers,
			sessions: counts.sessions,
			build_s: buildS,
			dashboard_ms: dashboardAfterWrite,
			dashboard_busy_ms: dashboardBusy,
			dashboard_first_ms: median(firstRuns),
			dashboard_repeat_ms: dashboardRepeat,
			class_report_ms: median(classRuns),
			csv_ms: csvAfterWrite,
			csv_repeat_ms: csvRepeat,
			server
		};
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

async function main() {
	const out = arg('--out');
	console.log(
		`Reports benchmark: medians of ${COLD_RUNS} runs after a write, ${WARM_RUNS} repeats, ${FIRST_RUNS} first requests and ${RUNS} class reports; CSV by boroughCsv (reports/exports.ts)`
	);
	const scales: ScaleResult[] = [];
	for (const scale of SCALES) scales.push(await measureScale(scale, boroughCsv));
	const ratio = (key: 'dashboard_ms' | 'dashboard_busy_ms' | 'dashboard_first_ms') =>
		scales.length < 2 ? null : Math.round((scales[1][key] / scales[0][key]) * 100) / 100;
	const report = {
		at: new Date().toISOString(),
		node: process.version,
		cpus: os.cpus().length,
		csv_source: 'boroughCsv',
		measures: {
			dashboard_ms:
				'boroughDashboard({}) right after a one-row write: the kept totals brought up to date',
			dashboard_busy_ms:
				'boroughDashboard({}) right after ten sessions’ attendance (about 300 pupils) was written',
			dashboard_first_ms:
				'boroughDashboard({}) on a newly opened database: everything built from the tables',
			dashboard_repeat_ms:
				'boroughDashboard({}) asked again with nothing written in between: the memo answers',
			class_report_ms: 'classReport of a different class each run (never remembered)',
			csv_ms: 'boroughCsv() right after a one-row write',
			csv_repeat_ms: 'boroughCsv() with nothing written in between',
			build_s: 'building the database: borough, sessions, attendance, progress, answers',
			growth: 'dashboard_ms at 4× ÷ dashboard_ms at 1×',
			growth_busy: 'dashboard_busy_ms at 4× ÷ at 1×',
			growth_first: 'dashboard_first_ms at 4× ÷ at 1×',
			server:
				'the built server on the same file (heap limit as npm start, or SERVER_NODE_FLAGS): dashboard, CSV and a class report twice; peak resident memory'
		},
		scales,
		growth: ratio('dashboard_ms'),
		growth_busy: ratio('dashboard_busy_ms'),
		growth_first: ratio('dashboard_first_ms'),
		goals: {
			dashboard_under_100ms: scales[0].dashboard_ms < 100,
			dashboard_busy_under_100ms: scales[0].dashboard_busy_ms < 100,
			class_report_under_50ms: scales[0].class_report_ms < 50,
			growth_at_most_1_5: (ratio('dashboard_ms') ?? Infinity) <= 1.5
		}
	};
	console.table(
		Object.fromEntries(
			scales.map((s) => [
				`${s.scale}× (${s.pupils} pupils, ${s.answers} answers)`,
				{
					'build s': s.build_s,
					'dashboard ms': s.dashboard_ms,
					'busy ms': s.dashboard_busy_ms,
					'first ms': s.dashboard_first_ms,
					'repeat ms': s.dashboard_repeat_ms,
					'class report ms': s.class_report_ms,
					'csv ms': s.csv_ms,
					'csv repeat ms': s.csv_repeat_ms,
					'server peak MB': s.server.ok ? s.server.peak_rss_mb : 'failed'
				}
			])
		)
	);
	console.log(
		`growth (dashboard 4× ÷ 1×): ${report.growth}; busy: ${report.growth_busy}; first: ${report.growth_first}`
	);
	console.log(
		`goals: dashboard < 100 ms ${report.goals.dashboard_under_100ms ? 'met' : 'NOT met'} ` +
			`(busy ${report.goals.dashboard_busy_under_100ms ? 'met' : 'not met'}), ` +
			`class report < 50 ms ${report.goals.class_report_under_50ms ? 'met' : 'NOT met'}, ` +
			`growth ≤ 1.5 ${report.goals.growth_at_most_1_5 ? 'met' : 'NOT met'}`
	);
	if (out) {
		fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
		fs.writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
		console.log(`Wrote ${out}`);
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
