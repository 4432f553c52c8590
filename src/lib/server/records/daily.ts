// The daily letting-go: at start and then once a day the server deletes the records of
// pupils whose year ended long enough ago (keeping the year's figures), turns off and deletes
// unused staff accounts, deletes audit entries past their period and spent sign-in
// leftovers, writes what it did to the audit log (counts, never names), and makes sure
// nothing deleted can be read back from the database file.
import {
	recordAudit,
	readRetentionConfig,
	type RetentionConfig,
	getDb,
	flushDeletions,
	describeError,
	logEvent
} from '../platform';
import { removeOldAuditEntries } from './audit-log';
import { deleteFormerPupilsRecords } from './former-pupils';
import { removeSpentLinks, removeStaleSignInCounters } from './spent-records';
import { applyStaffRetention } from './staff-accounts';

export interface RetentionRun {
	/** Pupils whose records were deleted, their year's figures kept (former-pupils.ts). */
	pupilsDeleted: number;
	/** Pupils due but kept while a request for help of theirs is still open. */
	pupilsKept: number;
	staffTurnedOff: number;
	staffDeleted: number;
	/** Due for deletion but still named on a pupil's record (see staff-accounts.ts). */
	staffKept: number;
	auditEntriesDeleted: number;
	signInCountersDeleted: number;
	linksDeleted: number;
	/** False when another process kept the database file from being rewritten this time. */
	flushed: boolean;
}

export async function runRetention(
	now = new Date(),
	config: RetentionConfig = readRetentionConfig()
): Promise<RetentionRun> {
	// Pupils first: a marker of lessons done on paper whose pupils go now can then be deleted.
	const pupils = await deleteFormerPupilsRecords(now, config.pupilMonths);
	const staff = await applyStaffRetention(now, config);
	const counts = {
		pupilsDeleted: pupils.deleted,
		pupilsKept: pupils.kept,
		staffTurnedOff: staff.turnedOff,
		staffDeleted: staff.deleted,
		staffKept: staff.kept,
		auditEntriesDeleted: await removeOldAuditEntries(now, config.auditMonths),
		signInCountersDeleted: await removeStaleSignInCounters(now, config.signInCounterDays),
		linksDeleted: await removeSpentLinks(now, config.spentLinkDays)
	};
	// Every run, even one with nothing to do: the log then shows the job is running.
	await recordAudit({
		actor: { type: 'system' },
		action: 'retention.ran',
		schoolId: null,
		detail: {
			...counts,
			pupilMonths: config.pupilMonths,
			staffIdleMonths: config.staffIdleMonths,
			staffDeleteMonths: config.staffDeleteMonths,
			auditMonths: config.auditMonths
		}
	});
	return { ...counts, flushed: await flushDeletions(getDb()) };
}

const MINUTE = 60 * 1000;
const DAY = 24 * 60 * MINUTE;
/** A backup reading the file can hold off the flush; it is tried again this much later. */
const FLUSH_RETRY = 10 * MINUTE;

/** Runs now and then daily; returns the function that stops it (at shutdown). */
export function scheduleRetention(): () => void {
	let retry: ReturnType<typeof setTimeout> | undefined;
	const flushLater = () => {
		retry = setTimeout(() => {
			flushDeletions(getDb())
				.then((flushed) => {
					if (!flushed) flushLater();
				})
				.catch(failed);
		}, FLUSH_RETRY);
		retry.unref();
	};
	const run = () =>
		runRetention()
			.then((result) => {
				logEvent('info', 'retention.ran', 'retention: done', { ...result });
				if (!result.flushed) {
					logEvent(
						'warn',
						'retention.flush_waiting',
						'retention: database file busy; trying again'
					);
					flushLater();
				}
			})
			.catch(failed);
	void run();
	const timer = setInterval(run, DAY);
	timer.unref();
	return () => {
		clearInterval(timer);
		clearTimeout(retry);
	};
}

function failed(error: unknown): void {
	logEvent('error', 'retention.failed', 'could not apply the retention periods', {
		error: describeError(error)
	});
}
