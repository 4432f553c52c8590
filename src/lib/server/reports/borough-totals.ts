// The borough dashboard's figures, kept up to date in memory instead of read afresh from
// every answer of the year on each request: a cache of the definition in figures.ts, never a
// second one.
//
// Each pupil's facts (report-facts.ts `buildPairs` and `answerFacts`, as every report reads
// them) are held once as their contributions (figures.ts `contribution`), and each
// session's (its lesson, week, and whether it was delivered); the contributions are summed
// per class and lesson with figures.ts `addSums` and `distinctOf`, and figures.ts
// `figuresOf` makes the figures. A pupil's facts count under the class they are in now,
// wherever they did the work, exactly as the class and school reports count them (a pupil
// moved to a class of another academic year takes their work to that year). Each filter
// asked for (academic year, lesson) keeps a view: those class sums added up by school, by
// lesson and for the borough. The database records which pupils, sessions, classes and
// schools changed (triggers, migration 006). A request first works out just those again
// from the tables; each class they touch is taken out of every view, brought up to date,
// and put back. So a request costs what changed, not the size of the borough. The first
// request after a start (or after a lesson file changes) builds everything, as a report
// worked out from the tables would. tests/integration/figures-property.test.ts holds it,
// and the reports, to a plain definition after random writes.
//
// A date range needs each session's date against each answer, so reports.ts answers a
// dashboard with dates from `loadFacts` (report-facts.ts) instead: the same facts and the same
// definition, read for that filter.
import { getDb, getHandle, nowIso, type Handle } from '../platform';
import type { Lesson } from '../lessons';
import {
	addSums,
	contribution,
	distinctOf,
	DISTINCT,
	emptyTally,
	figuresOf,
	type Contribution,
	type Distinct,
	type Figures,
	type GroupTally,
	type LessonFigures,
	type Tally
} from './figures';
import {
	answerFacts,
	answerFactsOfPupils,
	buildPairs,
	closesLater,
	isDelivered,
	isoWeek,
	type PupilFact,
	type PupilRows
} from './facts';

export interface TotalsFilter {
	academicYear?: string;
	lessonId?: string;
}

export interface BoroughTotals {
	/** Schools not archived, by name. */
	schools: SchoolInfo[];
	totals: Figures;
	/** Every school not archived, by id (a school with nothing yet has zeros). */
	bySchool: Map<number, Figures>;
	byLesson: LessonFigures[];
	byWeek: { week: string; sessions: number; pupilsReached: number }[];
	/** When a figure changes by the clock alone (a self-paced session in the lobby closes). */
	expires: string | null;
}

// ——— what is kept ———

interface PairKept {
	lessonId: string;
	c: Contribution;
	/** ISO weeks of the sessions the pupil was present in, for this lesson. */
	weeks: string[];
}

interface PupilKept {
	classId: number;
	archived: boolean;
	pairs: PairKept[];
}

interface SessionKept {
	classId: number;
	lessonId: string;
	week: string;
	delivered: boolean;
	/** Set while a self-paced session waits in the lobby: it reads as ended from then. */
	closes: string | null;
}

interface LessonCell {
	/** Sums of the class's pairs for one lesson; distinct pupils are simply pairs here. */
	tally: Tally;
	/** Pupils present, by week. */
	weeks: Map<string, number>;
	sessions: number;
	sessionWeeks: Map<string, number>;
}

interface ClassKept {
	/** Pupils not archived. */
	roll: number;
	lessons: Map<string, LessonCell>;
	/** Distinct pupils across all lessons. */
	distinct: Distinct;
	/** Distinct pupils present, by week, across all lessons. */
	weeks: Map<string, number>;
}

interface ClassInfo {
	schoolId: number;
	academicYear: string;
}

export interface SchoolInfo {
	id: number;
	name: string;
}

/** One filter's sums: the classes it covers, added up. */
interface View {
	filter: TotalsFilter;
	inPlay: Lesson[];
	all: GroupTally;
	/** Schools not archived. */
	bySchool: Map<number, GroupTally>;
	byLesson: Map<string, GroupTally>;
	pupilWeeks: Map<string, number>;
	sessionWeeks: Map<string, number>;
	/** Figures of the schools unchanged since they were last worked out. */
	schoolFigures: Map<number, Figures>;
}

