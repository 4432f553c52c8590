// The domain schema as far as it is known at Step 1. Never edit this once it has
// landed: add a new numbered migration instead.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's DB types
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('borough_settings')
		.addColumn('id', 'integer', (c) => c.primaryKey())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('pupil_target', 'integer', (c) => c.notNull().defaultTo(1900))
		.addColumn('updated_at', 'text', (c) => c.notNull())
		.execute();

	await db.schema
		.createTable('schools')
		.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
		.addColumn('name', 'text', (c) => c.notNull().unique())
		.addColumn('created_at', 'text', (c) => c.notNull())
		.addColumn('archived_at', 'text')
		.execute();

	await db.schema
		.createTable('staff_users')
		.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
		.addColumn('email', 'text', (c) => c.notNull().unique())
		.addColumn('display_name', 'text', (c) => c.notNull())
		.addColumn('role', 'text', (c) =>
			c.notNull().check(sql`role in ('coordinator', 'lead', 'teacher')`)
		)
		.addColumn('school_id', 'integer', (c) => c.references('schools.id'))
		.addColumn('password_hash', 'text')
		.addColumn('password_changed_at', 'text')
		.addColumn('disabled_at', 'text')
		.addColumn('created_at', 'text', (c) => c.notNull())
		// A coordinator belongs to the borough, everyone else to exactly one school.
		.addCheckConstraint(
			'staff_school_scope',
			sql`(role = 'coordinator' and school_id is null) or (role <> 'coordinator' and school_id is not null)`
		)
		.execute();
	await db.schema.createIndex('staff_users_school').on('staff_users').column('school_id').execute();

	await db.schema
		.createTable('staff_sessions')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('user_id', 'integer', (c) =>
			c.notNull().references('staff_users.id').onDelete('cascade')
		)
		.addColumn('created_at', 'text', (c) => c.notNull())
		.addColumn('last_seen_at', 'text', (c) => c.notNull())
		.addColumn('expires_at', 'text', (c) => c.notNull())
		.execute();
	await db.schema
		.createIndex('staff_sessions_user')
		.on('staff_sessions')
		.column('user_id')
		.execute();

	await db.schema
		.createTable('classes')
		.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
		.addColumn('school_id', 'integer', (c) => c.notNull().references('schools.id'))
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('year_group', 'integer', (c) => c.notNull())
		.addColumn('academic_year', 'text', (c) => c.notNull())
		.addColumn('code', 'text', (c) => c.notNull().unique())
		.addColumn('created_at', 'text', (c) => c.notNull())
		.addColumn('archived_at', 'text')
		.addUniqueConstraint('classes_school_name_year', ['school_id', 'name', 'academic_year'])
		.execute();

	await db.schema
		.createTable('class_teachers')
		.addColumn('class_id', 'integer', (c) =>
			c.notNull().references('classes.id').onDelete('cascade')
		)
		.addColumn('user_id', 'integer', (c) =>
			c.notNull().references('staff_users.id').onDelete('cascade')
		)
		.addPrimaryKeyConstraint('class_teachers_pk', ['class_id', 'user_id'])
		.execute();
	await db.schema
		.createIndex('class_teachers_user')
		.on('class_teachers')
		.column('user_id')
		.execute();

	await db.schema
		.createTable('pupils')
		.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
		.addColumn('class_id', 'integer', (c) => c.notNull().references('classes.id'))
		.addColumn('first_name', 'text', (c) => c.notNull())
		.addColumn('last_initial', 'text', (c) => c.notNull())
		.addColumn('picture_password', 'text', (c) => c.notNull())
		.addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('locked_until', 'text')
		.addColumn('archived_at', 'text')
		.addColumn('created_at', 'text', (c) => c.notNull())
		.addUniqueConstraint('pupils_class_pictures', ['class_id', 'picture_password'])
		.execute();
	await db.schema.createIndex('pupils_class').on('pupils').column('class_id').execute();

	await db.schema
		.createTable('pupil_sessions')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('pupil_id', 'integer', (c) =>
			c.notNull().references('pupils.id').onDelete('cascade')
		)
		.addColumn('created_at', 'text', (c) => c.notNull())
		.addColumn('expires_at', 'text', (c) => c.notNull())
		.execute();
	await db.schema
		.createIndex('pupil_sessions_pupil')
		.on('pupil_sessions')
		.column('pupil_id')
		.execute();

	await db.schema
		.createTable('pupil_login_tokens')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('pupil_id', 'integer', (c) =>
			c.notNull().references('pupils.id').onDelete('cascade')
		)
		.addColumn('created_at', 'text', (c) => c.notNull())
		.addColumn('revoked_at', 'text')
		.execute();
	await db.schema
		.createIndex('pupil_login_tokens_pupil')
		.on('pupil_login_tokens')
		.column('pupil_id')
		.execute();

	await db.schema
		.createTable('class_sessions')
		.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
		.addColumn('class_id', 'integer', (c) => c.notNull().references('classes.id'))
		.addColumn('lesson_id', 'text', (c) => c.notNull())
		.addColumn('lesson_hash', 'text', (c) => c.notNull())
		.addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('live', 'self')`))
		.addColumn('status', 'text', (c) =>
			c.notNull().check(sql`status in ('lobby', 'running', 'ended')`)
		)
		.addColumn('current_step', 'integer', (c) => c.notNull().defaultTo(-1))
		.addColumn('revealed_question', 'text')
		.addColumn('closes_at', 'text')
		.addColumn('started_by', 'integer', (c) => c.references('staff_users.id'))
		.addColumn('created_at', 'text', (c) => c.notNull())
		.addColumn('started_at', 'text')
		.addColumn('ended_at', 'text')
		.execute();
	await db.schema
		.createIndex('class_sessions_class')
		.on('class_sessions')
		.columns(['class_id', 'status'])
		.execute();

	await db.schema
		.createTable('attendance')
		.addColumn('session_id', 'integer', (c) =>
			c.notNull().references('class_sessions.id').onDelete('cascade')
		)
		.addColumn('pupil_id', 'integer', (c) => c.notNull().references('pupils.id'))
		.addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('present', 'absent')`))
		.addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('joined', 'teacher')`))
		.addColumn('marked_by', 'integer', (c) => c.references('staff_users.id'))
		.addColumn('updated_at', 'text', (c) => c.notNull())
		.addPrimaryKeyConstraint('attendance_pk', ['session_id', 'pupil_id'])
		.execute();
	await db.schema.createIndex('attendance_pupil').on('attendance').column('pupil_id').execute();

	await db.schema
		.createTable('progress')
		.addColumn('session_id', 'integer', (c) =>
			c.notNull().references('class_sessions.id').onDelete('cascade')
		)
		.addColumn('pupil_id', 'integer', (c) => c.notNull().references('pupils.id'))
		.addColumn('lesson_id', 'text', (c) => c.notNull())
		.addColumn('current_step', 'integer', (c) => c.notNull().defaultTo(-1))
		.addColumn('furthest_step', 'integer', (c) => c.notNull().defaultTo(-1))
		.addColumn('reached_end', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('updated_at', 'text', (c) => c.notNull())
		.addPrimaryKeyConstraint('progress_pk', ['session_id', 'pupil_id'])
		.execute();
	await db.schema
		.createIndex('progress_pupil_lesson')
		.on('progress')
		.columns(['pupil_id', 'lesson_id'])
		.execute();

	await db.schema
		.createTable('paper_completions')
		.addColumn('pupil_id', 'integer', (c) => c.notNull().references('pupils.id'))
		.addColumn('lesson_id', 'text', (c) => c.notNull())
		.addColumn('marked_by', 'integer', (c) => c.notNull().references('staff_users.id'))
		.addColumn('marked_at', 'text', (c) => c.notNull())
		.addPrimaryKeyConstraint('paper_completions_pk', ['pupil_id', 'lesson_id'])
		.execute();

	await db.schema
		.createTable('answers')
		.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
		.addColumn('client_id', 'text', (c) => c.notNull().unique())
		.addColumn('session_id', 'integer', (c) =>
			c.notNull().references('class_sessions.id').onDelete('cascade')
		)
		.addColumn('pupil_id', 'integer', (c) => c.notNull().references('pupils.id'))
		.addColumn('lesson_id', 'text', (c) => c.notNull())
		.addColumn('question_id', 'text', (c) => c.notNull())
		.addColumn('phase', 'text', (c) => c.notNull().check(sql`phase in ('pre', 'main')`))
		.addColumn('selected', 'text', (c) => c.notNull())
		.addColumn('correct', 'integer')
		.addColumn('answered_at', 'text', (c) => c.notNull())
		// The contract: one answer per pupil, question and phase; the first stands.
		.addUniqueConstraint('answers_once', ['pupil_id', 'lesson_id', 'question_id', 'phase'])
		.execute();
	await db.schema
		.createIndex('answers_session_question')
		.on('answers')
		.columns(['session_id', 'question_id'])
		.execute();

	await db.schema
		.createTable('audit_events')
		.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
		.addColumn('at', 'text', (c) => c.notNull())
		.addColumn('actor_type', 'text', (c) => c.notNull())
		.addColumn('actor_id', 'integer')
		.addColumn('school_id', 'integer')
		.addColumn('action', 'text', (c) => c.notNull())
		.addColumn('target_type', 'text')
		.addColumn('target_id', 'text')
		.addColumn('detail', 'text')
		.addColumn('ip', 'text')
		.execute();
	await db.schema
		.createIndex('audit_events_school_at')
		.on('audit_events')
		.columns(['school_id', 'at'])
		.execute();

	await db.schema
		.createTable('rate_limits')
		.addColumn('key', 'text', (c) => c.primaryKey())
		.addColumn('count', 'integer', (c) => c.notNull())
		.addColumn('window_started_at', 'text', (c) => c.notNull())
		.addColumn('locked_until', 'text')
		.execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	for (const table of [
		'rate_limits',
		'audit_events',
		'answers',
		'paper_completions',
		'progress',
		'attendance',
		'class_sessions',
		'pupil_login_tokens',
		'pupil_sessions',
		'pupils',
		'class_teachers',
		'classes',
		'staff_sessions',
		'staff_users',
		'schools',
		'borough_settings'
	]) {
		await db.schema.dropTable(table).execute();
	}
}
