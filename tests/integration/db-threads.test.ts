// The database's write and checkpoint threads (platform/db/db-threads.ts): answers are
// committed on a connection of their own, the log is copied into the database file off the
// server's thread, a failed batch leaves nothing behind, and closing leaves a tidy file.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../../src/lib/server/lessons';
import Database from 'better-sqlite3';
import { migrateToLatest, openDatabase } from '../../src/lib/server/platform/db';
import { flushDeletions } from '../../src/lib/server/platform/db/secure-delete';
import { createLogger, useLogger } from '../../src/lib/server/platform/log';
import { submitAnswer } from '../../src/lib/server/teaching/answers';
import { getClassSession } from '../../src/lib/server/teaching/class-sessions';
import { useTestDatabase } from './context';
import { liveClass as sharedLiveClass } from './live-class';

const ctx = useTestDatabase();
const lesson = getLibrary().lessons[0];

/** A live class of `size` pupils (live-class.ts) in this file's lesson. */
function liveClass(size = 1) {
	return sharedLiveClass(ctx, lesson, size);
}

/** Every pupil answers the lesson's first question at once, as a class does. */
async function classAnswers(sessionId: number, pupils: { id: number; classId: number }[]) {
	const session = (await getClassSession(sessionId))!;
	const question = lesson.questions[0];
	return Promise.all(
		pupils.map((pupil, i) =>
			submitAnswer({
				pupil,
				session,
				clientId: `thread-${sessionId}-${i}-${Math.random().toString(36).slice(2, 10)}`,
				questionId: question.id,
				phase: 'main',
				selected: [0]
			})
		)
	);
}

function changesOnServerConnection(): number {
	return ctx.handle.sqlite.prepare('select total_changes() as n').pluck().get() as number;
}

describe('the write thread', () => {
	it("commits a class's answers on its own connection, each readable once acknowledged", async () => {
		const { sessionId, pupils } = await liveClass(30);
		const before = changesOnServerConnection();
		const results = await classAnswers(sessionId, pupils);
		expect(results.every((r) => r.created)).toBe(true);
		// The server's connection wrote none of them: the commit (and its fsync) was elsewhere.
		expect(changesOnServerConnection()).toBe(before);
		const stored = await ctx.handle.db
			.selectFrom('answers')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('session_id', '=', sessionId)
			.executeTakeFirstOrThrow();
		expect(stored.n).toBe(30);
	});

	it('runs each item until a statement returns a row, and gives back which one', async () => {
		ctx.handle.sqlite.exec('create table scratch (id integer primary key, label text unique)');
		const insert = 'insert into scratch (label) values (?) on conflict do nothing returning id';
		const find = 'select id from scratch where label = ?';
		const [first] = await ctx.handle.writes.threads.commit([
			[
				{ sql: insert, parameters: ['a'] },
				{ sql: find, parameters: ['a'] }
			]
		]);
		const [again] = await ctx.handle.writes.threads.commit([
			[
				{ sql: insert, parameters: ['a'] },
				{ sql: find, parameters: ['a'] }
			]
		]);
		expect(first).toEqual({ index: 0, row: { id: 1 } });
		expect(again).toEqual({ index: 1, row: { id: 1 } });
	});

	it('starts a new thread for the next batch when one dies, having refused its own', async () => {
		ctx.handle.sqlite.exec('create table scratch (id integer primary key, label text)');
		const insert = (label: string) => [
			{ sql: 'insert into scratch (label) values (?) returning id', parameters: [label] }
		];
		// More than the thread's capped heap can hold (db-threads.ts): it runs out of memory.
		// One long label, shared here, is copied for every item there: 80 MB against its 32.
		const label = '.'.repeat(40_000);
		const huge = Array.from({ length: 2_000 }, () => insert(label));
		const lines: string[] = [];
		const previous = useLogger(createLogger({ write: (line: string) => lines.push(line) }));
		const failed = await ctx.handle.writes.threads
			.commit(huge)
			.catch((e: unknown) => e)
			.finally(() => useLogger(previous));
		expect((failed as { code?: string }).code).toBe('ERR_WORKER_OUT_OF_MEMORY');
		expect(lines.map((line) => JSON.parse(line))).toContainEqual(
			expect.objectContaining({ event: 'db.thread_failed', code: 'ERR_WORKER_OUT_OF_MEMORY' })
		);
		expect(ctx.handle.sqlite.prepare('select count(*) from scratch').pluck().get()).toBe(0);
		const [next] = await ctx.handle.writes.threads.commit([insert('after')]);
		expect(next.index).toBe(0);
		expect(ctx.handle.sqlite.prepare('select label from scratch').pluck().all()).toEqual(['after']);
	});

	it('stores nothing of a batch in which one write fails, and says why', async () => {
		ctx.handle.sqlite.exec(
			'create table parent (id integer primary key); create table child (parent integer not null references parent (id))'
		);
		ctx.handle.sqlite.exec('insert into parent values (1)');
		const failed = await ctx.handle.writes.threads
			.commit([
				[{ sql: 'insert into child values (?)', parameters: [1] }],
				// No parent 2: refused because the thread's connection enforces foreign keys too.
				[{ sql: 'insert into child values (?)', parameters: [2] }]
			])
			.catch((e: unknown) => e);
		expect(failed).toBeInstanceOf(Error);
		expect((failed as { code?: string }).code).toBe('SQLITE_CONSTRAINT_FOREIGNKEY');
		const rows = ctx.handle.sqlite.prepare('select count(*) from child').pluck().get();
		expect(rows).toBe(0);
		// The thread goes on: the next batch is committed.
		await ctx.handle.writes.threads.commit([
			[{ sql: 'insert into child values (?)', parameters: [1] }]
		]);
		expect(ctx.handle.sqlite.prepare('select count(*) from child').pluck().get()).toBe(1);
	});
});

