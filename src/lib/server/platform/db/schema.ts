// Kysely's view of the database. Timestamps are ISO-8601 UTC text everywhere;
// booleans are integers 0/1 so the same code runs on PostgreSQL later.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export type Role = 'coordinator' | 'lead' | 'teacher';
export type SafeguardingRole = 'dsl' | 'deputy';
export type SessionMode = 'live' | 'self';
export type SessionStatus = 'lobby' | 'running' | 'ended';
export type Phase = 'pre' | 'main';
export type AttendanceStatus = 'present' | 'absent';

type Id = Generated<number>;

export interface BoroughSettingsTable {
	id: number;
	name: string;
	pupil_target: number;
	updated_at: string;
}

export interface SchoolsTable {
	id: Id;
	name: string;
	created_at: string;
	archived_at: string | null;
}

export interface StaffUsersTable {
	id: Id;
	/** Sign-in name; an email address by convention, never mailed. */
	email: string;
	display_name: string;
	role: Role;
	school_id: number | null;
	password_hash: string | null;
	password_changed_at: string | null;
	disabled_at: string | null;
	created_at: string;
	/** The school's Designated Safeguarding Lead or a deputy (migration 009); null otherwise. */
	safeguarding_role: ColumnType<SafeguardingRole | null, SafeguardingRole | null | undefined>;
}

export interface StaffSessionsTable {
	/** SHA-256 of the cookie token, hex: the token itself is never stored. */
	id: string;
	user_id: number;
	created_at: string;
	last_seen_at: string;
	expires_at: string;
}

export interface ClassesTable {
	id: Id;
	school_id: number;
	name: string;
	year_group: number;
	academic_year: string;
	code: string;
	created_at: string;
	archived_at: string | null;
}

export interface ClassTeachersTable {
	class_id: number;
	user_id: number;
}

