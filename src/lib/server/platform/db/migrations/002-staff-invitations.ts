// Step 3: one-time links that bring staff in without email — invitations and
// password resets. Only the SHA-256 of each link's token is stored.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's DB types
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('staff_invitations')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('role', 'text', (c) =>
			c.notNull().check(sql`role in ('coordinator', 'lead', 'teacher')`)
		)
		.addColumn('school_id', 'integer', (c) => c.references('schools.id'))
		.addColumn('note', 'text')
		.addColumn('created_by', 'integer', (c) => c.notNull().references('staff_users.id'))
		.addColumn('created_at', 'text', (c) => c.notNull())
		.addColumn('expires_at', 'text', (c) => c.notNull())
		.addColumn('used_at', 'text')
		.addColumn('used_by', 'integer', (c) => c.references('staff_users.id'))
		.addColumn('revoked_at', 'text')
		.execute();
	await db.schema
		.createIndex('staff_invitations_school')
		.on('staff_invitations')
		.column('school_id')
		.execute();

	await db.schema
		.createTable('password_resets')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('user_id', 'integer', (c) =>
			c.notNull().references('staff_users.id').onDelete('cascade')
		)
		.addColumn('created_by', 'integer', (c) => c.notNull().references('staff_users.id'))
		.addColumn('created_at', 'text', (c) => c.notNull())
		.addColumn('expires_at', 'text', (c) => c.notNull())
		.addColumn('used_at', 'text')
		.execute();
	await db.schema
		.createIndex('password_resets_user')
		.on('password_resets')
		.column('user_id')
		.execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('password_resets').execute();
	await db.schema.dropTable('staff_invitations').execute();
}
