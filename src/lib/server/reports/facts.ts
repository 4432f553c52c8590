// Reading the facts every figure is made of (figures.ts defines the figures): each pupil's
// facts for each lesson (present, marked, reached the end, answered, right, on paper, before
// and after) and each session's (delivered or not). The class and school reports, a
// date-filtered dashboard, the class grid, the pupil's summary and certificate load them
// here on each request; the borough dashboard keeps the same facts up to date in memory
// (borough-totals.ts), built with `answerFacts` and `buildPairs` below. Answers are
// aggregated in SQL; pupil × lesson facts are combined in TypeScript.
import { sql } from 'kysely';
import { getDb } from '../platform';
import type { ClassSession } from '../platform';
import { effectiveStatus, revisionsByHash, revisionsOfLessons } from '../teaching';
import {
	figuresOf,
	noFacts,
	tallyPairs,
	type Figures,
	type GroupTally,
	type LessonFigures,
	type PupilLessonFact
} from './figures';
import type { Lesson } from '../lessons';

export interface ReportFilter {
	academicYear?: string;
	/** ISO date `YYYY-MM-DD`, inclusive, on the session's creation date. */
	from?: string;
	to?: string;
	lessonId?: string;
}

// ——— facts ———

/** Whose facts: a class's pupils, a school's, exactly these pupils, or (none) the borough's. */
export interface Scope {
	classId?: number;
	schoolId?: number;
	/** Wherever they are now, archived or not: a pupil's own summary and certificate. */
	pupilIds?: readonly number[];
}

export interface SessionFact {
	id: number;
	classId: number;
	schoolId: number;
	lessonId: string;
	createdAt: string;
	delivered: boolean;
}

export interface PupilFact {
	classId: number;
	schoolId: number;
	archived: boolean;
}

export interface Facts {
	pupils: Map<number, PupilFact>;
	/** Sessions of the scope and filter (its class's, school's, year's): what counts as delivered. */
	sessions: SessionFact[];
	/** By lesson id, then pupil id. */
	pairs: Map<string, Map<number, PupilLessonFact>>;
	/** Present marks of the scope's pupils, in any session the filter keeps, with its ISO week. */
	present: { week: string; pupilId: number }[];
	/** `lesson\npupil` for every pair where the pupil opened the lesson (when asked for). */
	opened: Set<string>;
	/** With the detail: every answer of the scope's pupils and in its own sessions. */
	answerRows: AnswerRow[];
	/** With the detail: present and absent marks of each session read. */
	marks: Map<number, { present: number; absent: number }>;
	lessons: Map<string, Lesson>;
	/** When a figure changes by the clock alone (a self-paced session in the lobby closes). */
	expires: string | null;
	/** Pairs and sessions indexed once by `all`, `c:<class>`, `s:<school>`, `l:<lesson>`. */
	index: Map<string, { pairs: PupilLessonFact[]; sessions: SessionFact[]; roll: number }>;
}

/** Which group of facts a figure is about. */
export type Group =
	{ all: true } | { classId: number } | { schoolId: number } | { lessonId: string };

function groupKey(pick: Group): string {
	if ('classId' in pick) return `c:${pick.classId}`;
	if ('schoolId' in pick) return `s:${pick.schoolId}`;
	if ('lessonId' in pick) return `l:${pick.lessonId}`;
	return 'all';
}

function buildIndex(facts: Omit<Facts, 'index'>): Facts['index'] {
	const index: Facts['index'] = new Map();
	const entry = (key: string) => {
		let e = index.get(key);
		if (!e) index.set(key, (e = { pairs: [], sessions: [], roll: 0 }));
		return e;
	};
	entry('all');
	for (const p of facts.pupils.values()) {
		if (p.archived) continue;
		entry('all').roll++;
		entry(`c:${p.classId}`).roll++;
		entry(`s:${p.schoolId}`).roll++;
	}
	const all = entry('all').pairs;
	for (const [lessonId, ofLesson] of facts.pairs) {
		const byLesson = entry(`l:${lessonId}`).pairs;
		for (const f of ofLesson.values()) {
			all.push(f);
			byLesson.push(f);
			entry(`c:${f.classId}`).pairs.push(f);
			entry(`s:${f.schoolId}`).pairs.push(f);
		}
	}
	for (const s of facts.sessions) {
		if (!facts.lessons.has(s.lessonId)) continue;
		for (const key of ['all', `c:${s.classId}`, `s:${s.schoolId}`, `l:${s.lessonId}`])
			entry(key).sessions.push(s);
	}
	// Every pupil on roll is in scope of every lesson.
	for (const lessonId of facts.lessons.keys()) entry(`l:${lessonId}`).roll = entry('all').roll;
	return index;
}

