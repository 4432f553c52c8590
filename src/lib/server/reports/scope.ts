// The facts' shapes, and whose facts a report reads: the filter and scope a report asks
// for, the facts loaded for them (facts.ts `loadFacts`) with their index by group, and the
// queries that pick the pupils and sessions of a scope. Apart from the reading itself so that
// every reader (facts.ts, answer-facts.ts, pupil-pairs.ts, group-figures.ts and the borough's
// kept totals) shares one vocabulary and one notion of a scope, a delivered session and a week.
import { getDb } from '../platform';
import type { ClassSession } from '../platform';
import { effectiveStatus } from '../teaching';
import type { PupilLessonFact } from './figures';
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

/** Which group of facts a figure is about. */
export type Group =
	{ all: true } | { classId: number } | { schoolId: number } | { lessonId: string };

export function groupKey(pick: Group): string {
	if ('classId' in pick) return `c:${pick.classId}`;
	if ('schoolId' in pick) return `s:${pick.schoolId}`;
	if ('lessonId' in pick) return `l:${pick.lessonId}`;
	return 'all';
}

export function buildIndex(facts: Omit<Facts, 'index'>): Facts['index'] {
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

// ——— whose facts: the scope's pupils and sessions ———

/** Sessions the filter keeps by their lesson and dates, of any class. */
export function sessionsInDates(filter: ReportFilter) {
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
export function scopedPupils(scope: Scope, filter: ReportFilter) {
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

/** Sessions of the scope and the filter's year, whatever their dates, in `sessionsRead`'s terms. */
export function isOwnSession(
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
export function sessionsRead(scope: Scope, filter: ReportFilter, pupilIds: PupilIds | undefined) {
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

export type PupilIds = ReturnType<typeof pupilIdsOf>;
export function pupilIdsOf(scope: Scope, filter: ReportFilter) {
	return scopedPupils(scope, filter).select('p.id');
}

/** Sessions of the scope and the filter's year (the class report's own). */
export function ownSessions(scope: Scope, filter: ReportFilter) {
	let q = getDb()
		.selectFrom('class_sessions as s')
		.innerJoin('classes as c', 'c.id', 's.class_id')
		.select('s.id');
	if (scope.classId !== undefined) q = q.where('s.class_id', '=', scope.classId);
	if (scope.schoolId !== undefined) q = q.where('c.school_id', '=', scope.schoolId);
	if (filter.academicYear) q = q.where('c.academic_year', '=', filter.academicYear);
	return q;
}

// ——— a session's facts ———

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
