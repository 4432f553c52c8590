// Step 6, running a lesson again: a class can do a lesson afresh, answering every question
// again. A *run* of a lesson with a class is its first session and every later session of
// it (catch-ups, self-paced reopenings) until the teacher starts a fresh run; a pupil
// answers each question once per run. The programme's figures keep each pupil's first
// answer to each question (`counts` = 1), so a fresh run adds to what a session shows and
// never rewrites last term's knowledge gain.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's DB types
export async function up(db: Kysely<any>): Promise<void> {
	// 0: the class's first run of the lesson; a fresh run is named by its first session's id.
	await db.schema
		.alterTable('class_sessions')
		.addColumn('run', 'integer', (c) => c.notNull().defaultTo(0))
		.execute();

	// SQLite cannot drop the table's own unique constraint (one answer per pupil, question and
	// phase for ever), so the table is built again with one per run instead. Every answer
	// stored so far is of the first run, and is the first answer to its question.
	await db.schema
		.createTable('answers_by_run')
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
		.addColumn('run', 'integer', (c) => c.notNull().defaultTo(0))
		// 1 for the pupil's first answer to the question in this phase, in any run.
		.addColumn('counts', 'integer', (c) =>
			c
				.notNull()
				.defaultTo(1)
				.check(sql`counts in (0, 1)`)
		)
		.addUniqueConstraint('answers_once_a_run', [
			'pupil_id',
			'lesson_id',
			'run',
			'question_id',
			'phase'
		])
		.execute();
	await sql`insert into answers_by_run
		(id, client_id, session_id, pupil_id, lesson_id, question_id, phase, selected, correct, answered_at, run, counts)
		select id, client_id, session_id, pupil_id, lesson_id, question_id, phase, selected, correct, answered_at, 0, 1
		from answers`.execute(db);
	await db.schema.dropTable('answers').execute();
	await db.schema.alterTable('answers_by_run').renameTo('answers').execute();

	await db.schema
		.createIndex('answers_session_question')
		.on('answers')
		.columns(['session_id', 'question_id'])
		.execute();
	// The reports' index (migration 005), over the answers that count only.
	await db.schema
		.createIndex('answers_lesson_facts')
		.on('answers')
		.columns(['lesson_id', 'pupil_id', 'phase', 'question_id', 'correct', 'session_id'])
		.where(sql.ref('counts'), '=', sql.lit(1))
		.execute();
	// Dropping the old table dropped its report_changes triggers (migration 006): the same
	// three again, so the borough's kept totals still see every answer written.
	const stamp = (row: 'new' | 'old') => `insert into report_changes (subject, seq)
		values ('p' || ${row}.pupil_id, (select coalesce(max(seq), 0) + 1 from report_changes))
		on conflict (subject) do update set seq = excluded.seq;`;
	const triggers: [string, string[]][] = [
		['insert', [stamp('new')]],
		['update', [stamp('old'), stamp('new')]],
		['delete', [stamp('old')]]
	];
	for (const [event, body] of triggers)
		await sql
			.raw(
				`create trigger report_changes_answers_${event} after ${event} on answers for each row
				begin
					${body.join('\n')}
				end`
			)
			.execute(db);
	// The first answer stands, for the figures: one counting answer per question and phase.
	await db.schema
		.createIndex('answers_counted_once')
		.on('answers')
		.columns(['pupil_id', 'lesson_id', 'question_id', 'phase'])
		.unique()
		.where(sql.ref('counts'), '=', sql.lit(1))
		.execute();
}
