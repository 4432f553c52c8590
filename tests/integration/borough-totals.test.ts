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
import type { Lesson, Question } from '../../src/lib/server/lessons';
import { loadFacts } from '../../src/lib/server/reports/facts';
import {
	figures,
	lessonFigures,
	tallyOf,
	weeksOf
} from '../../src/lib/server/reports/group-figures';
import { useTestDatabase } from './context';

const ctx = useTestDatabase();

function question(lesson: string, i: number, scored = i % 4 !== 3): Question {
	return {
		id: `${lesson}-q${i}`,
		type: 'single',
		promptHtml: `Question ${i}`,
		options: [
			{ text: 'Right', html: 'Right', correct: true },
			{ text: 'Wrong', html: 'Wrong', correct: false }
		],
		check: i % 2 === 0,
		stepId: 'a',
		scored
	} as Question;
}

function lesson(id: string, questions: number): Lesson {
	return {
		id,
		title: `Lesson ${id}`,
		steps: [{ id: 'a', index: 0, title: 'A', blocks: [] }],
		questions: Array.from({ length: questions }, (_, i) => question(id, i))
	} as unknown as Lesson;
}

const LESSONS = [lesson('one', 4), lesson('two', 5), lesson('three', 3)];
/** The same programme after its second lesson's file changed: a question gone, one a poll. */
const CHANGED = [
	LESSONS[0],
	{
		...LESSONS[1],
		questions: [question('two', 0), question('two', 1, false), question('two', 3)]
	} as Lesson,
	LESSONS[2]
];
const YEARS = ['2026/27', '2025/26'];
const DAYS = ['2026-11-02T09:00:00.000Z', '2026-11-04T13:00:00.000Z', '2026-11-10T09:00:00.000Z'];

interface Borough {
	handle: Handle;
	schools: number[];
	/** Classes 0 and 1 are this year's, 2 last year's, 3 this year's in the second school. */
	classes: number[];
	pupils: number[];
	sessions: number[];
	staff: number;
}

let runs = 0;

/** A fresh database with two schools, four classes, twelve pupils and five sessions. */
async function newBorough(): Promise<Borough> {
	const handle = openDatabase(path.join(ctx.dir, `run-${++runs}.db`));
	await migrateToLatest(handle.db);
	useHandle(handle);
	const db = handle.db;
	const now = nowIso();
	const schools: number[] = [];
	for (const name of ['North', 'South'])
		schools.push(
			(
				await db
					.insertInto('schools')
					.values({ name, created_at: now })
					.returning('id')
					.executeTakeFirstOrThrow()
			).id
		);
	const staff = (
		await db
			.insertInto('staff_users')
			.values({
				email: 't@example.test',
				display_name: 'T',
				role: 'teacher',
				school_id: schools[0],
				created_at: now
			})
			.returning('id')
			.executeTakeFirstOrThrow()
	).id;
	const classes: number[] = [];
	for (const [i, [school, year]] of (
		[
			[0, 0],
			[0, 0],
			[0, 1],
			[1, 0]
		] as const
	).entries())
		classes.push(
			(
				await db
					.insertInto('classes')
					.values({
						school_id: schools[school],
						name: `Class ${i}`,
						year_group: 6,
						academic_year: YEARS[year],
						code: `CODE${i}`,
						created_at: now
					})
					.returning('id')
					.executeTakeFirstOrThrow()
			).id
		);
	const pupils: number[] = [];
	for (let i = 0; i < 12; i++)
		pupils.push(
			(
				await db
					.insertInto('pupils')
					.values({
						class_id: classes[i % 4],
						first_name: `P${i}`,
						last_initial: 'A',
						picture_password: `x-${i}`,
						created_at: now
					})
					.returning('id')
					.executeTakeFirstOrThrow()
			).id
		);
	const borough = { handle, schools, classes, pupils, sessions: [] as number[], staff };
	for (let i = 0; i < 5; i++) await newSession(borough, i % 4, i % 3, i % 3);
	return borough;
}