/** Sessions the filter keeps by their lesson and dates, of any class. */
function sessionsInDates(filter: ReportFilter) {
	let q = getDb().selectFrom('class_sessions as s').select('s.id');
	if (filter.lessonId) q = q.where('s.lesson_id', '=', filter.lessonId);
	if (filter.from) q = q.where('s.created_at', '>=', filter.from);
	if (filter.to) q = q.where('s.created_at', '<=', `${filter.to}T23:59:59.999Z`);
	return q;
}

/**
 * The pupils a report counts: those whose class now is in the scope and the filter's year. A
 * class archived when its academic year closed still counts in that year's figures (its
 * pupils were on roll that year), so closing a year changes no figure. The borough leaves out
 * an archived school's pupils; a class or school report of that school still has them.
 */
function scopedPupils(scope: Scope, filter: ReportFilter) {
	const db = getDb();
	let q = db.selectFrom('pupils as p').innerJoin('classes as c', 'c.id', 'p.class_id');
	if (scope.pupilIds) return q.where('p.id', 'in', scope.pupilIds);
	if (scope.classId !== undefined) q = q.where('p.class_id', '=', scope.classId);
	if (scope.schoolId !== undefined) q = q.where('c.school_id', '=', scope.schoolId);
	if (scope.classId === undefined && scope.schoolId === undefined)
		q = q.where(
			'c.school_id',
			'in',
			db.selectFrom('schools').select('id').where('archived_at', 'is', null)
		);
	if (filter.academicYear) q = q.where('c.academic_year', '=', filter.academicYear);
	return q;
}
/**
 * Questions per pass over the answers. Each answer adds its question's bit to one of four
 * sets (after, after and right, before, before and right), packed side by side into one
 * sum: 4 × 13 = 52 bits, an exact integer in a double, SQLite and PostgreSQL alike.
 */
const MASK_BITS = 13;
const SET = 2 ** MASK_BITS;

function bitCount(n: number): number {
	let count = 0;
	for (let rest = n; rest; rest &= rest - 1) count++;
	return count;
}

export interface AnswerFact {
	pupilId: number;
	lessonId: string;
	/** Scored questions in the revision the pupil's answers count against. */
	scored: number;
	answered: number;
	correct: number;
	gainPairs: number;
	gainBefore: number;
	gainAfter: number;
}

/**
 * Each pupil's answers to each lesson's scored questions, one row per pupil and lesson, in
 * one pass over an index (migration 005): which questions they answered before and after
 * the lesson and which of those were right, as sets of one bit per question. A pupil
 * answers a question once per phase, so each sum is a set. The revision of the lesson that
 * the pupil's first session of it ran decides which questions count (lesson-revisions.ts), so
 * revising a lesson leaves earlier figures as they were. Main
 * answers count only in `sessionIds` when given; a knowledge-check answer pairs with a
 * main answer wherever it was given, as before.
 */
export async function answerFacts(
	lessons: Lesson[],
	pupilIds: PupilIds | readonly number[] | undefined,
	sessionIds: ReturnType<typeof sessionsInDates> | undefined
): Promise<AnswerFact[]> {
	return answerFactsBy(lessons, revisionsOfLessons(lessons), (chunks) =>
		sumAnswers(chunks, pupilIds, sessionIds)
	);
}

/** An answer as the class report reads it: every column the figures and questions need. */
export interface AnswerRow {
	session_id: number;
	pupil_id: number;
	lesson_id: string;
	question_id: string;
	phase: 'pre' | 'main';
	selected: string;
	correct: number | null;
	counts: number;
}

/**
 * The same facts from answers already read (the class report reads its answers once, for
 * these and for its questions): the very sums the SQL of `answerFacts` makes, row by row.
 */