interface State {
	handle: Handle;
	lessons: Lesson[];
	lessonIds: Set<string>;
	/** The last change applied (report_changes.seq). */
	seq: number;
	pupils: Map<number, PupilKept>;
	sessions: Map<number, SessionKept>;
	classes: Map<number, ClassKept>;
	classInfo: Map<number, ClassInfo>;
	/** Schools not archived, by name. */
	schools: SchoolInfo[];
	views: Map<string, View>;
	/** Sessions waiting in the lobby until a closing time, and when. */
	closing: Map<number, string>;
	/** One refresh at a time: each waits for the one before. */
	queue: Promise<unknown>;
}

const states = new WeakMap<Handle, State>();

// ——— keeping sums ———

function bump(map: Map<string, number>, key: string, by: number): void {
	const next = (map.get(key) ?? 0) + by;
	if (next === 0) map.delete(key);
	else map.set(key, next);
}

function classKept(state: State, classId: number): ClassKept {
	let kept = state.classes.get(classId);
	if (!kept) {
		kept = {
			roll: 0,
			lessons: new Map(),
			distinct: { reached: 0, marked: 0, completionPupils: 0, scorePupils: 0, gainPupils: 0 },
			weeks: new Map()
		};
		state.classes.set(classId, kept);
	}
	return kept;
}

function lessonCell(kept: ClassKept, lessonId: string): LessonCell {
	let cell = kept.lessons.get(lessonId);
	if (!cell) {
		cell = { tally: emptyTally(), weeks: new Map(), sessions: 0, sessionWeeks: new Map() };
		kept.lessons.set(lessonId, cell);
	}
	return cell;
}

/** Adds a pupil's sums to their class (`sign` −1 takes them away). */
function applyPupil(state: State, pupil: PupilKept, sign: 1 | -1): void {
	const kept = classKept(state, pupil.classId);
	if (!pupil.archived) kept.roll += sign;
	const any: Distinct = {
		reached: 0,
		marked: 0,
		completionPupils: 0,
		scorePupils: 0,
		gainPupils: 0
	};
	const weeks = new Set<string>();
	for (const pair of pupil.pairs) {
		const cell = lessonCell(kept, pair.lessonId);
		addSums(cell.tally, pair.lessonId, pair.c, sign);
		const one = distinctOf(pair.c);
		for (const key of DISTINCT) {
			cell.tally[key] += sign * one[key];
			any[key] ||= one[key];
		}
		for (const week of pair.weeks) {
			bump(cell.weeks, week, sign);
			weeks.add(week);
		}
	}
	for (const key of DISTINCT) kept.distinct[key] += sign * any[key];
	for (const week of weeks) bump(kept.weeks, week, sign);
}

function applySession(state: State, session: SessionKept, sign: 1 | -1): void {
	if (!session.delivered || !state.lessonIds.has(session.lessonId)) return;
	const cell = lessonCell(classKept(state, session.classId), session.lessonId);
	cell.sessions += sign;
	bump(cell.sessionWeeks, session.week, sign);
}

// ——— reading from the tables ———

const CHUNK = 500;
/** Up to this many pupils, answers are read row by row (report-facts.ts answerFactsOfPupils). */
const FEW = 50;

function chunks<T>(items: T[]): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
	return out;
}

/** Sessions as the reports see them; `ids` undefined reads them all. */
async function readSessions(ids: number[] | undefined): Promise<Map<number, SessionKept>> {
	const db = getDb();
	const out = new Map<number, SessionKept>();
	for (const some of ids ? chunks(ids) : [undefined]) {
		const [rows, present] = await Promise.all([
			db
				.selectFrom('class_sessions')
				.select(['id', 'class_id', 'lesson_id', 'status', 'mode', 'closes_at', 'created_at'])
				.$if(some !== undefined, (qb) => qb.where('id', 'in', some!))
				.execute(),
			db
				.selectFrom('attendance')
				.select((eb) => ['session_id', eb.fn.countAll<number>().as('n')])
				.where('status', '=', 'present')
				.$if(some !== undefined, (qb) => qb.where('session_id', 'in', some!))
				.groupBy('session_id')
				.execute()
		]);
		const presentOf = new Map(present.map((p) => [p.session_id, Number(p.n)]));
		const clock = new Date();
		const now = clock.toISOString();
		for (const s of rows)
			out.set(s.id, {
				classId: s.class_id,
				lessonId: s.lesson_id,
				week: isoWeek(s.created_at),
				delivered: isDelivered(s, presentOf.get(s.id) ?? 0, clock),
				closes: closesLater(s, now)
			});
	}
	return out;
}

