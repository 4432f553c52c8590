// When the last good backup was made. `npm run db:backup` writes this small file beside the
// database after a copy passes its integrity check, wherever the copy itself went (a
// mounted share, another disk), so /metrics can tell the council when backups stop.
import fs from 'node:fs';

export interface BackupRecord {
	/** When the checked copy was finished, ISO 8601 UTC. */
	at: string;
	/** The copy's size in bytes. */
	bytes: number;
}

export function backupRecordPath(databasePath: string): string {
	return `${databasePath}.last-backup.json`;
}

export function writeBackupRecord(databasePath: string, record: BackupRecord): void {
	const file = backupRecordPath(databasePath);
	// Written whole then renamed, so a reader never sees half a file.
	fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(record)}\n`);
	fs.renameSync(`${file}.tmp`, file);
}

/** The last backup, or null when none was recorded (or the record cannot be read). */
export function readBackupRecord(databasePath: string): BackupRecord | null {
	try {
		const parsed: unknown = JSON.parse(fs.readFileSync(backupRecordPath(databasePath), 'utf8'));
		if (!parsed || typeof parsed !== 'object') return null;
		const { at, bytes } = parsed as Record<string, unknown>;
		if (typeof at !== 'string' || Number.isNaN(Date.parse(at)) || typeof bytes !== 'number') {
			return null;
		}
		return { at, bytes };
	} catch {
		return null;
	}
}
