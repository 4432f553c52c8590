// Opens the SQLite database once per process, with the durability settings the
// product promises (WAL, synchronous=FULL), and runs migrations.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type MigrationResultSet } from 'kysely';
import { readConfig } from '../config';
import { migrations } from './migrations';
import type { DB } from './schema';

export type { DB } from './schema';

export interface Handle {
	db: Kysely<DB>;
	sqlite: Database.Database;
	path: string;
}

/** A problem a person can act on: printed as one line by the start script. */
export class DatabaseOpenError extends Error {}

export function openDatabase(file: string): Handle {
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
		sqlite = new Database(file);
	} catch (error) {
		throw new DatabaseOpenError(`Cannot open the database ${file}: ${describe(error)}.`);
	}
	try {
		sqlite.pragma('journal_mode = WAL');
		sqlite.pragma('synchronous = FULL');
		sqlite.pragma('foreign_keys = ON');
		sqlite.pragma('busy_timeout = 5000');
		// Reading the schema proves the file really is a SQLite database.
		sqlite.prepare('select count(*) as n from sqlite_schema').get();
	} catch (error) {
		sqlite.close();
		throw new DatabaseOpenError(
			`${file} is not a usable SQLite database (${describe(error)}): move it aside or set DATABASE_PATH to another file.`
		);
	}
	const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
	return { db, sqlite, path: file };
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
		throw new DatabaseOpenError(`Database migration ${failed} failed: ${describe(result.error)}`);
	}
	return result;
}

let current: Handle | undefined;

/** The process's one database handle, opened on first use. */
export function getHandle(): Handle {
	current ??= openDatabase(readConfig().databasePath);
	return current;
}

export function getDb(): Kysely<DB> {
	return getHandle().db;
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
