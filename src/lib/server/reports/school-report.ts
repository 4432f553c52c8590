// A school's report (no names): each class's figures, each lesson's across the school, and
// the school's totals, by figures.ts's definition over the facts facts.ts reads for the
// school and filter. Apart from the class report (names, questions) and the borough
// dashboard (kept totals, a memo), which it shares nothing with but the definition.
import { getDb } from '../platform';
import { LEGEND } from './disclosure';
import { getLibrary, type Lesson } from '../lessons';
import type { Figures, LessonFigures } from './figures';
import { loadFacts } from './facts';
import { figures, lessonFigures } from './group-figures';
import type { ReportFilter } from './scope';

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
