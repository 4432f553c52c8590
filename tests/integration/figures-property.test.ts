// Every report's figures, held to one plain definition. A random borough (schools, classes of
// two academic years, pupils, sessions, attendance, progress, answers, paper marks) is written
// to a real database, then changed at random: more of the same, pupils moved between classes,
// schools and academic years, pupils leaving, a year closed, a school archived. Then the class
// report, the school report and the borough dashboard (kept totals; with a year, lesson and
// date filter) must say exactly what `reference` below works out from the raw rows with plain
// loops, rates and averages hidden the same way (disclosure.ts).
//
// The definition (README, Reports): a pupil's figures are everything they did, in any session,
// counted under the class they are in now (its school, its academic year); a date filter keeps
// the sessions created in the range (and paper marked in it); sessions delivered count under
// the session's own class.
import path from 'node:path';
import fc from 'fast-check';
import { lessonsCompletion } from '../../src/lib/server/reports/pupil-completion';
import { afterEach, describe, expect, it } from 'vitest';
import { boroughTallies } from '../../src/lib/server/reports/borough-totals';
import type { Kysely } from 'kysely';
import { migrateToLatest, nowIso, openDatabase, useHandle } from '../../src/lib/server/platform/db';
import type { DB } from '../../src/lib/server/platform/db/schema';
import {
	suppressAverage,
	suppressGain,
	suppressRate
} from '../../src/lib/server/reports/disclosure';
import type { Lesson } from '../../src/lib/server/lessons';

import { boroughDashboard } from '../../src/lib/server/reports/borough-dashboard';
import { classReport } from '../../src/lib/server/reports/class-report';
import type { Figures } from '../../src/lib/server/reports/figures';
import { schoolSummary } from '../../src/lib/server/reports/school-report';
import type { ReportFilter } from '../../src/lib/server/reports/scope';
import { useTestDatabase } from './context';
import * as borough from './random-borough';

const ctx = useTestDatabase();

const DAYS = ['2025-11-03T09:00:00.000Z', '2026-11-02T09:00:00.000Z', '2026-11-10T13:00:00.000Z'];
/** School and year of each class: two schools with a class of last year, a third without. */
const CLASSES: [number, number][] = [
	[0, 0],
	[0, 0],
	[0, 1],
	[1, 0],
	[1, 1],
	[2, 0]
];
const PUPILS_PER_CLASS = 6;

// ——— the plain definition ———

interface Raw {
	schools: { id: number; archived_at: string | null }[];
	classes: { id: number; school_id: number; academic_year: string }[];
	pupils: { id: number; class_id: number; archived_at: string | null }[];
	sessions: {
		id: number;
		class_id: number;
		lesson_id: string;
		status: string;
		created_at: string;
	}[];
	attendance: { session_id: number; pupil_id: number; status: string }[];
	progress: { session_id: number; pupil_id: number; lesson_id: string; reached_end: number }[];
	answers: {
		session_id: number;
		pupil_id: number;
		lesson_id: string;
		question_id: string;
		phase: string;
		correct: number | null;
		counts: number;
	}[];
	paper: { pupil_id: number; lesson_id: string; marked_at: string }[];
}

async function readRaw(): Promise<Raw> {
	const db = ctx.handle.db;
	return {
		schools: await db.selectFrom('schools').select(['id', 'archived_at']).execute(),
		classes: await db.selectFrom('classes').select(['id', 'school_id', 'academic_year']).execute(),
		pupils: await db.selectFrom('pupils').select(['id', 'class_id', 'archived_at']).execute(),
		sessions: await db
			.selectFrom('class_sessions')
			.select(['id', 'class_id', 'lesson_id', 'status', 'created_at'])
			.execute(),
		attendance: await db
			.selectFrom('attendance')
			.select(['session_id', 'pupil_id', 'status'])
			.execute(),
		progress: await db
			.selectFrom('progress')
			.select(['session_id', 'pupil_id', 'lesson_id', 'reached_end'])
			.execute(),
		answers: await db
			.selectFrom('answers')
			.select(['session_id', 'pupil_id', 'lesson_id', 'question_id', 'phase', 'correct', 'counts'])
			.execute(),
		paper: await db
			.selectFrom('paper_completions')
			.select(['pupil_id', 'lesson_id', 'marked_at'])
			.execute()
	};
}