/**
 * Pupils' facts, read by pupil as the kept totals need them (`ids` undefined reads them all)
 * and combined by report-facts.ts `buildPairs`, as every report combines them.
 */
async function readPupils(
	state: State,
	ids: number[] | undefined,
	sessionOf: (id: number) => SessionKept | undefined
): Promise<Map<number, PupilKept>> {
	const db = getDb();
	const out = new Map<number, PupilKept>();
	for (const some of ids ? chunks(ids) : [undefined]) {
		const only = some !== undefined;
		const [pupilRows, attendance, ends, answers, paper] = await Promise.all([
			db
				.selectFrom('pupils')
				.select(['id', 'class_id', 'archived_at'])
				.$if(only, (qb) => qb.where('id', 'in', some!))
				.execute(),
			db
				.selectFrom('attendance')
				.select(['session_id', 'pupil_id', 'status'])
				.$if(only, (qb) => qb.where('pupil_id', 'in', some!))
				.execute(),
			db
				.selectFrom('progress')
				.select(['pupil_id', 'lesson_id'])
				.where('reached_end', '=', 1)
				.$if(only, (qb) => qb.where('pupil_id', 'in', some!))
				.execute(),
			// A handful of changed pupils: their answers row by row; more, or all, in aggregate.
			some && some.length <= FEW
				? answerFactsOfPupils(state.lessons, some)
				: answerFacts(state.lessons, some, undefined),
			db
				.selectFrom('paper_completions')
				.select(['pupil_id', 'lesson_id'])
				.$if(only, (qb) => qb.where('pupil_id', 'in', some!))
				.execute()
		]);
		// Sums are kept by the pupil's class as it is now (the school and academic year are
		// the class's), with everything the pupil did in any session: the definition of
		// figures.ts, as loadFacts reads it for a class or school report.
		const facts = new Map<number, PupilFact>(
			pupilRows.map((p) => [
				p.id,
				{ classId: p.class_id, schoolId: 0, archived: p.archived_at !== null }
			])
		);
		const rows: PupilRows = { attendance, ends, answers, paper };
		const pairs = buildPairs(facts, state.lessons, sessionOf, rows);
		const weeks = new Map<string, Set<string>>();
		for (const a of attendance) {
			const s = a.status === 'present' ? sessionOf(a.session_id) : undefined;
			if (!s || !state.lessonIds.has(s.lessonId) || !facts.has(a.pupil_id)) continue;
			const key = `${a.pupil_id}\n${s.lessonId}`;
			let set = weeks.get(key);
			if (!set) weeks.set(key, (set = new Set()));
			set.add(s.week);
		}
		for (const [id, p] of facts)
			out.set(id, { classId: p.classId, archived: p.archived, pairs: [] });
		for (const [lessonId, ofLesson] of pairs)
			for (const [pupilId, fact] of ofLesson)
				out.get(pupilId)!.pairs.push({
					lessonId,
					c: contribution(fact),
					weeks: [...(weeks.get(`${pupilId}\n${lessonId}`) ?? [])]
				});
	}
	return out;
}

async function lastSeq(): Promise<number> {
	const row = await getDb()
		.selectFrom('report_changes')
		.select((eb) => eb.fn.max('seq').as('seq'))
		.executeTakeFirst();
	return Number(row?.seq ?? 0);
}

/** Classes and schools: which school, which year, and schools' names. */
async function readPlaces(state: State): Promise<void> {
	const db = getDb();
	const [classes, schools] = await Promise.all([
		db.selectFrom('classes').select(['id', 'school_id', 'academic_year']).execute(),
		db
			.selectFrom('schools')
			.select(['id', 'name'])
			.where('archived_at', 'is', null)
			.orderBy('name')
			.execute()
	]);
	state.classInfo = new Map(
		classes.map((c) => [c.id, { schoolId: c.school_id, academicYear: c.academic_year }])
	);
	state.schools = schools;
	// Which classes and schools each view covers may have changed: views start again.
	state.views.clear();
}