async function answerFactsOfRows(
	lessons: Lesson[],
	rows: readonly AnswerRow[],
	counted: (row: AnswerRow) => boolean
): Promise<AnswerFact[]> {
	return answerFactsBy(lessons, revisionsOfRows(lessons, rows), async (chunks) => {
		const bitOf = new Map<string, number>();
		for (const c of chunks) c.chunk.forEach((id, i) => bitOf.set(`${c.lessonId}\n${id}`, 2 ** i));
		const inPass = new Set(chunks.map((c) => c.lessonId));
		const sums = new Map<string, PassRow>();
		for (const x of rows) {
			if (x.counts !== 1 || !inPass.has(x.lesson_id) || !counted(x)) continue;
			const key = `${x.lesson_id}\n${x.pupil_id}`;
			let sum = sums.get(key);
			if (!sum) {
				sum = {
					lesson_id: x.lesson_id,
					pupil_id: x.pupil_id,
					sets: 0,
					first_session: x.session_id
				};
				sums.set(key, sum);
			}
			sum.first_session = Math.min(sum.first_session, x.session_id);
			const bit = bitOf.get(`${x.lesson_id}\n${x.question_id}`) ?? 0;
			const set = x.phase === 'main' ? 1 : SET * SET;
			sum.sets = (sum.sets ?? 0) + bit * set * (x.correct === 1 ? 1 + SET : 1);
		}
		return [...sums.values()];
	});
}

/**
 * The revisions the sessions of these answers ran, as `revisionsOfLessons` finds them for
 * every session of the lessons, but asking only about these answers' sessions.
 */
async function revisionsOfRows(
	lessons: Lesson[],
	rows: readonly AnswerRow[]
): Promise<Awaited<ReturnType<typeof revisionsOfLessons>>> {
	const ids = [...new Set(rows.map((r) => r.session_id))];
	const sessions = [];
	for (let i = 0; i < ids.length; i += 500)
		sessions.push(
			...(await getDb()
				.selectFrom('class_sessions')
				.select(['id', 'lesson_hash'])
				.where('id', 'in', ids.slice(i, i + 500))
				.execute())
		);
	const sessionHash = new Map(sessions.map((s) => [s.id, s.lesson_hash]));
	const byHash = await revisionsByHash([...lessons.map((l) => l.hash), ...sessionHash.values()]);
	return { sessionHash, byHash };
}

/**
 * A few pupils' answer facts, from their answers read row by row: for a handful of pupils
 * this is cheaper than the aggregate, which looks up the revision of every session of the
 * lessons (the borough's kept totals, bringing a changed pupil up to date).
 */
export async function answerFactsOfPupils(
	lessons: Lesson[],
	pupilIds: readonly number[]
): Promise<AnswerFact[]> {
	const rows = await readAnswerRows(
		{ pupilIds },
		{},
		pupilIds,
		lessons.map((l) => l.id)
	);
	return answerFactsOfRows(lessons, rows, () => true);
}

/** One pass's questions of one lesson, a bit each in the order given. */
type Chunk = { lessonId: string; chunk: string[] };

/** A pupil's answers to one lesson in one pass: the four sets summed, and their first session. */
interface PassRow {
	lesson_id: string;
	pupil_id: number;
	sets: number | null;
	first_session: number;
}

/** The answers' sums of one pass, added up in SQL over the index. */
async function sumAnswers(
	chunks: Chunk[],
	pupilIds: PupilIds | readonly number[] | undefined,
	sessionIds: ReturnType<typeof sessionsInDates> | undefined
): Promise<PassRow[]> {
	const bit = sql<number>`case ${sql.ref('x.lesson_id')} ${sql.join(
		chunks.map(
			(c) =>
				sql`when ${c.lessonId} then case ${sql.ref('x.question_id')} ${sql.join(
					c.chunk.map((id, i) => sql`when ${id} then ${sql.lit(2 ** i)}`),
					sql` `
				)} else 0 end`
		),
		sql` `
	)} else 0 end`;
	let query = getDb()
		.selectFrom('answers as x')
		.select((eb) => {
			const main = sessionIds
				? eb.and([eb('x.phase', '=', 'main'), eb('x.session_id', 'in', sessionIds)])
				: eb('x.phase', '=', 'main');
			// Which set: after (main) in the first 13 bits, before (pre) from bit 26; a main
			// answer outside the sessions counted adds nothing. Right also sets the bit 13 up.
			const set = eb
				.case()
				.when(main)
				.then(sql.lit(1))
				.when('x.phase', '=', 'pre')
				.then(sql.lit(SET * SET))
				.else(sql.lit(0))
				.end();
			const right = eb
				.case()
				.when('x.correct', '=', 1)
				.then(sql.lit(1 + SET))
				.else(sql.lit(1))
				.end();
			// bigint: 52 bits overflow PostgreSQL's 32-bit integer arithmetic.
			const sets = sql<number>`cast(${bit} as bigint) * ${set} * ${right}`;
			return [
				'x.lesson_id',
				'x.pupil_id',
				eb.fn.sum<number>(sets).as('sets'),
				eb.fn.min<number>('x.session_id').as('first_session')
			];
		})
		.where(
			'x.lesson_id',
			'in',
			chunks.map((c) => c.lessonId)
		)
		// The first answer to each question counts (migration 012); written as a literal so
		// that SQLite reads the partial index.
		.where(sql.ref('x.counts'), '=', sql.lit(1))
		// In the index's order, so the rows stream without sorting.
		.groupBy(['x.lesson_id', 'x.pupil_id']);
	if (pupilIds) query = query.where('x.pupil_id', 'in', pupilIds);
	return query.execute();
}

