// platform: what every wing stands on. The database (db/: the server's connection,
// migrations, the patient driver, the write and checkpoint threads, faults and health),
// settings (config.ts), the audit log, live streams,
// logs and metrics, CSV, randomness, UK dates, form parsing and the one refusal convention
// (refusal.ts), security headers, and who is asking (principals.ts, types only).
// It imports from no other wing.
export { metricsReaders } from './address-list';
export { auditTarget, listAuditEvents, recordAudit, staffActor } from './audit';
export {
	type HelpConfig,
	type PrivacyConfig,
	readHelpConfig,
	readPrivacyConfig,
	readRetentionConfig,
	type RetentionConfig
} from './config';
export { type CsvCell, csvFileName, toCsv } from './csv';
export { isRefusal, RETRY_AFTER_S } from './db/faults';
export { checkDatabaseHealth } from './db/health';
export {
	closeDatabase,
	commitOffThread,
	compiledOnce,
	dataVersion,
	type DB,
	type FirstRow,
	getDb,
	getHandle,
	type Handle,
	migrateToLatest,
	nowIso,
	type ThreadStatement
} from './db';
export {
	type Answer,
	type AnswersTable,
	type AttendanceStatus,
	type AttendanceTable,
	type AuditEventsTable,
	type ClassSession,
	type ClassSessionsTable,
	type HelpNoteKind,
	type HelpRequestsTable,
	type PaperCompletionsTable,
	type Phase,
	type ProgressTable,
	type Role,
	type SafeguardingRole,
	type SessionMode,
	type SessionStatus,
	type StaffInvitationsTable,
	type StaffUser,
	type StaffUserUpdate
} from './db/schema';
export { flushDeletions } from './db/secure-delete';
export { clientAddress, failWith, formValues, parseForm } from './forms';
export {
	endClassStreams,
	endPersonStreams,
	endSignInStreams,
	eventStream,
	openStreamCount,
	publish,
	signInsWithStreams
} from './live';
export { type Asker, describeError, logEvent, logRequest, newRequestId } from './log';
export { metricsClientAddress, metricsResponse, recordRequest } from './metrics';
export {
	CLASS_CODE_LENGTH,
	makeClassCode,
	makePicturePassword,
	type RandomInt,
	seededInt
} from './random';
export {
	orRefusal,
	refusalError,
	refusalFailure,
	refusalJson,
	refusalOf,
	Refused,
	type RefusalStatus,
	wasRefused
} from './refusal';
export { parseSchoolDay, schoolMinutesBetween, type SchoolDay } from './school-hours';
export { securityHeaders } from './security-headers';
export {
	academicYearOf,
	addDays,
	formatDay,
	formatWhenUk,
	isAcademicYear,
	isIsoDate,
	londonDay,
	londonParts
} from './uk-dates';
export type { PupilPrincipal, StaffPrincipal } from './principals';
