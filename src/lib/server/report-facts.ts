// What every report is made of: facts about each pupil and lesson (present, marked,
// reached the end, answered, right, on paper, before and after), and the one set of
// definitions that turns them into figures. The class and school reports load facts for
// their scope on each request; the borough dashboard keeps them up to date in memory
// (borough-totals.ts). Answers are aggregated in SQL; pupil × lesson facts are combined in
// TypeScript, so that each figure is defined once.
import { sql } from 'kysely';
import { isCompleted } from './completion';
import { getDb } from './db';
import type { ClassSession } from './db/schema';
import { effectiveStatus } from './deliveries';
import {
	suppressAverage,
	suppressGain,
	suppressRate,
	type Disclosed,
	type Gain
} from './disclosure';
import type { Lesson } from './lessons';
import { revisionsOfLessons } from './lesson-revisions';

export interface ReportFilter {
	academicYear?: string;
	/** ISO date `YYYY-MM-DD`, inclusive, on the session's creation date. */
	from?: string;
	to?: string;
	lessonId?: string;
}

/** The headline figures of any group of pupils (a class, a school, a lesson, the borough). */
export interface Figures {
	/** Pupils on roll (not archived themselves; their class may be, in a closed year). */
	pupils: number;
	/** Distinct pupils present in at least one session. */
	reached: number;
	sessionsDelivered: number;
	/** Present marks ÷ all marks in delivered sessions. */
	attendance: Disclosed;
	/** Pupil × lesson pairs completed (or on paper) ÷ pairs where the pupil was present or on paper. */
	completion: Disclosed;
	/** Mean score over pupil × lesson pairs with at least one scored main answer. */
	averageScore: Disclosed;
	gain: Gain;
}

export type LessonFigures = { lessonId: string; title: string } & Figures;

// ——— facts ———

export interface Scope {
	classId?: number;
	schoolId?: number;
}

export interface SessionFact {
	id: number;
	classId: number;
	schoolId: number;
	lessonId: string;
	createdAt: string;
	delivered: boolean;
}

export interface PupilLessonFact {
	pupilId: number;
	classId: number;
	schoolId: number;
	lessonId: string;
	/** Scored questions in the lesson as it is now. */
	scored: number;
	present: boolean;
	marks: number;
	presentMarks: number;
	reachedEnd: boolean;
	answered: number;
	correct: number;
	paper: boolean;
	gainPairs: number;
	gainBefore: number;
	gainAfter: number;
}

export interface PupilFact {
	classId: number;
	schoolId: number;
	archived: boolean;
}