/** Answer facts from each pass's sums, however they were added up. */
async function answerFactsBy(
	lessons: Lesson[],
	revisions: ReturnType<typeof revisionsOfLessons>,
	readPass: (chunks: Chunk[]) => Promise<PassRow[]>
): Promise<AnswerFact[]> {
	// Bits stand for every scored question any revision of the lesson had; each pupil's
	// answers then count against the revision of the first session they answered in.
	const { sessionHash, byHash } = await revisions;
	const scored = new Map(lessons.map((l) => [l.id, scoredAcrossRevisions(l, byHash.values())]));
	const revisionOf = (lesson: Lesson, firstSession: number): Lesson => {
		const hash = sessionHash.get(firstSession);
		const revision = hash === undefined ? undefined : byHash.get(hash);
		return revision && revision.id === lesson.id ? revision : lesson;
	};
	const byId = new Map(lessons.map((l) => [l.id, l]));
	const passes = Math.max(0, ...[...scored.values()].map((qs) => Math.ceil(qs.length / MASK_BITS)));
	const facts = new Map<string, AnswerFact>();
	for (let pass = 0; pass < passes; pass++) {
		// This pass's questions of each lesson that has any left.
		const chunks = [...scored]
			.map(([lessonId, qs]) => ({
				lessonId,
				chunk: qs.slice(pass * MASK_BITS, (pass + 1) * MASK_BITS)
			}))
			.filter((c) => c.chunk.length > 0);
		// This pass's bits that a revision scores, and those it asks in the knowledge check.
		const masks = new Map<Lesson, { scored: number; check: number }>();
		const masksOf = (revision: Lesson, lessonId: string) => {
			let found = masks.get(revision);
			if (!found) {
				const chunk = chunks.find((c) => c.lessonId === lessonId)?.chunk ?? [];
				const own = new Map(revision.questions.filter((q) => q.scored).map((q) => [q.id, q]));
				found = { scored: 0, check: 0 };
				chunk.forEach((id, i) => {
					const q = own.get(id);
					if (q) found!.scored |= 2 ** i;
					if (q?.check) found!.check |= 2 ** i;
				});
				masks.set(revision, found);
			}
			return found;
		};
		for (const row of await readPass(chunks)) {
			const sets = Number(row.sets ?? 0);
			const lesson = byId.get(row.lesson_id)!;
			const revision = revisionOf(lesson, Number(row.first_session));
			const mask = masksOf(revision, row.lesson_id);
			const main = (sets % SET) & mask.scored;
			const mainRight = (Math.floor(sets / SET) % SET) & mask.scored;
			const pre = Math.floor(sets / SET ** 2) % SET;
			const preRight = Math.floor(sets / SET ** 3) % SET;
			const paired = pre & main & mask.check;
			if (main === 0 && paired === 0) continue;
			const key = `${row.lesson_id}\n${row.pupil_id}`;
			let fact = facts.get(key);
			if (!fact) {
				fact = {
					pupilId: row.pupil_id,
					lessonId: row.lesson_id,
					scored: revision.questions.filter((q) => q.scored).length,
					answered: 0,
					correct: 0,
					gainPairs: 0,
					gainBefore: 0,
					gainAfter: 0
				};
				facts.set(key, fact);
			}
			fact.answered += bitCount(main);
			fact.correct += bitCount(mainRight);
			fact.gainPairs += bitCount(paired);
			fact.gainBefore += bitCount(paired & preRight);
			fact.gainAfter += bitCount(paired & mainRight);
		}
	}
	return [...facts.values()];
}

/**
 * The ids of every question the lesson scores now or scored in a revision that sessions ran:
 * today's in their order, then those only older revisions had.
 */
