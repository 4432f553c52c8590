// The database in trouble, on a real SQLite file: another program holding the write lock
// (a second connection, as sqlite3 at a prompt or a migration would), and a full disk
// (PRAGMA max_page_count caps the file, so SQLite fails with SQLITE_FULL as on a full disk).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { isHttpError } from '@sveltejs/kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { submitAnswer } from '../../src/lib/server/teaching/answers';
import type { PupilPrincipal } from '../../src/lib/server/auth/session';
import {
	DatabaseOpenError,
	migrateToLatest,
	openDatabase,
	useHandle,
	type Handle
} from '../../src/lib/server/platform/db';
import { openFailureMessage } from '../../src/lib/server/platform/db/faults';
import { getClassSession } from '../../src/lib/server/teaching/class-sessions';
import { getLibrary } from '../../src/lib/server/lessons';
import { createLogger, useLogger } from '../../src/lib/server/platform/log';
import { POST as postAnswer } from '../../src/routes/(pupil)/session/[sid=id]/answer/+server';
import { load as loadLessonPage } from '../../src/routes/(pupil)/session/[sid=id]/+page.server';
import { GET as healthz } from '../../src/routes/healthz/+server';
import { useTestDatabase } from './context';
import { liveClass as sharedLiveClass } from './live-class';

const ctx = useTestDatabase();
const lesson = getLibrary().lessons[0];
const questions = lesson.questions;

let lines: string[] = [];
let previousLogger: ReturnType<typeof useLogger>;
beforeEach(() => {
	lines = [];
	previousLogger = useLogger(createLogger({ write: (line: string) => lines.push(line) }));
});
afterEach(() => useLogger(previousLogger));

/** A live class of `size` pupils (live-class.ts) in this file's lesson. */
function liveClass(size = 1) {
	return sharedLiveClass(ctx, lesson, size);
}

let n = 0;
function newClientId(): string {
	return `fault-${++n}-${Math.random().toString(36).slice(2, 10)}`;
}

function firstOption(questionIndex: number) {
	return { questionId: questions[questionIndex % questions.length].id, selected: [0] };
}

async function answer(
	pupil: PupilPrincipal,
	sessionId: number,
	questionIndex: number,
	clientId?: string
) {
	return submitAnswer({
		pupil,
		session: (await getClassSession(sessionId))!,
		clientId: clientId ?? newClientId(),
		phase: 'main',
		...firstOption(questionIndex)
	});
}

/** The answer as the pupil's device sends it, through the route. */
async function postAnswerAs(
	pupil: PupilPrincipal,
	sessionId: number,
	clientId: string,
	questionIndex = 0
) {
	const body = { clientId, phase: 'main', ...firstOption(questionIndex) };
	return postAnswer({
		locals: { pupil, staff: null },
		params: { sid: String(sessionId) },
		request: new Request(`http://localhost/session/${sessionId}/answer`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', accept: 'application/json' },
			body: JSON.stringify(body)
		})
	} as unknown as Parameters<typeof postAnswer>[0]);
}

function checkHealth() {
	return healthz({} as Parameters<typeof healthz>[0]);
}

