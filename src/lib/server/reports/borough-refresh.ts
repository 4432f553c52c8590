// Building the borough's kept totals (borough-kept.ts) from the tables, and bringing them up
// to date from report_changes (triggers, migration 006): a request first works out again just
// the pupils, sessions, classes and schools that changed; each class they touch is taken out
// of every view, brought up to date, and put back. One refresh at a time per database; the
// first request after a start (or after a lesson file changes) builds everything. Apart from
// what is kept because it is the part that reads the database.
import { getDb, getHandle, nowIso, type Handle } from '../platform';
import type { Lesson } from '../lessons';
import { contribution } from './figures';
import { answerFacts, answerFactsOfPupils } from './answer-facts';
import { buildPairs, type PupilRows } from './pupil-pairs';
import { closesLater, isDelivered, isoWeek, type PupilFact } from './scope';
import {
	applyPupil,
	applySession,
	type PupilKept,
	type SessionKept,
	type State
} from './borough-kept';
import { contribute } from './borough-views';

/** The kept state of each database. */
const states = new WeakMap<Handle, State>();

// ——— reading from the tables ———

const CHUNK = 500;
/** Up to this many pupils, answers are read row by row (answer-facts.ts answerFactsOfPupils). */
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
 * and combined by pupil-pairs.ts `buildPairs`, as every report combines them.
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
export async function current(lessons: Lesson[]): Promise<State> {
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