/** Which pupils and sessions a figure is about. */
interface Pick {
	classId?: number;
	schoolId?: number;
	lessonId?: string;
}

/** One pupil and one lesson, from their rows. */
interface Pair {
	present: boolean;
	marks: number;
	presentMarks: number;
	reachedEnd: boolean;
	opened: boolean;
	answered: number;
	correct: number;
	paper: boolean;
	gainPairs: number;
	before: number;
	after: number;
}

function reference(raw: Raw, filter: ReportFilter) {
	const classOf = new Map(raw.classes.map((c) => [c.id, c]));
	const schoolOpen = new Map(raw.schools.map((s) => [s.id, s.archived_at === null]));
	const sessionOf = new Map(raw.sessions.map((s) => [s.id, s]));
	const lessons = borough.LESSONS.filter((l) => !filter.lessonId || l.id === filter.lessonId);
	const inDates = (at: string) =>
		(!filter.from || at.slice(0, 10) >= filter.from) &&
		(!filter.to || at.slice(0, 10) <= filter.to);
	// Started (not in the lobby) with at least one pupil present. No session here closes.
	const presentIn = new Set(
		raw.attendance.filter((a) => a.status === 'present').map((a) => a.session_id)
	);
	const delivered = (sessionId: number) =>
		sessionOf.get(sessionId)!.status !== 'lobby' && presentIn.has(sessionId);
	// Each pupil's rows, looked up by pupil rather than scanned for every figure.
	const byPupil = <T extends { pupil_id: number }>(rows: T[]) => {
		const out = new Map<number, T[]>();
		for (const r of rows) out.set(r.pupil_id, [...(out.get(r.pupil_id) ?? []), r]);
		return (pupilId: number) => out.get(pupilId) ?? [];
	};
	const attendanceOf = byPupil(raw.attendance);
	const progressOf = byPupil(raw.progress);
	const answersOf = byPupil(raw.answers);
	const paperOf = byPupil(raw.paper);
	const pairs = new Map<string, Pair>();
	const countedSession = (sessionId: number) => {
		const s = sessionOf.get(sessionId)!;
		return lessons.some((l) => l.id === s.lesson_id) && inDates(s.created_at);
	};

	function pair(pupilId: number, l: Lesson): Pair {
		const key = `${pupilId}\n${l.id}`;
		if (!pairs.has(key)) pairs.set(key, pairOf(pupilId, l));
		return pairs.get(key)!;
	}

	function pairOf(pupilId: number, l: Lesson): Pair {
		const p: Pair = {
			present: false,
			marks: 0,
			presentMarks: 0,
			reachedEnd: false,
			opened: false,
			answered: 0,
			correct: 0,
			paper: false,
			gainPairs: 0,
			before: 0,
			after: 0
		};
		for (const a of attendanceOf(pupilId)) {
			const s = sessionOf.get(a.session_id)!;
			if (s.lesson_id !== l.id || !inDates(s.created_at)) continue;
			if (a.status === 'present') p.present = true;
			if (delivered(s.id)) {
				p.marks++;
				if (a.status === 'present') p.presentMarks++;
			}
		}
		for (const g of progressOf(pupilId)) {
			if (g.lesson_id !== l.id) continue;
			p.opened = true;
			if (g.reached_end === 1 && inDates(sessionOf.get(g.session_id)!.created_at))
				p.reachedEnd = true;
		}
		for (const q of l.questions.filter((q) => q.scored)) {
			// The first answer to each question counts.
			const answer = (phase: string) =>
				answersOf(pupilId).find(
					(x) =>
						x.lesson_id === l.id && x.question_id === q.id && x.phase === phase && x.counts === 1
				);
			const main = answer('main');
			const pre = answer('pre');
			// An answer in the lesson counts in its session's dates; the check before it anywhere.
			if (!main || !inDates(sessionOf.get(main.session_id)!.created_at)) continue;
			p.answered++;
			if (main.correct === 1) p.correct++;
			if (q.check && pre) {
				p.gainPairs++;
				if (pre.correct === 1) p.before++;
				if (main.correct === 1) p.after++;
			}
		}
		p.paper = paperOf(pupilId).some((x) => x.lesson_id === l.id && inDates(x.marked_at));
		return p;
	}

	const scoredOf = (l: Lesson) => l.questions.filter((q) => q.scored).length;
	const completed = (p: Pair, l: Lesson) =>
		p.paper || (p.present && p.reachedEnd && p.answered >= scoredOf(l));

	/**
	 * Pupils whose class now is in the pick and the filter's year. The borough counts only open
	 * schools' pupils; a class or school report of an archived school still has its own.
	 */
	const pupilsOf = (pick: Pick) =>
		raw.pupils.filter((p) => {
			const c = classOf.get(p.class_id)!;
			const boroughWide = pick.classId === undefined && pick.schoolId === undefined;
			return (
				(!boroughWide || schoolOpen.get(c.school_id)) &&
				(pick.classId === undefined || c.id === pick.classId) &&
				(pick.schoolId === undefined || c.school_id === pick.schoolId) &&
				(!filter.academicYear || c.academic_year === filter.academicYear)
			);
		});

	function figuresOf(pick: Pick): Figures {
		const inPlay = lessons.filter((l) => !pick.lessonId || l.id === pick.lessonId);
		const pupils = pupilsOf({ classId: pick.classId, schoolId: pick.schoolId });
		const reached = new Set<number>();
		const marked = new Set<number>();
		const eligible = new Set<number>();
		const scored = new Set<number>();
		const gained = new Set<number>();
		let marks = 0;
		let presentMarks = 0;
		let eligiblePairs = 0;
		let completedPairs = 0;
		let scoreSum = 0;
		let scoreCount = 0;
		let gainPairs = 0;
		let before = 0;
		let after = 0;
		for (const l of inPlay) {
			let right = 0;
			for (const pupil of pupils) {
				const p = pair(pupil.id, l);
				if (p.present) reached.add(pupil.id);
				marks += p.marks;
				presentMarks += p.presentMarks;
				if (p.marks > 0) marked.add(pupil.id);
				if (p.present || p.paper) {
					eligible.add(pupil.id);
					eligiblePairs++;
					if (completed(p, l)) completedPairs++;
				}
				if (p.answered > 0) {
					scored.add(pupil.id);
					scoreCount++;
					right += p.correct;
				}
				if (p.gainPairs > 0) {
					gained.add(pupil.id);
					gainPairs += p.gainPairs;
					before += p.before;
					after += p.after;
				}
			}
			if (right) scoreSum += right / scoredOf(l);
		}
		const sessions = raw.sessions.filter((s) => {
			const c = classOf.get(s.class_id)!;
			return (
				countedSession(s.id) &&
				inPlay.some((l) => l.id === s.lesson_id) &&
				delivered(s.id) &&
				(pick.classId === undefined || s.class_id === pick.classId) &&
				(pick.schoolId === undefined || c.school_id === pick.schoolId) &&
				(!filter.academicYear || c.academic_year === filter.academicYear)
			);
		});
		return {
			pupils: pupils.filter((p) => p.archived_at === null).length,
			reached: reached.size,
			sessionsDelivered: sessions.length,
			attendance: suppressRate({
				numerator: presentMarks,
				denominator: marks,
				pupils: marked.size
			}),
			completion: suppressRate({
				numerator: completedPairs,
				denominator: eligiblePairs,
				pupils: eligible.size
			}),
			averageScore: suppressAverage({ sum: scoreSum, count: scoreCount, pupils: scored.size }),
			gain: suppressGain({
				correctBefore: before,
				correctAfter: after,
				pairs: gainPairs,
				pupils: gained.size
			})
		};
	}

	/** Sessions delivered, and pupils present, by ISO week of the session. */
	function weeks() {
		const out = new Map<string, { sessions: number; pupils: Set<number> }>();
		const at = (week: string) => {
			if (!out.has(week)) out.set(week, { sessions: 0, pupils: new Set() });
			return out.get(week)!;
		};
		for (const s of raw.sessions) {
			const c = classOf.get(s.class_id)!;
			if (!countedSession(s.id) || !delivered(s.id)) continue;
			if (filter.academicYear && c.academic_year !== filter.academicYear) continue;
			at(isoWeek(s.created_at)).sessions++;
		}
		const ours = new Set(pupilsOf({}).map((p) => p.id));
		for (const a of raw.attendance) {
			const s = sessionOf.get(a.session_id)!;
			if (a.status !== 'present' || !ours.has(a.pupil_id) || !countedSession(s.id)) continue;
			at(isoWeek(s.created_at)).pupils.add(a.pupil_id);
		}
		return [...out.entries()]
			.sort(([a], [b]) => (a < b ? -1 : 1))
			.map(([week, w]) => ({ week, sessions: w.sessions, pupilsReached: w.pupils.size }));
	}

	return { lessons, pair, completed, pupilsOf, figuresOf, weeks };
}

