// The borough dashboard keeps its totals in memory and brings them up to date from the
// changes the database records. These tests hold it to the plain definition: after any
// sequence of writes (answers, attendance edits, paper, sessions starting and ending,
// pupils, classes and schools archived, a pupil moving class, school or academic year, a
// session deleted), the kept totals equal the figures worked out afresh from the tables, for
// every filter.
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
	boroughTallies,
	boroughTotals,
	type TotalsFilter
} from '../../src/lib/server/reports/borough-totals';
import {
	migrateToLatest,
	nowIso,
	openDatabase,
	useHandle,
	type Handle
} from '../../src/lib/server/platform/db';
import type { Lesson } from '../../src/lib/server/lessons';
import { loadFacts } from '../../src/lib/server/reports/facts';
import {
	figures,
	lessonFigures,
	tallyOf,
	weeksOf
} from '../../src/lib/server/reports/group-figures';
import { useTestDatabase } from './context';
import * as borough from './random-borough';

const ctx = useTestDatabase();

/** The same programme after its second lesson's file changed: a question gone, one a poll. */
const CHANGED = [
	borough.LESSONS[0],
	{
		...borough.LESSONS[1],
		questions: [
			borough.question('two', 0),
			borough.question('two', 1, false),
			borough.question('two', 3)
		]
	} as Lesson,
	borough.LESSONS[2]
];
const DAYS = ['2026-11-02T09:00:00.000Z', '2026-11-04T13:00:00.000Z', '2026-11-10T09:00:00.000Z'];

interface Borough extends borough.Rows {
	handle: Handle;
}

let runs = 0;

/**
 * A fresh database with two schools, four classes (0 and 1 this year's, 2 last year's, 3 this
 * year's in the second school), twelve pupils and five sessions.
 */
async function newBorough(): Promise<Borough> {
	const handle = openDatabase(path.join(ctx.dir, `run-${++runs}.db`));
	await migrateToLatest(handle.db);
	useHandle(handle);
	const rows = await borough.insertRows(handle.db, {
		schools: ['North', 'South'],
		classes: [
			[0, 0],
			[0, 0],
			[0, 1],
			[1, 0]
		],
		pupils: 12
	});
	const b = { handle, ...rows };
	for (let i = 0; i < 5; i++) await newSession(b, i % 4, i % 3, i % 3);
	return b;
}

/** A session waiting in the lobby. */
async function newSession(b: Borough, cls: number, lessonIndex: number, day: number) {
	await borough.insertSession(b.handle.db, b, {
		cls,
		lessonIndex,
		createdAt: DAYS[day],
		status: 'lobby'
	});
}

