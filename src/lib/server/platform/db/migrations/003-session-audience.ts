// Step 4: a session may be for some pupils only (a catch-up), and who joined when.
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's DB types
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('class_session_pupils')
		.addColumn('session_id', 'integer', (c) =>
			c.notNull().references('class_sessions.id').onDelete('cascade')
		)
		.addColumn('pupil_id', 'integer', (c) => c.notNull().references('pupils.id'))
		.addPrimaryKeyConstraint('class_session_pupils_pk', ['session_id', 'pupil_id'])
		.execute();
	await db.schema
		.alterTable('class_sessions')
		.addColumn('audience', 'text', (c) => c.notNull().defaultTo('class'))
		.execute();
	await db.schema
		.createIndex('class_sessions_lesson')
		.on('class_sessions')
		.columns(['lesson_id', 'class_id'])
		.execute();
	await db.schema
		.createIndex('answers_pupil_lesson')
		.on('answers')
		.columns(['pupil_id', 'lesson_id', 'phase'])
		.execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropIndex('answers_pupil_lesson').execute();
	await db.schema.dropIndex('class_sessions_lesson').execute();
	await db.schema.alterTable('class_sessions').dropColumn('audience').execute();
	await db.schema.dropTable('class_session_pupils').execute();
}
