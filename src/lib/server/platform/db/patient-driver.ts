// A Kysely driver for better-sqlite3 that waits for SQLite's write lock without stopping
// the server. better-sqlite3 is synchronous: with a busy timeout, a write that finds the
// lock held by another program (sqlite3 at a prompt, a migration, a restore) sleeps inside
// SQLite, and Node's only thread with it — every request, /healthz and the live streams.
// Here SQLite never sleeps (busy_timeout 0): a write that finds the lock taken tries again
// after a timer, so everything else is served meanwhile, and gives up with a 503 after
// `lockWaitMs`. Reads never need the write lock in WAL mode: they run at once, unless a
// transaction of this process is open on the connection (they would see its uncommitted
// rows), and then they wait for it to end, which takes milliseconds once it holds the lock.
import type Database from 'better-sqlite3';
import {
	CompiledQuery,
	SelectQueryNode,
	SqliteAdapter,
	SqliteIntrospector,
	SqliteQueryCompiler,
	type DatabaseConnection,
	type DatabaseIntrospector,
	type Dialect,
	type DialectAdapter,
	type Driver,
	type Kysely,
	type QueryCompiler,
	type QueryResult
} from 'kysely';
import { logEvent } from '../log';
import { DbThreads } from './db-threads';
import {
	faultOf,
	isBusy,
	isRefusal,
	lockWaitFault,
	lockWaitRefusal,
	unavailable,
	writeRefusal,
	WriteHealth
} from './faults';

/** First pause after finding the lock taken; doubled each time up to the longest. */
const FIRST_PAUSE_MS = 1;
/** Short, so a write goes ahead soon after the lock is freed; each try costs microseconds. */
const LONGEST_PAUSE_MS = 25;
/** Prepared statements kept per database: far more than the distinct queries the app makes. */
const STATEMENT_CACHE = 1_000;

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * This process's turn at writing: one transaction (or lone write) at a time, first come
 * first served, each waiting at most until its deadline. It stands in for Kysely's own
 * connection mutex, which also held every read up behind a write waiting for the lock.
 */
export class WriteTurn {
	#held = false;
	#waiting: (() => void)[] = [];
	#ended: (() => void)[] = [];