async function build(handle: Handle, lessons: Lesson[]): Promise<State> {
	const state: State = {
		handle,
		lessons,
		lessonIds: new Set(lessons.map((l) => l.id)),
		// Read first: whatever is written while building is looked at again next time.
		seq: await lastSeq(),
		pupils: new Map(),
		sessions: new Map(),
		classes: new Map(),
		classInfo: new Map(),
		schools: [],
		views: new Map(),
		closing: new Map(),
		queue: Promise.resolve()
	};
	await readPlaces(state);
	state.sessions = await readSessions(undefined);
	for (const [id, s] of state.sessions) {
		applySession(state, s, 1);
		if (s.closes !== null) state.closing.set(id, s.closes);
	}
	state.pupils = await readPupils(state, undefined, (id) => state.sessions.get(id));
	for (const p of state.pupils.values()) applyPupil(state, p, 1);
	return state;
}

/** Replaces what is kept for `id`, taking its old sums away and adding the new. */
function swap<T>(
	kept: Map<number, T>,
	id: number,
	after: T | undefined,
	apply: (value: T, sign: 1 | -1) => void
): void {
	const before = kept.get(id);
	if (before) apply(before, -1);
	if (after) {
		apply(after, 1);
		kept.set(id, after);
	} else kept.delete(id);
}

/** Brings the sums up to date with what changed since the last look. */
async function refresh(state: State): Promise<void> {
	const changes = await getDb()
		.selectFrom('report_changes')
		.select(['subject', 'seq'])
		.where('seq', '>', state.seq)
		.execute();
	const dirtySessions = new Set<number>();
	const dirtyPupils = new Set<number>();
	let places = false;
	let seq = state.seq;
	for (const c of changes) {
		seq = Math.max(seq, Number(c.seq));
		if (c.subject === 'places') places = true;
		else if (c.subject[0] === 's') dirtySessions.add(Number(c.subject.slice(1)));
		else dirtyPupils.add(Number(c.subject.slice(1)));
	}
	const now = nowIso();
	for (const [id, closes] of state.closing) if (closes <= now) dirtySessions.add(id);
	if (places) await readPlaces(state);

	// Everything is read before anything is changed, so that no view is left half done.
	const freshSessions = dirtySessions.size ? await readSessions([...dirtySessions]) : new Map();
	// A session that starts or stops counting as delivered changes its pupils' marks.
	const turned = [...dirtySessions].filter((id) => {
		const before = state.sessions.get(id);
		const after = freshSessions.get(id);
		return (
			before?.delivered !== after?.delivered ||
			before?.lessonId !== after?.lessonId ||
			before?.week !== after?.week
		);
	});
	for (const some of chunks(turned)) {
		const rows = await getDb()
			.selectFrom('attendance')
			.select('pupil_id')
			.where('session_id', 'in', some)
			.execute();
		for (const r of rows) dirtyPupils.add(r.pupil_id);
	}
	const sessionOf = (id: number) =>
		dirtySessions.has(id) ? freshSessions.get(id) : state.sessions.get(id);
	const freshPupils = dirtyPupils.size
		? await readPupils(state, [...dirtyPupils], sessionOf)
		: new Map<number, PupilKept>();

	const touched = new Set<number>();
	for (const id of dirtySessions) {
		for (const s of [state.sessions.get(id), freshSessions.get(id)]) if (s) touched.add(s.classId);
	}
	for (const id of dirtyPupils) {
		for (const p of [state.pupils.get(id), freshPupils.get(id)]) if (p) touched.add(p.classId);
	}
	for (const view of state.views.values()) for (const c of touched) contribute(state, view, c, -1);
	for (const id of dirtySessions) {
		const after = freshSessions.get(id);
		swap(state.sessions, id, after, (s, sign) => applySession(state, s, sign));
		if (after?.closes) state.closing.set(id, after.closes);
		else state.closing.delete(id);
	}
	for (const id of dirtyPupils)
		swap(state.pupils, id, freshPupils.get(id), (p, sign) => applyPupil(state, p, sign));
	for (const view of state.views.values()) for (const c of touched) contribute(state, view, c, 1);
	state.seq = seq;
}

