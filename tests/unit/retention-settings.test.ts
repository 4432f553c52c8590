// The retention periods: read once from the environment, in words the notices use, and
// the nightly backup's pruning reading the same setting.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHelpConfig, readRetentionConfig } from '../../src/lib/server/platform/config';
import { monthsBefore } from '../../src/lib/server/records/dates';
import { months, retentionSchedule } from '../../src/lib/server/records/privacy-notice';

describe('the retention settings', () => {
	it('default to the periods the README gives', () => {
		expect(readRetentionConfig({})).toEqual({
			pupilMonths: 12,
			helpTextDays: 30,
			staffIdleMonths: 12,
			staffDeleteMonths: 12,
			auditMonths: 72,
			backupDays: 14,
			signInCounterDays: 1,
			spentLinkDays: 30
		});
	});

	it('read each period from its variable', () => {
		const config = readRetentionConfig({
			PUPIL_RETENTION_MONTHS: '18',
			HELP_TEXT_RETENTION_DAYS: '45',
			STAFF_IDLE_MONTHS: '9',
			STAFF_DELETE_MONTHS: '6',
			AUDIT_RETENTION_MONTHS: '36',
			BACKUP_RETENTION_DAYS: ' 21 '
		});
		expect(config).toMatchObject({
			pupilMonths: 18,
			helpTextDays: 45,
			staffIdleMonths: 9,
			staffDeleteMonths: 6,
			auditMonths: 36,
			backupDays: 21
		});
		// Requests for help read their period from the same place.
		expect(readHelpConfig({ HELP_TEXT_RETENTION_DAYS: '45' }).textRetentionDays).toBe(45);
	});

	it('keep the default for a value that is not a whole number of at least one', () => {
		for (const bad of ['0', '-3', '1.5', 'twelve', '', '12 months']) {
			expect(readRetentionConfig({ PUPIL_RETENTION_MONTHS: bad }).pupilMonths, bad).toBe(12);
		}
	});

	it('never keep the audit log for less time than an account may go unused', () => {
		const config = readRetentionConfig({ STAFF_IDLE_MONTHS: '24', AUDIT_RETENTION_MONTHS: '12' });
		expect(config.auditMonths).toBe(24);
	});
});

describe('periods in words', () => {
	it('say whole years as years and the rest as months', () => {
		expect(months(12)).toBe('1 year');
		expect(months(72)).toBe('6 years');
		expect(months(18)).toBe('18 months');
		expect(months(1)).toBe('1 month');
	});

	it('put every configured period into the schedule', () => {
		const text = (env: NodeJS.ProcessEnv) =>
			JSON.stringify(retentionSchedule(readRetentionConfig(env)));
		const changed = text({
			PUPIL_RETENTION_MONTHS: '18',
			HELP_TEXT_RETENTION_DAYS: '45',
			STAFF_IDLE_MONTHS: '9',
			STAFF_DELETE_MONTHS: '7',
			AUDIT_RETENTION_MONTHS: '40',
			BACKUP_RETENTION_DAYS: '21'
		});
		for (const words of [
			'18 months after the end of the academic year',
			'45 days after',
			'after 9 months without a sign-in',
			'deleted 7 months after',
			'"kept":"40 months"',
			'21 days, then deleted'
		])
			expect(changed).toContain(words);
		expect(text({})).toContain('"kept":"6 years"');
	});
});

describe('calendar months', () => {
	it('go back to the same date, or the last day of a shorter month', () => {
		const back = (iso: string, n: number) => monthsBefore(new Date(iso), n).toISOString();
		expect(back('2027-09-01T08:00:00.000Z', 12)).toBe('2026-09-01T08:00:00.000Z');
		expect(back('2027-03-31T12:00:00.000Z', 1)).toBe('2027-02-28T12:00:00.000Z');
		expect(back('2028-03-31T12:00:00.000Z', 1)).toBe('2028-02-29T12:00:00.000Z');
		expect(back('2027-02-15T00:00:00.000Z', 14)).toBe('2025-12-15T00:00:00.000Z');
		expect(back('2032-07-01T00:00:00.000Z', 72)).toBe('2026-07-01T00:00:00.000Z');
	});
});

describe('the nightly backup unit', () => {
	/** deploy/thinksafe-backup.service's pruning command, as systemd hands it to the shell. */
	function pruneCommand(folder: string): string {
		const unit = fs.readFileSync('deploy/thinksafe-backup.service', 'utf8');
		const line = /^ExecStartPost=\/bin\/sh -c '(.*)'$/m.exec(unit)?.[1];
		if (!line) throw new Error('no ExecStartPost=/bin/sh -c line in the backup unit');
		return line.replaceAll('$$', '$').replaceAll('/var/backups/thinksafe', folder);
	}

	function copiesKept(env: Record<string, string>): string[] {
		const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'thinksafe-backups-'));
		try {
			const now = Date.now() / 1000;
			for (const ageDays of [0.5, 2.5, 3.5, 13.5, 14.5]) {
				const file = path.join(folder, `thinksafe-${ageDays}d.db`);
				fs.writeFileSync(file, '');
				fs.utimesSync(file, now - ageDays * 86400, now - ageDays * 86400);
			}
			fs.writeFileSync(path.join(folder, 'notes.txt'), '');
			fs.utimesSync(path.join(folder, 'notes.txt'), now - 100 * 86400, now - 100 * 86400);
			execFileSync('/bin/sh', ['-c', pruneCommand(folder)], {
				env: { PATH: process.env.PATH, ...env }
			});
			return fs.readdirSync(folder).sort();
		} finally {
			fs.rmSync(folder, { recursive: true, force: true });
		}
	}

	it('keeps 14 days of copies unless BACKUP_RETENTION_DAYS says otherwise', () => {
		expect(copiesKept({})).toEqual([
			'notes.txt',
			'thinksafe-0.5d.db',
			'thinksafe-13.5d.db',
			'thinksafe-2.5d.db',
			'thinksafe-3.5d.db'
		]);
		expect(copiesKept({ BACKUP_RETENTION_DAYS: '3' })).toEqual([
			'notes.txt',
			'thinksafe-0.5d.db',
			'thinksafe-2.5d.db'
		]);
	});
});
