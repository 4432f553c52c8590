// Migration 012 builds the answers table again (one answer a run, not one for ever): every
// answer already stored survives as the first run's and the one that counts, and the
// borough's kept totals still hear about every answer written afterwards.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import {
	closeDatabase,
	migrateToLatest,
	openDatabase,
	type Handle
} from '../../src/lib/server/platform/db';
import { migrations } from '../../src/lib/server/platform/db/migrations';

let handle: Handle | undefined;

afterEach(async () => {
	if (handle) await handle.db.destroy();
	handle = undefined;
	await closeDatabase();
});

describe('migration 012 (fresh runs)', () => {
	it('keeps every stored answer, as the first run’s and counting, and keeps the change triggers', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thinksafe-012-'));
		handle = openDatabase(path.join(dir, 'old.db'));
		const db = handle.db;
		const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
		const upTo010 = await migrator.migrateTo('010-lesson-revisions');
		expect(upTo010.error).toBeUndefined();

		const at = '2026-10-01T09:00:00.000Z';
		const school = await db
			.insertInto('schools')
			.values({ name: 'Old School', created_at: at })
			.returning('id')
			.executeTakeFirstOrThrow();
		const cls = await db
			.insertInto('classes')
			.values({
				school_id: school.id,
				name: 'Ash',
				year_group: 6,
				academic_year: '2026/27',
				code: 'ASH123',
				created_at: at
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		const pupil = await db
			.insertInto('pupils')
			.values({
				class_id: cls.id,
				first_name: 'Amira',
				last_initial: 'K',
				picture_password: '1-2-3',
				created_at: at
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		// Written with the columns the table had before 012 (no run, no counts).
		const session = await db
			.insertInto('class_sessions')
			.values({
				class_id: cls.id,
				lesson_id: 'a-lesson',
				lesson_hash: 'h',
				mode: 'live',
				status: 'ended',
				current_step: 0,
				revealed_question: null,
				closes_at: null,
				started_by: null,
				created_at: at,
				started_at: at,
				ended_at: at
			} as never)
			.returning('id')
			.executeTakeFirstOrThrow();
		for (const [i, question] of ['q1', 'q2'].entries())
			await db
				.insertInto('answers')
				.values({
					client_id: `c-${i}`,
					session_id: session.id,
					pupil_id: pupil.id,
					lesson_id: 'a-lesson',
					question_id: question,
					phase: 'main',
					selected: '[0]',
					correct: 1,
					answered_at: at
				} as never)
				.execute();

		await migrateToLatest(db);
		const rows = await db
			.selectFrom('answers')
			.select(['id', 'client_id', 'question_id', 'run', 'counts'])
			.orderBy('id')
			.execute();
		expect(
			rows.map(({ client_id, question_id, run, counts }) => [client_id, question_id, run, counts])
		).toEqual([
			['c-0', 'q1', 0, 1],
			['c-1', 'q2', 0, 1]
		]);
		const sessionRun = await db
			.selectFrom('class_sessions')
			.select('run')
			.executeTakeFirstOrThrow();
		expect(sessionRun.run).toBe(0);

		// Forget what was stamped before the rebuild: only writes after it are to be heard.
		await db.deleteFrom('report_changes').execute();
		// A second answer to q1 in a later run is stored, and does not count…
		await db
			.insertInto('answers')
			.values({
				client_id: 'c-2',
				session_id: session.id,
				pupil_id: pupil.id,
				lesson_id: 'a-lesson',
				question_id: 'q1',
				phase: 'main',
				selected: '[1]',
				correct: 0,
				answered_at: at,
				run: 7,
				counts: 0
			})
			.execute();
		// …while a second counting answer to the same question is refused by the index.
		await expect(
			db
				.insertInto('answers')
				.values({
					client_id: 'c-3',
					session_id: session.id,
					pupil_id: pupil.id,
					lesson_id: 'a-lesson',
					question_id: 'q1',
					phase: 'main',
					selected: '[1]',
					correct: 0,
					answered_at: at,
					run: 8,
					counts: 1
				})
				.execute()
		).rejects.toThrow(/UNIQUE/);
		// The kept totals hear of answers written after the rebuild.
		const stamp = await db
			.selectFrom('report_changes')
			.select('subject')
			.where('subject', '=', `p${pupil.id}`)
			.executeTakeFirst();
		expect(stamp?.subject).toBe(`p${pupil.id}`);
		fs.rmSync(dir, { recursive: true, force: true });
	});
});