const i = () => fc.nat({ max: 99 });
// Weighted towards what happens most, and what interacts most: marks, answers, sessions.
const weights = { attend: 5, unattend: 1, unanswer: 1, status: 4, newSession: 1, archiveSchool: 1 };
const op = fc.oneof(
	...borough.sharedWrites(i, weights),
	{
		weight: 4,
		arbitrary: fc.record({
			t: fc.constant('answer' as const),
			p: i(),
			s: i(),
			q: i(),
			pre: fc.boolean(),
			right: fc.boolean()
		})
	},
	{
		weight: 2,
		arbitrary: fc.record({ t: fc.constant('end' as const), p: i(), s: i(), reached: fc.boolean() })
	},
	{
		weight: 1,
		arbitrary: fc.record({ t: fc.constant('paper' as const), p: i(), l: i(), on: fc.boolean() })
	},
	{
		weight: 2,
		arbitrary: fc.record({ t: fc.constant('selfPaced' as const), s: i(), closed: fc.boolean() })
	},
	{
		weight: 1,
		arbitrary: fc.record({ t: fc.constant('archivePupil' as const), p: i(), on: fc.boolean() })
	},
	{
		weight: 1,
		arbitrary: fc.record({ t: fc.constant('archiveClass' as const), c: i(), on: fc.boolean() })
	},
	{ weight: 1, arbitrary: fc.record({ t: fc.constant('move' as const), p: i() }) },
	{ weight: 1, arbitrary: fc.record({ t: fc.constant('deleteSession' as const), s: i() }) }
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

async function apply(b: Borough, o: Op): Promise<void> {
	const db = b.handle.db;
	const now = nowIso();
	const sessionRow = async (n: number) =>
		b.sessions.length
			? db
					.selectFrom('class_sessions')
					.select(['id', 'lesson_id'])
					.where('id', '=', borough.pickOf(b.sessions, n))
					.executeTakeFirst()
			: undefined;
	// A pupil takes part in their own class's sessions only (the app checks it on joining).
	const sessionOf = (pupil: number, n: number) =>
		borough.ownSession(db, borough.pickOf(b.pupils, pupil), n);
	switch (o.t) {
		case 'attend': {
			const s = await sessionOf(o.p, o.s);
			if (s) await borough.attend(db, borough.pickOf(b.pupils, o.p), s.id, o.present);
			return;
		}
		case 'unattend': {
			const s = await sessionOf(o.p, o.s);
			if (s) await borough.unattend(db, borough.pickOf(b.pupils, o.p), s.id);
			return;
		}
		case 'answer': {
			const s = await sessionOf(o.p, o.s);
			if (!s) return;
			const lessonOf = borough.LESSONS.find((l) => l.id === s.lesson_id)!;
			const q = borough.pickOf(lessonOf.questions, o.q);
			await db
				.insertInto('answers')
				.values({
					client_id: `c-${Math.random()}`,
					session_id: s.id,
					pupil_id: borough.pickOf(b.pupils, o.p),
					lesson_id: s.lesson_id,
					question_id: q.id,
					phase: o.pre ? 'pre' : 'main',
					selected: o.right ? '[0]' : '[1]',
					correct: q.scored ? (o.right ? 1 : 0) : null,
					answered_at: now
				})
				.onConflict((oc) => oc.doNothing())
				.execute();
			return;
		}
		case 'unanswer':
			return borough.unanswer(db, borough.pickOf(b.pupils, o.p));
		case 'end': {
			const s = await sessionOf(o.p, o.s);
			if (!s) return;
			await db
				.insertInto('progress')
				.values({
					session_id: s.id,
					pupil_id: borough.pickOf(b.pupils, o.p),
					lesson_id: s.lesson_id,
					current_step: 0,
					furthest_step: 0,
					reached_end: o.reached ? 1 : 0,
					updated_at: now
				})
				.onConflict((oc) =>
					oc.columns(['session_id', 'pupil_id']).doUpdateSet({ reached_end: o.reached ? 1 : 0 })
				)
				.execute();
			return;
		}
		case 'paper':
			return borough.markPaper(db, {
				pupilId: borough.pickOf(b.pupils, o.p),
				lessonId: borough.pickOf(borough.LESSONS, o.l).id,
				staff: b.staff,
				at: now,
				on: o.on
			});
		case 'status': {
			const s = await sessionRow(o.s);
			if (!s) return;
			await db
				.updateTable('class_sessions')
				.set({ status: o.status, mode: 'self', closes_at: null })
				.where('id', '=', s.id)
				.execute();
			return;
		}
		case 'selfPaced': {
			const s = await sessionRow(o.s);
			if (!s) return;
			const hour = 3_600_000;
			await db
				.updateTable('class_sessions')
				.set({
					mode: 'self',
					status: 'lobby',
					closes_at: new Date(Date.now() + (o.closed ? -hour : hour)).toISOString()
				})
				.where('id', '=', s.id)
				.execute();
			return;
		}
		case 'archivePupil':
			return borough.setArchived(db, 'pupils', borough.pickOf(b.pupils, o.p), o.on);
		case 'archiveClass':
			return borough.setArchived(db, 'classes', borough.pickOf(b.classes, o.c), o.on);
		case 'archiveSchool':
			return borough.setArchived(db, 'schools', borough.pickOf(b.schools, o.c), o.on);
		case 'move': {
			// To the next class, whatever its school or academic year (a pupil repeating Year 6).
			const pupilId = borough.pickOf(b.pupils, o.p);
			const row = await db
				.selectFrom('pupils')
				.select('class_id')
				.where('id', '=', pupilId)
				.executeTakeFirstOrThrow();
			const next = b.classes[(b.classes.indexOf(row.class_id) + 1) % b.classes.length];
			await db.updateTable('pupils').set({ class_id: next }).where('id', '=', pupilId).execute();
			return;
		}
		case 'newSession':
			await newSession(b, o.c % 4, o.l % 3, o.d % 3);
			return;
		case 'deleteSession': {
			const s = await sessionRow(o.s);
			if (!s) return;
			await db.deleteFrom('class_sessions').where('id', '=', s.id).execute();
			b.sessions = b.sessions.filter((id) => id !== s.id);
			return;
		}
	}
}

const FILTERS: TotalsFilter[] = [
	{},
	{ academicYear: borough.YEARS[0] },
	{ lessonId: 'two' },
	{ academicYear: borough.YEARS[1], lessonId: 'one' }
];

/** What the class and school reports would count: worked out afresh, from the tables. */
async function worked(b: Borough, filter: TotalsFilter, lessons: Lesson[]) {
	const facts = await loadFacts({}, filter, lessons);
	const open = await b.handle.db
		.selectFrom('schools')
		.select('id')
		.where('archived_at', 'is', null)
		.execute();
	return {
		tallies: {
			all: tallyOf(facts, { all: true }),
			bySchool: new Map(open.map((s) => [s.id, tallyOf(facts, { schoolId: s.id })])),
			byLesson: new Map(
				[...facts.lessons.keys()].map((id) => [id, tallyOf(facts, { lessonId: id })])
			),
			byWeek: weeksOf(facts)
		},
		figures: {
			totals: figures(facts, { all: true }),
			bySchool: new Map(open.map((s) => [s.id, figures(facts, { schoolId: s.id })])),
			byLesson: lessonFigures(facts),
			byWeek: weeksOf(facts)
		}
	};
}

/** The kept tallies (before disclosure control hides small groups) and figures. */
async function kept(filter: TotalsFilter, lessons: Lesson[]) {
	const { expires: _e, ...tallies } = await boroughTallies(filter, lessons);
	const { expires: _f, schools: _s, ...figures } = await boroughTotals(filter, lessons);
	return { tallies, figures };
}

async function expectAgree(b: Borough, lessons: Lesson[], note: string) {
	for (const filter of FILTERS) {
		const expected = await worked(b, filter, lessons);
		expect(await kept(filter, lessons), `${note}, filter ${JSON.stringify(filter)}`).toEqual(
			expected
		);
	}
}

describe('the borough totals kept in memory', () => {
	afterEach(() => {
		vi.useRealTimers();
		useHandle(ctx.handle);
	});

	it('agree with the figures worked out afresh after any sequence of writes', async () => {
		await fc.assert(
			// Each write says whether a request comes after it: changes pile up between requests.
			fc.asyncProperty(
				fc.array(fc.tuple(op, fc.boolean()), { minLength: 1, maxLength: 30 }),
				async (ops) => {
					const b = await newBorough();
					try {
						// Built before the writes, so every write reaches it as a change.
						await kept({}, borough.LESSONS);
						for (const [n, [o, look]] of ops.entries()) {
							await apply(b, o);
							if (look || n === ops.length - 1)
								await expectAgree(
									b,
									borough.LESSONS,
									`after ${JSON.stringify(ops.slice(0, n + 1))}`
								);
						}
					} finally {
						await b.handle.db.destroy();
					}
				}
			),
			{ numRuns: 60 }
		);
		// Sixty boroughs take seconds alone, longer beside other tests on a shared machine.
	}, 120_000);

	it('count a session delivered once its pupils are present, and its marks with it', async () => {
		const b = await newBorough();
		await apply(b, { t: 'status', s: 0, status: 'running' });
		await apply(b, { t: 'attend', p: 4, s: 0, present: false });
		let totals = (await kept({}, borough.LESSONS)).figures.totals;
		expect(totals.sessionsDelivered).toBe(0);
		expect(totals.reached).toBe(0);
		// Pupil 0 arrives: the session now counts, and so does pupil 4's absence.
		await apply(b, { t: 'attend', p: 0, s: 0, present: true });
		totals = (await kept({}, borough.LESSONS)).figures.totals;
		expect(totals.sessionsDelivered).toBe(1);
		expect(totals.reached).toBe(1);
		await expectAgree(b, borough.LESSONS, 'after the first arrival');
	});

	it('follow a lesson file that changed after pupils answered it', async () => {
		const b = await newBorough();
		// Every class has lesson two; every pupil is there and answers every question.
		const lessonTwo = new Map<number, number>();
		for (let c = 0; c < 4; c++) {
			await newSession(b, c, 1, 0);
			lessonTwo.set(b.classes[c], b.sessions.at(-1)!);
		}
		for (let p = 0; p < 12; p++) {
			const sessionId = lessonTwo.get(b.classes[p % 4])!;
			await b.handle.db
				.insertInto('attendance')
				.values({
					session_id: sessionId,
					pupil_id: b.pupils[p],
					status: 'present',
					source: 'joined',
					updated_at: nowIso()
				})
				.execute();
			// Question 2, gone from the changed file, is always answered wrongly.
			for (let q = 0; q < 5; q++)
				await b.handle.db
					.insertInto('answers')
					.values({
						client_id: `change-${p}-${q}`,
						session_id: sessionId,
						pupil_id: b.pupils[p],
						lesson_id: 'two',
						question_id: `two-q${q}`,
						phase: 'main',
						selected: '[0]',
						correct: borough.LESSONS[1].questions[q].scored
							? q !== 2 && (p + q) % 3 !== 0
								? 1
								: 0
							: null,
						answered_at: nowIso()
					})
					.execute();
		}
		await expectAgree(b, borough.LESSONS, 'before the change');
		await expectAgree(b, CHANGED, 'after the change');
		const before = (await kept({ lessonId: 'two' }, borough.LESSONS)).figures.totals.averageScore;
		const after = (await kept({ lessonId: 'two' }, CHANGED)).figures.totals.averageScore;
		expect(before.suppressed).toBe(false);
		expect(after.value).toBeGreaterThan(before.value!);
	});

	it('count a self-paced session as ended once its closing time passes, with no write', async () => {
		const b = await newBorough();
		vi.useFakeTimers({ toFake: ['Date'] });
		vi.setSystemTime(new Date('2026-11-20T09:00:00.000Z'));
		await b.handle.db
			.updateTable('class_sessions')
			.set({ mode: 'self', status: 'lobby', closes_at: '2026-11-20T10:00:00.000Z' })
			.where('id', '=', b.sessions[0])
			.execute();
		await apply(b, { t: 'attend', p: 0, s: 0, present: true });
		await apply(b, { t: 'attend', p: 4, s: 0, present: false });
		const open = await boroughTotals({}, borough.LESSONS);
		expect(open.totals.sessionsDelivered).toBe(0);
		expect(open.expires).toBe('2026-11-20T10:00:00.000Z');
		vi.setSystemTime(new Date('2026-11-20T10:30:00.000Z'));
		const closed = await boroughTotals({}, borough.LESSONS);
		expect(closed.totals.sessionsDelivered).toBe(1);
		expect(closed.totals.attendance.display).not.toBe(open.totals.attendance.display);
		await expectAgree(b, borough.LESSONS, 'after closing');
	});

	it('give every request arriving together the same, up-to-date answer', async () => {
		const b = await newBorough();
		await kept({}, borough.LESSONS);
		for (let p = 0; p < 12; p++) await apply(b, { t: 'attend', p, s: p % 6, present: p % 5 !== 0 });
		const together = await Promise.all(Array.from({ length: 5 }, () => kept({}, borough.LESSONS)));
		const expected = await worked(b, {}, borough.LESSONS);
		for (const answer of together) expect(answer).toEqual(expected);
		// Nothing was applied twice: asking again still agrees.
		expect(await kept({}, borough.LESSONS)).toEqual(expected);
	});

	it('are not told about sign-in attempts or steps in a lesson, which change no figure', async () => {
		const b = await newBorough();
		await apply(b, { t: 'end', p: 0, s: 0, reached: false });
		const stamp = async () =>
			(
				await b.handle.db
					.selectFrom('report_changes')
					.select((eb) => eb.fn.max('seq').as('seq'))
					.executeTakeFirstOrThrow()
			).seq;
		const before = await stamp();
		await b.handle.db.updateTable('pupils').set({ failed_attempts: 2 }).execute();
		await b.handle.db.updateTable('class_sessions').set({ current_step: 3 }).execute();
		await b.handle.db.updateTable('progress').set({ current_step: 2, furthest_step: 2 }).execute();
		expect(await stamp()).toBe(before);
		await b.handle.db.updateTable('progress').set({ reached_end: 1 }).execute();
		expect(await stamp()).toBeGreaterThan(before!);
	});
});