/** ISO week, written out the long way: the Thursday of the week decides its year. */
function isoWeek(iso: string): string {
	const d = new Date(iso.slice(0, 10) + 'T00:00:00Z');
	const thursday = new Date(d);
	thursday.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7) + 3);
	const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
	const week = Math.floor((thursday.getTime() - yearStart) / 86_400_000 / 7) + 1;
	return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

// ——— a random borough ———

type Borough = borough.Rows;

/** A small deterministic generator, so that a failing seed builds the same borough again. */
function generator(seed: number) {
	let state = seed >>> 0 || 1;
	return (n: number) => {
		state ^= state << 13;
		state ^= state >>> 17;
		state ^= state << 5;
		return (state >>> 0) % n;
	};
}

let runs = 0;
let clients = 0;

async function newBorough(seed: number): Promise<Borough> {
	const handle = openDatabase(path.join(ctx.dir, `figures-${++runs}.db`));
	await migrateToLatest(handle.db);
	useHandle(handle);
	ctx.handle = handle;
	const db = handle.db;
	const rand = generator(seed);
	const b = await borough.insertRows(db, {
		schools: ['North', 'South', 'East'],
		classes: CLASSES,
		pupils: CLASSES.length * PUPILS_PER_CLASS
	});
	// Every class has two lessons (last year's classes a year ago); most pupils were there and
	// answered, so that most figures rest on enough pupils to be shown.
	await db.transaction().execute(async (trx) => {
		writer = trx;
		for (const [c, [, year]] of CLASSES.entries())
			for (const l of [0, 1]) {
				const day = year === 1 ? 0 : 1 + ((c + l) % 2);
				const id = await newSession(b, c, l, day, rand(5) === 0 ? 'lobby' : 'ended');
				for (let p = c; p < b.pupils.length; p += CLASSES.length) {
					const roll = rand(10);
					if (roll === 0) continue;
					await borough.attend(trx, borough.pickOf(b.pupils, p), id, roll > 1);
					if (roll > 1) await work(b, p, { id, lesson_id: borough.LESSONS[l].id }, rand(1 << 20));
				}
			}
	});
	writer = undefined;
	return b;
}