export interface Facts {
	pupils: Map<number, PupilFact>;
	sessions: SessionFact[];
	/** By lesson id, then pupil id. */
	pairs: Map<string, Map<number, PupilLessonFact>>;
	/** Present marks: which pupils were present in which session. */
	present: { sessionId: number; pupilId: number }[];
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

export function scopedSessions(scope: Scope, filter: ReportFilter) {
	let q = getDb()
		.selectFrom('class_sessions as s')
		.innerJoin('classes as c', 'c.id', 's.class_id')
		.select('s.id');
	if (scope.classId !== undefined) q = q.where('s.class_id', '=', scope.classId);
	if (scope.schoolId !== undefined) q = q.where('c.school_id', '=', scope.schoolId);
	if (filter.academicYear) q = q.where('c.academic_year', '=', filter.academicYear);
	if (filter.lessonId) q = q.where('s.lesson_id', '=', filter.lessonId);
	if (filter.from) q = q.where('s.created_at', '>=', filter.from);
	if (filter.to) q = q.where('s.created_at', '<=', `${filter.to}T23:59:59.999Z`);
	return q;
}

/**
 * The pupils a report counts. A class archived when its academic year closed still counts
 * in that year's figures (its pupils were on roll that year), so closing a year changes no
 * figure; only an archived school's pupils are left out.
 */
export function scopedPupils(scope: Scope, filter: ReportFilter) {
	let q = getDb()
		.selectFrom('pupils as p')
		.innerJoin('classes as c', 'c.id', 'p.class_id')
		.innerJoin('schools as sc', 'sc.id', 'c.school_id')
		.where('sc.archived_at', 'is', null);
	if (scope.classId !== undefined) q = q.where('p.class_id', '=', scope.classId);
	if (scope.schoolId !== undefined) q = q.where('c.school_id', '=', scope.schoolId);
	if (filter.academicYear) q = q.where('c.academic_year', '=', filter.academicYear);
	return q;
}

export function scopedPupilIds(scope: Scope, filter: ReportFilter) {
	return scopedPupils(scope, filter).select('p.id');
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
	pupilIds: ReturnType<typeof scopedPupilIds> | readonly number[] | undefined,
	sessionIds: ReturnType<typeof scopedSessions> | undefined
): Promise<AnswerFact[]> {
	// Bits stand for every scored question any revision of the lesson had; each pupil's
	// answers then count against the revision of the first session they answered in.
	const { sessionHash, byHash } = await revisionsOfLessons(lessons);
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
		for (const row of await query.execute()) {
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
	const scoredCount = new Map(
		lessons.map((l) => [l.id, l.questions.filter((q) => q.scored).length])
	);
	const pair = (pupilId: number, lessonId: string): PupilLessonFact | undefined => {
		const pupil = pupils.get(pupilId);
		const ofLesson = pairs.get(lessonId);
		if (!pupil || !ofLesson) return undefined;
		let fact = ofLesson.get(pupilId);
		if (!fact) {
			fact = {
				pupilId,
				classId: pupil.classId,
				schoolId: pupil.schoolId,
				lessonId,
				scored: scoredCount.get(lessonId)!,
				present: false,
				marks: 0,
				presentMarks: 0,
				reachedEnd: false,
				answered: 0,
				correct: 0,
				paper: false,
				gainPairs: 0,
				gainBefore: 0,
				gainAfter: 0
			};
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

export async function loadFacts(
	scope: Scope,
	filter: ReportFilter,
	allLessons: Lesson[]
): Promise<Facts> {
	const db = getDb();
	const lessonList = allLessons.filter((l) => !filter.lessonId || l.id === filter.lessonId);
	const lessons = new Map(lessonList.map((l) => [l.id, l]));
	// A class's pupils are counted for what they did in any session of their school (a
	// pupil moved from another class brings their work), exactly as the school report
	// counts them; the class's own sessions are still the ones it delivered.
	const markScope: Scope =
		scope.classId !== undefined ? { schoolId: await schoolOfClass(scope.classId) } : scope;
	const sessionIds = scopedSessions(markScope, filter);
	// The whole borough needs no session filter, and SQLite scans faster without one.
	const filtered =
		scope.classId !== undefined ||
		scope.schoolId !== undefined ||
		!!(filter.academicYear || filter.lessonId || filter.from || filter.to);
	const pupilIds = scopedPupilIds(scope, filter);
	const clock = new Date();
	const now = clock.toISOString();

	const [pupilRows, sessionRows, attendance, ends, answers, paper] = await Promise.all([
		scopedPupils(scope, filter)
			.select(['p.id', 'p.class_id', 'c.school_id', 'p.archived_at'])
			.execute(),
		db
			.selectFrom('class_sessions as s')
			.innerJoin('classes as c', 'c.id', 's.class_id')
			.select([
				's.id',
				's.class_id',
				'c.school_id',
				's.lesson_id',
				's.status',
				's.mode',
				's.closes_at',
				's.created_at'
			])
			.where('s.id', 'in', sessionIds)
			.execute(),
		db
			.selectFrom('attendance as a')
			.select(['a.session_id', 'a.pupil_id', 'a.status'])
			.$if(filtered, (qb) => qb.where('a.session_id', 'in', sessionIds))
			.execute(),
		db
			.selectFrom('progress as g')
			.select(['g.pupil_id', 'g.lesson_id'])
			.where('g.reached_end', '=', 1)
			.$if(filtered, (qb) => qb.where('g.session_id', 'in', sessionIds))
			// No GROUP BY: a pair seen twice is simply marked again, and a plain scan is cheaper.
			.execute(),
		answerFacts(
			lessonList,
			scope.classId !== undefined || scope.schoolId !== undefined ? pupilIds : undefined,
			filtered ? sessionIds : undefined
		),
		(() => {
			let q = db
				.selectFrom('paper_completions as pc')
				.select(['pc.pupil_id', 'pc.lesson_id'])
				.where('pc.pupil_id', 'in', pupilIds);
			if (filter.lessonId) q = q.where('pc.lesson_id', '=', filter.lessonId);
			if (filter.from) q = q.where('pc.marked_at', '>=', filter.from);
			if (filter.to) q = q.where('pc.marked_at', '<=', `${filter.to}T23:59:59.999Z`);
			return q.execute();
		})()
	]);

	const pupils = new Map(
		pupilRows.map((p) => [
			p.id,
			{ classId: p.class_id, schoolId: p.school_id, archived: p.archived_at !== null }
		])
	);
	const presentBySession = new Map<number, number>();
	const present: { sessionId: number; pupilId: number }[] = [];
	for (const a of attendance) {
		if (a.status === 'present') {
			presentBySession.set(a.session_id, (presentBySession.get(a.session_id) ?? 0) + 1);
			present.push({ sessionId: a.session_id, pupilId: a.pupil_id });
		}
	}
	let expires: string | null = null;
	const marked: SessionFact[] = sessionRows.map((s) => {
		const closes = closesLater(s, now);
		if (closes && (expires === null || closes < expires)) expires = closes;
		return {
			id: s.id,
			classId: s.class_id,
			schoolId: s.school_id,
			lessonId: s.lesson_id,
			createdAt: s.created_at,
			delivered: isDelivered(s, presentBySession.get(s.id) ?? 0, clock)
		};
	});
	const sessions =
		scope.classId === undefined ? marked : marked.filter((s) => s.classId === scope.classId);
	const sessionById = new Map(marked.map((s) => [s.id, s]));
	const pairs = buildPairs(pupils, lessonList, (id) => sessionById.get(id), {
		attendance,
		ends,
		answers,
		paper
	});
	const base = { pupils, sessions, pairs, present, lessons, expires };
	return { ...base, index: buildIndex(base) };
}

async function schoolOfClass(classId: number): Promise<number> {
	const row = await getDb()
		.selectFrom('classes')
		.select('school_id')
		.where('id', '=', classId)
		.executeTakeFirst();
	return row?.school_id ?? -1;
}

/**
 * Each pupil's facts for each lesson wherever they did it (no scope, no filter): what
 * completion.ts decides a pupil's completion from. `opened` holds `lesson\npupil` for every
 * pair where the pupil opened the lesson in a session.
 */
export async function pupilLessonFacts(
	pupilIds: readonly number[],
	lessons: Lesson[]
): Promise<{ pairs: Facts['pairs']; opened: Set<string> }> {
	const db = getDb();
	const lessonIds = lessons.map((l) => l.id);
	if (pupilIds.length === 0 || lessonIds.length === 0)
		return { pairs: new Map(lessons.map((l) => [l.id, new Map()])), opened: new Set() };
	const [attendance, progress, answers, paper] = await Promise.all([
		db
			.selectFrom('attendance as a')
			.innerJoin('class_sessions as s', 's.id', 'a.session_id')
			.select(['a.session_id', 'a.pupil_id', 'a.status', 's.lesson_id'])
			.where('a.pupil_id', 'in', pupilIds)
			.where('s.lesson_id', 'in', lessonIds)
			.execute(),
		db
			.selectFrom('progress')
			.select(['pupil_id', 'lesson_id', 'reached_end'])
			.where('pupil_id', 'in', pupilIds)
			.where('lesson_id', 'in', lessonIds)
			.execute(),
		answerFacts(lessons, pupilIds, undefined),
		db
			.selectFrom('paper_completions')
			.select(['pupil_id', 'lesson_id'])
			.where('pupil_id', 'in', pupilIds)
			.where('lesson_id', 'in', lessonIds)
			.execute()
	]);
	// Completion does not depend on the pupil's class or on delivery, so neither is read.
	const pupils = new Map<number, PupilFact>(
		pupilIds.map((id) => [id, { classId: 0, schoolId: 0, archived: false }])
	);
	const lessonOf = new Map(attendance.map((a) => [a.session_id, a.lesson_id]));
	const pairs = buildPairs(
		pupils,
		lessons,
		(id) => {
			const lessonId = lessonOf.get(id);
			return lessonId === undefined ? undefined : { lessonId, delivered: false };
		},
		{ attendance, ends: progress.filter((g) => g.reached_end === 1), answers, paper }
	);
	return { pairs, opened: new Set(progress.map((g) => `${g.lesson_id}\n${g.pupil_id}`)) };
}

// ——— figures ———

/**
 * What a group's figures are made of: sums over its pupil × lesson pairs, and how many
 * distinct pupils each rests on (for disclosure control).
 */
export interface Tally {
	/** Distinct pupils present at least once. */
	reached: number;
	/** Distinct pupils with a mark in a delivered session. */
	marked: number;
	marks: number;
	presentMarks: number;
	/** Pairs where the pupil was present or did the lesson on paper. */
	eligible: number;
	completed: number;
	completionPupils: number;
	/** Pairs with at least one scored main answer. */
	scoreCount: number;
	scorePupils: number;
	gainPairs: number;
	before: number;
	after: number;
	gainPupils: number;
	/**
	 * Right main answers of scored pairs, by lesson and the number of scored questions of the
	 * revision they count against (`lesson\nscored`): a pair's score is right ÷ that number.
	 */
	correct: Map<string, number>;
}

export function emptyTally(): Tally {
	return {
		reached: 0,
		marked: 0,
		marks: 0,
		presentMarks: 0,
		eligible: 0,
		completed: 0,
		completionPupils: 0,
		scoreCount: 0,
		scorePupils: 0,
		gainPairs: 0,
		before: 0,
		after: 0,
		gainPupils: 0,
		correct: new Map()
	};
}

/** What one pair adds to a group, and which distinct-pupil counts it puts its pupil in. */
export interface Contribution {
	present: boolean;
	marked: boolean;
	marks: number;
	presentMarks: number;
	eligible: boolean;
	completed: boolean;
	scored: boolean;
	correct: number;
	/** Scored questions in the pair's revision: what `correct` is out of. */
	outOf: number;
	gain: boolean;
	gainPairs: number;
	before: number;
	after: number;
}

export function contribution(f: PupilLessonFact): Contribution {
	const eligible = f.present || f.paper;
	const scored = f.answered > 0 && f.scored > 0;
	const gain = f.gainPairs > 0;
	return {
		present: f.present,
		marked: f.marks > 0,
		marks: f.marks,
		presentMarks: f.presentMarks,
		eligible,
		completed: isCompleted(f),
		scored,
		correct: scored ? f.correct : 0,
		outOf: f.scored,
		gain,
		gainPairs: gain ? f.gainPairs : 0,
		before: gain ? f.gainBefore : 0,
		after: gain ? f.gainAfter : 0
	};
}

/** Adds (or with `sign` −1 takes away) a pair's sums; distinct pupils are the caller's. */
export function addSums(t: Tally, lessonId: string, c: Contribution, sign = 1): void {
	t.marks += sign * c.marks;
	t.presentMarks += sign * c.presentMarks;
	if (c.eligible) t.eligible += sign;
	if (c.completed) t.completed += sign;
	if (c.scored) {
		t.scoreCount += sign;
		const key = `${lessonId}\n${c.outOf}`;
		const right = (t.correct.get(key) ?? 0) + sign * c.correct;
		if (right === 0) t.correct.delete(key);
		else t.correct.set(key, right);
	}
	t.gainPairs += sign * c.gainPairs;
	t.before += sign * c.before;
	t.after += sign * c.after;
}

/**
 * The figures of a tally. Scores are summed lesson by lesson in `lessons`' order (and within
 * a lesson, revision sizes in ascending order), from whole numbers, so every way of tallying
 * the same pairs gives the very same figure.
 */
export function figuresOf(
	t: Tally,
	roll: number,
	sessionsDelivered: number,
	lessons: Iterable<Lesson>
): Figures {
	const byLesson = new Map<string, [number, number][]>();
	for (const [key, right] of t.correct) {
		const cut = key.lastIndexOf('\n');
		const lessonId = key.slice(0, cut);
		const list = byLesson.get(lessonId) ?? [];
		list.push([Number(key.slice(cut + 1)), right]);
		byLesson.set(lessonId, list);
	}
	let scoreSum = 0;
	for (const l of lessons) {
		const sums = byLesson.get(l.id);
		if (!sums) continue;
		for (const [outOf, right] of sums.sort((a, b) => a[0] - b[0]))
			if (outOf > 0) scoreSum += right / outOf;
	}
	return {
		pupils: roll,
		reached: t.reached,
		sessionsDelivered,
		attendance: suppressRate({
			numerator: t.presentMarks,
			denominator: t.marks,
			pupils: t.marked
		}),
		completion: suppressRate({
			numerator: t.completed,
			denominator: t.eligible,
			pupils: t.completionPupils
		}),
		averageScore: suppressAverage({ sum: scoreSum, count: t.scoreCount, pupils: t.scorePupils }),
		gain: suppressGain({
			correctBefore: t.before,
			correctAfter: t.after,
			pairs: t.gainPairs,
			pupils: t.gainPupils
		})
	};
}

/** A group's tally, with its pupils on roll and sessions delivered. */
export interface GroupTally {
	tally: Tally;
	roll: number;
	sessions: number;
}

/** The tally of one group: a class, a school, a lesson or everything loaded. */
export function tallyOf(facts: Facts, pick: Group): GroupTally {
	const group = facts.index.get(groupKey(pick)) ?? { pairs: [], sessions: [], roll: 0 };
	const t = emptyTally();
	const reached = new Set<number>();
	const marked = new Set<number>();
	const completionPupils = new Set<number>();
	const scorePupils = new Set<number>();
	const gainPupils = new Set<number>();
	for (const f of group.pairs) {
		const c = contribution(f);
		addSums(t, f.lessonId, c);
		if (c.present) reached.add(f.pupilId);
		if (c.marked) marked.add(f.pupilId);
		if (c.eligible) completionPupils.add(f.pupilId);
		if (c.scored) scorePupils.add(f.pupilId);
		if (c.gain) gainPupils.add(f.pupilId);
	}
	t.reached = reached.size;
	t.marked = marked.size;
	t.completionPupils = completionPupils.size;
	t.scorePupils = scorePupils.size;
	t.gainPupils = gainPupils.size;
	const sessions = group.sessions.filter((s) => s.delivered).length;
	return { tally: t, roll: group.roll, sessions };
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

/** Sessions delivered and distinct pupils present, by ISO week of the session, oldest first. */
export function weeksOf(facts: Facts): { week: string; sessions: number; pupilsReached: number }[] {
	const weeks = new Map<string, { sessions: number; pupils: Set<number> }>();
	const weekOf = new Map<number, string>();
	for (const s of facts.sessions) {
		if (!facts.lessons.has(s.lessonId)) continue;
		weekOf.set(s.id, isoWeek(s.createdAt));
	}
	const bucket = (week: string) => {
		if (!weeks.has(week)) weeks.set(week, { sessions: 0, pupils: new Set() });
		return weeks.get(week)!;
	};
	for (const s of facts.sessions)
		if (s.delivered && weekOf.has(s.id)) bucket(weekOf.get(s.id)!).sessions++;
	for (const p of facts.present) {
		const week = weekOf.get(p.sessionId);
		if (week && facts.pupils.has(p.pupilId)) bucket(week).pupils.add(p.pupilId);
	}
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

// The dashboard reads every answer of the year, and coordinators ask for it again and
// again (pages, filters, the CSV) with nothing changed in between. The last few dashboards
// are kept per filter and lesson set, each valid only while the database is exactly as it
// was when it was worked out: any write at all, by any module or process, makes the next
