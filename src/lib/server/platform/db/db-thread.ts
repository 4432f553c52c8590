// The code of the database's two helper threads (db-threads.ts starts them).
//
// better-sqlite3 works synchronously, so whatever SQLite waits for, the calling thread
// waits with it. A commit with synchronous=FULL waits for the disk (fsync), and SQLite's
// automatic checkpoint copies the log into the database file and syncs that too, inside
// whichever commit crosses 1,000 pages. On Node's only thread that stopped every request
// for as long: here the two run on threads of their own, with connections of their own.
//
// role "write": runs a batch of writes in one transaction and answers with each item's
//   first row; the server's thread meanwhile serves everything else.
// role "checkpoint": copies the log into the database file every `everyMs`, without
//   waiting for anyone (PASSIVE), in place of SQLite's automatic checkpoint.
//
// A worker thread runs outside the bundler and outside tsx, so it cannot import this
// module: `dbThreadSource` hands it this one function's text. The function therefore uses
// nothing from outside itself but the `require` it is given.
import type BetterSqlite3 from 'better-sqlite3';
import type { MessagePort } from 'node:worker_threads';

export interface DbThreadData {
	/** The path of better-sqlite3, resolved by the server as its own import is. */
	betterSqlite3: string;
	file: string;
	role: 'write' | 'checkpoint';
	everyMs?: number;
	/** Connection settings to apply after the usual ones (see DbThreads.setting). */
	settings: string[];
}

function dbThreadMain(require: NodeJS.Require): void {
	/** Far more than the distinct statements sent here (the answer's three). */
	const STATEMENT_CACHE = 100;
	const threads = require('node:worker_threads') as typeof import('node:worker_threads');
	const parent = threads.parentPort as MessagePort;
	const data = threads.workerData as DbThreadData;
	const Database = require(data.betterSqlite3) as typeof BetterSqlite3;

	type Statement = { sql: string; parameters: unknown[] };
	type Message = {
		id: number;
		close?: boolean;
		setting?: string;
		items?: Statement[][];
		waitMs?: number;
	};

	const db = new Database(data.file, { timeout: 0 });
	// Per-connection settings: the same promises as the server's own connection (index.ts).
	db.pragma('synchronous = FULL');
	db.pragma('foreign_keys = ON');
	db.pragma('secure_delete = ON');
	db.pragma('wal_autocheckpoint = 0');
	for (const setting of data.settings) db.pragma(setting);

	/** An SQLite error as plain data: its code is what faults.ts tells faults apart by. */
	const plain = (error: unknown) => ({
		code: (error as { code?: unknown })?.code,
		message: error instanceof Error ? error.message : String(error)
	});

	const timer =
		data.role === 'checkpoint'
			? setInterval(() => {
					try {
						db.pragma('wal_checkpoint(PASSIVE)');
					} catch (error) {
						parent.postMessage({ checkpointFailed: plain(error) });
					}
				}, data.everyMs)
			: undefined;

	const statements = new Map<string, BetterSqlite3.Statement>();

	const statement = (sql: string) => {
		let prepared = statements.get(sql);
		if (prepared) return prepared;
		prepared = db.prepare(sql);
		if (statements.size >= STATEMENT_CACHE) statements.delete(statements.keys().next().value!);
		statements.set(sql, prepared);
		return prepared;
	};

	// An item's statements run in order until one returns a row: an insert … returning that
	// was ignored as a repeat falls through to the reads that find what was stored instead.
	const firstRow = (item: Statement[]) => {
		for (let index = 0; index < item.length; index++) {
			const prepared = statement(item[index].sql);
			if (!prepared.reader) {
				prepared.run(item[index].parameters);
				continue;
			}
			const row = prepared.get(item[index].parameters);
			if (row !== undefined) return { index, row };
		}
		return { index: -1, row: undefined };
	};

	const commit = (items: Statement[][], waitMs: number) => {
		// Waiting for another program's lock blocks only this thread: SQLite may sleep here.
		db.pragma(`busy_timeout = ${Math.max(0, Math.floor(waitMs))}`);
		db.exec('begin immediate');
		try {
			const results = items.map(firstRow);
			db.exec('commit');
			return results;
		} catch (error) {
			// SQLite rolls back by itself after some errors (a full disk): then there is none.
			if (db.inTransaction) {
				try {
					db.exec('rollback');
				} catch {
					// The first error is the one that says what went wrong.
				}
			}
			throw error;
		}
	};

	// Messages are handled one at a time, in order: a close comes after every batch sent
	// before it has been committed and answered.
	parent.on('message', (message: Message) => {
		if (message.close) {
			clearInterval(timer);
			db.close();
			parent.close();
			return;
		}
		try {
			if (message.setting) db.pragma(message.setting);
			const results = message.items ? commit(message.items, message.waitMs ?? 0) : [];
			parent.postMessage({ id: message.id, results });
		} catch (error) {
			parent.postMessage({ id: message.id, error: plain(error) });
		}
	});
}

/**
 * The thread's program, for `new Worker(…, { eval: true })`. tsx compiles with esbuild's
 * keepNames, which wraps named functions in a `__name` helper defined at the top of the
 * module; the thread gets a stand-in, since a function's name does not matter there.
 */
export const dbThreadSource = `var __name = (target) => target;
(${dbThreadMain.toString()})(require);`;
