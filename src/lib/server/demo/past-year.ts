// Last year in the demo borough: Whitchurch Fields' Year 6 of the academic year before the
// demo's, with a few lessons in its spring term, closed by the school's lead at the end of
// July, so that a closed year shows in the classes list, the school report's year filter
// and a pupil's records. Added after everything else the demo makes, with its own random
// numbers, so that every current class, pupil and lesson stays exactly as it was.
import type { Transaction } from 'kysely';
import { academicYearOf, makeClassCode, makePicturePassword, seededInt } from '../platform';
import { Generator } from './generator';
import type { DemoClassRef, SchoolPlan } from './history';
import { write } from './write-rows';
import type { DB } from '../platform';
import { getLibrary } from '../lessons';

export const DEMO_PAST_YEAR = {
	school: 'whitchurch-fields',
	className: 'Year 6',
	pupils: 24,
	lessons: 4
} as const;

const PLAN: SchoolPlan = { pre: 0.46, main: 0.74, classes: {} };
const DAY = 86_400_000;
const MINUTE = 60_000;

/** The academic year before `now`'s, e.g. "2025/26" during 2026/27. */
export function pastAcademicYear(now: Date): string {
	const start = Number(academicYearOf(now).slice(0, 4)) - 1;
	return `${start}/${String((start + 1) % 100).padStart(2, '0')}`;
}

/** Tuesdays at 10:50 UTC from the first Tuesday after 6 January of the year's spring term. */
function springTuesdays(startYear: number, count: number): number[] {
	let day = Date.UTC(startYear + 1, 0, 7);
	while (new Date(day).getUTCDay() !== 2) day += DAY;
	return Array.from({ length: count }, (_, i) => day + i * 7 * DAY + (10 * 60 + 50) * MINUTE);
}

/**
 * Writes last year's closed class inside seedDemo's transaction: the class, taught by the
 * school's Year 6 teacher, its pupils, its lessons, and the school lead's closing of the year
 * (the class archived on 22 July, as closeAcademicYear leaves it, with its audit entry).
 */
export async function seedDemoPastYear(
	trx: Transaction<DB>,
	now: Date,
	input: {
		schoolId: number;
		teacherId: number;
		leadId: number;
		firstNames: readonly string[];
		initials: string;
	}
): Promise<void> {
	const random = seededInt(2025);
	const year = pastAcademicYear(now);
	const startYear = Number(year.slice(0, 4));
	const taken = new Set(
		(await trx.selectFrom('classes').select('code').execute()).map((c) => c.code)
	);
	let code = makeClassCode(random);
	while (taken.has(code)) code = makeClassCode(random);
	const closedAt = new Date(Date.UTC(startYear + 1, 6, 22, 14, 30)).toISOString();
	const { id: classId } = await trx
		.insertInto('classes')
		.values({
			school_id: input.schoolId,
			name: DEMO_PAST_YEAR.className,
			year_group: 6,
			academic_year: year,
			code,
			created_at: new Date(Date.UTC(startYear, 8, 4, 9)).toISOString()
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	await trx
		.insertInto('class_teachers')
		.values({ class_id: classId, user_id: input.teacherId })
		.execute();

	const pictures = new Set<string>();
	const names = new Set<string>();
	const rows = [];
	while (rows.length < DEMO_PAST_YEAR.pupils) {
		const first = input.firstNames[random(input.firstNames.length)];
		const initial = input.initials[random(input.initials.length)];
		if (names.has(first + initial)) continue;
		names.add(first + initial);
		const picture = makePicturePassword(pictures, random).join('-');
		pictures.add(picture);
		rows.push({
			class_id: classId,
			first_name: first,
			last_initial: initial,
			picture_password: picture,
			created_at: new Date(Date.UTC(startYear, 8, 4, 9, 30)).toISOString()
		});
	}
	const pupils = await trx.insertInto('pupils').values(rows).returning('id').execute();

	const gen = new Generator(random);
	const cls: DemoClassRef = {
		classId,
		schoolId: input.schoolId,
		school: DEMO_PAST_YEAR.school,
		className: DEMO_PAST_YEAR.className,
		teacherId: input.teacherId
	};
	const people = pupils.map((p) => ({
		id: p.id,
		knack: (random(25) - 12) / 100,
		awayWeight: random(10) === 0 ? 5 : 1
	}));
	const programme = getLibrary().lessons.slice(0, DEMO_PAST_YEAR.lessons);
	const days = springTuesdays(startYear, programme.length);
	programme.forEach((lesson, n) =>
		gen.liveLesson(cls, PLAN, people, lesson, days[n], n === 1 ? 'absent' : undefined)
	);
	// Last year's lessons are not written to the log: it lists what happened in order, and a
	// term of entries dated a year back would sit above this term's. The closing is kept.
	gen.rows.audit.length = 0;
	await write(trx, gen.rows);
	await trx
		.updateTable('classes')
		.set({ archived_at: closedAt })
		.where('id', '=', classId)
		.execute();
	await trx
		.insertInto('audit_events')
		.values({
			at: closedAt,
			actor_type: 'staff',
			actor_id: input.leadId,
			school_id: input.schoolId,
			action: 'academic_year.closed',
			target_type: 'academic_year',
			target_id: year,
			detail: JSON.stringify({
				academicYear: year,
				by: 'school',
				classes: 1,
				pupils: pupils.length,
				lessonsEnded: 0
			}),
			ip: null
		})
		.execute();
}