function scoredAcrossRevisions(lesson: Lesson, revisions: Iterable<Lesson>): string[] {
	const ids = lesson.questions.filter((q) => q.scored).map((q) => q.id);
	const seen = new Set(ids);
	for (const revision of revisions) {
		if (revision.id !== lesson.id) continue;
		for (const q of revision.questions) {
			if (q.scored && !seen.has(q.id)) {
				seen.add(q.id);
				ids.push(q.id);
			}
		}
	}
	return ids;
}

/** A pupil's rows, as `buildPairs` reads them. */
export interface PupilRows {
	attendance: { session_id: number; pupil_id: number; status: string }[];
	/** Progress rows that reached the end. */
	ends: { pupil_id: number; lesson_id: string }[];
	answers: AnswerFact[];
	paper: { pupil_id: number; lesson_id: string }[];
}

/**
 * Pupil × lesson facts from a pupil's rows: present wherever marked present; attendance
 * marks count in delivered sessions only; a pair exists only for a pupil in `pupils` and
 * a lesson in `lessons`. `sessionOf` says which lesson a session taught and whether it was
 * delivered; a mark in a session it does not know is left out.
 */
export function buildPairs(
	pupils: Map<number, PupilFact>,
	lessons: Lesson[],
	sessionOf: (id: number) => { lessonId: string; delivered: boolean } | undefined,
	rows: PupilRows
): Facts['pairs'] {
	// Lesson by lesson, then pupil: numbers as keys, no string built per row.
	const pairs: Facts['pairs'] = new Map(lessons.map((l) => [l.id, new Map()]));
	const byId = new Map(lessons.map((l) => [l.id, l]));
	const pair = (pupilId: number, lessonId: string): PupilLessonFact | undefined => {
		const pupil = pupils.get(pupilId);
		const ofLesson = pairs.get(lessonId);
		if (!pupil || !ofLesson) return undefined;
		let fact = ofLesson.get(pupilId);
		if (!fact) {
			const { classId, schoolId } = pupil;
			fact = { pupilId, classId, schoolId, lessonId, ...noFacts(byId.get(lessonId)!) };
			ofLesson.set(pupilId, fact);
		}
		return fact;
	};
	for (const a of rows.attendance) {
		const s = sessionOf(a.session_id);
		const fact = s && pair(a.pupil_id, s.lessonId);
		if (!s || !fact) continue;
		if (a.status === 'present') fact.present = true;
		if (s.delivered) {
			fact.marks++;
			if (a.status === 'present') fact.presentMarks++;
		}
	}
	for (const e of rows.ends) {
		const fact = pair(e.pupil_id, e.lesson_id);
		if (fact) fact.reachedEnd = true;
	}
	for (const x of rows.answers) {
		const fact = pair(x.pupilId, x.lessonId);
		if (!fact) continue;
		fact.scored = x.scored;
		fact.answered += x.answered;
		fact.correct += x.correct;
		fact.gainPairs += x.gainPairs;
		fact.gainBefore += x.gainBefore;
		fact.gainAfter += x.gainAfter;
	}
	for (const p of rows.paper) {
		const fact = pair(p.pupil_id, p.lesson_id);
		if (fact) fact.paper = true;
	}
	return pairs;
}

type SessionTiming = Pick<ClassSession, 'status' | 'mode' | 'closes_at'>;

/** Running or ended, with at least one pupil present. */
export function isDelivered(session: SessionTiming, present: number, clock: Date): boolean {
	return effectiveStatus(session, clock) !== 'lobby' && present > 0;
}

/** A self-paced session still in the lobby reads as ended from its closing time. */
export function closesLater(session: SessionTiming, now: string): string | null {
	return session.mode === 'self' &&
		session.status === 'lobby' &&
		session.closes_at &&
		session.closes_at > now
		? session.closes_at
		: null;
}
/** Sessions of the scope and the filter's year, whatever their dates, in `sessionsRead`'s terms. */
function isOwnSession(
	scope: Scope,
	filter: ReportFilter,
	s: { class_id: number; school_id: number; academic_year: string }
): boolean {
	return (
		!scope.pupilIds &&
		(scope.classId === undefined || s.class_id === scope.classId) &&
		(scope.schoolId === undefined || s.school_id === scope.schoolId) &&
		(!filter.academicYear || s.academic_year === filter.academicYear)
	);
}

