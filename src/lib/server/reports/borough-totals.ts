// The borough dashboard's figures, kept up to date in memory instead of read afresh from
// every answer of the year on each request: a cache of the definition in figures.ts, never a
// second one.
//
// Each pupil's facts (pupil-pairs.ts `buildPairs` and answer-facts.ts `answerFacts`, as every
// report reads them) are held once as their contributions (figures.ts `contribution`), and
// each session's (its lesson, week, and whether it was delivered); the contributions are
// summed per class and lesson with figures.ts `addSums` and `distinctOf`, and figures.ts
// `figuresOf` makes the figures. A pupil's facts count under the class they are in now,
// wherever they did the work, exactly as the class and school reports count them (a pupil
// moved to a class of another academic year takes their work to that year). Each filter
// asked for (academic year, lesson) keeps a view: those class sums added up by school, by
// lesson and for the borough. The database records which pupils, sessions, classes and
// schools changed (triggers, migration 006). A request first works out just those again
// from the tables; each class they touch is taken out of every view, brought up to date,
// and put back. So a request costs what changed, not the size of the borough. The first
// request after a start (or after a lesson file changes) builds everything, as a report
// worked out from the tables would. tests/integration/figures-property.test.ts holds it,
// and the reports, to a plain definition after random writes.
//
// Four modules, one concern each: what is kept (borough-kept.ts), how it is built and
// brought up to date (borough-refresh.ts), each filter's view of it (borough-views.ts), and
// here the figures read from a view.
//
// A date range needs each session's date against each answer, so borough-dashboard.ts
// answers a dashboard with dates from facts.ts `loadFacts` instead: the same facts and the
// same definition, read for that filter.
import type { Lesson } from '../lessons';
import { figuresOf, type Figures, type GroupTally, type LessonFigures } from './figures';
import type { SchoolInfo, State, TotalsFilter, View } from './borough-kept';
import { current } from './borough-refresh';
import { viewOf } from './borough-views';

export type { TotalsFilter };

export interface BoroughTotals {
	/** Schools not archived, by name. */
	schools: SchoolInfo[];
	totals: Figures;
	/** Every school not archived, by id (a school with nothing yet has zeros). */
	bySchool: Map<number, Figures>;
	byLesson: LessonFigures[];
	byWeek: { week: string; sessions: number; pupilsReached: number }[];
	/** When a figure changes by the clock alone (a self-paced session in the lobby closes). */
	expires: string | null;
}

function byWeekOf(view: View): BoroughTotals['byWeek'] {
	const weeks = [...new Set([...view.pupilWeeks.keys(), ...view.sessionWeeks.keys()])].sort();
	return weeks.map((week) => ({
		week,
		sessions: view.sessionWeeks.get(week) ?? 0,
		pupilsReached: view.pupilWeeks.get(week) ?? 0
	}));
}

function expiresOf(state: State): string | null {
	let expires: string | null = null;
	for (const closes of state.closing.values())
		if (expires === null || closes < expires) expires = closes;
	return expires;
}

export async function boroughTotals(
	filter: TotalsFilter,
	lessons: Lesson[]
): Promise<BoroughTotals> {
	const state = await current(lessons);
	const view = viewOf(state, filter);
	const figuresOfGroup = (g: GroupTally, roll = g.roll) =>
		figuresOf(g.tally, roll, g.sessions, view.inPlay);
	const bySchool = new Map<number, Figures>();
	for (const [id, g] of view.bySchool) {
		let f = view.schoolFigures.get(id);
		if (!f) view.schoolFigures.set(id, (f = figuresOfGroup(g)));
		bySchool.set(id, f);
	}
	return {
		schools: state.schools,
		totals: figuresOfGroup(view.all),
		bySchool,
		byLesson: view.inPlay.map((l) => ({
			lessonId: l.id,
			title: l.title,
			// Every pupil on roll is in scope of every lesson.
			...figuresOfGroup(view.byLesson.get(l.id)!, view.all.roll)
		})),
		byWeek: byWeekOf(view),
		expires: expiresOf(state)
	};
}

/** What the borough's figures are made of, before disclosure control (a copy). */
export interface BoroughTallies {
	all: GroupTally;
	bySchool: Map<number, GroupTally>;
	byLesson: Map<string, GroupTally>;
	byWeek: BoroughTotals['byWeek'];
	expires: string | null;
}

export async function boroughTallies(
	filter: TotalsFilter,
	lessons: Lesson[]
): Promise<BoroughTallies> {
	const state = await current(lessons);
	const view = viewOf(state, filter);
	const copy = (g: GroupTally, roll = g.roll): GroupTally => ({
		tally: { ...g.tally, correct: new Map(g.tally.correct) },
		roll,
		sessions: g.sessions
	});
	return {
		all: copy(view.all),
		bySchool: new Map([...view.bySchool].map(([id, g]) => [id, copy(g)])),
		byLesson: new Map([...view.byLesson].map(([id, g]) => [id, copy(g, view.all.roll)])),
		byWeek: byWeekOf(view),
		expires: expiresOf(state)
	};
}
