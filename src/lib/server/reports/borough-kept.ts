// What the borough's kept totals hold (borough-totals.ts says why they are kept): each
// pupil's contributions and each session's facts, summed per class and lesson, and the state
// that holds them for one database with each filter's view. Adding or taking away one pupil
// or one session is here; building and refreshing the state (borough-refresh.ts) and adding
// classes up into views (borough-views.ts) are apart, so that each can be read on its own.
import type { Handle } from '../platform';
import type { Lesson } from '../lessons';
import {
	addSums,
	distinctOf,
	DISTINCT,
	emptyTally,
	type Contribution,
	type Distinct,
	type Figures,
	type GroupTally,
	type Tally
} from './figures';

export interface TotalsFilter {
	academicYear?: string;
	lessonId?: string;
}

// ——— what is kept ———

export interface PairKept {
	lessonId: string;
	c: Contribution;
	/** ISO weeks of the sessions the pupil was present in, for this lesson. */
	weeks: string[];
}

export interface PupilKept {
	classId: number;
	archived: boolean;
	pairs: PairKept[];
}

export interface SessionKept {
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

export interface ClassKept {
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
export interface View {
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

/** The kept state of one database (borough-refresh.ts keeps one per database handle). */
export interface State {
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

// ——— keeping sums ———

export function bump(map: Map<string, number>, key: string, by: number): void {
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
export function applyPupil(state: State, pupil: PupilKept, sign: 1 | -1): void {
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

export function applySession(state: State, session: SessionKept, sign: 1 | -1): void {
	if (!session.delivered || !state.lessonIds.has(session.lessonId)) return;
	const cell = lessonCell(classKept(state, session.classId), session.lessonId);
	cell.sessions += sign;
	bump(cell.sessionWeeks, session.week, sign);
}
