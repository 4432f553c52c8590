// The borough dashboard (coordinators: never a name or a pupil id): the borough's totals,
// each school's figures with small counts of pupils reached hidden, each lesson's and each
// week's. Year and lesson filters are read from the kept totals (borough-totals.ts), a date
// range from the tables (facts.ts), both by figures.ts's definition; the last few dashboards
// are kept in a memo while the database is unchanged. Apart from the class and school
// reports because of those two sources and the memo.
import { boroughTotals } from './borough-totals';
import { dataVersion, getDb, getHandle, nowIso, type Handle } from '../platform';
import { LEGEND, suppressTable } from './disclosure';
import { getLibrary, type Lesson } from '../lessons';
import type { Figures, LessonFigures } from './figures';
import { loadFacts } from './facts';
import { figures, lessonFigures, weeksOf } from './group-figures';
import type { ReportFilter } from './scope';

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
