// Opens the SQLite database once per process, with the durability settings the
// product promises (WAL, synchronous=FULL), and runs migrations. Waiting for the write lock
// never blocks the server (patient-driver.ts); a full disk or a failing one is told apart
// from a file that is not SQLite (faults.ts).
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
	type Compilable,
	type CompiledQuery,
	Kysely,
	Migrator,
	type MigrationResultSet
} from 'kysely';
import { readConfig } from '../config';
import type { FirstRow, ThreadStatement } from './db-threads';
import { faultOf, openFailureMessage } from './faults';
import { migrations } from './migrations';
import { PatientSqliteDialect, WriteGate } from './patient-driver';
import type { DB } from './schema';

export type { DB } from './schema';
export type { FirstRow, ThreadStatement } from './db-threads';

export interface Handle {
	db: Kysely<DB>;
	sqlite: Database.Database;
	path: string;
	/** The write lock's turn and the state of writing (for /healthz). */
	writes: WriteGate;
}

/** A problem a person can act on: printed as one line by the start script. */
export class DatabaseOpenError extends Error {}

export interface OpenOptions {
	/**
	 * How long a write may wait for another program's write lock before it is refused with
	 * a 503 (Retry-After) and the pupil's device keeps the answer: longer than a backup or a
	 * migration holds it, shorter than a proxy's timeout.
	 */
	lockWaitMs?: number;
}

export const LOCK_WAIT_MS = 20_000;

/**
 * While opening nothing else is served yet, so SQLite may wait for a lock itself here;
 * afterwards it never does (see patient-driver.ts).
 */
const OPEN_BUSY_TIMEOUT_MS = 5000;

/** Each open Kysely's handle, so that a failed migration can name the file and its disk. */
const opened = new WeakMap<Kysely<DB>, Handle>();

export function openDatabase(file: string, options: OpenOptions = {}): Handle {
	const dir = path.dirname(file);
	try {
		fs.mkdirSync(dir, { recursive: true });
		fs.accessSync(dir, fs.constants.W_OK);
	} catch {
		throw new DatabaseOpenError(
			`Cannot write to the database folder ${dir}: choose another DATABASE_PATH or fix the folder's permissions.`
		);
	}
	let sqlite: Database.Database;
	try {
		sqlite = new Database(file, { timeout: OPEN_BUSY_TIMEOUT_MS });
	} catch (error) {
		throw new DatabaseOpenError(`Cannot open the database ${file}: ${describe(error)}.`);
	}
	try {
		sqlite.pragma('journal_mode = WAL');
		sqlite.pragma('synchronous = FULL');
		sqlite.pragma('foreign_keys = ON');
		// Deleted rows are overwritten with zeros, not left in free space, from the first write
		// on (retention and erasure promise "deleted"): see secure-delete.ts.
		sqlite.pragma('secure_delete = ON');
		// Reading the schema proves the file really is a SQLite database.
		sqlite.prepare('select count(*) as n from sqlite_schema').get();
		sqlite.pragma('busy_timeout = 0');
	} catch (error) {
		sqlite.close();
		throw new DatabaseOpenError(openFailureMessage(file, dir, error));
	}
	const writes = new WriteGate(sqlite, options.lockWaitMs ?? LOCK_WAIT_MS);
	const db = new Kysely<DB>({ dialect: new PatientSqliteDialect(writes) });
	const handle = { db, sqlite, path: file, writes };
	opened.set(db, handle);
	return handle;
}

function describe(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

export async function migrateToLatest(db: Kysely<DB>): Promise<MigrationResultSet> {
	const migrator = new Migrator({
		db,
		provider: { getMigrations: async () => migrations }
	});
	const result = await migrator.migrateToLatest();
	if (result.error) {
		const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
		// A full disk or a held lock is no fault of the migration: say what to fix.
		const fault = faultOf(result.error);
		if (fault) {
			const file = opened.get(db)?.path ?? 'the database';
			const why = openFailureMessage(file, path.dirname(file), result.error);
			throw new DatabaseOpenError(`Database migration ${failed} could not run: ${why}`);
		}
		throw new DatabaseOpenError(`Database migration ${failed} failed: ${describe(result.error)}`);
	}
	return result;
}

let current: Handle | undefined;

/** The process's one database handle, opened on first use. */
export function getHandle(): Handle {
	if (!current) {
		current = openDatabase(readConfig().databasePath);
		current.writes.threads.start();
	}
	return current;
}

export function getDb(): Kysely<DB> {
	return getHandle().db;
}

/**
 * A read built and compiled once, then run with each call's parameters: for the hottest
 * reads, where Kysely's building and compiling cost more than SQLite's running (a profile
 * of `npm run bench` put getClassSession, read on every answer, at 6 % of the server's
 * time, most of it building). `build` makes the query with placeholder values, and each
 * call gives every parameter of it, in order.
 */
export function compiledOnce<R>(
	build: () => Compilable<R>
): (parameters: unknown[]) => Promise<R[]> {
	let compiled: CompiledQuery<R> | undefined;
	return async (parameters) => {
		compiled ??= build().compile();
		if (parameters.length !== compiled.parameters.length)
			throw new Error(
				`compiledOnce: ${compiled.parameters.length} parameters, given ${parameters.length}`
			);
		return (await getDb().executeQuery<R>({ ...compiled, parameters })).rows;
	};
}

/**
 * Runs the items in one transaction on the database's write thread (db-threads.ts), so that
 * the commit's wait for the disk does not stop the server: the answers' group commit.
 */
export function commitOffThread(items: ThreadStatement[][]): Promise<FirstRow[]> {
	return getHandle().writes.threads.commit(items);
}

/** Lets tests and scripts point the process at a database they opened themselves. */
export function useHandle(handle: Handle): void {
	current = handle;
}

export async function closeDatabase(): Promise<void> {
	const handle = current;
	current = undefined;
	if (handle) await handle.db.destroy();
}

export function nowIso(): string {
	return new Date().toISOString();
}

const changeCounters = new WeakMap<Handle, () => unknown>();

/**
 * Changes whenever anything is written: SQLite's count of rows this connection changed,
 * with its counter of commits by other connections (a backup, a migration). Exact and
 * nearly free; it reads the driver directly because no portable SQL says "has anything
 * changed". On PostgreSQL this becomes a version row or the transaction id horizon.
 */
export function dataVersion(handle: Handle): string {
	let changes = changeCounters.get(handle);
	if (!changes) {
		const statement = handle.sqlite.prepare('select total_changes()').pluck();
		changes = () => statement.get();
		changeCounters.set(handle, changes);
	}
	return `${String(handle.sqlite.pragma('data_version', { simple: true }))}:${String(changes())}`;
}