/**
 * The sessions a report reads, within the filter's lesson and dates: those of its scope and
 * year (whether delivered is a figure of theirs), and any other where one of its pupils has
 * a mark (a pupil moved from another class, school or year brings their work).
 */
function sessionsRead(scope: Scope, filter: ReportFilter, pupilIds: PupilIds | undefined) {
	const db = getDb();
	let q = db.selectFrom('class_sessions as s').innerJoin('classes as c', 'c.id', 's.class_id');
	if (filter.lessonId) q = q.where('s.lesson_id', '=', filter.lessonId);
	if (filter.from) q = q.where('s.created_at', '>=', filter.from);
	if (filter.to) q = q.where('s.created_at', '<=', `${filter.to}T23:59:59.999Z`);
	if (!pupilIds) return q;
	return q.where((eb) => {
		const marked = eb(
			's.id',
			'in',
			db.selectFrom('attendance').select('session_id').where('pupil_id', 'in', pupilIds)
		);
		if (scope.pupilIds) return marked;
		const own = [];
		if (scope.classId !== undefined) own.push(eb('s.class_id', '=', scope.classId));
		if (scope.schoolId !== undefined) own.push(eb('c.school_id', '=', scope.schoolId));
		if (filter.academicYear) own.push(eb('c.academic_year', '=', filter.academicYear));
		return eb.or([eb.and(own), marked]);
	});
}

type PupilIds = ReturnType<typeof pupilIdsOf>;
function pupilIdsOf(scope: Scope, filter: ReportFilter) {
	return scopedPupils(scope, filter).select('p.id');
}

export interface LoadOptions {
	/** Also which lessons each pupil opened: every progress row, not only those at the end. */
	opened?: boolean;
	/**
	 * Also what a class report shows beside its figures, from the same reads: every answer of
	 * the scope's pupils and own sessions (read row by row, and the facts made from them), and
	 * the marks of each session read. For a class or a few pupils, not the borough.
	 */
	detail?: boolean;
}

/** Sessions of the scope and the filter's year (the class report's own). */
function ownSessions(scope: Scope, filter: ReportFilter) {
	let q = getDb()
		.selectFrom('class_sessions as s')
		.innerJoin('classes as c', 'c.id', 's.class_id')
		.select('s.id');
	if (scope.classId !== undefined) q = q.where('s.class_id', '=', scope.classId);
	if (scope.schoolId !== undefined) q = q.where('c.school_id', '=', scope.schoolId);
	if (filter.academicYear) q = q.where('c.academic_year', '=', filter.academicYear);
	return q;
}

/** Every answer, counted first or not, of the scope's pupils or in its own sessions. */
function readAnswerRows(
	scope: Scope,
	filter: ReportFilter,
	pupilIds: PupilIds | readonly number[] | undefined,
	lessonIds: string[]
): Promise<AnswerRow[]> {
	if (lessonIds.length === 0) return Promise.resolve([]);
	return getDb()
		.selectFrom('answers as x')
		.select([
			'x.session_id',
			'x.pupil_id',
			'x.lesson_id',
			'x.question_id',
			'x.phase',
			'x.selected',
			'x.correct',
			'x.counts'
		])
		.where('x.lesson_id', 'in', lessonIds)
		.$if(!!pupilIds, (qb) =>
			qb.where((eb) =>
				scope.pupilIds
					? eb('x.pupil_id', 'in', pupilIds!)
					: eb.or([
							eb('x.pupil_id', 'in', pupilIds!),
							eb('x.session_id', 'in', ownSessions(scope, filter))
						])
			)
		)
		.execute();
}