	/** Takes the turn only if it is free now: for the health probe, which never waits. */
	tryTake(): boolean {
		if (this.#held) return false;
		this.#held = true;
		return true;
	}

	/** Resolves true once this caller has the turn, or false at the deadline. */
	take(deadline: number): Promise<boolean> {
		if (this.tryTake()) return Promise.resolve(true);
		return new Promise((resolve) => {
			const grant = () => {
				clearTimeout(timer);
				resolve(true);
			};
			const timer = setTimeout(
				() => {
					this.#waiting = this.#waiting.filter((g) => g !== grant);
					resolve(false);
				},
				Math.max(0, deadline - Date.now())
			);
			this.#waiting.push(grant);
		});
	}

	give(): void {
		// Reads that waited for the transaction go first, before the next one begins: under a
		// steady stream of writes they would otherwise wait for ever.
		const ended = this.#ended;
		this.#ended = [];
		for (const resume of ended) resume();
		const next = this.#waiting.shift();
		if (next) next();
		else this.#held = false;
	}

	/** Resolves when the current turn ends. */
	ended(): Promise<void> {
		return new Promise((resolve) => this.#ended.push(resolve));
	}
}

/** What the driver, the connections and the health probe share for one database. */
export class WriteGate {
	readonly turn = new WriteTurn();
	readonly health = new WriteHealth();

	/** Commits and checkpoints on threads of their own (db-threads.ts). */
	readonly threads: DbThreads;

	constructor(
		readonly sqlite: Database.Database,
		/** How long a write may wait for the lock before it is refused with a 503. */
		readonly lockWaitMs: number
	) {
		this.threads = new DbThreads(this);
	}

	#statements = new Map<string, Database.Statement>();

	/**
	 * The prepared statement for this SQL, kept for the next query with the same text:
	 * Kysely compiles a query afresh each time but the text repeats (an answer, a sign-in
	 * check), and preparing it again costs more than running it. At most STATEMENT_CACHE
	 * are kept, the oldest dropped first, so queries built with a varying number of
	 * parameters (`in (…)` lists) cannot grow it without limit.
	 */
	statement(sql: string): Database.Statement {
		let statement = this.#statements.get(sql);
		if (statement) return statement;
		statement = this.sqlite.prepare(sql);
		if (this.#statements.size >= STATEMENT_CACHE) {
			this.#statements.delete(this.#statements.keys().next().value!);
		}
		this.#statements.set(sql, statement);
		return statement;
	}

	/**
	 * Resolves once no transaction is open on the connection, so that a read cannot see a
	 * transaction's rows before they are committed. Polls as well, in case a transaction was
	 * opened on the connection by hand, outside the turn.
	 */
	async outsideTransactions(): Promise<void> {
		while (this.sqlite.inTransaction) {
			await Promise.race([this.turn.ended(), sleep(LONGEST_PAUSE_MS)]);
		}
	}
}

/** Runs `attempt` until it does not fail with SQLITE_BUSY, pausing between tries. */
async function untilNotBusy<T>(attempt: () => T, deadline: number): Promise<T> {
	for (let pause = FIRST_PAUSE_MS; ; pause = Math.min(pause * 2, LONGEST_PAUSE_MS)) {
		try {
			return attempt();
		} catch (error) {
			if (!isBusy(error) || Date.now() + pause > deadline) throw error;
		}
		await sleep(pause);
	}
}

/** `attempt` now, and only if the lock is taken the waiting loop: reads stay cheap. */
function now<T>(attempt: () => T, deadline: number): T | Promise<T> {
	try {
		return attempt();
	} catch (error) {
		if (!isBusy(error)) throw error;
		return untilNotBusy(attempt, deadline);
	}
}

function run(statement: Database.Statement, parameters: readonly unknown[]): QueryResult<never> {
	if (statement.reader) return { rows: statement.all(parameters) as never[] };
	const { changes, lastInsertRowid } = statement.run(parameters);
	return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}

class PatientConnection implements DatabaseConnection {
	/** True while this connection's transaction holds the write turn. */
	inTransaction = false;
	#gate: WriteGate;

	constructor(gate: WriteGate) {
		this.#gate = gate;
	}

	async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
		const { sqlite } = this.#gate;
		if (this.inTransaction) return this.#runInTransaction(compiled);
		const started = Date.now();
		const deadline = started + this.#gate.lockWaitMs;
		try {
			const statement = await now(() => this.#gate.statement(compiled.sql), deadline);
			if (statement.readonly) {
				if (sqlite.inTransaction) await this.#gate.outsideTransactions();
				return await now(() => run(statement, compiled.parameters), deadline);
			}
			return await this.#writeAlone(statement, compiled.parameters, started, deadline);
		} catch (error) {
			throw refusal(error, started);
		}
	}

	async *streamQuery<R>(compiled: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
		if (!SelectQueryNode.is(compiled.query)) {
			throw new Error('Only select queries can be streamed from SQLite.');
		}
		const { sqlite } = this.#gate;
		if (!this.inTransaction) await this.#gate.outsideTransactions();
		for (const row of sqlite.prepare(compiled.sql).iterate(compiled.parameters)) {
			yield { rows: [row as R] };
		}
	}

	/** A write outside any transaction: takes the turn, so it cannot land inside another's. */
	async #writeAlone(
		statement: Database.Statement,
		parameters: readonly unknown[],
		started: number,
		deadline: number
	): Promise<QueryResult<never>> {
		const { turn, health } = this.#gate;
		if (!(await turn.take(deadline))) throw this.#gaveUp(started);
		try {
			const result = await untilNotBusy(() => run(statement, parameters), deadline);
			health.succeeded();
			return result;
		} catch (error) {
			throw this.#failedWrite(error, started);
		} finally {
			turn.give();
		}
	}

	async #runInTransaction<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
		try {
			return run(this.#gate.statement(compiled.sql), compiled.parameters) as QueryResult<R>;
		} catch (error) {
			throw this.#failedWrite(error, Date.now());
		}
	}

	async begin(): Promise<void> {
		const started = Date.now();
		const deadline = started + this.#gate.lockWaitMs;
		const { turn, sqlite } = this.#gate;
		if (!(await turn.take(deadline))) throw this.#gaveUp(started);
		try {
			// IMMEDIATE takes the lock now, where waiting is safe; a deferred BEGIN would take it
			// at the first write, and a busy failure there cannot simply be tried again.
			await untilNotBusy(() => sqlite.exec('begin immediate'), deadline);
		} catch (error) {
			turn.give();
			throw this.#failedWrite(error, started);
		}
		this.inTransaction = true;
	}

	async commit(): Promise<void> {
		const started = Date.now();
		try {
			// In WAL mode a commit does not wait for readers; the loop is for safety only.
			await untilNotBusy(() => this.#gate.sqlite.exec('commit'), started + this.#gate.lockWaitMs);
		} catch (error) {
			// Kysely rolls back next, which gives the turn up.
			throw this.#failedWrite(error, started);
		}
		this.#gate.health.succeeded();
		this.#end();
	}

	async rollback(): Promise<void> {
		if (!this.inTransaction) return;
		const { sqlite } = this.#gate;
		try {
			// SQLite rolls a transaction back by itself after some errors (a full disk among
			// them): a ROLLBACK then fails with "no transaction is active", and that error
			// would replace the one that says what went wrong.
			if (sqlite.inTransaction) sqlite.exec('rollback');
		} catch (error) {
			logEvent('warn', 'db.rollback_failed', 'could not roll a transaction back', {
				code: faultOf(error)?.code,
				message: error instanceof Error ? error.message : String(error)
			});
		} finally {
			this.#end();
		}
	}

	/** Ends this connection's transaction and hands the turn on (once). */
	#end(): void {
		if (!this.inTransaction) return;
		this.inTransaction = false;
		this.#gate.turn.give();
	}

	#gaveUp(started: number): unknown {
		return lockWaitRefusal(this.#gate.health, started);
	}

	#failedWrite(error: unknown, started: number): unknown {
		return writeRefusal(this.#gate.health, error, started);
	}
}

/** A read's fault is refused with a 503 too, but says nothing about writing. */
function refusal(error: unknown, started: number): unknown {
	const fault = faultOf(error);
	if (!fault || isRefusal(error)) return error;
	return unavailable(fault.kind === 'busy' ? lockWaitFault(Date.now() - started) : fault);
}

function quoted(name: string): string {
	return `"${name.replaceAll('"', '""')}"`;
}

class PatientDriver implements Driver {
	#gate: WriteGate;

