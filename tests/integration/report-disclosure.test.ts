// No hidden count of pupils reached can be worked out from the borough report. Random small
// boroughs are built in a real database and reported with random filters; then a reader who
// knows every published figure and how the tables relate (the schools' counts add up to the
// borough's; a week's or a lesson's count is at most the borough's, and together they are at
// least it, since a pupil can be in several) tries every value for each hidden count, and
// must find at least two that fit everything published.
import path from 'node:path';
import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import {
	migrateToLatest,
	nowIso,
	openDatabase,
	useHandle,
	type Handle
} from '../../src/lib/server/platform/db';
import type { Lesson, Question } from '../../src/lib/server/lessons';
import {
	boroughCsv,
	loadBoroughReport,
	parseReportFilter
} from '../../src/lib/server/reports/exports';
import { schoolSummary } from '../../src/lib/server/reports/school-report';
import type { ReportFilter } from '../../src/lib/server/reports/scope';
import type { ReportTable } from '../../src/lib/report-table';
import { useTestDatabase } from './context';

const ctx = useTestDatabase();

function lesson(id: string): Lesson {
	const question = {
		id: `${id}-q0`,
		type: 'single',
		promptHtml: 'Question',
		options: [
			{ text: 'Right', html: 'Right', correct: true },
			{ text: 'Wrong', html: 'Wrong', correct: false }
		],
		check: true,
		stepId: 'a',
		scored: true
	} as Question;
	return {
		id,
		title: `Lesson ${id}`,
		steps: [{ id: 'a', index: 0, title: 'A', blocks: [] }],
		questions: [question]
	} as unknown as Lesson;
}

const LESSONS = [lesson('one'), lesson('two'), lesson('three')];
/** Weekdays over four ISO weeks (W47–W50 of 2026). */
const DAYS = [
	'2026-11-17',
	'2026-11-19',
	'2026-11-24',
	'2026-11-26',
	'2026-12-01',
	'2026-12-02',
	'2026-12-08',
	'2026-12-10'
];

interface BoroughPlan {
	/** Per school, per class: how many pupils. */
	schools: number[][];
	/** A class (by index across the borough), a lesson, a day, and who was present (bits). */
	sessions: { cls: number; lesson: number; day: number; present: number }[];
}

let runs = 0;

