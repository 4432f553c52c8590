// Step 8, lesson revisions: every version of a lesson that a class session ran is kept,
// once per content hash, so that a session's questions, scores and completion come from
// the lesson as it was that day, not as the file reads now.
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's DB types
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('lesson_revisions')
		// class_sessions.lesson_hash: sha256 of the file and the texts of the facts it used.
		.addColumn('hash', 'text', (c) => c.primaryKey())
		.addColumn('lesson_id', 'text', (c) => c.notNull())
		.addColumn('file', 'text', (c) => c.notNull())
		// The lesson file as it was, and (JSON) the facts it used with their texts then.
		.addColumn('source', 'text', (c) => c.notNull())
		.addColumn('facts', 'text', (c) => c.notNull())
		.addColumn('first_seen_at', 'text', (c) => c.notNull())
		.execute();
	await db.schema
		.createIndex('lesson_revisions_by_lesson')
		.on('lesson_revisions')
		.columns(['lesson_id', 'first_seen_at'])
		.execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('lesson_revisions').execute();
}