	constructor(gate: WriteGate) {
		this.#gate = gate;
	}

	async init(): Promise<void> {}

	async acquireConnection(): Promise<DatabaseConnection> {
		// One light object per query or transaction; they share the one SQLite connection.
		return new PatientConnection(this.#gate);
	}

	beginTransaction(connection: DatabaseConnection): Promise<void> {
		return (connection as PatientConnection).begin();
	}

	commitTransaction(connection: DatabaseConnection): Promise<void> {
		return (connection as PatientConnection).commit();
	}

	rollbackTransaction(connection: DatabaseConnection): Promise<void> {
		return (connection as PatientConnection).rollback();
	}

	async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
		await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoted(name)}`));
	}

	async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
		await connection.executeQuery(CompiledQuery.raw(`rollback to ${quoted(name)}`));
	}

	async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
		await connection.executeQuery(CompiledQuery.raw(`release ${quoted(name)}`));
	}

	async releaseConnection(connection: DatabaseConnection): Promise<void> {
		// A transaction left open (its commit and rollback both threw) must not keep the turn.
		await (connection as PatientConnection).rollback();
	}

	async destroy(): Promise<void> {
		await this.#gate.threads.close();
		this.#gate.sqlite.close();
	}
}

/** Kysely's SQLite dialect with the driver above. */
export class PatientSqliteDialect implements Dialect {
	#gate: WriteGate;

	constructor(gate: WriteGate) {
		this.#gate = gate;
	}

	createAdapter(): DialectAdapter {
		return new SqliteAdapter();
	}

	createDriver(): Driver {
		return new PatientDriver(this.#gate);
	}

	createQueryCompiler(): QueryCompiler {
		return new SqliteQueryCompiler();
	}

	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely's own signature
	createIntrospector(db: Kysely<any>): DatabaseIntrospector {
		return new SqliteIntrospector(db);
	}
}
