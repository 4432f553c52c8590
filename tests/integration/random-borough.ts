// A made-up programme (three small lessons, every fourth question a poll) and a random borough
// written to a real database: schools, a teacher, classes of two academic years, pupils,
// sessions, and the writes a borough sees (attendance, answers taken back, paper, session
// status, schools archived), with the fast-check generators that choose them. Shared by
// figures-property.test.ts (every report against the plain definition) and
// borough-totals.test.ts (the dashboard's kept totals against the figures worked out afresh),
// so that both hold their figures to the same borough.
import fc from 'fast-check';
import type { Kysely } from 'kysely';
import type { Lesson, Question } from '../../src/lib/server/lessons';
import { nowIso } from '../../src/lib/server/platform/db';
import type { DB } from '../../src/lib/server/platform/db/schema';

/** A two-option question; every fourth one is a poll unless `scored` says otherwise. */
export function question(lesson: string, i: number, scored = i % 4 !== 3): Question {
	return {
		id: `${lesson}-q${i}`,
		type: 'single',
		promptHtml: `Question ${i}`,
		options: [
			{ text: 'Right', html: 'Right', correct: true },
			{ text: 'Wrong', html: 'Wrong', correct: false }
		],
		check: i % 2 === 0,
		stepId: 'a',
		scored
	} as Question;
}

export function lesson(id: string, questions: number): Lesson {
	return {
		id,
		title: `Lesson ${id}`,
		steps: [{ id: 'a', index: 0, title: 'A', blocks: [] }],
		questions: Array.from({ length: questions }, (_, i) => question(id, i))
	} as unknown as Lesson;
}

export const LESSONS = [lesson('one', 4), lesson('two', 5), lesson('three', 3)];
/** This academic year, then last year. */
export const YEARS = ['2026/27', '2025/26'];

/** The rows a borough starts with, by id, in the order they were written. */
export interface Rows {
	schools: number[];
	classes: number[];
	pupils: number[];
	sessions: number[];
	staff: number;
}

/** What to write: school names, each class's [school, year] (indexes), and how many pupils. */
export interface BoroughLayout {
	schools: string[];
	classes: readonly (readonly [number, number])[];
	pupils: number;
}

/**
 * The schools, one teacher (of the first school), the classes, and the pupils dealt round the
 * classes in turn; no sessions yet.
 */
export async function insertRows(db: Kysely<DB>, layout: BoroughLayout): Promise<Rows> {
	const now = nowIso();
	const b: Rows = { schools: [], classes: [], pupils: [], sessions: [], staff: 0 };
	for (const name of layout.schools)
		b.schools.push(
			(
				await db
					.insertInto('schools')
					.values({ name, created_at: now })
					.returning('id')
					.executeTakeFirstOrThrow()
			).id
		);
	b.staff = (
		await db
			.insertInto('staff_users')
			.values({
				email: 't@example.test',
				display_name: 'T',
				role: 'teacher',
				school_id: b.schools[0],
				created_at: now
			})
			.returning('id')
			.executeTakeFirstOrThrow()
	).id;
	for (const [i, [school, year]] of layout.classes.entries())
		b.classes.push(
			(
				await db
					.insertInto('classes')
					.values({
						school_id: b.schools[school],
						name: `Class ${i}`,
						year_group: 6,
						academic_year: YEARS[year],
						code: `CODE${i}`,
						created_at: now
					})
					.returning('id')
					.executeTakeFirstOrThrow()
			).id
		);
	for (let i = 0; i < layout.pupils; i++)
		b.pupils.push(
			(
				await db
					.insertInto('pupils')
					.values({
						class_id: b.classes[i % b.classes.length],
						first_name: `P${i}`,
						last_initial: 'A',
						picture_password: `x-${i}`,
						created_at: now
					})
					.returning('id')
					.executeTakeFirstOrThrow()
			).id
		);
	return b;
}