export interface PupilsTable {
	id: Id;
	class_id: number;
	first_name: string;
	last_initial: string;
	/** Three picture indices (0–11) in order, e.g. "3-7-1"; unique within the class. */
	picture_password: string;
	failed_attempts: ColumnType<number, number | undefined, number>;
	locked_until: string | null;
	archived_at: string | null;
	created_at: string;
	/**
	 * When the retention period deleted the pupil's records (migration 013): a *former pupil*,
	 * kept nameless for their year's figures and listed nowhere by name.
	 */
	records_deleted_at: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface PupilSessionsTable {
	id: string;
	pupil_id: number;
	created_at: string;
	expires_at: string;
}

export interface PupilLoginTokensTable {
	/** SHA-256 of the QR card token. */
	id: string;
	pupil_id: number;
	created_at: string;
	revoked_at: string | null;
}

export interface ClassSessionsTable {
	id: Id;
	class_id: number;
	lesson_id: string;
	lesson_hash: string;
	mode: SessionMode;
	status: SessionStatus;
	/** -1 is the knowledge check / lobby; 0… are the lesson's steps. */
	current_step: number;
	revealed_question: string | null;
	closes_at: string | null;
	started_by: number | null;
	created_at: string;
	started_at: string | null;
	ended_at: string | null;
	/** 'class': every pupil of the class; 'some': only those in class_session_pupils (catch-up). */
	audience: ColumnType<'class' | 'some', 'class' | 'some' | undefined, 'class' | 'some'>;
	/**
	 * Which run of the lesson with the class (migration 012): 0 for the first, else the id of
	 * the session that began a fresh run. Pupils answer each question once per run.
	 */
	run: ColumnType<number, number | undefined, number>;
}

export interface ClassSessionPupilsTable {
	session_id: number;
	pupil_id: number;
}

export interface AttendanceTable {
	session_id: number;
	pupil_id: number;
	status: AttendanceStatus;
	/** 'joined' when the pupil signed into the session, 'teacher' when marked by hand. */
	source: 'joined' | 'teacher';
	marked_by: number | null;
	updated_at: string;
}

export interface ProgressTable {
	session_id: number;
	pupil_id: number;
	lesson_id: string;
	current_step: number;
	furthest_step: number;
	reached_end: number;
	updated_at: string;
}

export interface PaperCompletionsTable {
	pupil_id: number;
	lesson_id: string;
	/** Who marked it; null once the pupil's records are deleted (migration 013). */
	marked_by: number | null;
	marked_at: string;
}

export interface AnswersTable {
	id: Id;
	/** Made in the pupil's browser so that a retried submit is stored once. */
	client_id: string;
	session_id: number;
	pupil_id: number;
	lesson_id: string;
	question_id: string;
	phase: Phase;
	/** JSON array of chosen option indexes. */
	selected: string;
	/** 1, 0, or null for a poll. */
	correct: number | null;
	answered_at: string;
	/** The run of the session it was given in (migration 012). */
	run: ColumnType<number, number | undefined, number>;
	/** 1 for the pupil's first answer to the question in this phase in any run: the figures' one. */
	counts: ColumnType<number, number | undefined, number>;
}

/**
 * How many former pupils chose an option of a question in a session (migration 013): what the
 * class report's spread of choices needs once their answers no longer say what they chose.
 * Several rows with the same key add up.
 */
export interface AnswerChoiceCountsTable {
	session_id: number;
	lesson_id: string;
	question_id: string;
	phase: Phase;
	/** JSON array of chosen option indexes, as answers.selected. */
	selected: string;
	correct: number | null;
	n: number;
}

/** One version of a lesson, kept once per content hash (migration 010). */
export interface LessonRevisionsTable {
	hash: string;
	lesson_id: string;
	file: string;
	/** The lesson file as it was. */
	source: string;
	/** JSON array of the facts it used: { name, text, source, checked, review }. */
	facts: string;
	first_seen_at: string;
}

export interface AuditEventsTable {
	id: Id;
	at: string;
	actor_type: 'staff' | 'pupil' | 'system' | 'anonymous';
	actor_id: number | null;
	school_id: number | null;
	action: string;
	target_type: string | null;
	target_id: string | null;
	detail: string | null;
	ip: string | null;
}

export interface RateLimitsTable {
	key: string;
	count: number;
	window_started_at: string;
	locked_until: string | null;
}

export interface StaffInvitationsTable {
	id: string;
	role: Role;
	school_id: number | null;
	/** Who the link is meant for, as the inviter wrote it ("Ms Patel, Year 6"). */
	note: string | null;
	created_by: number;
	created_at: string;
	expires_at: string;
	used_at: string | null;
	used_by: number | null;
	revoked_at: string | null;
}

export interface PasswordResetsTable {
	id: string;
	user_id: number;
	created_by: number;
	created_at: string;
	expires_at: string;
	used_at: string | null;
}

/** Written by triggers only (migration 006): what the borough totals must look at again. */
export interface ReportChangesTable {
	/** `p<pupil id>`, `s<session id>`, or `places` (classes and schools). */
	subject: string;
	seq: number;
}

export type HelpAbout = 'me' | 'friend' | 'rather-not-say';
export type HelpUrgency = 'today' | 'soon';
export type HelpTalkTo = 'teacher' | 'other-adult' | 'anyone';
export type HelpNoteKind =
	'acknowledged' | 'note' | 'spoke' | 'referred' | 'recorded' | 'closed' | 'text-removed';

/** A pupil's request for help (migration 009). Never edited by staff: notes are added. */
export interface HelpRequestsTable {
	id: Id;
	client_id: string;
	pupil_id: number | null;
	class_id: number | null;
	school_id: number;
	about: HelpAbout;
	/** JSON array of topic keys. */
	topics: ColumnType<string, string | undefined, string>;
	message: string | null;
	urgency: HelpUrgency;
	talk_to: HelpTalkTo;
	routed_to: 'dsl' | 'lead';
	created_at: string;
	acknowledged_at: string | null;
	acknowledged_by: number | null;
	closed_at: string | null;
	outcome: string | null;
	text_removal_due_at: string | null;
	text_removed_at: string | null;
}

export interface HelpRequestNotesTable {
	id: Id;
	request_id: number;
	client_id: string | null;
	staff_id: number | null;
	kind: HelpNoteKind;
	body: string | null;
	created_at: string;
}

export interface DB {
	borough_settings: BoroughSettingsTable;
	schools: SchoolsTable;
	staff_users: StaffUsersTable;
	staff_sessions: StaffSessionsTable;
	classes: ClassesTable;
	class_teachers: ClassTeachersTable;
	pupils: PupilsTable;
	pupil_sessions: PupilSessionsTable;
	pupil_login_tokens: PupilLoginTokensTable;
	class_sessions: ClassSessionsTable;
	class_session_pupils: ClassSessionPupilsTable;
	attendance: AttendanceTable;
	progress: ProgressTable;
	paper_completions: PaperCompletionsTable;
	answers: AnswersTable;
	answer_choice_counts: AnswerChoiceCountsTable;
	lesson_revisions: LessonRevisionsTable;
	audit_events: AuditEventsTable;
	rate_limits: RateLimitsTable;
	staff_invitations: StaffInvitationsTable;
	password_resets: PasswordResetsTable;
	report_changes: ReportChangesTable;
	help_requests: HelpRequestsTable;
	help_request_notes: HelpRequestNotesTable;
}

export type School = Selectable<SchoolsTable>;
export type NewSchool = Insertable<SchoolsTable>;
export type StaffUser = Selectable<StaffUsersTable>;
export type NewStaffUser = Insertable<StaffUsersTable>;
export type StaffUserUpdate = Updateable<StaffUsersTable>;
export type Class = Selectable<ClassesTable>;
export type NewClass = Insertable<ClassesTable>;
export type Pupil = Selectable<PupilsTable>;
export type NewPupil = Insertable<PupilsTable>;
export type ClassSession = Selectable<ClassSessionsTable>;
export type Answer = Selectable<AnswersTable>;
export type AuditEvent = Selectable<AuditEventsTable>;
