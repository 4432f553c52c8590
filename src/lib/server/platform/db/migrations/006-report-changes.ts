// Step 5: the borough dashboard keeps its totals in memory and brings them up to date
// from what changed since it last looked, instead of reading every answer of the year on
// each request. The database itself records what changed, in the same transaction as the
// write, so no write path (the app's, a script's, a test's raw SQL) can be missed: one row
// per pupil (`p<id>`) or session (`s<id>`) whose report facts may differ, stamped with a
// rising number. Rows are overwritten, not appended, so the table never outgrows the
// pupils and sessions it names.
//
// Triggers are SQLite's dialect; a PostgreSQL port writes the same rules as trigger
// functions and takes the stamp from a sequence.
import { sql, type Kysely } from 'kysely';

/** SQL that stamps one subject as changed. */
function mark(subject: string): string {
	return `insert into report_changes (subject, seq)
		values (${subject}, (select coalesce(max(seq), 0) + 1 from report_changes))
		on conflict (subject) do update set seq = excluded.seq;`;
}

const pupil = (row: 'new' | 'old') => mark(`'p' || ${row}.pupil_id`);

/** Table, event, optional WHEN condition, and the subjects each row stamps. */
const TRIGGERS: [string, 'insert' | 'update' | 'delete', string | null, string[]][] = [
	['answers', 'insert', null, [pupil('new')]],
	['answers', 'update', null, [pupil('old'), pupil('new')]],
	['answers', 'delete', null, [pupil('old')]],
	['attendance', 'insert', null, [pupil('new'), mark(`'s' || new.session_id`)]],
	[
		'attendance',
		'update',
		null,
		[pupil('old'), pupil('new'), mark(`'s' || old.session_id`), mark(`'s' || new.session_id`)]
	],
	['attendance', 'delete', null, [pupil('old'), mark(`'s' || old.session_id`)]],
	['progress', 'insert', null, [pupil('new')]],
	// Every step a pupil takes updates progress; only reaching the end matters here.
	[
		'progress',
		'update',
		'old.reached_end is not new.reached_end or old.pupil_id is not new.pupil_id or ' +
			'old.lesson_id is not new.lesson_id or old.session_id is not new.session_id',
		[pupil('old'), pupil('new')]
	],
	['progress', 'delete', null, [pupil('old')]],
	['paper_completions', 'insert', null, [pupil('new')]],
	['paper_completions', 'update', null, [pupil('old'), pupil('new')]],
	['paper_completions', 'delete', null, [pupil('old')]],
	['class_sessions', 'insert', null, [mark(`'s' || new.id`)]],
	// A live session updates its step on every click; only these change a report.
	[
		'class_sessions',
		'update',
		'old.status is not new.status or old.mode is not new.mode or ' +
			'old.closes_at is not new.closes_at or old.lesson_id is not new.lesson_id or ' +
			'old.class_id is not new.class_id or old.created_at is not new.created_at',
		[mark(`'s' || old.id`), mark(`'s' || new.id`)]
	],
	['class_sessions', 'delete', null, [mark(`'s' || old.id`)]],
	['pupils', 'insert', null, [mark(`'p' || new.id`)]],
	// Sign-in attempts update pupils too; only the class and archiving matter here.
	[
		'pupils',
		'update',
		'old.class_id is not new.class_id or old.archived_at is not new.archived_at',
		[mark(`'p' || old.id`), mark(`'p' || new.id`)]
	],
	['pupils', 'delete', null, [mark(`'p' || old.id`)]],
	// Which school a class is in, its year, archiving, and schools' names: rare, and read
	// again whole.
	['classes', 'insert', null, [mark(`'places'`)]],
	[
		'classes',
		'update',
		'old.school_id is not new.school_id or old.academic_year is not new.academic_year or ' +
			'old.archived_at is not new.archived_at',
		[mark(`'places'`)]
	],
	['classes', 'delete', null, [mark(`'places'`)]],
	['schools', 'insert', null, [mark(`'places'`)]],
	['schools', 'update', null, [mark(`'places'`)]],
	['schools', 'delete', null, [mark(`'places'`)]]
];

const triggerName = (table: string, event: string) => `report_changes_${table}_${event}`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's DB types
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('report_changes')
		.addColumn('subject', 'text', (c) => c.primaryKey())
		.addColumn('seq', 'integer', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('report_changes_seq').on('report_changes').column('seq').execute();
	for (const [table, event, when, subjects] of TRIGGERS) {
		await sql
			.raw(
				`create trigger ${triggerName(table, event)} after ${event} on ${table} for each row
				${when ? `when ${when}` : ''}
				begin
					${subjects.join('\n')}
				end`
			)
			.execute(db);
	}
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	for (const [table, event] of TRIGGERS)
		await sql.raw(`drop trigger if exists ${triggerName(table, event)}`).execute(db);
	await db.schema.dropTable('report_changes').execute();
}
