// `npm run db:backup -- FILE`: a consistent copy through SQLite's online backup API,
// safe while the server keeps running and writing.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { writeBackupRecord } from '../src/lib/server/platform/backup-record';
import { readConfig } from '../src/lib/server/platform/config';

/** For /metrics: when the last good copy was made, wherever it went. The copy stands even if this fails. */
function noteBackup(databasePath: string, destination: string): void {
	try {
		writeBackupRecord(databasePath, {
			at: new Date().toISOString(),
			bytes: fs.statSync(destination).size
		});
	} catch (error) {
		console.error(`Warning: /metrics will not show this backup: ${(error as Error).message}`);
	}
}

const target = process.argv[2];
if (!target) {
	console.error('Usage: npm run db:backup -- FILE   (for example backups/thinksafe-2026-11-28.db)');
	process.exit(2);
}
const { databasePath } = readConfig();
if (!fs.existsSync(databasePath)) {
	console.error(`There is no database at ${databasePath} to back up (set DATABASE_PATH?).`);
	process.exit(1);
}
const destination = path.resolve(target);
if (fs.existsSync(destination)) {
	console.error(
		`${destination} already exists: choose a new file name so no backup is overwritten.`
	);
	process.exit(1);
}
fs.mkdirSync(path.dirname(destination), { recursive: true });
const source = new Database(databasePath, { fileMustExist: true });
try {
	source.pragma('busy_timeout = 5000');
	await source.backup(destination);
	// The copy inherits WAL mode; as a rollback journal it is one self-contained file, with
	// no -wal or -shm left beside it (the server turns WAL on again when it opens a restore).
	const copy = new Database(destination, { fileMustExist: true });
	copy.pragma('journal_mode = DELETE');
	const check = copy.pragma('integrity_check', { simple: true });
	copy.close();
	if (check !== 'ok') throw new Error(`the copy failed its integrity check (${String(check)})`);
	noteBackup(databasePath, destination);
	console.log(`Backed up ${databasePath} to ${destination} (integrity check ok).`);
} catch (error) {
	console.error(`Backup failed: ${(error as Error).message}`);
	fs.rmSync(destination, { force: true });
	process.exit(1);
} finally {
	source.close();
}