export async function loadFacts(
	scope: Scope,
	filter: ReportFilter,
	allLessons: Lesson[],
	options: LoadOptions = {}
): Promise<Facts> {
	const db = getDb();
	const lessonList = allLessons.filter((l) => !filter.lessonId || l.id === filter.lessonId);
	const lessons = new Map(lessonList.map((l) => [l.id, l]));
	// A pupil's own facts need only the lessons asked about; a report's lessons are the library.
	const lessonIds = scope.pupilIds ? lessonList.map((l) => l.id) : undefined;
	// The whole borough in every year needs no list of pupils, and SQLite scans faster without
	// one (pupils of an archived school are left out as the rows are combined).
	const everyPupil =
		scope.classId === undefined &&
		scope.schoolId === undefined &&
		!scope.pupilIds &&
		!filter.academicYear;
	const pupilIds = everyPupil ? undefined : pupilIdsOf(scope, filter);
	const dated = !!(filter.from || filter.to);
	const inDates = sessionsInDates(filter);
	let read = sessionsRead(scope, filter, pupilIds);
	if (lessonIds) read = read.where('s.lesson_id', 'in', lessonIds);
	const readsAll = everyPupil && !dated && !filter.lessonId;
	const clock = new Date();
	const now = clock.toISOString();

	if (options.detail && dated) throw new Error('The class report has no date filter.');
	const [pupilRows, sessionRows, attendance, progress, answersRead, paper] = await Promise.all([
		scopedPupils(scope, filter)
			.select(['p.id', 'p.class_id', 'c.school_id', 'p.archived_at'])
			.execute(),
		read
			.select([
				's.id',
				's.class_id',
				'c.school_id',
				'c.academic_year',
				's.lesson_id',
				's.status',
				's.mode',
				's.closes_at',
				's.created_at'
			])
			.execute(),
		// Every mark of every session read: whether a session was delivered rests on them all.
		db
			.selectFrom('attendance as a')
			.select(['a.session_id', 'a.pupil_id', 'a.status'])
			.$if(!readsAll, (qb) => qb.where('a.session_id', 'in', read.select('s.id')))
			.execute(),
		db
			.selectFrom('progress as g')
			.select(['g.pupil_id', 'g.lesson_id', 'g.reached_end'])
			.$if(!options.opened, (qb) => qb.where('g.reached_end', '=', 1))
			.$if(!!pupilIds, (qb) => qb.where('g.pupil_id', 'in', pupilIds!))
			.$if(!!lessonIds, (qb) => qb.where('g.lesson_id', 'in', lessonIds!))
			.$if(!!filter.lessonId, (qb) => qb.where('g.lesson_id', '=', filter.lessonId!))
			.$if(dated, (qb) => qb.where('g.session_id', 'in', inDates))
			// No GROUP BY: a pair seen twice is simply marked again, and a plain scan is cheaper.
			.execute(),
		// With the detail, the answers are read once, row by row, for the figures and questions.
		options.detail
			? readAnswerRows(
					scope,
					filter,
					pupilIds,
					lessonList.map((l) => l.id)
				).then((rows) => ({ rows, facts: undefined }))
			: answerFacts(lessonList, pupilIds, dated ? inDates : undefined).then((facts) => ({
					rows: [],
					facts
				})),
		db
			.selectFrom('paper_completions as pc')
			.select(['pc.pupil_id', 'pc.lesson_id'])
			.$if(!!pupilIds, (qb) => qb.where('pc.pupil_id', 'in', pupilIds!))
			.$if(!!lessonIds, (qb) => qb.where('pc.lesson_id', 'in', lessonIds!))
			.$if(!!filter.lessonId, (qb) => qb.where('pc.lesson_id', '=', filter.lessonId!))
			.$if(!!filter.from, (qb) => qb.where('pc.marked_at', '>=', filter.from!))
			.$if(!!filter.to, (qb) => qb.where('pc.marked_at', '<=', `${filter.to}T23:59:59.999Z`))
			.execute()
	]);

	const pupils = new Map(
		pupilRows.map((p) => [
			p.id,
			{ classId: p.class_id, schoolId: p.school_id, archived: p.archived_at !== null }
		])
	);
	const answerRows = answersRead.rows;
	const answers =
		answersRead.facts ??
		(await answerFactsOfRows(lessonList, answerRows, (x) => pupils.has(x.pupil_id)));
	const marks: Facts['marks'] = new Map();
	for (const a of attendance) {
		let m = marks.get(a.session_id);
		if (!m) marks.set(a.session_id, (m = { present: 0, absent: 0 }));
		if (a.status === 'present') m.present++;
		else m.absent++;
	}
	let expires: string | null = null;
	const sessions: SessionFact[] = [];
	const sessionById = new Map<number, SessionFact>();
	const weekOf = new Map<number, string>();
	for (const s of sessionRows) {
		const closes = closesLater(s, now);
		if (closes && (expires === null || closes < expires)) expires = closes;
		const fact: SessionFact = {
			id: s.id,
			classId: s.class_id,
			schoolId: s.school_id,
			lessonId: s.lesson_id,
			createdAt: s.created_at,
			delivered: isDelivered(s, marks.get(s.id)?.present ?? 0, clock)
		};
		sessionById.set(s.id, fact);
		if (lessons.has(s.lesson_id)) weekOf.set(s.id, isoWeek(s.created_at));
		if (isOwnSession(scope, filter, s)) sessions.push(fact);
	}
	const present: Facts['present'] = [];
	for (const a of attendance) {
		const week = a.status === 'present' ? weekOf.get(a.session_id) : undefined;
		if (week && pupils.has(a.pupil_id)) present.push({ week, pupilId: a.pupil_id });
	}
	const pairs = buildPairs(pupils, lessonList, (id) => sessionById.get(id), {
		attendance,
		ends: options.opened ? progress.filter((g) => g.reached_end === 1) : progress,
		answers,
		paper
	});
	const opened = new Set(
		options.opened ? progress.map((g) => `${g.lesson_id}\n${g.pupil_id}`) : []
	);
	const base = {
		pupils,
		sessions,
		pairs,
		present,
		opened,
		lessons,
		expires,
		answerRows,
		marks: options.detail ? marks : new Map()
	};
	return { ...base, index: buildIndex(base) };
}

