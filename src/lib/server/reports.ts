// Reports: a teacher's class report (with names, for their own class), and school and
// borough aggregates (counts and rates only, never a name or a pupil id), every rate and
// average passed through disclosure.ts. Answers are aggregated in SQL; pupil × lesson
// facts are combined in TypeScript so that one set of definitions serves every table.
import { getDb, nowIso } from './db';
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
	/** key `${pupilId}:${lessonId}` */
	pairs: Map<string, PupilLessonFact>;
	/** Present marks: which pupils were present in which session. */
	present: { sessionId: number; pupilId: number }[];
	lessons: Map<string, Lesson>;
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
	for (const f of facts.pairs.values())
		for (const key of ['all', `c:${f.classId}`, `s:${f.schoolId}`, `l:${f.lessonId}`])
			entry(key).pairs.push(f);
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

/** The scored (or scored check) question ids of each lesson, as one SQL condition. */
function questionFilter(lessons: Lesson[], pick: (q: Lesson['questions'][number]) => boolean) {
	return lessons
		.map((l) => ({ lessonId: l.id, ids: l.questions.filter(pick).map((q) => q.id) }))
		.filter((x) => x.ids.length > 0);
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
	const pupilIds = scopedPupils(scope, filter).select('p.id');
	const scored = questionFilter(lessonList, (q) => q.scored);
	const checks = questionFilter(lessonList, (q) => q.scored && q.check);
	const now = nowIso();

	const [pupilRows, sessionRows, attendance, ends, answers, gains, paper] = await Promise.all([
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
			.groupBy(['g.pupil_id', 'g.lesson_id'])
			.execute(),
		scored.length === 0
			? Promise.resolve([])
			: db
					.selectFrom('answers as x')
					.select((eb) => [
						'x.pupil_id',
						'x.lesson_id',
						eb.fn.countAll<number>().as('answered'),
						eb.fn.sum<number>('x.correct').as('correct')
					])
					.where('x.phase', '=', 'main')
					.$if(filtered, (qb) => qb.where('x.session_id', 'in', sessionIds))
					.where((eb) =>
						eb.or(
							scored.map((s) =>
								eb.and([eb('x.lesson_id', '=', s.lessonId), eb('x.question_id', 'in', s.ids)])
							)
						)
					)
					.groupBy(['x.pupil_id', 'x.lesson_id'])
					.execute(),
		// Gain pairs: the same check question answered in both phases by the same pupil.
		checks.length === 0
			? Promise.resolve([])
			: db
					.selectFrom('answers as b')
					.innerJoin('answers as m', (j) =>
						j
							.onRef('m.pupil_id', '=', 'b.pupil_id')
							.onRef('m.lesson_id', '=', 'b.lesson_id')
							.onRef('m.question_id', '=', 'b.question_id')
							.on('m.phase', '=', 'main')
					)
					.select((eb) => [
						'b.pupil_id',
						'b.lesson_id',
						eb.fn.countAll<number>().as('pairs'),
						eb.fn.sum<number>('b.correct').as('before'),
						eb.fn.sum<number>('m.correct').as('after')
					])
					.where('b.phase', '=', 'pre')
					.$if(filtered, (qb) => qb.where('m.session_id', 'in', sessionIds))
					.where((eb) =>
						eb.or(
							checks.map((s) =>
								eb.and([eb('b.lesson_id', '=', s.lessonId), eb('b.question_id', 'in', s.ids)])
							)
						)
					)
					.groupBy(['b.pupil_id', 'b.lesson_id'])
					.execute(),
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
	const pairs = new Map<string, PupilLessonFact>();
	const pair = (pupilId: number, lessonId: string): PupilLessonFact | undefined => {
		const pupil = pupils.get(pupilId);
		const lesson = lessons.get(lessonId);
		if (!pupil || !lesson) return undefined;
		const key = `${pupilId}:${lessonId}`;
		let fact = pairs.get(key);
		if (!fact) {
			fact = {
				pupilId,
				classId: pupil.classId,
				schoolId: pupil.schoolId,
				lessonId,
				scored: lesson.questions.filter((q) => q.scored).length,
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
			pairs.set(key, fact);
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
	const sessions: SessionFact[] = sessionRows.map((s) => {
		const ended =
			s.status === 'ended' || (s.mode === 'self' && !!s.closes_at && s.closes_at <= now);
		const status = ended ? 'ended' : s.status;
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
		const fact = pair(x.pupil_id, x.lesson_id);
		if (!fact) continue;
		fact.answered = Number(x.answered);
		fact.correct = Number(x.correct ?? 0);
	}
	for (const g of gains) {
		const fact = pair(g.pupil_id, g.lesson_id);
		if (!fact) continue;
		fact.gainPairs = Number(g.pairs);
		fact.gainBefore = Number(g.before ?? 0);
		fact.gainAfter = Number(g.after ?? 0);
	}
	for (const p of paper) {
		const fact = pair(p.pupil_id, p.lesson_id);
		if (fact) fact.paper = true;
	}
	const base = { pupils, sessions, pairs, present, lessons };
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

	const sessionReports: SessionReport[] = sessions.map((s) => {
		const lesson = byId.get(s.lesson_id)!;
		const c = counts.get(s.id) ?? { present: 0, absent: 0 };
		const audience =
			s.audience === 'some'
				? someAudience.filter((a) => a.session_id === s.id && names.has(a.pupil_id)).length
				: ids.length;
		const questions: QuestionReport[] = [];
		for (const phase of ['pre', 'main'] as const) {
			for (const q of lesson.questions) {
				const groups = answerGroups.filter(
					(g) => g.session_id === s.id && g.question_id === q.id && g.phase === phase
				);
				if (groups.length === 0) continue;
				questions.push(questionReport(q, phase, groups));
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
	byLesson: ({ lessonId: string; title: string } & Figures)[];
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

export async function boroughDashboard(
	filter: ReportFilter = {},
	lessons: Lesson[] = getLibrary().lessons
): Promise<BoroughDashboard> {
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
	return {
		legend: LEGEND,
		filter,
		pupilTarget: settings?.pupil_target ?? null,
		schoolsTakingPart: bySchoolFigures.filter((s) => s.reached > 0).length,
		schoolsRegistered: schools.length,
		totals,
		bySchool,
		byLesson: [...facts.lessons.values()].map((l) => ({
			lessonId: l.id,
			title: l.title,
			...figures(facts, { lessonId: l.id })
		})),
		byWeek
	};
}
