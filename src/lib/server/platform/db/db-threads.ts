// Commits and checkpoints off Node's only thread. better-sqlite3 is synchronous: a commit
// (synchronous=FULL, so an fsync) and SQLite's automatic checkpoint (every 1,000 pages of
// log, inside whichever commit crosses the line) stopped every request while the disk
// worked. Profiles of `npm run bench` put the answer path's slowest answers there. Here a
// write thread commits batches (the answers' group commit) on a connection of its own, and
// a checkpoint thread copies the log into the database file on another, so the server's
// thread only sends the batch and goes on serving. Both start with the first batch; until
// then (the server starts them at once: index.ts), and after close, the server's connection
// checkpoints as SQLite always does.
// Durability is unchanged: a batch's promise resolves only after its commit returned.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { logEvent } from '../log';
import { dbThreadSource, type DbThreadData } from './db-thread';
import { describeFault, faultOf, lockWaitRefusal, writeRefusal } from './faults';
import type { WriteGate } from './patient-driver';

/** One statement for a thread: its SQL and parameters, as in Kysely's compiled query. */
export interface ThreadStatement {
	sql: string;
	parameters: readonly unknown[];
}

/** An item's result: which of its statements first returned a row (-1: none), and the row. */
export interface FirstRow {
	index: number;
	row: Record<string, unknown> | undefined;
}

/**
 * How often the checkpoint thread copies the log into the database file. At a class's
 * pace this is a few hundred pages each time; a checkpoint with nothing to copy costs
 * microseconds.
 */
const CHECKPOINT_EVERY_MS = 500;
/** SQLite's own default, restored on the server's connection when the threads stop. */
const AUTOCHECKPOINT_PAGES = 1000;
/** A thread that has not closed its connection by then is stopped. */
const CLOSE_WAIT_MS = 5000;
/** Checkpoint failures (a full disk) are logged when they change and then this often. */
const CHECKPOINT_LOG_EVERY_MS = 60_000;

/**
 * A thread's own JavaScript heap. It holds one batch at a time (a class's answers, a few
 * kilobytes) and its statements; V8's defaults would let each grow to tens of megabytes
 * before collecting, on a server that must stay under 300 MB with 1,900 pupils.
 */
const THREAD_HEAP = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 32 };

/** The same better-sqlite3 the server's connection uses, resolved as its import is. */
const betterSqlite3 = createRequire(import.meta.url).resolve('better-sqlite3');

interface ThreadError {
	code?: string;
	message: string;
}

/** The thread's error as the SQLite error it was, so faults.ts tells a full disk apart. */
function sqliteError({ code, message }: ThreadError): Error {
	return Object.assign(new Error(message), code ? { code } : {});
}

/** One worker thread running db-thread.ts's program, with its requests waiting for replies. */
class DbThread {
	stopped = false;
	#worker: Worker;
	#waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
	#nextId = 1;
	#exited: Promise<void>;

