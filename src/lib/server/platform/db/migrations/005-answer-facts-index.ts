// Step 5: reports read every answer of a lesson grouped by pupil. An index that holds
// everything they need (lesson, pupil, phase, question, correct, session) lets the
// database answer from the index alone, in order, without visiting the table; it
// replaces step 3's (pupil, lesson, phase) index, whose lookups it also serves.
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's DB types
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createIndex('answers_lesson_facts')
		.on('answers')
		.columns(['lesson_id', 'pupil_id', 'phase', 'question_id', 'correct', 'session_id'])
		.execute();
	await db.schema.dropIndex('answers_pupil_lesson').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema
		.createIndex('answers_pupil_lesson')
		.on('answers')
		.columns(['pupil_id', 'lesson_id', 'phase'])
		.execute();
	await db.schema.dropIndex('answers_lesson_facts').execute();
}
