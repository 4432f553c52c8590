// A term of past lessons for the demo borough, so that every report and chart has something
// to show on first start: which class had which lesson when (the plan), laid on the term's
// school days (school-days.ts). The rows are made by generator.ts, as the app itself writes
// them, and written by write-rows.ts; nothing is in the future.
import type { Transaction } from 'kysely';
import type { DB, RandomInt } from '../platform';
import { getLibrary, type Lesson } from '../lessons';
import { Generator, type Pupil } from './generator';
import { MINUTE, schoolDays } from './school-days';
import { write } from './write-rows';

/** A class seedDemo has just made, with the people history needs. */
export interface DemoClassRef {
	classId: number;
	schoolId: number;
	/** The school's slug, e.g. `loddon-vale`. */
	school: string;
	className: string;
	teacherId: number;
}

interface ClassPlan {
	/** Programme position of the first lesson taught (0 = the first lesson). */
	first: number;
	/** How many lessons, in programme order; 'all' for the whole programme. */
	count: number | 'all';
	/** School week of the first lesson: 0 is the week of the first Monday on or after 3 September. */
	week: number;
	/**
	 * After the n-th lesson taught, a self-paced catch-up for the pupils who missed it (never
	 * after a teacher-led lesson, whose catch-up would be live).
	 */
	catchUpAfter?: number;
	/** A pupil who did the n-th lesson on paper: present without a device, or absent and at home. */
	paper?: { lesson: number; kind: 'present' | 'absent' }[];
}

export interface SchoolPlan {
	/** Chance of a right answer before the lesson (knowledge check) and during it. */
	pre: number;
	main: number;
	classes: Record<string, ClassPlan>;
}

/**
 * Tadley Common has not started (pupil-session.spec needs Maple fresh); Overton Mill has
 * finished; the others are part way. Willow starts at the second lesson: the README's
 * two-minute tour and live-session.spec start "Think before you share" with Willow and
 * expect it to be the class's first session of that lesson.
 */
const HISTORY: Record<string, SchoolPlan> = {
	'loddon-vale': {
		pre: 0.5,
		main: 0.8,
		classes: {
			Willow: { first: 1, count: 3, week: 7 },
			Oak: { first: 0, count: 4, week: 6, paper: [{ lesson: 1, kind: 'present' }] }
		}
	},
	'kempshott-meadow': {
		pre: 0.52,
		main: 0.83,
		classes: {
			Kestrel: { first: 0, count: 5, week: 3, catchUpAfter: 2 },
			Heron: { first: 0, count: 4, week: 5, paper: [{ lesson: 0, kind: 'absent' }] }
		}
	},
	'tadley-common': { pre: 0.5, main: 0.8, classes: {} },
	'whitchurch-fields': {
		pre: 0.45,
		main: 0.72,
		classes: { 'Year 6': { first: 0, count: 2, week: 8 } }
	},
	'overton-mill': {
		pre: 0.56,
		main: 0.87,
		classes: {
			Falcon: { first: 0, count: 'all', week: 1, paper: [{ lesson: 2, kind: 'present' }] },
			Otter: { first: 0, count: 'all', week: 2, catchUpAfter: 3 }
		}
	},
	'popley-brook': {
		pre: 0.47,
		main: 0.76,
		classes: {
			Cedar: { first: 0, count: 3, week: 7 },
			Rowan: { first: 0, count: 2, week: 8 }
		}
	}
};

/** Lesson start times (UTC, inside the school day in both BST and GMT), one per class in turn. */
const SLOTS = [8 * 60 + 55, 9 * 60 + 45, 10 * 60 + 50, 13 * 60 + 5, 13 * 60 + 50, 11 * 60 + 20];

function lessonsOf(plan: ClassPlan, programme: Lesson[]): Lesson[] {
	const end = plan.count === 'all' ? programme.length : plan.first + plan.count;
	return programme.slice(plan.first, end);
}

/**
 * Writes the autumn term's past sessions of the demo classes, inside seedDemo's transaction.
 * Deterministic for a given `now` and `random` state.
 */
export async function seedDemoHistory(
	trx: Transaction<DB>,
	now: Date,
	random: RandomInt,
	classes: DemoClassRef[]
): Promise<void> {
	const programme = getLibrary().lessons;
	if (programme.length === 0 || classes.length === 0) return;
	const gen = new Generator(random);
	const days = schoolDays(now);
	const planned = classes.flatMap((cls, i) => {
		const plan = HISTORY[cls.school]?.classes[cls.className];
		return plan ? [{ cls, plan, school: HISTORY[cls.school], slot: i }] : [];
	});
	if (planned.length === 0) return;
	// Where each lesson would fall at a lesson a week; squeezed to fit the days there are.
	const dayOf = (week: number, slot: number) => week * 5 + ((slot * 2) % 5);
	const wanted = Math.max(
		...planned.map(({ plan, slot }) =>
			dayOf(plan.week + lessonsOf(plan, programme).length - 1, slot)
		)
	);
	const squeeze = wanted >= days.length ? (days.length - 1) / wanted : 1;

	const pupilRows = await trx
		.selectFrom('pupils')
		.select('id')
		.select('class_id')
		.where(
			'class_id',
			'in',
			planned.map((p) => p.cls.classId)
		)
		.where('archived_at', 'is', null)
		.orderBy('id')
		.execute();

	for (const { cls, plan, school, slot } of planned) {
		const pupils: Pupil[] = pupilRows
			.filter((p) => p.class_id === cls.classId)
			.map((p) => ({
				id: p.id,
				knack: (gen.random(25) - 12) / 100,
				awayWeight: gen.chance(0.1) ? 5 : 1
			}));
		let previous = -Infinity;
		lessonsOf(plan, programme).forEach((lesson, n) => {
			const index = Math.floor(dayOf(plan.week + n, slot) * squeeze);
			let start = days[index] + SLOTS[slot % SLOTS.length] * MINUTE;
			// Squeezed onto the same day as the last one: later that day.
			if (start <= previous) start = previous + 70 * MINUTE;
			previous = start;
			const paper = plan.paper?.find((p) => p.lesson === n)?.kind;
			const missed = gen.liveLesson(cls, school, pupils, lesson, start, paper);
			if (plan.catchUpAfter === n && missed.length && lesson.delivery !== 'teacher-led') {
				const open = Math.min(index + 2, days.length - 1);
				gen.catchUp(cls, school, missed, lesson, days.slice(open, open + 4));
			}
		});
	}
	await write(trx, gen.rows);
}