/** A session of class `cls` (an index) for lesson `lessonIndex`, added to `b.sessions`. */
export async function insertSession(
	db: Kysely<DB>,
	b: Pick<Rows, 'classes' | 'sessions'>,
	session: {
		cls: number;
		lessonIndex: number;
		createdAt: string;
		status: 'lobby' | 'running' | 'ended';
	}
): Promise<number> {
	const { id } = await db
		.insertInto('class_sessions')
		.values({
			class_id: b.classes[session.cls],
			lesson_id: LESSONS[session.lessonIndex].id,
			lesson_hash: 'h',
			// Self-paced: a class may have many at once, where it may have one live session.
			mode: 'self',
			status: session.status,
			current_step: 0,
			created_at: session.createdAt
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	b.sessions.push(id);
	return id;
}

/** The generators draw any number; this wraps it round whatever list it indexes. */
export const pickOf = <T>(list: T[], i: number) => list[i % list.length];

/** A session of the pupil's own class now (the app lets a pupil join no other), or none. */
export async function ownSession(db: Kysely<DB>, pupilId: number, s: number) {
	const own = await db
		.selectFrom('class_sessions as s')
		.innerJoin('pupils as p', 'p.class_id', 's.class_id')
		.select(['s.id', 's.lesson_id'])
		.where('p.id', '=', pupilId)
		.orderBy('s.id')
		.execute();
	return own.length ? pickOf(own, s) : undefined;
}

/** A teacher's mark, present or absent, replacing any mark already there. */
export async function attend(
	db: Kysely<DB>,
	pupilId: number,
	sessionId: number,
	present: boolean
): Promise<void> {
	const status = present ? 'present' : 'absent';
	await db
		.insertInto('attendance')
		.values({
			session_id: sessionId,
			pupil_id: pupilId,
			status,
			source: 'teacher',
			updated_at: nowIso()
		})
		.onConflict((oc) => oc.columns(['session_id', 'pupil_id']).doUpdateSet({ status }))
		.execute();
}

export async function unattend(db: Kysely<DB>, pupilId: number, sessionId: number): Promise<void> {
	await db
		.deleteFrom('attendance')
		.where('session_id', '=', sessionId)
		.where('pupil_id', '=', pupilId)
		.execute();
}

/** The pupil's first stored answer deleted, if they have one. */
export async function unanswer(db: Kysely<DB>, pupilId: number): Promise<void> {
	const first = await db
		.selectFrom('answers')
		.select('id')
		.where('pupil_id', '=', pupilId)
		.executeTakeFirst();
	if (first) await db.deleteFrom('answers').where('id', '=', first.id).execute();
}

/** A lesson marked done on paper (`on`), or the mark taken off. */
export async function markPaper(
	db: Kysely<DB>,
	mark: { pupilId: number; lessonId: string; staff: number; at: string; on: boolean }
): Promise<void> {
	if (mark.on)
		await db
			.insertInto('paper_completions')
			.values({
				pupil_id: mark.pupilId,
				lesson_id: mark.lessonId,
				marked_by: mark.staff,
				marked_at: mark.at
			})
			.onConflict((oc) => oc.doNothing())
			.execute();
	else
		await db
			.deleteFrom('paper_completions')
			.where('pupil_id', '=', mark.pupilId)
			.where('lesson_id', '=', mark.lessonId)
			.execute();
}

/** A school, class or pupil archived now (`on`), or brought back. */
export async function setArchived(
	db: Kysely<DB>,
	table: 'schools' | 'classes' | 'pupils',
	id: number,
	on: boolean
): Promise<void> {
	await db
		.updateTable(table)
		.set({ archived_at: on ? nowIso() : null })
		.where('id', '=', id)
		.execute();
}

/** How often each shared write is drawn, against the test's own writes. */
export interface WriteWeights {
	attend: number;
	unattend: number;
	unanswer: number;
	status: number;
	newSession: number;
	archiveSchool: number;
}

/**
 * The writes both tests draw, each with numbers `index` draws (wrapped round by `pickOf`) and
 * the weight the test gives it; a test spreads them into its `fc.oneof` beside its own.
 */
export function sharedWrites(index: () => fc.Arbitrary<number>, weights: WriteWeights) {
	return [
		{
			weight: weights.attend,
			arbitrary: fc.record({
				t: fc.constant('attend' as const),
				p: index(),
				s: index(),
				present: fc.boolean()
			})
		},
		{
			weight: weights.unattend,
			arbitrary: fc.record({ t: fc.constant('unattend' as const), p: index(), s: index() })
		},
		{
			weight: weights.unanswer,
			arbitrary: fc.record({ t: fc.constant('unanswer' as const), p: index() })
		},
		{
			weight: weights.status,
			arbitrary: fc.record({
				t: fc.constant('status' as const),
				s: index(),
				status: fc.constantFrom('lobby', 'running', 'ended' as const)
			})
		},
		{
			weight: weights.newSession,
			arbitrary: fc.record({
				t: fc.constant('newSession' as const),
				c: index(),
				l: index(),
				d: index()
			})
		},
		{
			weight: weights.archiveSchool,
			arbitrary: fc.record({
				t: fc.constant('archiveSchool' as const),
				c: index(),
				on: fc.boolean()
			})
		}
	] as const;
}
