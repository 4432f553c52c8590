// The figures of one group of loaded facts (a class, a school, a lesson, everything loaded)
// and their weeks: what a report made afresh shows, by figures.ts's definition over the
// index scope.ts builds. Apart from facts.ts because it reads no table: it only adds up.
import {
	figuresOf,
	tallyPairs,
	type Figures,
	type GroupTally,
	type LessonFigures
} from './figures';
import { groupKey, isoWeek, type Facts, type Group } from './scope';

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