async function newSession(b: Borough, cls: number, lessonIndex: number, day: number) {
	const { id } = await b.handle.db
		.insertInto('class_sessions')
		.values({
			class_id: b.classes[cls],
			lesson_id: LESSONS[lessonIndex].id,
			lesson_hash: 'h',
			// Self-paced: a class may have many at once, where it may have one live session.
			mode: 'self',
			status: 'lobby',
			current_step: 0,
			created_at: DAYS[day]
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	b.sessions.push(id);
}

const i = () => fc.nat({ max: 99 });
// Weighted towards what happens most, and what interacts most: marks, answers, sessions.
const op = fc.oneof(
	{
		weight: 5,
		arbitrary: fc.record({
			t: fc.constant('attend' as const),
			p: i(),
			s: i(),
			present: fc.boolean()
		})
	},
	{ weight: 1, arbitrary: fc.record({ t: fc.constant('unattend' as const), p: i(), s: i() }) },
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
	{ weight: 1, arbitrary: fc.record({ t: fc.constant('unanswer' as const), p: i() }) },
	{
		weight: 2,
		arbitrary: fc.record({ t: fc.constant('end' as const), p: i(), s: i(), reached: fc.boolean() })
	},
	{
		weight: 1,
		arbitrary: fc.record({ t: fc.constant('paper' as const), p: i(), l: i(), on: fc.boolean() })
	},
	{
		weight: 4,
		arbitrary: fc.record({
			t: fc.constant('status' as const),
			s: i(),
			status: fc.constantFrom('lobby', 'running', 'ended' as const)
		})
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
	{
		weight: 1,
		arbitrary: fc.record({ t: fc.constant('archiveSchool' as const), c: i(), on: fc.boolean() })
	},
	{ weight: 1, arbitrary: fc.record({ t: fc.constant('move' as const), p: i() }) },
	{
		weight: 1,
		arbitrary: fc.record({ t: fc.constant('newSession' as const), c: i(), l: i(), d: i() })
	},
	{ weight: 1, arbitrary: fc.record({ t: fc.constant('deleteSession' as const), s: i() }) }
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

const pick = <T>(list: T[], n: number) => list[n % list.length];

async function apply(b: Borough, o: Op): Promise<void> {
	const db = b.handle.db;
	const now = nowIso();
	const sessionRow = async (n: number) =>
		b.sessions.length
			? db
					.selectFrom('class_sessions')
					.select(['id', 'lesson_id'])
					.where('id', '=', pick(b.sessions, n))
					.executeTakeFirst()
			: undefined;
	// A pupil takes part in their own class's sessions only (the app checks it on joining).
	const sessionOf = async (pupil: number, n: number) => {
		const own = await db
			.selectFrom('class_sessions as s')
			.innerJoin('pupils as p', 'p.class_id', 's.class_id')
			.select(['s.id', 's.lesson_id'])
			.where('p.id', '=', pick(b.pupils, pupil))
			.orderBy('s.id')
			.execute();
		return own.length ? pick(own, n) : undefined;
	};
	switch (o.t) {
		case 'attend': {
			const s = await sessionOf(o.p, o.s);
			if (!s) return;
			await db
				.insertInto('attendance')
				.values({
					session_id: s.id,
					pupil_id: pick(b.pupils, o.p),
					status: o.present ? 'present' : 'absent',
					source: 'teacher',
					updated_at: now
				})
				.onConflict((oc) =>
					oc.columns(['session_id', 'pupil_id']).doUpdateSet({
						status: o.present ? 'present' : 'absent'
					})
				)
				.execute();
			return;
		}
		case 'unattend': {
			const s = await sessionOf(o.p, o.s);
			if (!s) return;
			await db
				.deleteFrom('attendance')
				.where('session_id', '=', s.id)
				.where('pupil_id', '=', pick(b.pupils, o.p))
				.execute();
			return;
		}
		case 'answer': {
			const s = await sessionOf(o.p, o.s);
			if (!s) return;
			const lessonOf = LESSONS.find((l) => l.id === s.lesson_id)!;
			const q = pick(lessonOf.questions, o.q);
			await db
				.insertInto('answers')
				.values({
					client_id: `c-${Math.random()}`,
					session_id: s.id,
					pupil_id: pick(b.pupils, o.p),
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
		case 'unanswer': {
			const first = await db
				.selectFrom('answers')
				.select('id')
				.where('pupil_id', '=', pick(b.pupils, o.p))
				.executeTakeFirst();
			if (first) await db.deleteFrom('answers').where('id', '=', first.id).execute();
			return;
		}
		case 'end': {
			const s = await sessionOf(o.p, o.s);
			if (!s) return;
			await db
				.insertInto('progress')
				.values({
					session_id: s.id,
					pupil_id: pick(b.pupils, o.p),
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
		case 'paper': {
			const pupilId = pick(b.pupils, o.p);
			const lessonId = pick(LESSONS, o.l).id;
			if (o.on)
				await db
					.insertInto('paper_completions')
					.values({ pupil_id: pupilId, lesson_id: lessonId, marked_by: b.staff, marked_at: now })
					.onConflict((oc) => oc.doNothing())
					.execute();
			else
				await db
					.deleteFrom('paper_completions')
					.where('pupil_id', '=', pupilId)
					.where('lesson_id', '=', lessonId)
					.execute();
			return;
		}
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
			await db
				.updateTable('pupils')
				.set({ archived_at: o.on ? now : null })
				.where('id', '=', pick(b.pupils, o.p))
				.execute();
			return;
		case 'archiveClass':
			await db
				.updateTable('classes')
				.set({ archived_at: o.on ? now : null })
				.where('id', '=', pick(b.classes, o.c))
				.execute();
			return;
		case 'archiveSchool':
			await db
				.updateTable('schools')
				.set({ archived_at: o.on ? now : null })
				.where('id', '=', pick(b.schools, o.c))
				.execute();
			return;
		case 'move': {
			// To the next class, whatever its school or academic year (a pupil repeating Year 6).
			const pupilId = pick(b.pupils, o.p);
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
	{ academicYear: YEARS[0] },
	{ lessonId: 'two' },
	{ academicYear: YEARS[1], lessonId: 'one' }
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
						await kept({}, LESSONS);
						for (const [n, [o, look]] of ops.entries()) {
							await apply(b, o);
							if (look || n === ops.length - 1)
								await expectAgree(b, LESSONS, `after ${JSON.stringify(ops.slice(0, n + 1))}`);
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
		let totals = (await kept({}, LESSONS)).figures.totals;
		expect(totals.sessionsDelivered).toBe(0);
		expect(totals.reached).toBe(0);
		// Pupil 0 arrives: the session now counts, and so does pupil 4's absence.
		await apply(b, { t: 'attend', p: 0, s: 0, present: true });
		totals = (await kept({}, LESSONS)).figures.totals;
		expect(totals.sessionsDelivered).toBe(1);
		expect(totals.reached).toBe(1);
		await expectAgree(b, LESSONS, 'after the first arrival');
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
						correct: LESSONS[1].questions[q].scored ? (q !== 2 && (p + q) % 3 !== 0 ? 1 : 0) : null,
						answered_at: nowIso()
					})
					.execute();
		}
		await expectAgree(b, LESSONS, 'before the change');
		await expectAgree(b, CHANGED, 'after the change');
		const before = (await kept({ lessonId: 'two' }, LESSONS)).figures.totals.averageScore;
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
		const open = await boroughTotals({}, LESSONS);
		expect(open.totals.sessionsDelivered).toBe(0);
		expect(open.expires).toBe('2026-11-20T10:00:00.000Z');
		vi.setSystemTime(new Date('2026-11-20T10:30:00.000Z'));
		const closed = await boroughTotals({}, LESSONS);
		expect(closed.totals.sessionsDelivered).toBe(1);
		expect(closed.totals.attendance.display).not.toBe(open.totals.attendance.display);
		await expectAgree(b, LESSONS, 'after closing');
	});

	it('give every request arriving together the same, up-to-date answer', async () => {
		const b = await newBorough();
		await kept({}, LESSONS);
		for (let p = 0; p < 12; p++) await apply(b, { t: 'attend', p, s: p % 6, present: p % 5 !== 0 });
		const together = await Promise.all(Array.from({ length: 5 }, () => kept({}, LESSONS)));
		const expected = await worked(b, {}, LESSONS);
		for (const answer of together) expect(answer).toEqual(expected);
		// Nothing was applied twice: asking again still agrees.
		expect(await kept({}, LESSONS)).toEqual(expected);
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