/** A fresh database holding the planned borough: every session ended, present as planned. */
async function build(plan: BoroughPlan): Promise<{ schoolIds: number[]; handle: Handle }> {
	const handle = openDatabase(path.join(ctx.dir, `run-${++runs}.db`));
	await migrateToLatest(handle.db);
	useHandle(handle);
	const db = handle.db;
	const now = nowIso();
	const schoolIds: number[] = [];
	const classes: { id: number; pupils: number[] }[] = [];
	for (const [s, sizes] of plan.schools.entries()) {
		const school = await db
			.insertInto('schools')
			.values({ name: `School ${s}`, created_at: now })
			.returning('id')
			.executeTakeFirstOrThrow();
		schoolIds.push(school.id);
		for (const [c, size] of sizes.entries()) {
			const cls = await db
				.insertInto('classes')
				.values({
					school_id: school.id,
					name: `Class ${s}-${c}`,
					year_group: 6,
					academic_year: '2026/27',
					code: `C${s}X${c}`,
					created_at: now
				})
				.returning('id')
				.executeTakeFirstOrThrow();
			const pupils: number[] = [];
			for (let p = 0; p < size; p++)
				pupils.push(
					(
						await db
							.insertInto('pupils')
							.values({
								class_id: cls.id,
								first_name: `P${p}`,
								last_initial: 'A',
								picture_password: `x-${p}`,
								created_at: now
							})
							.returning('id')
							.executeTakeFirstOrThrow()
					).id
				);
			classes.push({ id: cls.id, pupils });
		}
	}
	for (const s of plan.sessions) {
		const cls = classes[s.cls % classes.length];
		const day = DAYS[s.day % DAYS.length];
		const session = await db
			.insertInto('class_sessions')
			.values({
				class_id: cls.id,
				lesson_id: LESSONS[s.lesson % LESSONS.length].id,
				lesson_hash: 'h',
				mode: 'self',
				status: 'ended',
				current_step: 0,
				created_at: `${day}T09:00:00.000Z`,
				started_at: `${day}T09:00:00.000Z`,
				ended_at: `${day}T10:00:00.000Z`
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		const present = cls.pupils.filter((_, i) => (s.present >> i) & 1);
		if (present.length > 0)
			await db
				.insertInto('attendance')
				.values(
					present.map((pupil) => ({
						session_id: session.id,
						pupil_id: pupil,
						status: 'present' as const,
						source: 'teacher' as const,
						marked_by: null,
						updated_at: now
					}))
				)
				.execute();
	}
	return { schoolIds, handle };
}

// ——— what the reader sees ———

/** A published count: a number, or null where it shows [c]. */
type Shown = number | null;

interface Published {
	schools: Shown[];
	total: Shown;
	/** The lessons' and the weeks' counts. */
	breakdowns: Shown[][];
}

function reachedColumn(table: ReportTable): number {
	return table.columns.findIndex((c) => c.label === 'Pupils reached') - 1;
}

function shown(value: string | number | null): Shown {
	if (value === '[c]') return null;
	if (typeof value !== 'number') throw new Error(`Not a count: ${value}`);
	return value;
}

function published(tables: ReportTable[]): Published {
	const table = (id: string) => tables.find((t) => t.id === id)!;
	const column = (t: ReportTable) => t.rows.map((r) => shown(r.cells[reachedColumn(t)].value));
	const schools = table('schools');
	const total = shown(schools.total!.cells[reachedColumn(schools)].value);
	const headline = table('totals').rows.find((r) => r.key === 'Pupils reached')!.cells[0].value;
	// The headline and the schools' total row are the same figure, shown or hidden alike.
	expect(shown(headline)).toBe(total);
	return {
		schools: column(schools),
		total,
		breakdowns: [column(table('lessons')), column(table('weeks'))]
	};
}

// ——— the reader's reasoning ———

type Where = { table: 'schools' | number; index: number };

/**
 * Whether a borough with `total` pupils reached fits everything published, with the hidden
 * count at `pin` (if any) set to `value` and every other hidden count free (at least 1:
 * an empty count is never hidden).
 */
function fits(p: Published, total: number, pin?: Where & { value: number }): boolean {
	const at = (table: Where['table'], index: number, value: Shown): Shown =>
		pin && pin.table === table && pin.index === index ? pin.value : value;
	let sum = 0;
	let free = 0;
	p.schools.forEach((v, i) => {
		const n = at('schools', i, v);
		if (n === null) free++;
		else sum += n;
	});
	const rest = total - sum;
	if (free === 0 ? rest !== 0 : rest < free) return false;
	return p.breakdowns.every((groups, t) => {
		let most = 0;
		for (const [i, v] of groups.entries()) {
			const n = at(t, i, v);
			if (n === null) {
				if (total < 1) return false;
				most += total;
			} else {
				if (n > total) return false;
				most += n;
			}
		}
		return most >= total;
	});
}

/** Every value between 1 and `cap` that the hidden count at `where` could have. */
function possibleValues(p: Published, where: Where, totals: number[], cap: number): number[] {
	const values: number[] = [];
	for (let value = 1; value <= cap && values.length < 2; value++)
		if (totals.some((t) => fits(p, t, { ...where, value }))) values.push(value);
	return values;
}

/** Checks a report's published counts against the true ones; returns what the reader found. */
function assertNothingRecoverable(
	p: Published,
	truth: { schools: number[]; total: number; breakdowns: number[][] }
) {
	// The relations the reader uses hold for the true figures, so the reasoning is sound.
	expect(truth.schools.reduce((a, b) => a + b, 0)).toBe(truth.total);
	for (const groups of truth.breakdowns) {
		expect(Math.max(0, ...groups)).toBeLessThanOrEqual(truth.total);
		expect(groups.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(truth.total);
	}
	// Nothing of 1–5 pupils is published, total included.
	for (const n of [p.total, ...p.schools, ...p.breakdowns.flat()])
		if (n !== null) expect(n === 0 || n >= 6, `published count ${n}`).toBe(true);

	const cap = truth.total * 2 + 12;
	const totals = p.total === null ? Array.from({ length: cap + 1 }, (_, i) => i) : [p.total];
	if (p.total === null) {
		const fitting = totals.filter((t) => fits(p, t));
		expect(fitting).toContain(truth.total);
		expect(fitting.length, 'the hidden total can be worked out').toBeGreaterThan(1);
	}
	const hidden: [Where, number][] = [
		...p.schools.flatMap((v, index): [Where, number][] =>
			v === null ? [[{ table: 'schools', index }, truth.schools[index]]] : []
		),
		...p.breakdowns.flatMap((groups, table) =>
			groups.flatMap((v, index): [Where, number][] =>
				v === null ? [[{ table, index }, truth.breakdowns[table][index]]] : []
			)
		)
	];
	for (const [where, value] of hidden) {
		const values = possibleValues(p, where, totals, cap);
		expect(totals.some((t) => fits(p, t, { ...where, value }))).toBe(true);
		expect(values.length, `hidden count at ${JSON.stringify(where)} can be worked out`).toBe(2);
	}
}

async function check(plan: BoroughPlan, filter: ReportFilter) {
	const { schoolIds, handle } = await build(plan);
	try {
		const report = await loadBoroughReport(filter, LESSONS);
		const d = report.dashboard;
		const truth = {
			schools: await Promise.all(
				schoolIds.map(async (id) => (await schoolSummary(id, filter, LESSONS)).totals.reached)
			),
			total: d.totals.reached,
			breakdowns: [d.byLesson.map((l) => l.reached), d.byWeek.map((w) => w.pupilsReached)]
		};
		assertNothingRecoverable(published(report.tables), truth);
	} finally {
		useHandle(ctx.handle);
		await handle.db.destroy();
	}
}

// Small groups, so that counts of 1–5 and their neighbours come up often.
const plan: fc.Arbitrary<BoroughPlan> = fc.record({
	schools: fc.array(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 2 }), {
		minLength: 1,
		maxLength: 6
	}),
	sessions: fc.array(
		fc.record({
			cls: fc.nat({ max: 11 }),
			lesson: fc.nat({ max: 2 }),
			day: fc.nat({ max: 7 }),
			present: fc.nat({ max: 511 })
		}),
		{ maxLength: 14 }
	)
});

const filter: fc.Arbitrary<ReportFilter> = fc
	.record({
		year: fc.boolean(),
		from: fc.option(fc.constantFrom(...DAYS), { nil: undefined }),
		to: fc.option(fc.constantFrom(...DAYS), { nil: undefined }),
		lesson: fc.option(fc.constantFrom(...LESSONS.map((l) => l.id)), { nil: undefined })
	})
	.map(({ year, from, to, lesson }) => {
		const f: ReportFilter = {};
		if (year) f.academicYear = '2026/27';
		if (from) f.from = from;
		if (to && (!from || to >= from)) f.to = to;
		if (lesson) f.lessonId = lesson;
		return f;
	});

describe('pupils reached in the borough report', () => {
	it('never lets a hidden count be worked out from the totals and the other counts', async () => {
		await fc.assert(
			fc.asyncProperty(plan, filter, (p, f) => check(p, f)),
			{ numRuns: 50 }
		);
	}, 120_000);

	it('never lets it happen when every school that took part reached one pupil', async () => {
		// The one case where the borough's total is hidden while it is 6 or more: each school's
		// 1 is hidden, so a week or a lesson showing 7 would give all of them away.
		await check(
			{
				schools: [[1], [1], [1], [1], [1], [1], [1], [4]],
				sessions: Array.from({ length: 7 }, (_, cls) => ({ cls, lesson: 0, day: 4, present: 1 }))
			},
			{}
		);
	});

	it('hides a total of 5 and the only week in the CSV filtered from 30 November', async () => {
		// Found by hand: two schools of 2 and 3 hid each other, the only week showed [c], and
		// the total said 5.
		const { handle } = await build({
			schools: [[9], [9]],
			sessions: [
				{ cls: 0, lesson: 0, day: 0, present: 0b111111111 },
				{ cls: 1, lesson: 0, day: 1, present: 0b111111111 },
				{ cls: 0, lesson: 1, day: 4, present: 0b11 },
				{ cls: 1, lesson: 1, day: 5, present: 0b111 }
			]
		});
		const { filter } = parseReportFilter(new URLSearchParams('year=all&from=2026-11-30'), LESSONS);
		const csv = await boroughCsv(filter, LESSONS, new Date('2026-12-14T12:00:00Z'));
		const rows = Papa.parse<string[]>(csv.replace(/^\uFEFF/, '')).data;
		const after = (title: string) => rows.slice(rows.findIndex((r) => r[0] === title) + 2);
		expect(after('Borough totals').find((r) => r[0] === 'Pupils reached')![1]).toBe('[c]');
		const weeks = after('By week').filter((r) => r.length === 3);
		expect(weeks).toEqual([['2026-11-30', '2', '[c]']]);
		const schools = after('By school');
		const reached = rows[rows.findIndex((r) => r[0] === 'By school') + 1].indexOf('Pupils reached');
		expect(schools.find((r) => r[0] === 'Borough')![reached]).toBe('[c]');
		expect(csv).not.toMatch(/Pupils reached,5\b/);
		useHandle(ctx.handle);
		await handle.db.destroy();
	});
});