/**
 * Each pupil's facts for each lesson wherever they did it (no scope, no filter): what the
 * pupil's summary and home, the certificate and the teacher's screens decide completion
 * from (figures.ts `pupilCompletion`), read exactly as a report reads them.
 */
export async function pupilLessonFacts(
	pupilIds: readonly number[],
	lessons: Lesson[]
): Promise<Pick<Facts, 'pairs' | 'opened'>> {
	if (pupilIds.length === 0 || lessons.length === 0)
		return { pairs: new Map(lessons.map((l) => [l.id, new Map()])), opened: new Set() };
	// Row by row: a few pupils' answers are fewer rows than the sessions of every class
	// that the aggregate would look up revisions for.
	const { pairs, opened } = await loadFacts({ pupilIds }, {}, lessons, {
		opened: true,
		detail: true
	});
	return { pairs, opened };
}

// ——— figures of a group ———

/** The tally of one group: a class, a school, a lesson or everything loaded. */
export function tallyOf(facts: Facts, pick: Group): GroupTally {
	const group = facts.index.get(groupKey(pick)) ?? { pairs: [], sessions: [], roll: 0 };
	const sessions = group.sessions.filter((s) => s.delivered).length;
	return { tally: tallyPairs(group.pairs), roll: group.roll, sessions };
}

/** Figures for one group: a class, a school, a lesson or everything loaded. */
export function figures(facts: Facts, pick: Group): Figures {
	const { tally, roll, sessions } = tallyOf(facts, pick);
	return figuresOf(tally, roll, sessions, facts.lessons.values());
}

/** Figures for each lesson loaded, in library order. */
export function lessonFigures(facts: Facts): LessonFigures[] {
	return [...facts.lessons.values()].map((l) => ({
		lessonId: l.id,
		title: l.title,
		...figures(facts, { lessonId: l.id })
	}));
}

/**
 * Sessions delivered (of the scope) and distinct pupils present (in any session the filter
 * keeps), by ISO week of the session, oldest first.
 */
export function weeksOf(facts: Facts): { week: string; sessions: number; pupilsReached: number }[] {
	const weeks = new Map<string, { sessions: number; pupils: Set<number> }>();
	const bucket = (week: string) => {
		if (!weeks.has(week)) weeks.set(week, { sessions: 0, pupils: new Set() });
		return weeks.get(week)!;
	};
	for (const s of facts.sessions)
		if (s.delivered && facts.lessons.has(s.lessonId)) bucket(isoWeek(s.createdAt)).sessions++;
	for (const p of facts.present) bucket(p.week).pupils.add(p.pupilId);
	return [...weeks.entries()]
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
		.map(([week, w]) => ({ week, sessions: w.sessions, pupilsReached: w.pupils.size }));
}

/** ISO 8601 week of a timestamp, e.g. `2026-W48`. */
export function isoWeek(iso: string): string {
	const d = new Date(iso.slice(0, 10) + 'T00:00:00Z');
	const day = (d.getUTCDay() + 6) % 7; // Monday = 0
	d.setUTCDate(d.getUTCDate() - day + 3); // the Thursday of this week decides the year
	const year = d.getUTCFullYear();
	const firstThursday = new Date(Date.UTC(year, 0, 4));
	const week =
		1 +
		Math.round(
			((d.getTime() - firstThursday.getTime()) / 86_400_000 -
				3 +
				((firstThursday.getUTCDay() + 6) % 7)) /
				7
		);
	return `${year}-W${String(week).padStart(2, '0')}`;
}
