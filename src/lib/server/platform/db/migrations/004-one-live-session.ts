// At most one live session per class, held by the database itself so that two
// "start" clicks arriving together cannot both succeed (SQLite and PostgreSQL both
// support partial unique indexes).
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's DB types
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createIndex('class_sessions_one_live')
		.on('class_sessions')
		.column('class_id')
		.unique()
		.where(sql.ref('mode'), '=', 'live')
		.where(sql.ref('status'), '<>', 'ended')
		.execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropIndex('class_sessions_one_live').execute();
}