async function storedAnswers(): Promise<number> {
	const row = await ctx.handle.db
		.selectFrom('answers')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

/** Whether a promise has settled yet, without waiting for it. */
function watch(promise: Promise<unknown>): () => boolean {
	let settled = false;
	promise.then(
		() => (settled = true),
		() => (settled = true)
	);
	return () => settled;
}

function pause(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Another program's connection to the same file, holding the write lock. */
function holdWriteLock(file: string): Database.Database {
	const other = new Database(file, { timeout: 0 });
	other.exec('begin immediate');
	return other;
}

function logged(): { event?: string; code?: string; msg?: string }[] {
	return lines.map((line) => JSON.parse(line));
}

describe('a write lock held by another program', () => {
	it('holds up neither reads nor /healthz, and the answers waiting for it are all stored once it is freed', async () => {
		const { sessionId, pupils } = await liveClass(5);
		const other = holdWriteLock(ctx.handle.path);
		try {
			const answering = pupils.map((pupil, i) => answer(pupil, sessionId, i));
			const settled = answering.map(watch);
			// Long enough for the answers' commit to find the lock taken and start waiting.
			await pause(100);

			const health = await checkHealth();
			expect(health.status).toBe(200);
			expect(await health.json()).toEqual({ status: 'ok' });
			expect(await storedAnswers()).toBe(0);
			// All of that happened while the answers were still waiting for the lock.
			expect(settled.map((done) => done())).toEqual(pupils.map(() => false));

			other.exec('commit');
			const results = await Promise.all(answering);
			expect(results.map((r) => r.ok && r.created)).toEqual(pupils.map(() => true));
		} finally {
			if (other.inTransaction) other.exec('rollback');
			other.close();
		}
		expect(await storedAnswers()).toBe(5);
	});

	describe('for longer than a write may wait', () => {
		let patient: Handle;
		beforeEach(() => {
			// The same file with a short wait, so that the test need not wait 20 s.
			patient = openDatabase(ctx.handle.path, { lockWaitMs: 300 });
			useHandle(patient);
		});
		afterEach(async () => {
			await patient.db.destroy();
			useHandle(ctx.handle);
		});

		it('refuses the answer with a retryable 503, says so in /healthz and the log, and stores it when it comes again', async () => {
			const { sessionId, pupils } = await liveClass();
			const [pupil] = pupils;
			const clientId = newClientId();
			const other = holdWriteLock(ctx.handle.path);
			try {
				const refused = await postAnswerAs(pupil, sessionId, clientId).catch((e: unknown) => e);
				expect(isHttpError(refused, 503)).toBe(true);

				const health = await checkHealth();
				expect(health.status).toBe(503);
				const body = await health.json();
				expect(body.status).toBe('unavailable');
				expect(body.reason).toMatch(/another program holds the write lock/);
				expect(logged()).toContainEqual(
					expect.objectContaining({ event: 'db.write_failed', code: 'SQLITE_BUSY' })
				);
			} finally {
				other.exec('rollback');
				other.close();
			}

			// The device sends the same answer again, with the same id.
			const again = await postAnswerAs(pupil, sessionId, clientId);
			expect(again.status).toBe(200);
			expect(await storedAnswers()).toBe(1);
			expect((await checkHealth()).status).toBe(200);
		});

		it('refuses the answers that queued behind the refused ones at once, rather than after another wait', async () => {
			const { sessionId, pupils } = await liveClass(3);
			const other = holdWriteLock(ctx.handle.path);
			try {
				const first = answer(pupils[0], sessionId, 0);
				const firstDone = watch(first);
				// The first answer's commit is waiting for the lock; two more queue behind it.
				await pause(100);
				expect(firstDone()).toBe(false);
				const queued = [answer(pupils[1], sessionId, 0), answer(pupils[2], sessionId, 0)];
				const queuedDone = queued.map(watch);
				expect(isHttpError(await first.catch((e: unknown) => e), 503)).toBe(true);
				await new Promise((resolve) => setImmediate(resolve));
				expect(queuedDone.map((done) => done())).toEqual([true, true]);
				for (const refused of await Promise.allSettled(queued)) {
					expect(refused.status).toBe('rejected');
					expect(isHttpError((refused as PromiseRejectedResult).reason, 503)).toBe(true);
				}
			} finally {
				other.exec('rollback');
				other.close();
			}
			expect(await storedAnswers()).toBe(0);
		});

		it('gives a pupil opening their lesson a 503 to retry, not a 500', async () => {
			const { sessionId, pupils } = await liveClass();
			const other = holdWriteLock(ctx.handle.path);
			try {
				// Opening the lesson marks the pupil present: a write.
				const opening = async () =>
					loadLessonPage({
						locals: { pupil: pupils[0], staff: null },
						params: { sid: String(sessionId) },
						depends: () => undefined
					} as unknown as Parameters<typeof loadLessonPage>[0]);
				const failure = await opening().catch((e: unknown) => e);
				expect(isHttpError(failure, 503)).toBe(true);
			} finally {
				other.exec('rollback');
				other.close();
			}
		});
	});
});

describe('a full disk', () => {
	/**
	 * Caps the file at its size now and uses up its free pages: from then on any write that
	 * needs another page fails with SQLITE_FULL, as on a full disk.
	 */
	async function fillTheDisk(): Promise<void> {
		const { sqlite, writes } = ctx.handle;
		sqlite.exec('create table if not exists disk_filler (padding blob)');
		const cap = `max_page_count = ${Number(sqlite.pragma('page_count', { simple: true }))}`;
		sqlite.pragma(cap);
		// The cap is a setting of each connection: the write thread's too (db-threads.ts).
		await writes.threads.setting(cap);
		const fill = sqlite.prepare('insert into disk_filler values (zeroblob(1000))');
		for (let i = 0; i < 100_000; i++) {
			try {
				fill.run();
			} catch (error) {
				if ((error as { code?: string }).code === 'SQLITE_FULL') return;
				throw error;
			}
		}
		throw new Error('the capped file never filled');
	}

	async function makeRoom(): Promise<void> {
		ctx.handle.sqlite.pragma('max_page_count = 1073741823');
		await ctx.handle.writes.threads.setting('max_page_count = 1073741823');
	}

	it('refuses answers with a retryable 503, shows in /healthz, is named in the log, and loses no acknowledged answer', async () => {
		const { sessionId, pupils } = await liveClass(40);
		await fillTheDisk();
		// The class answers until the disk can take no more.
		const acknowledged: string[] = [];
		let refusedId: string | undefined;
		let refusal: unknown;
		let refused = { pupil: pupils[0], question: 0 };
		for (let i = 0; i < pupils.length * questions.length && !refusedId; i++) {
			// Each pupil answers each question once.
			const pupil = pupils[i % pupils.length];
			const question = Math.floor(i / pupils.length);
			const clientId = newClientId();
			const response = await postAnswerAs(pupil, sessionId, clientId, question).catch(
				(e: unknown) => e
			);
			if (response instanceof Response && response.status === 200) acknowledged.push(clientId);
			else {
				refusedId = clientId;
				refusal = response;
				refused = { pupil, question };
			}
		}
		expect(refusedId).toBeDefined();
		// Some went in before the disk filled (38 on this lesson): they must all be kept.
		expect(acknowledged.length).toBeGreaterThan(0);
		expect(isHttpError(refusal, 503)).toBe(true);

		const health = await checkHealth();
		expect(health.status).toBe(503);
		expect((await health.json()).reason).toMatch(/the disk is full \(SQLITE_FULL/);
		const events = logged();
		expect(events).toContainEqual(
			expect.objectContaining({ event: 'db.write_failed', code: 'SQLITE_FULL' })
		);
		// The rollback's own complaint no longer hides the cause.
		expect(lines.join('')).not.toMatch(/cannot rollback/);

		// Every answer the pupils were told was saved is there; the refused one is not.
		const stored = await ctx.handle.db.selectFrom('answers').select('client_id').execute();
		expect(stored.map((r) => r.client_id).sort()).toEqual([...acknowledged].sort());

		// Space is freed; the device sends the refused answer again and it is stored.
		await makeRoom();
		const again = await postAnswerAs(refused.pupil, sessionId, refusedId!, refused.question);
		expect(again.status).toBe(200);
		expect((await checkHealth()).status).toBe(200);
		expect(logged()).toContainEqual(expect.objectContaining({ event: 'db.write_recovered' }));
	});

	it('shows in /healthz even when nothing has tried to write', async () => {
		await fillTheDisk();
		const health = await checkHealth();
		expect(health.status).toBe(503);
		expect((await health.json()).reason).toMatch(/SQLITE_FULL/);
	});

	it('at start-up is told apart from a file that is not SQLite', async () => {
		const fresh = openDatabase(path.join(ctx.dir, 'fresh.db'));
		try {
			fresh.sqlite.pragma(
				`max_page_count = ${Number(fresh.sqlite.pragma('page_count', { simple: true }))}`
			);
			const failure = await migrateToLatest(fresh.db).catch((e: unknown) => e);
			expect(failure).toBeInstanceOf(DatabaseOpenError);
			const message = (failure as Error).message;
			expect(message).toMatch(/is full/);
			expect(message).toMatch(/SQLITE_FULL/);
			expect(message).toMatch(/do not move it aside/);
			expect(message).not.toMatch(/not a usable SQLite database/);
		} finally {
			await fresh.db.destroy();
		}
	});
});

describe('the start-up message', () => {
	it('on a disk that cannot take another byte, speaks of the disk, not of moving the database aside', async () => {
		// A real database, closed, so that starting must make its -shm file again.
		const file = path.join(ctx.dir, 'full-disk.db');
		const made = openDatabase(file);
		await migrateToLatest(made.db);
		await made.db.destroy();
		// The shell's file-size limit makes every write past 8 KiB fail, as a full disk does,
		// with no root and no real disk to fill.
		const started = spawnSync(
			'bash',
			['-c', 'ulimit -S -f 8; exec "$0" --import tsx scripts/start.ts', process.execPath],
			{
				env: {
					...process.env,
					DATABASE_PATH: file,
					DEMO: '0',
					PORT: '1',
					THINKSAFE_SKIP_BUILD: '1'
				},
				encoding: 'utf8',
				timeout: 60_000
			}
		);
		expect(started.status).toBe(1);
		expect(started.stderr).toMatch(/Think Safe cannot start: the disk holding .*full-disk\.db/);
		expect(started.stderr).toMatch(/SQLITE_IOERR/);
		expect(started.stderr).toMatch(/do not move the database aside/);
		expect(started.stderr).not.toMatch(/not a usable SQLite database/);
	});

	it('tells an I/O error from a file that is not SQLite', () => {
		const file = path.join(ctx.dir, 'thinksafe.db');
		const io = openFailureMessage(
			file,
			ctx.dir,
			new Database.SqliteError('disk I/O error', 'SQLITE_IOERR_SHMSIZE')
		);
		expect(io).toMatch(/could not be read or written|is full or nearly full/);
		expect(io).toMatch(/SQLITE_IOERR_SHMSIZE/);
		expect(io).toMatch(/do not move/);
		const notSqlite = openFailureMessage(
			file,
			ctx.dir,
			new Database.SqliteError('file is not a database', 'SQLITE_NOTADB')
		);
		expect(notSqlite).toMatch(/is not a usable SQLite database/);
		expect(notSqlite).toMatch(/move it aside/);
	});
});
