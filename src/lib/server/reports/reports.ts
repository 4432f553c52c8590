// Reports: a teacher's class report (with names, for their own class), and school and
// borough aggregates (counts and rates only, never a name or a pupil id), every rate and
// average passed through disclosure.ts. The figures themselves are defined once, in
// figures.ts, over facts read by report-facts.ts; the borough's are kept up to date in
// borough-totals.ts, a cache of the same definition.
import { boroughTotals } from './borough-totals';
import { dataVersion, getDb, getHandle, nowIso, type Handle } from '../platform';
import {
	LEGEND,
	MIN_PUPILS,
	suppressRate,
	suppressTable,
	type Disclosed,
	type Gain
} from './disclosure';
import { getLibrary, type Lesson } from '../lessons';
import { revisionsByHash } from '../teaching';
import type { CompletionState } from '../teaching';
import { noFacts, pupilCompletion, type Figures, type LessonFigures } from './figures';
import {
	figures,
	lessonFigures,
	loadFacts,
	weeksOf,
	type AnswerRow,
	type ReportFilter
} from './facts';
import { withKeptChoices } from './kept-choices';

export type { Figures, LessonFigures } from './figures';
export { isoWeek, type ReportFilter } from './facts';

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
	/** Pupils who have not completed a lesson the class has had (missed it or did not finish). */
	catchUp: { lessonId: string; pupils: { pupilId: number; name: string }[] }[];
	totals: Figures;
}