function sameLessons(a: Lesson[], b: Lesson[]): boolean {
	return a.length === b.length && a.every((l, i) => l === b[i]);
}

const building = new WeakMap<Handle, { lessons: Lesson[]; state: Promise<State> }>();

/** Brings `state` up to date, one refresh at a time. */
async function refreshed(state: State): Promise<State> {
	const step = state.queue.then(() => refresh(state));
	state.queue = step.catch(() => {
		// Whatever went wrong, sums that may be half brought up to date are not trusted:
		// the next request builds them again.
		if (states.get(state.handle) === state) states.delete(state.handle);
	});
	await step;
	return state;
}

/** The kept sums for this database and these lessons, up to date. */
async function current(lessons: Lesson[]): Promise<State> {
	const handle = getHandle();
	const kept = states.get(handle);
	if (kept && sameLessons(kept.lessons, lessons)) return refreshed(kept);
	// Requests that arrive during a build wait for it rather than start their own.
	let pending = building.get(handle);
	if (!pending || !sameLessons(pending.lessons, lessons)) {
		const mine = { lessons, state: build(handle, lessons) };
		building.set(handle, mine);
		mine.state.then(
			(state) => {
				if (building.get(handle) !== mine) return;
				building.delete(handle);
				states.set(handle, state);
			},
			() => {
				if (building.get(handle) === mine) building.delete(handle);
			}
		);
		pending = mine;
	}
	// Writes made while it was built are looked at now.
	return refreshed(await pending.state);
}

/** Builds the sums ahead of the first request, e.g. just after the server starts. */
export async function prepareBoroughTotals(lessons: Lesson[]): Promise<void> {
	await current(lessons);
}

// ——— adding up ———

function addTally(into: Tally, from: Tally, sign: 1 | -1): void {
	into.marks += sign * from.marks;
	into.presentMarks += sign * from.presentMarks;
	into.eligible += sign * from.eligible;
	into.completed += sign * from.completed;
	into.scoreCount += sign * from.scoreCount;
	into.gainPairs += sign * from.gainPairs;
	into.before += sign * from.before;
	into.after += sign * from.after;
	for (const [key, right] of from.correct) bump(into.correct, key, sign * right);
}

function addDistinct(into: Tally, from: Distinct, sign: 1 | -1): void {
	for (const key of DISTINCT) into[key] += sign * from[key];
}

function addWeeks(into: Map<string, number>, from: Map<string, number>, sign: 1 | -1): void {
	for (const [week, n] of from) bump(into, week, sign * n);
}

const newGroup = (): GroupTally => ({ tally: emptyTally(), roll: 0, sessions: 0 });

/**
 * Adds one class to a view (`sign` −1 takes it out). Sessions count wherever they were
 * taught; pupils while their school is open, their class archived or not (a closed year
 * keeps its figures), as report-facts.ts counts.
 */
function contribute(state: State, view: View, classId: number, sign: 1 | -1): void {
	const info = state.classInfo.get(classId);
	const kept = state.classes.get(classId);
	if (!info || !kept) return;
	if (view.filter.academicYear && info.academicYear !== view.filter.academicYear) return;
	const school = view.bySchool.get(info.schoolId);
	view.schoolFigures.delete(info.schoolId);
	for (const l of view.inPlay) {
		const cell = kept.lessons.get(l.id);
		if (!cell) continue;
		view.all.sessions += sign * cell.sessions;
		if (school) school.sessions += sign * cell.sessions;
		view.byLesson.get(l.id)!.sessions += sign * cell.sessions;
		addWeeks(view.sessionWeeks, cell.sessionWeeks, sign);
	}
	if (!school) return;
	view.all.roll += sign * kept.roll;
	school.roll += sign * kept.roll;
	for (const l of view.inPlay) {
		const cell = kept.lessons.get(l.id);
		if (!cell) continue;
		const lesson = view.byLesson.get(l.id)!;
		addTally(view.all.tally, cell.tally, sign);
		addTally(school.tally, cell.tally, sign);
		addTally(lesson.tally, cell.tally, sign);
		addDistinct(lesson.tally, cell.tally, sign);
		// With one lesson, its pairs are its pupils.
		if (view.filter.lessonId) {
			addDistinct(view.all.tally, cell.tally, sign);
			addDistinct(school.tally, cell.tally, sign);
			addWeeks(view.pupilWeeks, cell.weeks, sign);
		}
	}
	if (!view.filter.lessonId) {
		addDistinct(view.all.tally, kept.distinct, sign);
		addDistinct(school.tally, kept.distinct, sign);
		addWeeks(view.pupilWeeks, kept.weeks, sign);
	}
}