describe('the checkpoint thread', () => {
	it('copies the log into the database file, so no commit on the server stops for it', async () => {
		ctx.handle.writes.threads.start();
		// SQLite's automatic checkpoint is off on the server's connection while the thread runs.
		expect(ctx.handle.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
		const { sessionId, pupils } = await liveClass(40);
		await classAnswers(sessionId, pupils);
		const { sqlite, path: file } = ctx.handle;
		const pages = () =>
			Number(sqlite.pragma('page_count', { simple: true })) *
			Number(sqlite.pragma('page_size', { simple: true }));
		// In WAL mode only a checkpoint writes the database file itself: once it holds every
		// page, the log was copied, and nothing on this thread did it.
		await expect.poll(() => fs.statSync(file).size, { timeout: 5000 }).toBe(pages());
	});

	it('keeps a script alive while a batch is out, and not a moment after', () => {
		// A script (a load, a migration) that never closes the database must still end, and one
		// that awaits a commit must not end before it: the threads are referenced only while
		// they hold a batch.
		const script = path.join(ctx.dir, 'commit-and-end.mts');
		const platform = path.resolve('src/lib/server/platform/db/index.ts');
		fs.writeFileSync(
			script,
			`import { openDatabase } from ${JSON.stringify(platform)};
const handle = openDatabase(${JSON.stringify(path.join(ctx.dir, 'script.db'))});
handle.sqlite.exec('create table t (x)');
handle.writes.threads.start();
const [{ row }] = await handle.writes.threads.commit([
	[{ sql: 'insert into t values (?) returning x', parameters: [42] }]
]);
console.log('committed', row.x);
`
		);
		const run = spawnSync(process.execPath, ['--import', 'tsx', script], {
			encoding: 'utf8',
			timeout: 30_000
		});
		expect(run.stderr).toBe('');
		expect(run.stdout.trim()).toBe('committed 42');
		expect(run.status).toBe(0);
	});

	it('does not keep a deletion in the log for being there at the same moment', async () => {
		// The checkpoint thread holds the checkpoint for a moment every half second; a reader
		// holds it off the same way, and can be held for as long as the test likes.
		ctx.handle.writes.threads.start();
		const { sessionId, pupils } = await liveClass(5);
		await classAnswers(sessionId, pupils);
		const reader = new Database(ctx.handle.path);
		reader.exec('begin');
		reader.prepare('select count(*) from answers').get();
		setTimeout(() => reader.exec('commit'), 60);
		try {
			expect(await flushDeletions(ctx.handle.db)).toBe(true);
		} finally {
			if (reader.inTransaction) reader.exec('commit');
			reader.close();
		}
	});

	it('stops with the database, before its connection closes, leaving no log file behind', async () => {
		const file = path.join(ctx.dir, 'closing.db');
		const handle = openDatabase(file);
		await migrateToLatest(handle.db);
		handle.writes.threads.start();
		const [{ row }] = await handle.writes.threads.commit([
			[{ sql: 'select 1 as one', parameters: [] }]
		]);
		expect(row).toEqual({ one: 1 });
		expect(handle.writes.threads.running).toBe(true);
		await handle.db.destroy();
		expect(handle.writes.threads.running).toBe(false);
		// The server's connection closed last, and so checkpointed and removed the log.
		expect(fs.existsSync(`${file}-wal`)).toBe(false);
	});
});
