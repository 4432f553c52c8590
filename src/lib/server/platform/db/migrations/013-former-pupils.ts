// Step 11, pupils' records kept for a period: PUPIL_RETENTION_MONTHS after their academic
// year ends, a pupil becomes a *former pupil* (retention/former-pupils.ts). Their name,
// picture password, choices, sign-ins and cards go; the rows the year's figures are made of
// stay, without the child. `records_deleted_at` says when, so every list of pupils by name
// leaves them out and says why a list is empty.
//
// A lesson marked done on paper must say who marked it while the pupil is a pupil; once the
// pupil's records are deleted the mark stays for the figures and no longer needs a name, so
// `paper_completions.marked_by` may be empty, and the marker's account can then be deleted
// (retention/staff-accounts.ts). SQLite cannot loosen a column's NOT NULL in place, so the
// table is built again, as migration 012 did for answers.
//
// The class report shows how many pupils chose each option of a question in a session. A
// former pupil's answers no longer hold what they chose, so the counts are kept instead, per
// session, question and option chosen, without any pupil: `answer_choice_counts`.
import { sql, type Kysely } from 'kysely';

/** The report_changes triggers of migration 006 on paper_completions, written again. */
function paperTriggers(): string[] {
	const stamp = (row: 'new' | 'old') => `insert into report_changes (subject, seq)
		values ('p' || ${row}.pupil_id, (select coalesce(max(seq), 0) + 1 from report_changes))
		on conflict (subject) do update set seq = excluded.seq;`;
	const triggers: [string, string[]][] = [
		['insert', [stamp('new')]],
		['update', [stamp('old'), stamp('new')]],
		['delete', [stamp('old')]]
	];
	return triggers.map(
		([event, body]) =>
			`create trigger report_changes_paper_completions_${event} after ${event} on paper_completions
			for each row
			begin
				${body.join('\n')}
			end`
	);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's DB types
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('pupils').addColumn('records_deleted_at', 'text').execute();

	await db.schema
		.createTable('paper_completions_kept')
		.addColumn('pupil_id', 'integer', (c) => c.notNull().references('pupils.id'))
		.addColumn('lesson_id', 'text', (c) => c.notNull())
		// Null once the pupil's records are deleted: the mark counts, nobody is named.
		.addColumn('marked_by', 'integer', (c) => c.references('staff_users.id'))
		.addColumn('marked_at', 'text', (c) => c.notNull())
		.addPrimaryKeyConstraint('paper_completions_pk', ['pupil_id', 'lesson_id'])
		.execute();
	await sql`insert into paper_completions_kept (pupil_id, lesson_id, marked_by, marked_at)
		select pupil_id, lesson_id, marked_by, marked_at from paper_completions`.execute(db);
	await db.schema.dropTable('paper_completions').execute();
	await db.schema.alterTable('paper_completions_kept').renameTo('paper_completions').execute();
	// Dropping the table dropped its triggers: the borough's kept totals must still see it.
	for (const trigger of paperTriggers()) await sql.raw(trigger).execute(db);
	// Rows add up (a class's pupils may go in more than one run): the report sums them.
	await db.schema
		.createTable('answer_choice_counts')
		.addColumn('session_id', 'integer', (c) =>
			c.notNull().references('class_sessions.id').onDelete('cascade')
		)
		.addColumn('lesson_id', 'text', (c) => c.notNull())
		.addColumn('question_id', 'text', (c) => c.notNull())
		.addColumn('phase', 'text', (c) => c.notNull().check(sql`phase in ('pre', 'main')`))
		// JSON array of the option indexes chosen, as answers.selected held it.
		.addColumn('selected', 'text', (c) => c.notNull())
		.addColumn('correct', 'integer')
		.addColumn('n', 'integer', (c) => c.notNull())
		.execute();
	await db.schema
		.createIndex('answer_choice_counts_session')
		.on('answer_choice_counts')
		.column('session_id')
		.execute();
	// Staff retention asks which accounts are still named here.
	await db.schema
		.createIndex('paper_completions_marked_by')
		.on('paper_completions')
		.column('marked_by')
		.execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('answer_choice_counts').execute();
	await db.schema.alterTable('pupils').dropColumn('records_deleted_at').execute();
}