	constructor(
		data: Omit<DbThreadData, 'betterSqlite3'>,
		onNotice?: (notice: Record<string, unknown>) => void
	) {
		this.#worker = new Worker(dbThreadSource, {
			eval: true,
			resourceLimits: THREAD_HEAP,
			workerData: { betterSqlite3, ...data } satisfies DbThreadData
		});
		this.#worker.on('message', (message) => {
			const waiting = this.#waiting.get(message.id);
			if (!waiting) return onNotice?.(message);
			this.#waiting.delete(message.id);
			if (this.#waiting.size === 0) this.#worker.unref();
			if (message.error) waiting.reject(sqliteError(message.error));
			else waiting.resolve(message.results);
		});
		this.#worker.on('error', (error) => {
			// Its requests are refused (the answers stay on the devices); the next batch starts
			// a new thread.
			logEvent('error', 'db.thread_failed', `the database's ${data.role} thread stopped`, {
				code: (error as { code?: unknown }).code,
				message: error.message
			});
			this.#stop(error);
		});
		this.#exited = new Promise((resolve) =>
			this.#worker.once('exit', () => {
				this.#stop(new Error('The database thread stopped.'));
				resolve();
			})
		);
		// An idle thread never keeps a script or a test run alive; one with a batch does (ask).
		// After the listeners: adding a 'message' listener refs the worker again.
		this.#worker.unref();
	}

	ask(message: Record<string, unknown>): Promise<unknown> {
		if (this.stopped) return Promise.reject(new Error('The database thread stopped.'));
		const id = this.#nextId++;
		return new Promise((resolve, reject) => {
			if (this.#waiting.size === 0) this.#worker.ref();
			this.#waiting.set(id, { resolve, reject });
			this.#worker.postMessage({ ...message, id });
		});
	}

	/** Lets the thread finish what it was sent, close its connection and end. */
	async close(): Promise<void> {
		if (!this.stopped) this.#worker.postMessage({ close: true });
		let timer: NodeJS.Timeout | undefined;
		const late = new Promise<void>((resolve) => {
			timer = setTimeout(() => void this.#worker.terminate().then(() => resolve()), CLOSE_WAIT_MS);
		});
		await Promise.race([this.#exited, late]);
		clearTimeout(timer);
	}

	#stop(error: unknown): void {
		this.stopped = true;
		const waiting = [...this.#waiting.values()];
		this.#waiting.clear();
		for (const { reject } of waiting) reject(error);
	}
}

/** The write and checkpoint threads of one database. */
export class DbThreads {
	#writer: DbThread | undefined;
	#checkpointer: DbThread | undefined;
	#closed = false;
	#lastCheckpointLog = { code: '', at: 0 };
	#settings: string[] = [];

	constructor(readonly gate: WriteGate) {}

	/**
	 * Runs the items in one transaction on the write thread and resolves after the commit,
	 * each item with its first row. It takes this process's write turn like any write, waits
	 * at most `lockWaitMs` for another program's lock, and is refused as any write is: a 503
	 * for a full disk or a lock held too long, counted in the health /healthz reports.
	 */
	async commit(items: ThreadStatement[][]): Promise<FirstRow[]> {
		const { turn, health, lockWaitMs } = this.gate;
		const started = Date.now();
		const deadline = started + lockWaitMs;
		if (!(await turn.take(deadline))) throw lockWaitRefusal(health, started);
		try {
			const results = await this.#writeThread().ask({ items, waitMs: deadline - Date.now() });
			health.succeeded();
			return results as FirstRow[];
		} catch (error) {
			throw writeRefusal(health, error, started);
		} finally {
			turn.give();
		}
	}

	/**
	 * Applies a per-connection setting (a pragma such as `max_page_count = 100`) to the
	 * threads' connections too, now if they run and whenever they start. SQLite keeps some
	 * settings per connection; the full-disk tests cap the file this way.
	 */
	async setting(pragma: string): Promise<void> {
		this.#settings.push(pragma);
		const running = [this.#writer, this.#checkpointer].filter((t) => t && !t.stopped);
		await Promise.all(running.map((t) => t!.ask({ setting: pragma })));
	}

	/** Whether the threads are running (and so the server's connection does not checkpoint). */
	get running(): boolean {
		return this.#writer !== undefined && !this.#writer.stopped;
	}

	/** Ends both threads once they have finished what they were sent. */
	async close(): Promise<void> {
		this.#closed = true;
		const threads = [this.#writer, this.#checkpointer].filter((t) => t !== undefined);
		this.#writer = this.#checkpointer = undefined;
		await Promise.all(threads.map((t) => t.close()));
		if (threads.length && this.gate.sqlite.open)
			this.gate.sqlite.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
	}

	/**
	 * Starts the threads now rather than with the first batch: the server's own database
	 * does, so that the first answers do not wait for a thread to start.
	 */
	start(): void {
		this.#writeThread();
	}

	#writeThread(): DbThread {
		if (this.#closed) throw new Error('The database is closed.');
		const file = this.gate.sqlite.name;
		if (!this.#writer || this.#writer.stopped)
			this.#writer = new DbThread({ role: 'write', file, settings: this.#settings });
		if (!this.#checkpointer || this.#checkpointer.stopped) {
			this.#checkpointer = new DbThread(
				{ role: 'checkpoint', file, everyMs: CHECKPOINT_EVERY_MS, settings: this.#settings },
				(notice) => this.#checkpointFailed(notice.checkpointFailed as ThreadError)
			);
			// From now on the checkpoint thread does it, and commits here no longer stop for it.
			this.gate.sqlite.pragma('wal_autocheckpoint = 0');
		}
		return this.#writer;
	}

	#checkpointFailed(error: ThreadError): void {
		const fault = faultOf(sqliteError(error));
		const code = fault?.code ?? error.message;
		const now = Date.now();
		const last = this.#lastCheckpointLog;
		if (code === last.code && now - last.at < CHECKPOINT_LOG_EVERY_MS) return;
		this.#lastCheckpointLog = { code, at: now };
		logEvent('error', 'db.checkpoint_failed', 'could not copy the log into the database file', {
			code,
			reason: fault ? describeFault(fault) : error.message
		});
	}
}