const MAX_VIEWS = 16;

/** The view of a filter, made on first use from the class sums. */
function viewOf(state: State, filter: TotalsFilter): View {
	const key = JSON.stringify([filter.academicYear ?? '', filter.lessonId ?? '']);
	let view = state.views.get(key);
	if (view) {
		// Most recently used last, so the oldest goes first.
		state.views.delete(key);
		state.views.set(key, view);
		return view;
	}
	const inPlay = state.lessons.filter((l) => !filter.lessonId || l.id === filter.lessonId);
	view = {
		filter: { academicYear: filter.academicYear, lessonId: filter.lessonId },
		inPlay,
		all: newGroup(),
		bySchool: new Map(state.schools.map((s) => [s.id, newGroup()])),
		byLesson: new Map(inPlay.map((l) => [l.id, newGroup()])),
		pupilWeeks: new Map(),
		sessionWeeks: new Map(),
		schoolFigures: new Map()
	};
	for (const classId of state.classInfo.keys()) contribute(state, view, classId, 1);
	state.views.set(key, view);
	if (state.views.size > MAX_VIEWS) state.views.delete(state.views.keys().next().value!);
	return view;
}

function byWeekOf(view: View): BoroughTotals['byWeek'] {
	const weeks = [...new Set([...view.pupilWeeks.keys(), ...view.sessionWeeks.keys()])].sort();
	return weeks.map((week) => ({
		week,
		sessions: view.sessionWeeks.get(week) ?? 0,
		pupilsReached: view.pupilWeeks.get(week) ?? 0
	}));
}

function expiresOf(state: State): string | null {
	let expires: string | null = null;
	for (const closes of state.closing.values())
		if (expires === null || closes < expires) expires = closes;
	return expires;
}

export async function boroughTotals(
	filter: TotalsFilter,
	lessons: Lesson[]
): Promise<BoroughTotals> {
	const state = await current(lessons);
	const view = viewOf(state, filter);
	const figuresOfGroup = (g: GroupTally, roll = g.roll) =>
		figuresOf(g.tally, roll, g.sessions, view.inPlay);
	const bySchool = new Map<number, Figures>();
	for (const [id, g] of view.bySchool) {
		let f = view.schoolFigures.get(id);
		if (!f) view.schoolFigures.set(id, (f = figuresOfGroup(g)));
		bySchool.set(id, f);
	}
	return {
		schools: state.schools,
		totals: figuresOfGroup(view.all),
		bySchool,
		byLesson: view.inPlay.map((l) => ({
			lessonId: l.id,
			title: l.title,
			// Every pupil on roll is in scope of every lesson.
			...figuresOfGroup(view.byLesson.get(l.id)!, view.all.roll)
		})),
		byWeek: byWeekOf(view),
		expires: expiresOf(state)
	};
}

/** What the borough's figures are made of, before disclosure control (a copy). */
export interface BoroughTallies {
	all: GroupTally;
	bySchool: Map<number, GroupTally>;
	byLesson: Map<string, GroupTally>;
	byWeek: BoroughTotals['byWeek'];
	expires: string | null;
}

export async function boroughTallies(
	filter: TotalsFilter,
	lessons: Lesson[]
): Promise<BoroughTallies> {
	const state = await current(lessons);
	const view = viewOf(state, filter);
	const copy = (g: GroupTally, roll = g.roll): GroupTally => ({
		tally: { ...g.tally, correct: new Map(g.tally.correct) },
		roll,
		sessions: g.sessions
	});
	return {
		all: copy(view.all),
		bySchool: new Map([...view.bySchool].map(([id, g]) => [id, copy(g)])),
		byLesson: new Map([...view.byLesson].map(([id, g]) => [id, copy(g, view.all.roll)])),
		byWeek: byWeekOf(view),
		expires: expiresOf(state)
	};
}
