// How long things are kept, applied: the daily job and its parts (periods: config.ts).
export { runRetention, scheduleRetention, type RetentionRun } from './daily';
export {
	applyStaffRetention,
	unusedAccounts,
	STAFF_REFERENCES,
	type StaffRetentionResult
} from './staff-accounts';
export { removeOldAuditEntries } from './audit-log';
export { keepChoiceCounts, withKeptChoices } from './kept-choices';
export { alreadyDeletedMessage, recordsDeletedNotice, recordsKeptNotice } from './deleted-notice';
export {
	deleteFormerPupilsRecords,
	firstYearKept,
	recordsDeletedInClass,
	recordsDeletedInSchool,
	recordsDeletedOn,
	recordsKeptFor,
	recordsDueOn,
	type FormerPupilsResult
} from './former-pupils';
export { DELETED_ACCOUNT, scrubAuditDetails } from './audit-scrub';
export { removeSpentLinks, removeStaleSignInCounters } from './spent-records';
export { monthsBefore, daysBefore } from './dates';
