// records: what Think Safe keeps about people, for how long, and a family's rights. The daily
// retention job and its parts (periods: platform/config.ts), former pupils, subject access,
// erasure, and the privacy notices worded from the same settings.
export { runRetention, scheduleRetention, type RetentionRun } from './daily';
export {
	applyStaffRetention,
	unusedAccounts,
	STAFF_REFERENCES,
	type StaffRetentionResult
} from './staff-accounts';
export { removeOldAuditEntries } from './audit-log';
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
export { erasePupil, erasurePreview } from './erasure';
export { getPrivacyNotice } from './privacy-notice';
export { auditSubjectAccess, subjectAccess, type SubjectAccess } from './subject-access';
export { findPupilsOfSchool, MAX_SEARCH_RESULTS } from './pupil-search';
