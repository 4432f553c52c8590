// Deleting for good. SQLite leaves a deleted row's bytes in the file's free space, and older
// copies of its page in the -wal file, until something writes over them: "deleted" would
// still be readable by anyone with the file. openDatabase turns on secure_delete for every
// connection (deleted content is overwritten with zeros as it is freed, which must hold from
// the first write: turning it on later cannot clean what was freed before); this finishes
// the job after a deletion. SQLite-specific, so it lives beside the database's settings.
import { sql, type Kysely } from 'kysely';
import type { DB } from './schema';

/** Tries at a checkpoint the checkpoint thread may be running at that moment. */
const FLUSH_TRIES = 5;
const FLUSH_PAUSE_MS = 50;

/**
 * Copies every change into the database file and empties the -wal file, so the zeroed
 * pages replace the old ones and no older copy of a page is left in the log. SQLite never
 * waits for it: this tries a few times, a moment apart, because the checkpoint thread
 * (db-threads.ts) holds the checkpoint for a moment every half second; false when another
 * process (a backup reading) kept it from finishing all the same, and the caller tries
 * again later.
 */
export async function flushDeletions(db: Kysely<DB>): Promise<boolean> {
	for (let tries = 1; ; tries++) {
		const result = await sql<{
			busy: number;
			log: number;
			checkpointed: number;
		}>`pragma wal_checkpoint(truncate)`.execute(db);
		if (result.rows[0]?.busy === 0) return true;
		if (tries === FLUSH_TRIES) return false;
		await new Promise((resolve) => setTimeout(resolve, FLUSH_PAUSE_MS));
	}
}
