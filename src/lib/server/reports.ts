// Reports: a teacher's class report (with names, for their own class), and school and
// borough aggregates (counts and rates only, never a name or a pupil id), every rate and
// average passed through disclosure.ts. Answers are aggregated in SQL; pupil × lesson
// facts are combined in TypeScript so that one set of definitions serves every table.
import { sql } from 'kysely';
import { dataVersion, getDb, getHandle, nowIso, type Handle } from './db';
import { effectiveStatus } from './deliveries';
import {
	LEGEND,
	MIN_PUPILS,
	suppressAverage,
	suppressGain,
	suppressRate,
	suppressTable,
	type Disclosed,
	type Gain
} from './disclosure';
import { getLibrary, type Lesson } from './lessons';
import { attendanceCounts, lessonCompletion, type CompletionState } from './progress';

export { LEGEND };

export interface ReportFilter {
	academicYear?: string;
	/** ISO date `YYYY-MM-DD`, inclusive, on the session's creation date. */
	from?: string;
	to?: string;
	lessonId?: string;
}

/** The headline figures of any group of pupils (a class, a school, a lesson, the borough). */
export interface Figures {
	/** Pupils on roll (not archived). */
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

// ——— facts ———

interface Scope {
	classId?: number;
	schoolId?: number;
}

interface SessionFact {
	id: number;
	classId: number;
	schoolId: number;
	lessonId: string;
	createdAt: string;
	delivered: boolean;
}

interface PupilLessonFact {
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

interface Facts {
	pupils: Map<number, { classId: number; schoolId: number; archived: boolean }>;
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
type Pick = { all: true } | { classId: number } | { schoolId: number } | { lessonId: string };

function pickKey(pick: Pick): string {
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

function scopedSessions(scope: Scope, filter: ReportFilter) {
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

function scopedPupils(scope: Scope, filter: ReportFilter) {
	let q = getDb()
		.selectFrom('pupils as p')
		.innerJoin('classes as c', 'c.id', 'p.class_id')
		.innerJoin('schools as sc', 'sc.id', 'c.school_id')
		.where('c.archived_at', 'is', null)
		.where('sc.archived_at', 'is', null);
	if (scope.classId !== undefined) q = q.where('p.class_id', '=', scope.classId);
	if (scope.schoolId !== undefined) q = q.where('c.school_id', '=', scope.schoolId);
	if (filter.academicYear) q = q.where('c.academic_year', '=', filter.academicYear);
	return q;
}

function scopedPupilIds(scope: Scope, filter: ReportFilter) {
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

interface AnswerFact {
	pupilId: number;
	lessonId: string;
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
 * answers a question once per phase, so each sum is a set. The lessons as they are now
 * decide which questions count (a question removed from the file counts for nothing). Main
 * answers count only in `sessionIds` when given; a knowledge-check answer pairs with a
 * main answer wherever it was given, as before.
 */
async function answerFacts(
	lessons: Lesson[],
	pupilIds: ReturnType<typeof scopedPupilIds> | undefined,
	sessionIds: ReturnType<typeof scopedSessions> | undefined
): Promise<AnswerFact[]> {
	const scored = new Map(lessons.map((l) => [l.id, l.questions.filter((q) => q.scored)]));
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
		const checkMask = new Map(
			chunks.map((c) => [
				c.lessonId,
				c.chunk.reduce((mask, q, i) => (q.check ? mask | (2 ** i) : mask), 0)
			])
		);
		const bit = sql<number>`case ${sql.ref('x.lesson_id')} ${sql.join(
			chunks.map(
				(c) =>
					sql`when ${c.lessonId} then case ${sql.ref('x.question_id')} ${sql.join(
						c.chunk.map((q, i) => sql`when ${q.id} then ${sql.lit(2 ** i)}`),
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
				return ['x.lesson_id', 'x.pupil_id', eb.fn.sum<number>(sets).as('sets')];
			})
			.where(
				'x.lesson_id',
				'in',
				chunks.map((c) => c.lessonId)
			)
			// In the index's order, so the rows stream without sorting.
			.groupBy(['x.lesson_id', 'x.pupil_id']);
		if (pupilIds) query = query.where('x.pupil_id', 'in', pupilIds);
		for (const row of await query.execute()) {
			const sets = Number(row.sets ?? 0);
			const main = sets % SET;
			const mainRight = Math.floor(sets / SET) % SET;
			const pre = Math.floor(sets / SET ** 2) % SET;
			const preRight = Math.floor(sets / SET ** 3) % SET;
			const paired = pre & main & (checkMask.get(row.lesson_id) ?? 0);
			if (main === 0 && paired === 0) continue;
			const key = `${row.lesson_id}\n${row.pupil_id}`;
			let fact = facts.get(key);
			if (!fact) {
				fact = {
					pupilId: row.pupil_id,
					lessonId: row.lesson_id,
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

async function loadFacts(scope: Scope, filter: ReportFilter, allLessons: Lesson[]): Promise<Facts> {
	const db = getDb();
	const lessonList = allLessons.filter((l) => !filter.lessonId || l.id === filter.lessonId);
	const lessons = new Map(lessonList.map((l) => [l.id, l]));
	const sessionIds = scopedSessions(scope, filter);
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
	// Lesson by lesson, then pupil: numbers as keys, no string built per row.
	const pairs: Facts['pairs'] = new Map(lessonList.map((l) => [l.id, new Map()]));
	const scoredCount = new Map(
		lessonList.map((l) => [l.id, l.questions.filter((q) => q.scored).length])
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

	const presentBySession = new Map<number, number>();
	const present: { sessionId: number; pupilId: number }[] = [];
	for (const a of attendance) {
		if (a.status === 'present') {
			presentBySession.set(a.session_id, (presentBySession.get(a.session_id) ?? 0) + 1);
			present.push({ sessionId: a.session_id, pupilId: a.pupil_id });
		}
	}
	let expires: string | null = null;
	const sessions: SessionFact[] = sessionRows.map((s) => {
		if (s.mode === 'self' && s.status === 'lobby' && s.closes_at && s.closes_at > now)
			expires = expires === null || s.closes_at < expires ? s.closes_at : expires;
		const status = effectiveStatus(s, clock);
		return {
			id: s.id,
			classId: s.class_id,
			schoolId: s.school_id,
			lessonId: s.lesson_id,
			createdAt: s.created_at,
			// Delivered: running or ended, with at least one pupil present.
			delivered: status !== 'lobby' && (presentBySession.get(s.id) ?? 0) > 0
		};
	});
	const sessionById = new Map(sessions.map((s) => [s.id, s]));
	for (const a of attendance) {
		const s = sessionById.get(a.session_id);
		const fact = s && pair(a.pupil_id, s.lessonId);
		if (!s || !fact) continue;
		if (a.status === 'present') fact.present = true;
		if (s.delivered) {
			fact.marks++;
			if (a.status === 'present') fact.presentMarks++;
		}
	}
	for (const e of ends) {
		const fact = pair(e.pupil_id, e.lesson_id);
		if (fact) fact.reachedEnd = true;
	}
	for (const x of answers) {
		const fact = pair(x.pupilId, x.lessonId);
		if (!fact) continue;
		fact.answered += x.answered;
		fact.correct += x.correct;
		fact.gainPairs += x.gainPairs;
		fact.gainBefore += x.gainBefore;
		fact.gainAfter += x.gainAfter;
	}
	for (const p of paper) {
		const fact = pair(p.pupil_id, p.lesson_id);
		if (fact) fact.paper = true;
	}
	const base = { pupils, sessions, pairs, present, lessons, expires };
	return { ...base, index: buildIndex(base) };
}

/** Figures for one group: a class, a school, a lesson or everything loaded. */
function figures(facts: Facts, pick: Pick): Figures {
	const group = facts.index.get(pickKey(pick)) ?? { pairs: [], sessions: [], roll: 0 };
	const reached = new Set<number>();
	const marked = new Set<number>();
	const completionPupils = new Set<number>();
	const scorePupils = new Set<number>();
	const gainPupils = new Set<number>();
	let marks = 0;
	let presentMarks = 0;
	let eligible = 0;
	let completed = 0;
	let scoreSum = 0;
	let scoreCount = 0;
	let gainPairs = 0;
	let before = 0;
	let after = 0;
	for (const f of group.pairs) {
		const total = f.scored;
		if (f.present) reached.add(f.pupilId);
		if (f.marks > 0) marked.add(f.pupilId);
		marks += f.marks;
		presentMarks += f.presentMarks;
		if (f.present || f.paper) {
			eligible++;
			completionPupils.add(f.pupilId);
			if (f.paper || (f.reachedEnd && f.answered === total)) completed++;
		}
		if (f.answered > 0 && total > 0) {
			scoreSum += f.correct / total;
			scoreCount++;
			scorePupils.add(f.pupilId);
		}
		if (f.gainPairs > 0) {
			gainPairs += f.gainPairs;
			before += f.gainBefore;
			after += f.gainAfter;
			gainPupils.add(f.pupilId);
		}
	}
	const sessionsDelivered = group.sessions.filter((s) => s.delivered).length;
	return {
		pupils: group.roll,
		reached: reached.size,
		sessionsDelivered,
		attendance: suppressRate({
			numerator: presentMarks,
			denominator: marks,
			pupils: marked.size
		}),
		completion: suppressRate({
			numerator: completed,
			denominator: eligible,
			pupils: completionPupils.size
		}),
		averageScore: suppressAverage({ sum: scoreSum, count: scoreCount, pupils: scorePupils.size }),
		gain: suppressGain({
			correctBefore: before,
			correctAfter: after,
			pairs: gainPairs,
			pupils: gainPupils.size
		})
	};
}

export type LessonFigures = { lessonId: string; title: string } & Figures;

/** Figures for each lesson loaded, in library order. */
function lessonFigures(facts: Facts): LessonFigures[] {
	return [...facts.lessons.values()].map((l) => ({
		lessonId: l.id,
		title: l.title,
		...figures(facts, { lessonId: l.id })
	}));
}

// ——— class report (teachers and leads: names of their own pupils) ———

export interface QuestionReport {
	questionId: string;
	phase: 'pre' | 'main';
	answers: number;
	/** Null for a poll. */
	correctRate: Disclosed | null;
	/** How many answers chose each option (in option order); null when hidden. */
	spread: { option: string; count: number }[] | null;
	/** The most common wrong answer, as option texts; null when none or hidden. */
	misconception: { options: string[]; count: number } | null;
}

export interface SessionReport {
	sessionId: number;
	lessonId: string;
	createdAt: string;
	present: number;
	absent: number;
	unmarked: number;
	questions: QuestionReport[];
}

export interface ClassReport {
	classId: number;
	className: string;
	schoolId: number;
	legend: string;
	lessons: { id: string; title: string }[];
	grid: {
		pupilId: number;
		name: string;
		lessons: Record<string, { state: CompletionState; score: number | null }>;
	}[];
	sessions: SessionReport[];
	gain: { lessonId: string; gain: Gain }[];
	catchUp: { lessonId: string; pupils: { pupilId: number; name: string }[] }[];
	totals: Figures;
}

export async function classReport(classId: number, lessons: Lesson[]): Promise<ClassReport> {
	const db = getDb();
	const cls = await db
		.selectFrom('classes')
		.select(['id', 'name', 'school_id'])
		.where('id', '=', classId)
		.executeTakeFirstOrThrow();
	const pupils = await db
		.selectFrom('pupils')
		.select(['id', 'first_name', 'last_initial'])
		.where('class_id', '=', classId)
		.where('archived_at', 'is', null)
		.orderBy('first_name')
		.orderBy('last_initial')
		.orderBy('id')
		.execute();
	const names = new Map(pupils.map((p) => [p.id, `${p.first_name} ${p.last_initial}.`]));
	const ids = pupils.map((p) => p.id);
	const byId = new Map(lessons.map((l) => [l.id, l]));

	const completions = new Map<string, Awaited<ReturnType<typeof lessonCompletion>>>();
	for (const lesson of lessons) completions.set(lesson.id, await lessonCompletion(ids, lesson));
	const grid = pupils.map((p) => ({
		pupilId: p.id,
		name: names.get(p.id)!,
		lessons: Object.fromEntries(
			lessons.map((l) => [l.id, completions.get(l.id)!.get(p.id)!])
		) as ClassReport['grid'][number]['lessons']
	}));

	const sessions = (
		await db
			.selectFrom('class_sessions')
			.select(['id', 'lesson_id', 'audience', 'created_at'])
			.where('class_id', '=', classId)
			.orderBy('created_at')
			.orderBy('id')
			.execute()
	).filter((s) => byId.has(s.lesson_id));
	const sessionIds = sessions.map((s) => s.id);
	const counts = await attendanceCounts(sessionIds);
	const someAudience = sessionIds.length
		? await db
				.selectFrom('class_session_pupils')
				.select(['session_id', 'pupil_id'])
				.where('session_id', 'in', sessionIds)
				.execute()
		: [];
	const answerGroups = sessionIds.length
		? await db
				.selectFrom('answers')
				.select((eb) => [
					'session_id',
					'question_id',
					'phase',
					'selected',
					'correct',
					eb.fn.countAll<number>().as('n')
				])
				.where('session_id', 'in', sessionIds)
				.groupBy(['session_id', 'question_id', 'phase', 'selected', 'correct'])
				.execute()
		: [];

	// Grouped once, not filtered afresh for every session and question.
	const audienceOf = new Map<number, number>();
	for (const a of someAudience)
		if (names.has(a.pupil_id))
			audienceOf.set(a.session_id, (audienceOf.get(a.session_id) ?? 0) + 1);
	const groupsOf = new Map<string, typeof answerGroups>();
	for (const g of answerGroups) {
		const key = `${g.session_id}\n${g.phase}\n${g.question_id}`;
		const list = groupsOf.get(key);
		if (list) list.push(g);
		else groupsOf.set(key, [g]);
	}

	const sessionReports: SessionReport[] = sessions.map((s) => {
		const lesson = byId.get(s.lesson_id)!;
		const c = counts.get(s.id) ?? { present: 0, absent: 0 };
		const audience = s.audience === 'some' ? (audienceOf.get(s.id) ?? 0) : ids.length;
		const questions: QuestionReport[] = [];
		for (const phase of ['pre', 'main'] as const) {
			for (const q of lesson.questions) {
				const groups = groupsOf.get(`${s.id}\n${phase}\n${q.id}`);
				if (groups) questions.push(questionReport(q, phase, groups));
			}
		}
		return {
			sessionId: s.id,
			lessonId: s.lesson_id,
			createdAt: s.created_at,
			present: c.present,
			absent: c.absent,
			unmarked: Math.max(0, audience - c.present - c.absent),
			questions
		};
	});

	const facts = await loadFacts({ classId }, {}, lessons);
	const gain = lessons.map((l) => ({
		lessonId: l.id,
		gain: figures(facts, { lessonId: l.id }).gain
	}));

	// Catch-up: for each lesson the class has had, pupils never present and not completed.
	const catchUp = lessons
		.filter((l) => sessions.some((s) => s.lesson_id === l.id))
		.map((l) => {
			const lessonSessions = new Set(sessions.filter((s) => s.lesson_id === l.id).map((s) => s.id));
			const wasThere = new Set(
				facts.present.filter((p) => lessonSessions.has(p.sessionId)).map((p) => p.pupilId)
			);
			const done = completions.get(l.id)!;
			return {
				lessonId: l.id,
				pupils: pupils
					.filter((p) => !wasThere.has(p.id))
					.filter((p) => {
						const state = done.get(p.id)?.state;
						return state !== 'completed' && state !== 'paper';
					})
					.map((p) => ({ pupilId: p.id, name: names.get(p.id)! }))
			};
		})
		.filter((c) => c.pupils.length > 0);

	return {
		classId: cls.id,
		className: cls.name,
		schoolId: cls.school_id,
		legend: LEGEND,
		lessons: lessons.map((l) => ({ id: l.id, title: l.title })),
		grid,
		sessions: sessionReports,
		gain,
		catchUp,
		totals: figures(facts, { all: true })
	};
}

function questionReport(
	q: Lesson['questions'][number],
	phase: 'pre' | 'main',
	groups: { selected: string; correct: number | null; n: number | string | bigint }[]
): QuestionReport {
	const total = groups.reduce((sum, g) => sum + Number(g.n), 0);
	const right = groups.filter((g) => g.correct === 1).reduce((sum, g) => sum + Number(g.n), 0);
	// A pupil answers once per phase, so answers = pupils.
	const correctRate = q.scored ? suppressRate({ numerator: right, denominator: total }) : null;
	// The spread and the misconception say as much as the rate, so they hide with it.
	const hidden = total > 0 && total < MIN_PUPILS;
	const chosen = (g: { selected: string }): number[] => {
		try {
			const parsed: unknown = JSON.parse(g.selected);
			return Array.isArray(parsed) ? parsed.filter((i): i is number => typeof i === 'number') : [];
		} catch {
			return [];
		}
	};
	const spread = q.options.map((o) => ({ option: o.text, count: 0 }));
	for (const g of groups) for (const i of chosen(g)) if (spread[i]) spread[i].count += Number(g.n);
	let worst: (typeof groups)[number] | undefined;
	for (const g of groups)
		if (g.correct === 0 && (!worst || Number(g.n) > Number(worst.n))) worst = g;
	return {
		questionId: q.id,
		phase,
		answers: total,
		correctRate,
		spread: hidden ? null : spread,
		misconception:
			hidden || !worst
				? null
				: {
						options: chosen(worst).map((i) => q.options[i]?.text ?? '?'),
						count: Number(worst.n)
					}
	};
}

// ——— school summary (no names) ———

export interface SchoolSummary {
	schoolId: number;
	name: string;
	legend: string;
	classes: ({ classId: number; name: string } & Figures)[];
	/** Each lesson of the filter across the school, from the same facts as the totals. */
	byLesson: LessonFigures[];
	totals: Figures;
}

export async function schoolSummary(
	schoolId: number,
	filter: ReportFilter = {},
	lessons: Lesson[] = getLibrary().lessons
): Promise<SchoolSummary> {
	const db = getDb();
	const school = await db
		.selectFrom('schools')
		.select(['id', 'name'])
		.where('id', '=', schoolId)
		.executeTakeFirstOrThrow();
	let classQuery = db
		.selectFrom('classes')
		.select(['id', 'name'])
		.where('school_id', '=', schoolId)
		.where('archived_at', 'is', null)
		.orderBy('name');
	if (filter.academicYear) classQuery = classQuery.where('academic_year', '=', filter.academicYear);
	const classes = await classQuery.execute();
	const facts = await loadFacts({ schoolId }, filter, lessons);
	return {
		schoolId: school.id,
		name: school.name,
		legend: LEGEND,
		classes: classes.map((c) => ({
			classId: c.id,
			name: c.name,
			...figures(facts, { classId: c.id })
		})),
		byLesson: lessonFigures(facts),
		totals: figures(facts, { all: true })
	};
}

// ——— borough dashboard (coordinators: never a name or a pupil id) ———

export interface CountCell {
	value: number | null;
	display: string;
	suppressed: boolean;
}

export interface BoroughDashboard {
	legend: string;
	filter: ReportFilter;
	pupilTarget: number | null;
	schoolsTakingPart: number;
	schoolsRegistered: number;
	totals: Figures;
	bySchool: ({ schoolId: number; name: string; reached: CountCell } & Omit<Figures, 'reached'>)[];
	byLesson: LessonFigures[];
	/** ISO weeks (`2026-W48`), oldest first. */
	byWeek: { week: string; sessions: number; pupilsReached: number }[];
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
// request recompute from the tables. So a new answer or attendance mark shows at once.

interface Memo {
	handle: Handle;
	version: string;
	/** A self-paced session still in the lobby reads as ended from its closing time. */
	expires: string | null;
	value: BoroughDashboard;
}

const MEMO_SIZE = 16;
const memo = new Map<string, Memo>();
const lessonKeys = new WeakMap<Lesson, number>();
let lessonKeyCount = 0;
function memoKey(filter: ReportFilter, lessons: Lesson[]): string {
	const ids = lessons.map((l) => {
		let id = lessonKeys.get(l);
		if (id === undefined) lessonKeys.set(l, (id = ++lessonKeyCount));
		return id;
	});
	const { academicYear, from, to, lessonId } = filter;
	return JSON.stringify([academicYear ?? '', from ?? '', to ?? '', lessonId ?? '', ids]);
}

export async function boroughDashboard(
	filter: ReportFilter = {},
	lessons: Lesson[] = getLibrary().lessons
): Promise<BoroughDashboard> {
	const handle = getHandle();
	const key = memoKey(filter, lessons);
	// Read before working: a write that lands meanwhile leaves the memo already stale.
	const version = dataVersion(handle);
	const kept = memo.get(key);
	if (
		kept &&
		kept.handle === handle &&
		kept.version === version &&
		(kept.expires === null || nowIso() < kept.expires)
	) {
		return { ...kept.value, filter };
	}
	// Frozen, so that no caller can change what the next one is given; handing out the
	// same object keeps a repeat request as cheap for 600 schools as for 6.
	const worked = await workOutDashboard(filter, lessons);
	// The caller's own filter object stays theirs, unfrozen.
	const value = deepFreeze({ ...worked.value, filter: { ...filter } });
	memo.delete(key);
	memo.set(key, { handle, version, expires: worked.expires, value });
	if (memo.size > MEMO_SIZE) memo.delete(memo.keys().next().value!);
	return { ...value, filter };
}

function deepFreeze<T>(value: T): T {
	if (value && typeof value === 'object' && !Object.isFrozen(value)) {
		for (const inner of Object.values(value)) deepFreeze(inner);
		Object.freeze(value);
	}
	return value;
}

async function workOutDashboard(
	filter: ReportFilter,
	lessons: Lesson[]
): Promise<{ value: BoroughDashboard; expires: string | null }> {
	const db = getDb();
	const [settings, schools, facts] = await Promise.all([
		db.selectFrom('borough_settings').select('pupil_target').executeTakeFirst(),
		db
			.selectFrom('schools')
			.select(['id', 'name'])
			.where('archived_at', 'is', null)
			.orderBy('name')
			.execute(),
		loadFacts({}, filter, lessons)
	]);

	const bySchoolFigures = schools.map((s) => ({
		schoolId: s.id,
		name: s.name,
		...figures(facts, { schoolId: s.id })
	}));
	// Pupils reached per school is published with a borough total, so hide small counts and
	// whatever would let them be worked back from the total.
	const table = suppressTable(
		bySchoolFigures.map((s) => ({
			row: s.schoolId,
			col: 'reached',
			count: s.reached,
			base: s.reached
		})),
		{ rowTotals: false, colTotals: true }
	);
	const cellOf = new Map(table.cells.map((c) => [c.row, c]));
	const bySchool = bySchoolFigures.map((s) => {
		const c = cellOf.get(s.schoolId)!;
		return {
			...s,
			reached: {
				value: c.suppressed ? null : c.count,
				display: c.display,
				suppressed: c.suppressed
			}
		};
	});

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
	const byWeek = [...weeks.entries()]
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
		.map(([week, w]) => ({ week, sessions: w.sessions, pupilsReached: w.pupils.size }));

	const totals = figures(facts, { all: true });
	const value: BoroughDashboard = {
		legend: LEGEND,
		filter,
		pupilTarget: settings?.pupil_target ?? null,
		schoolsTakingPart: bySchoolFigures.filter((s) => s.reached > 0).length,
		schoolsRegistered: schools.length,
		totals,
		bySchool,
		byLesson: lessonFigures(facts),
		byWeek
	};
	return { value, expires: facts.expires };
}
