// Each filter's view of the borough's kept totals (borough-kept.ts): the class sums of the
// classes the filter covers, added up by school, by lesson and for the borough. A view is made
// on first use and kept in step class by class (`contribute`, as borough-refresh.ts brings a
// class up to date); apart from the kept state because it is the part a filter decides.
import { DISTINCT, emptyTally, type Distinct, type GroupTally, type Tally } from './figures';
import { bump, type State, type TotalsFilter, type View } from './borough-kept';

// ——— adding up ———

function addTally(into: Tally, from: Tally, sign: 1 | -1): void {
	into.marks += sign * from.marks;
	into.presentMarks += sign * from.presentMarks;
	into.eligible += sign * from.eligible;
	into.completed += sign * from.completed;
	into.scoreCount += sign * from.scoreCount;
	into.gainPairs += sign * from.gainPairs;
	into.before += sign * from.before;
	into.after += sign * from.after;
	for (const [key, right] of from.correct) bump(into.correct, key, sign * right);
}

function addDistinct(into: Tally, from: Distinct, sign: 1 | -1): void {
	for (const key of DISTINCT) into[key] += sign * from[key];
}

function addWeeks(into: Map<string, number>, from: Map<string, number>, sign: 1 | -1): void {
	for (const [week, n] of from) bump(into, week, sign * n);
}

const newGroup = (): GroupTally => ({ tally: emptyTally(), roll: 0, sessions: 0 });

/**
 * Adds one class to a view (`sign` −1 takes it out). Sessions count wherever they were
 * taught; pupils while their school is open, their class archived or not (a closed year
 * keeps its figures), as facts.ts counts.
 */
export function contribute(state: State, view: View, classId: number, sign: 1 | -1): void {
	const info = state.classInfo.get(classId);
	const kept = state.classes.get(classId);
	if (!info || !kept) return;
	if (view.filter.academicYear && info.academicYear !== view.filter.academicYear) return;
	const school = view.bySchool.get(info.schoolId);
	view.schoolFigures.delete(info.schoolId);
	for (const l of view.inPlay) {
		const cell = kept.lessons.get(l.id);
		if (!cell) continue;
		view.all.sessions += sign * cell.sessions;
		if (school) school.sessions += sign * cell.sessions;
		view.byLesson.get(l.id)!.sessions += sign * cell.sessions;
		addWeeks(view.sessionWeeks, cell.sessionWeeks, sign);
	}
	if (!school) return;
	view.all.roll += sign * kept.roll;
	school.roll += sign * kept.roll;
	for (const l of view.inPlay) {
		const cell = kept.lessons.get(l.id);
		if (!cell) continue;
		const lesson = view.byLesson.get(l.id)!;
		addTally(view.all.tally, cell.tally, sign);
		addTally(school.tally, cell.tally, sign);
		addTally(lesson.tally, cell.tally, sign);
		addDistinct(lesson.tally, cell.tally, sign);
		// With one lesson, its pairs are its pupils.
		if (view.filter.lessonId) {
			addDistinct(view.all.tally, cell.tally, sign);
			addDistinct(school.tally, cell.tally, sign);
			addWeeks(view.pupilWeeks, cell.weeks, sign);
		}
	}
	if (!view.filter.lessonId) {
		addDistinct(view.all.tally, kept.distinct, sign);
		addDistinct(school.tally, kept.distinct, sign);
		addWeeks(view.pupilWeeks, kept.weeks, sign);
	}
}

const MAX_VIEWS = 16;

/** The view of a filter, made on first use from the class sums. */
export function viewOf(state: State, filter: TotalsFilter): View {
	const key = JSON.stringify([filter.academicYear ?? '', filter.lessonId ?? '']);
	let view = state.views.get(key);
	if (view) {
		// Most recently used last, so the oldest goes first.
		state.views.delete(key);
		state.views.set(key, view);
		return view;
	}
	const inPlay = state.lessons.filter((l) => !filter.lessonId || l.id === filter.lessonId);
	view = {
		filter: { academicYear: filter.academicYear, lessonId: filter.lessonId },
		inPlay,
		all: newGroup(),
		bySchool: new Map(state.schools.map((s) => [s.id, newGroup()])),
		byLesson: new Map(inPlay.map((l) => [l.id, newGroup()])),
		pupilWeeks: new Map(),
		sessionWeeks: new Map(),
		schoolFigures: new Map()
	};
	for (const classId of state.classInfo.keys()) contribute(state, view, classId, 1);
	state.views.set(key, view);
	if (state.views.size > MAX_VIEWS) state.views.delete(state.views.keys().next().value!);
	return view;
}
