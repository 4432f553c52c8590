// Step 7, "safe to tell": a pupil's private request for help, answered by the school's
// Designated Safeguarding Lead. Requests are never edited or deleted by staff: a DSL
// acknowledges once and adds dated notes. The pupil's own words are removed after a
// retention period once the request is recorded in the school's own system, leaving only
// what the borough's counts need (school, when, when acknowledged).
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's DB types
export async function up(db: Kysely<any>): Promise<void> {
	// 'dsl' or 'deputy' (a deputy DSL); null for everyone else. Staff of a school only.
	await db.schema
		.alterTable('staff_users')
		.addColumn('safeguarding_role', 'text', (c) =>
			c.check(sql`safeguarding_role in ('dsl', 'deputy')`)
		)
		.execute();

	await db.schema
		.createTable('help_requests')
		.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
		// Made on the pupil's device, so that a request resent after a Wi-Fi drop is stored once.
		.addColumn('client_id', 'text', (c) => c.notNull().unique())
		// Null once the pupil's records are erased (the counts keep the school and dates).
		.addColumn('pupil_id', 'integer', (c) => c.references('pupils.id').onDelete('set null'))
		.addColumn('class_id', 'integer', (c) => c.references('classes.id').onDelete('set null'))
		.addColumn('school_id', 'integer', (c) => c.notNull().references('schools.id'))
		.addColumn('about', 'text', (c) =>
			c.notNull().check(sql`about in ('me', 'friend', 'rather-not-say')`)
		)
		// JSON array of topic keys; '[]' when the pupil chose none.
		.addColumn('topics', 'text', (c) => c.notNull().defaultTo('[]'))
		.addColumn('message', 'text')
		.addColumn('urgency', 'text', (c) => c.notNull().check(sql`urgency in ('today', 'soon')`))
		.addColumn('talk_to', 'text', (c) =>
			c.notNull().check(sql`talk_to in ('teacher', 'other-adult', 'anyone')`)
		)
		// Who it went to when it arrived: the school's DSLs, or its lead when it had none.
		.addColumn('routed_to', 'text', (c) => c.notNull().check(sql`routed_to in ('dsl', 'lead')`))
		.addColumn('created_at', 'text', (c) => c.notNull())
		.addColumn('acknowledged_at', 'text')
		.addColumn('acknowledged_by', 'integer', (c) => c.references('staff_users.id'))
		.addColumn('closed_at', 'text')
		.addColumn('outcome', 'text')
		// When the pupil's words are due to go (set when closed as recorded elsewhere), and when they went.
		.addColumn('text_removal_due_at', 'text')
		.addColumn('text_removed_at', 'text')
		.execute();
	await db.schema
		.createIndex('help_requests_school')
		.on('help_requests')
		.columns(['school_id', 'created_at'])
		.execute();

	await db.schema
		.createTable('help_request_notes')
		.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
		.addColumn('request_id', 'integer', (c) => c.notNull().references('help_requests.id'))
		// From the form that added it, so that a note sent twice (a double tap, a retry) is stored once.
		.addColumn('client_id', 'text', (c) => c.unique())
		.addColumn('staff_id', 'integer', (c) => c.references('staff_users.id'))
		.addColumn('kind', 'text', (c) =>
			c
				.notNull()
				.check(
					sql`kind in ('acknowledged', 'note', 'spoke', 'referred', 'recorded', 'closed', 'text-removed')`
				)
		)
		.addColumn('body', 'text')
		.addColumn('created_at', 'text', (c) => c.notNull())
		.execute();
	await db.schema
		.createIndex('help_request_notes_request')
		.on('help_request_notes')
		.columns(['request_id', 'id'])
		.execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('help_request_notes').execute();
	await db.schema.dropTable('help_requests').execute();
	await db.schema.alterTable('staff_users').dropColumn('safeguarding_role').execute();
}