/** Where the borough's first rows are written: one transaction, one commit. */
let writer: Kysely<DB> | undefined;
const w = () => writer ?? ctx.handle.db;

function newSession(
	b: Borough,
	cls: number,
	lessonIndex: number,
	day: number,
	status: 'lobby' | 'running' | 'ended'
): Promise<number> {
	return borough.insertSession(w(), b, { cls, lessonIndex, createdAt: DAYS[day], status });
}

const n = () => fc.nat({ max: 999 });
const weights = { attend: 4, unattend: 1, unanswer: 1, status: 2, newSession: 2, archiveSchool: 1 };
const op = fc.oneof(
	...borough.sharedWrites(n, weights),
	{
		weight: 3,
		arbitrary: fc.record({ t: fc.constant('work' as const), p: n(), s: n(), seed: n() })
	},
	{
		weight: 2,
		arbitrary: fc.record({
			t: fc.constant('paper' as const),
			p: n(),
			l: n(),
			on: fc.boolean(),
			d: n()
		})
	},
	{ weight: 3, arbitrary: fc.record({ t: fc.constant('move' as const), p: n(), c: n() }) },
	{
		weight: 1,
		arbitrary: fc.record({ t: fc.constant('leave' as const), p: n(), on: fc.boolean() })
	},
	{ weight: 1, arbitrary: fc.record({ t: fc.constant('closeYear' as const) }) }
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

/** Some steps, perhaps the last, and answers to some questions before and in the lesson. */
async function work(b: Borough, p: number, s: { id: number; lesson_id: string }, seed: number) {
	const db = w();
	const now = nowIso();
	const rand = generator(seed + 7);
	const pupilId = borough.pickOf(b.pupils, p);
	const reached = rand(3) ? 1 : 0;
	await db
		.insertInto('progress')
		.values({
			session_id: s.id,
			pupil_id: pupilId,
			lesson_id: s.lesson_id,
			current_step: 0,
			furthest_step: 0,
			reached_end: reached,
			updated_at: now
		})
		.onConflict((oc) =>
			oc.columns(['session_id', 'pupil_id']).doUpdateSet({ reached_end: reached })
		)
		.execute();
	const l = borough.LESSONS.find((x) => x.id === s.lesson_id)!;
	for (const q of l.questions)
		for (const phase of ['pre', 'main'] as const) {
			if (rand(4) === 0 || (phase === 'pre' && !q.check)) continue;
			const right = rand(3) !== 0;
			await db
				.insertInto('answers')
				.values({
					client_id: `c-${++clients}`,
					session_id: s.id,
					pupil_id: pupilId,
					lesson_id: s.lesson_id,
					question_id: q.id,
					phase,
					selected: right ? '[0]' : '[1]',
					correct: q.scored ? (right ? 1 : 0) : null,
					answered_at: now
				})
				// Answered already: the first answer stands.
				.onConflict((oc) => oc.doNothing())
				.execute();
		}
}

async function write(b: Borough, o: Op): Promise<void> {
	const db = ctx.handle.db;
	const now = nowIso();
	switch (o.t) {
		case 'attend':
		case 'unattend': {
			const pupilId = borough.pickOf(b.pupils, o.p);
			const s = await borough.ownSession(db, pupilId, o.s);
			if (!s) return;
			if (o.t === 'attend') return borough.attend(db, pupilId, s.id, o.present);
			return borough.unattend(db, pupilId, s.id);
		}
		case 'work': {
			const s = await borough.ownSession(db, borough.pickOf(b.pupils, o.p), o.s);
			if (s) await work(b, o.p, s, o.seed);
			return;
		}
		case 'unanswer':
			return borough.unanswer(db, borough.pickOf(b.pupils, o.p));
		case 'paper':
			return borough.markPaper(db, {
				pupilId: borough.pickOf(b.pupils, o.p),
				lessonId: borough.pickOf(borough.LESSONS, o.l).id,
				staff: b.staff,
				at: borough.pickOf(DAYS, o.d),
				on: o.on
			});
		case 'status':
			if (!b.sessions.length) return;
			await db
				.updateTable('class_sessions')
				.set({ status: o.status })
				.where('id', '=', borough.pickOf(b.sessions, o.s))
				.execute();
			return;
		case 'newSession':
			await newSession(
				b,
				o.c % CLASSES.length,
				o.l % borough.LESSONS.length,
				o.d % DAYS.length,
				'ended'
			);
			return;
		case 'move':
			// Anywhere: another class of the school, another school, another academic year.
			await db
				.updateTable('pupils')
				.set({ class_id: borough.pickOf(b.classes, o.c) })
				.where('id', '=', borough.pickOf(b.pupils, o.p))
				.execute();
			return;
		case 'leave':
			return borough.setArchived(db, 'pupils', borough.pickOf(b.pupils, o.p), o.on);
		case 'closeYear':
			await db
				.updateTable('classes')
				.set({ archived_at: now })
				.where('academic_year', '=', borough.YEARS[1])
				.execute();
			return;
		case 'archiveSchool':
			return borough.setArchived(db, 'schools', borough.pickOf(b.schools, o.c), o.on);
	}
}

// ——— the reports against it ———

const FILTERS: ReportFilter[] = [
	{},
	{ academicYear: borough.YEARS[0] },
	{ academicYear: borough.YEARS[1] },
	{ lessonId: 'two' },
	{ from: '2026-11-01', to: '2026-11-08' },
	{ academicYear: borough.YEARS[0], from: '2026-11-09' }
];

async function expectReportsAgree(b: Borough, note: string) {
	const raw = await readRaw();
	const open = raw.schools.filter((s) => s.archived_at === null).map((s) => s.id);
	for (const filter of FILTERS) {
		const want = reference(raw, filter);
		const at = `${note}, filter ${JSON.stringify(filter)}`;

		const dashboard = await boroughDashboard(filter, borough.LESSONS);
		expect(dashboard.totals, `borough, ${at}`).toEqual(want.figuresOf({}));
		expect(dashboard.byLesson, `borough by lesson, ${at}`).toEqual(
			want.lessons.map((l) => ({
				lessonId: l.id,
				title: l.title,
				...want.figuresOf({ lessonId: l.id })
			}))
		);
		expect(dashboard.byWeek, `borough by week, ${at}`).toEqual(want.weeks());
		expect(dashboard.bySchool.map((s) => s.schoolId).sort(), at).toEqual([...open].sort());
		for (const row of dashboard.bySchool) {
			const { reached, schoolId: _s, name: _n, ...rest } = row;
			const { reached: wantReached, ...wantRest } = want.figuresOf({ schoolId: row.schoolId });
			expect(rest, `borough, school ${row.schoolId}, ${at}`).toEqual(wantRest);
			if (!reached.suppressed) expect(reached.value, at).toBe(wantReached);
		}
		if (!filter.from && !filter.to) {
			// The kept totals themselves, before any figure is hidden.
			const kept = await boroughTallies(filter, borough.LESSONS);
			expect(kept.all.tally.reached, at).toBe(want.figuresOf({}).reached);
		}

		for (const { id: schoolId } of raw.schools) {
			const school = await schoolSummary(schoolId, filter, borough.LESSONS);
			expect(school.totals, `school ${schoolId}, ${at}`).toEqual(want.figuresOf({ schoolId }));
			for (const row of school.classes) {
				const { classId, name: _n, ...rest } = row;
				expect(rest, `school ${schoolId}, class ${classId}, ${at}`).toEqual(
					want.figuresOf({ classId })
				);
			}
			expect(school.byLesson, `school ${schoolId} by lesson, ${at}`).toEqual(
				want.lessons.map((l) => ({
					lessonId: l.id,
					title: l.title,
					...want.figuresOf({ schoolId, lessonId: l.id })
				}))
			);
		}
	}

	// The class report is not filtered: every lesson, every session of the class.
	const want = reference(raw, {});
	for (const c of raw.classes) {
		const report = await classReport(c.id, borough.LESSONS);
		const at = `${note}, class ${c.id}`;
		expect(report.totals, `class totals, ${at}`).toEqual(want.figuresOf({ classId: c.id }));
		expect(report.gain, `class gain, ${at}`).toEqual(
			borough.LESSONS.map((l) => ({
				lessonId: l.id,
				gain: want.figuresOf({ classId: c.id, lessonId: l.id }).gain
			}))
		);
		const onRoll = raw.pupils.filter((p) => p.class_id === c.id && p.archived_at === null);
		const grid = Object.fromEntries(report.grid.map((r) => [r.pupilId, r.lessons]));
		const wantGrid = Object.fromEntries(
			onRoll.map((p) => [
				p.id,
				Object.fromEntries(
					borough.LESSONS.map((l) => {
						const f = want.pair(p.id, l);
						const scored = l.questions.filter((q) => q.scored).length;
						const state =
							f.present && f.reachedEnd && f.answered >= scored
								? 'completed'
								: f.paper
									? 'paper'
									: f.opened || f.answered > 0
										? 'started'
										: 'not-started';
						return [l.id, { state, score: f.answered ? f.correct / scored : null }];
					})
				)
			])
		);
		expect(grid, `class grid, ${at}`).toEqual(wantGrid);
		// The pupil's own summary, home and certificate ask the same of progress.ts.
		const own = await lessonsCompletion(
			onRoll.map((p) => p.id),
			borough.LESSONS
		);
		for (const l of borough.LESSONS)
			for (const p of onRoll)
				expect(own.get(l.id)!.get(p.id), `pupil ${p.id}, ${l.id}, ${at}`).toEqual(
					wantGrid[p.id][l.id]
				);
		const had = borough.LESSONS.filter((l) =>
			raw.sessions.some((s) => s.class_id === c.id && s.lesson_id === l.id)
		);
		const wantCatchUp = had
			.map((l) => ({
				lessonId: l.id,
				pupils: onRoll
					.filter((p) => !want.completed(want.pair(p.id, l), l))
					.map((p) => p.id)
					.sort((x, y) => x - y)
			}))
			.filter((x) => x.pupils.length > 0);
		expect(
			report.catchUp.map((x) => ({
				lessonId: x.lessonId,
				pupils: x.pupils.map((p) => p.pupilId).sort((x, y) => x - y)
			})),
			`catch-up, ${at}`
		).toEqual(wantCatchUp);
		expect(
			report.sessions.map((s) => [s.sessionId, s.present, s.absent]),
			`attendance per session, ${at}`
		).toEqual(
			raw.sessions
				.filter((s) => s.class_id === c.id)
				.sort((x, y) =>
					x.created_at < y.created_at ? -1 : x.created_at > y.created_at ? 1 : x.id - y.id
				)
				.map((s) => {
					const marks = raw.attendance.filter((a) => a.session_id === s.id);
					return [
						s.id,
						marks.filter((a) => a.status === 'present').length,
						marks.filter((a) => a.status === 'absent').length
					];
				})
		);
	}
}

describe('every report’s figures', () => {
	afterEach(() => {
		useHandle(ctx.handle);
	});

	it('equal the plain definition after random writes, moves and a closed year', async () => {
		const first = ctx.handle;
		try {
			await fc.assert(
				fc.asyncProperty(
					fc.integer({ min: 1, max: 2 ** 31 - 1 }),
					fc.array(op, { maxLength: 25 }),
					async (seed, ops) => {
						const b = await newBorough(seed);
						try {
							// The kept totals are built first, so that every write reaches them as a change.
							await boroughTallies({}, borough.LESSONS);
							await boroughTallies({ academicYear: borough.YEARS[0] }, borough.LESSONS);
							for (const o of ops) await write(b, o);
							await expectReportsAgree(b, `seed ${seed}, after ${JSON.stringify(ops)}`);
						} finally {
							await ctx.handle.db.destroy();
						}
					}
				),
				{ numRuns: 30 }
			);
		} finally {
			ctx.handle = first;
		}
		// Thirty boroughs take ten to twenty seconds alone, longer beside other tests.
	}, 120_000);
});
