// Reading the facts every figure is made of (figures.ts defines the figures): each pupil's
// facts for each lesson (present, marked, reached the end, answered, right, on paper, before
// and after) and each session's (delivered or not). The class and school reports, a
// date-filtered dashboard, the class grid, the pupil's summary and certificate load them
// here on each request; the borough dashboard keeps the same facts up to date in memory
// (borough-refresh.ts), built with answer-facts.ts `answerFacts` and pupil-pairs.ts
// `buildPairs`. Answers are aggregated in SQL; pupil × lesson facts are combined in
// TypeScript. What a scope is and the shape of the facts are in scope.ts.
import { getDb } from '../platform';
import type { Lesson } from '../lessons';
import { answerFacts, answerFactsOfRows, readAnswerRows } from './answer-facts';
import { buildPairs } from './pupil-pairs';
import {
	buildIndex,
	closesLater,
	isDelivered,
	isOwnSession,
	isoWeek,
	pupilIdsOf,
	scopedPupils,
	sessionsInDates,
	sessionsRead,
	type Facts,
	type ReportFilter,
	type Scope,
	type SessionFact
} from './scope';

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