export async function classReport(classId: number, lessons: Lesson[]): Promise<ClassReport> {
	const db = getDb();
	const byId = new Map(lessons.map((l) => [l.id, l]));
	// The figures, the grid, catch-up, attendance and the questions all come from one read of
	// each table of facts (report-facts.ts, with the detail).
	const [cls, onRoll, allSessions, facts] = await Promise.all([
		db
			.selectFrom('classes')
			.select(['id', 'name', 'school_id'])
			.where('id', '=', classId)
			.executeTakeFirstOrThrow(),
		db
			.selectFrom('pupils')
			.select(['id', 'first_name', 'last_initial', 'records_deleted_at'])
			.where('class_id', '=', classId)
			.where('archived_at', 'is', null)
			.orderBy('first_name')
			.orderBy('last_initial')
			.orderBy('id')
			.execute(),
		db
			.selectFrom('class_sessions')
			.select(['id', 'lesson_id', 'lesson_hash', 'audience', 'created_at'])
			.where('class_id', '=', classId)
			.orderBy('created_at')
			.orderBy('id')
			.execute(),
		loadFacts({ classId }, {}, lessons, { opened: true, detail: true })
	]);
	// Former pupils (records deleted at the end of the retention period) are in no list by
	// name, but still counted in each session's audience, so its figures stay the same.
	const pupils = onRoll.filter((p) => p.records_deleted_at === null);
	const names = new Map(pupils.map((p) => [p.id, `${p.first_name} ${p.last_initial}.`]));
	const ids = pupils.map((p) => p.id);
	const audienceIds = new Set(onRoll.map((p) => p.id));
	const sessions = allSessions.filter((s) => byId.has(s.lesson_id));
	const sessionIds = sessions.map((s) => s.id);
	// `in ()` is not SQL: a class with no sessions reads nothing.
	const [someAudience, revisions] = await Promise.all([
		sessionIds.length
			? db
					.selectFrom('class_session_pupils')
					.select(['session_id', 'pupil_id'])
					.where('session_id', 'in', sessionIds)
					.execute()
			: [],
		revisionsByHash(sessions.map((s) => s.lesson_hash))
	]);
	// Each pupil's state and score, by the definition every report and the pupil's own
	// summary use (figures.ts).
	const completions = new Map(
		lessons.map((l) => {
			const ofLesson = facts.pairs.get(l.id)!;
			return [
				l.id,
				new Map(
					ids.map((id) => [
						id,
						pupilCompletion(ofLesson.get(id) ?? noFacts(l), facts.opened.has(`${l.id}\n${id}`))
					])
				)
			];
		})
	);
	const grid = pupils.map((p) => ({
		pupilId: p.id,
		name: names.get(p.id)!,
		lessons: Object.fromEntries(
			lessons.map((l) => [l.id, completions.get(l.id)!.get(p.id)!])
		) as ClassReport['grid'][number]['lessons']
	}));

	// Grouped once, not filtered afresh for every session and question.
	const audienceOf = new Map<number, number>();
	for (const a of someAudience)
		if (audienceIds.has(a.pupil_id))
			audienceOf.set(a.session_id, (audienceOf.get(a.session_id) ?? 0) + 1);
	// Former pupils' choices come from the counts kept when their records went.
	const groupsOf = answerGroups(
		await withKeptChoices(facts.answerRows, sessionIds),
		new Set(sessionIds)
	);

	const sessionReports: SessionReport[] = sessions.map((s) => {
		// Each session's questions as it asked them (lesson-revisions.ts).
		const lesson = revisions.get(s.lesson_hash) ?? byId.get(s.lesson_id)!;
		const c = facts.marks.get(s.id) ?? { present: 0, absent: 0 };
		const audience = s.audience === 'some' ? (audienceOf.get(s.id) ?? 0) : audienceIds.size;
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

	const gain = lessons.map((l) => ({
		lessonId: l.id,
		gain: figures(facts, { lessonId: l.id }).gain
	}));

	// Catch-up: for each lesson the class has had, every pupil who has not completed it
	// (completion.ts), whether they missed it or were there and did not finish.
	const catchUp = lessons
		.filter((l) => sessions.some((s) => s.lesson_id === l.id))
		.map((l) => {
			const done = completions.get(l.id)!;
			return {
				lessonId: l.id,
				pupils: pupils
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
		// The same figures as the class's row of the school report.
		totals: figures(facts, { classId })
	};
}

type AnswerGroup = { selected: string; correct: number | null; n: number };

/**
 * The class's sessions' answers (every answer given there, by any pupil, first or not), by
 * session, phase and question, then by what was chosen and whether it was right.
 */
function answerGroups(
	rows: readonly AnswerRow[],
	sessionIds: Set<number>
): Map<string, AnswerGroup[]> {
	const groups = new Map<string, Map<string, AnswerGroup>>();
	for (const x of rows) {
		if (!sessionIds.has(x.session_id)) continue;
		const key = `${x.session_id}\n${x.phase}\n${x.question_id}`;
		let ofQuestion = groups.get(key);
		if (!ofQuestion) groups.set(key, (ofQuestion = new Map()));
		const choice = `${x.selected}\n${x.correct}`;
		const group = ofQuestion.get(choice);
		if (group) group.n++;
		else ofQuestion.set(choice, { selected: x.selected, correct: x.correct, n: 1 });
	}
	return new Map([...groups].map(([key, g]) => [key, [...g.values()]]));
}

function questionReport(
	q: Lesson['questions'][number],
	phase: 'pre' | 'main',
	groups: AnswerGroup[]
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
	// Archived classes too (a closed year's): their pupils are in the school's totals, so
	// their rows stay beside them, after the open classes and named with their year.
	let classQuery = db
		.selectFrom('classes')
		.select(['id', 'name', 'academic_year', 'archived_at'])
		.where('school_id', '=', schoolId);
	if (filter.academicYear) classQuery = classQuery.where('academic_year', '=', filter.academicYear);
	const byName = (a: string, b: string) => a.localeCompare(b, 'en-GB', { numeric: true });
	const classes = (await classQuery.execute()).sort(
		(a, b) =>
			Number(a.archived_at !== null) - Number(b.archived_at !== null) ||
			byName(b.academic_year, a.academic_year) ||
			byName(a.name, b.name)
	);
	const facts = await loadFacts({ schoolId }, filter, lessons);
	return {
		schoolId: school.id,
		name: school.name,
		legend: LEGEND,
		classes: classes.map((c) => ({
			classId: c.id,
			name: c.archived_at === null ? c.name : `${c.name} (${c.academic_year}, archived)`,
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
	/** The borough's pupils reached is hidden too: it would give away a hidden school's count. */
	reachedTotalHidden: boolean;
	byLesson: LessonFigures[];
	/** ISO weeks (`2026-W48`), oldest first. */
	byWeek: { week: string; sessions: number; pupilsReached: number }[];
}

// Coordinators ask for the same dashboard again and again (pages, filters, the CSV), often
// with nothing written in between. The last few dashboards are kept per filter and lesson
// set, each valid only while the database is exactly as it was when it was worked out: any
// write at all, by any module or process, makes the next request work it out again (from
// the kept totals, or the tables for a date range). So a new answer shows at once.

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

/** The dashboard's figures, wherever they come from. */
interface DashboardFigures {
	/** Schools not archived, by name. */
	schools: { id: number; name: string }[];
	totals: Figures;
	school: (schoolId: number) => Figures;
	byLesson: LessonFigures[];
	byWeek: BoroughDashboard['byWeek'];
	expires: string | null;
}

/**
 * Year and lesson filters are answered from the kept totals (borough-totals.ts); a date range
 * asks which answers fall in which sessions' dates, so it is worked out from the tables with
 * `loadFacts`, exactly as the school report is. Both are the definition of figures.ts over the
 * same facts (tests/integration/figures-property.test.ts holds each to it).
 */
async function dashboardFigures(
	filter: ReportFilter,
	lessons: Lesson[]
): Promise<DashboardFigures> {
	if (!filter.from && !filter.to) {
		const kept = await boroughTotals(filter, lessons);
		return { ...kept, school: (id) => kept.bySchool.get(id)! };
	}
	const [facts, schools] = await Promise.all([
		loadFacts({}, filter, lessons),
		getDb()
			.selectFrom('schools')
			.select(['id', 'name'])
			.where('archived_at', 'is', null)
			.orderBy('name')
			.execute()
	]);
	return {
		schools,
		totals: figures(facts, { all: true }),
		school: (id) => figures(facts, { schoolId: id }),
		byLesson: lessonFigures(facts),
		byWeek: weeksOf(facts),
		expires: facts.expires
	};
}

type SchoolRow = BoroughDashboard['bySchool'][number];
const rowOf = new WeakMap<Figures, SchoolRow>();

async function workOutDashboard(
	filter: ReportFilter,
	lessons: Lesson[]
): Promise<{ value: BoroughDashboard; expires: string | null }> {
	const db = getDb();
	const [settings, found] = await Promise.all([
		db.selectFrom('borough_settings').select('pupil_target').executeTakeFirst(),
		dashboardFigures(filter, lessons)
	]);
	const schools = found.schools;

	const schoolFigures = schools.map((s) => found.school(s.id));
	// Pupils reached per school is published with a borough total, so hide small counts and
	// whatever would let them be worked back from the total. Cells come back in order.
	const { cells, hiddenColTotals } = suppressTable(
		schoolFigures.map((f, i) => ({
			row: schools[i].id,
			col: 'reached',
			count: f.reached,
			base: f.reached
		})),
		{ rowTotals: false, colTotals: true }
	);
	const bySchool = schools.map((s, i): SchoolRow => {
		const figures = schoolFigures[i];
		const c = cells[i];
		// A school whose figures are the very same object as last time, named and hidden
		// the same, keeps its row: with 600 schools and a few changed, most rows are kept.
		const last = rowOf.get(figures);
		if (
			last &&
			last.name === s.name &&
			last.reached.display === c.display &&
			last.reached.suppressed === c.suppressed
		)
			return last;
		const row = {
			schoolId: s.id,
			name: s.name,
			...figures,
			reached: {
				value: c.suppressed ? null : c.count,
				display: c.display,
				suppressed: c.suppressed
			}
		};
		rowOf.set(figures, row);
		return row;
	});

	const value: BoroughDashboard = {
		legend: LEGEND,
		filter,
		pupilTarget: settings?.pupil_target ?? null,
		schoolsTakingPart: schoolFigures.filter((f) => f.reached > 0).length,
		schoolsRegistered: schools.length,
		totals: found.totals,
		bySchool,
		reachedTotalHidden: hiddenColTotals.length > 0,
		byLesson: found.byLesson,
		byWeek: found.byWeek
	};
	return { value, expires: found.expires };
}
