// The one place that answers "may this person see or change this?". Every route asks
// here about the object it touches. Refusals are 404s so that nobody learns what
// exists outside their scope. Which roles may open which pages is written here too, and
// only here: routes call the named guards below, never requireStaff with a role list.
import { error, type RequestEvent } from '@sveltejs/kit';
import type { Kysely, Transaction } from 'kysely';
import { metricsReaders, getDb, type DB } from './platform';
import { getClassSession, isInAudience } from './teaching';
import type { Role } from './platform';
import { requireStaff } from './auth';
import type { PupilPrincipal, StaffPrincipal } from './auth';

// ——— a school's leads: who decides who at the school sees names ———

export interface SchoolLead {
	id: number;
	displayName: string;
	email: string;
}

/**
 * A school's leads whose accounts are on: the people who decide who at the school sees
 * pupils' names. Given a transaction, it reads inside it (SQLite has one connection).
 */
export async function activeLeadsOf(
	schoolId: number,
	db: Kysely<DB> | Transaction<DB> = getDb()
): Promise<SchoolLead[]> {
	const rows = await db
		.selectFrom('staff_users')
		.select(['id', 'display_name', 'email'])
		.where('school_id', '=', schoolId)
		.where('role', '=', 'lead')
		.where('disabled_at', 'is', null)
		.orderBy('display_name')
		.execute();
	return rows.map((r) => ({ id: r.id, displayName: r.display_name, email: r.email }));
}

// ——— roles: who may open which pages ———

/** Pupil-level pages (classes, sessions, pupils): the people who may ever see names. */
const CLASS_STAFF: Role[] = ['teacher', 'lead'];
/** The school's own pages (its report, staff, records, year): its leads. */
const SCHOOL_LEADS: Role[] = ['lead'];
/** The council's pages (borough figures, schools, settings): its coordinators. */
const COUNCIL: Role[] = ['coordinator'];
/** The audit log and staff accounts: the coordinator (everywhere) and leads (their school). */
const COUNCIL_AND_LEADS: Role[] = ['coordinator', 'lead'];

type GuardEvent = Pick<RequestEvent, 'locals' | 'url' | 'request'>;

/** Signed-in teachers and leads; anyone else is refused (a coordinator never sees names). */
export function requireClassStaff(event: GuardEvent): StaffPrincipal {
	return requireStaff(event, ...CLASS_STAFF);
}

/** A signed-in school lead. */
export function requireSchoolLead(event: GuardEvent): StaffPrincipal {
	return requireStaff(event, ...SCHOOL_LEADS);
}

/** A signed-in council coordinator. */
export function requireCoordinator(event: GuardEvent): StaffPrincipal {
	return requireStaff(event, ...COUNCIL);
}

/** A signed-in coordinator or school lead: the audit log and staff accounts. */
export function requireCoordinatorOrLead(event: GuardEvent): StaffPrincipal {
	return requireStaff(event, ...COUNCIL_AND_LEADS);
}

export function isSchoolLead(user: Pick<StaffPrincipal, 'role'>): boolean {
	return SCHOOL_LEADS.includes(user.role);
}

export function isCoordinator(user: Pick<StaffPrincipal, 'role'>): boolean {
	return COUNCIL.includes(user.role);
}

/**
 * Which classes a member of staff's class lists hold: every class of a lead's school
 * ('school'), a teacher's own ('taught'), none for the council, who never see pupil lists.
 */
export function classesListedFor(user: Pick<StaffPrincipal, 'role'>): 'school' | 'taught' | 'none' {
	if (isSchoolLead(user)) return 'school';
	return CLASS_STAFF.includes(user.role) ? 'taught' : 'none';
}

/** Which parts of the staff site a person's navigation offers (every page checks again). */
export function staffSections(user: Pick<StaffPrincipal, 'role'>) {
	return {
		classes: CLASS_STAFF.includes(user.role),
		school: isSchoolLead(user),
		borough: isCoordinator(user),
		audit: COUNCIL_AND_LEADS.includes(user.role)
	};
}

export interface ClassScope {
	id: number;
	schoolId: number;
	archived: boolean;
}

async function classScope(classId: number): Promise<ClassScope | undefined> {
	if (!Number.isSafeInteger(classId) || classId <= 0) return undefined;
	const row = await getDb()
		.selectFrom('classes')
		.select(['id', 'school_id', 'archived_at'])
		.where('id', '=', classId)
		.executeTakeFirst();
	return row && { id: row.id, schoolId: row.school_id, archived: row.archived_at !== null };
}

async function teaches(userId: number, classId: number): Promise<boolean> {
	const row = await getDb()
		.selectFrom('class_teachers')
		.select('class_id')
		.where('class_id', '=', classId)
		.where('user_id', '=', userId)
		.executeTakeFirst();
	return !!row;
}

/**
 * Pupil-level data of a class (names, answers, progress): its teachers and its
 * school's lead. Never the coordinator, who sees only aggregates.
 */
export async function canSeeClass(user: StaffPrincipal, classId: number): Promise<boolean> {
	const scope = await classScope(classId);
	return !!scope && (await mayTeach(user, classId, scope.schoolId));
}

/** The rule behind canSeeClass, for a class whose school the caller has just read. */
async function mayTeach(user: StaffPrincipal, classId: number, schoolId: number): Promise<boolean> {
	if (schoolId !== user.schoolId) return false;
	if (user.role === 'lead') return true;
	return user.role === 'teacher' && (await teaches(user.id, classId));
}

export async function assertCanSeeClass(
	user: StaffPrincipal,
	classId: number
): Promise<ClassScope> {
	const scope = await classScope(classId);
	if (!scope || !(await mayTeach(user, classId, scope.schoolId)))
		error(404, 'There is no such class in your school.');
	return scope;
}

/** The same people may change a class: its teachers and its school's lead. */
export const canManageClass = canSeeClass;
export const assertCanManageClass = assertCanSeeClass;

/**
 * Moving a pupil into a class: any current class of the mover's own school, which a
 * teacher need not teach (they hand the pupil over). Leads and teachers only.
 */
export async function canMovePupilInto(user: StaffPrincipal, classId: number): Promise<boolean> {
	if (user.role !== 'lead' && user.role !== 'teacher') return false;
	const scope = await classScope(classId);
	return !!scope && !scope.archived && scope.schoolId === user.schoolId;
}

/** Creating classes: leads and teachers, in their own school. */
export function canCreateClassIn(user: StaffPrincipal, schoolId: number): boolean {
	return (user.role === 'lead' || user.role === 'teacher') && user.schoolId === schoolId;
}

/** Staff accounts of a school: the coordinator anywhere, a lead in their own school. */
export function canManageStaffOf(user: StaffPrincipal, schoolId: number | null): boolean {
	if (user.role === 'coordinator') return true;
	return user.role === 'lead' && schoolId !== null && schoolId === user.schoolId;
}

/** Which roles a manager may give: a lead only makes teachers and leads of their school. */
export function assignableRoles(user: StaffPrincipal): Role[] {
	if (user.role === 'coordinator') return ['coordinator', 'lead', 'teacher'];
	if (user.role === 'lead') return ['lead', 'teacher'];
	return [];
}

export async function canManageStaffUser(user: StaffPrincipal, targetId: number): Promise<boolean> {
	if (targetId === user.id) return false; // nobody disables or demotes themselves
	const target = await getDb()
		.selectFrom('staff_users')
		.select(['school_id', 'role'])
		.where('id', '=', targetId)
		.executeTakeFirst();
	if (!target) return false;
	if (user.role === 'coordinator') return true;
	return (
		user.role === 'lead' &&
		target.role !== 'coordinator' &&
		canManageStaffOf(user, target.school_id)
	);
}

/**
 * A step on a school's staff accounts that gives an account sight of its pupils' names (or
 * gives it back): an invitation, a reset link, turning an account on, making someone a lead.
 */
export type SightStep =
	'invite-lead' | 'invite-teacher' | 'reset' | 'enable-lead' | 'enable-teacher' | 'make-lead';

export type SightDecision = { allowed: true } | { allowed: false; leads: SchoolLead[] };

/**
 * No council account may come to see a class's names without the school knowing, so these
 * steps are the school's own, taken by its leads. The coordinator may only bring in a lead
 * (invite one, turn one back on, make one) while the school has no lead whose account is
 * on, as when it joins. Anything else is refused, naming the leads who can do it, rather
 * than waiting for their approval: a lead who would approve can take the step in as many
 * clicks, and an approval is one more button pressed without reading. A reset link is
 * never the council's: a school whose only lead is locked out has that account turned off
 * and a new lead invited, which its staff are told of (councilNoticeSchool).
 */
export async function mayGiveSightOfNames(
	user: Pick<StaffPrincipal, 'role' | 'schoolId'>,
	schoolId: number,
	step: SightStep,
	db: Kysely<DB> | Transaction<DB> = getDb()
): Promise<SightDecision> {
	if (user.role === 'lead' && user.schoolId === schoolId) return { allowed: true };
	const leads = await activeLeadsOf(schoolId, db);
	const bringsALead = step === 'invite-lead' || step === 'enable-lead' || step === 'make-lead';
	if (user.role === 'coordinator' && bringsALead && leads.length === 0) return { allowed: true };
	return { allowed: false, leads };
}

/**
 * The school whose staff this person is told of the council's steps on, at once, on every
 * page: its leads; while it has no lead whose account is on, all of its staff.
 */
export async function councilNoticeSchool(user: StaffPrincipal): Promise<number | null> {
	if (user.schoolId === null || user.role === 'coordinator') return null;
	if (user.role === 'lead') return user.schoolId;
	return (await activeLeadsOf(user.schoolId)).length === 0 ? user.schoolId : null;
}

/** School-level figures: the coordinator (aggregates only) and that school's lead. */
export function canSeeSchoolAggregates(user: StaffPrincipal, schoolId: number): boolean {
	return user.role === 'coordinator' || (user.role === 'lead' && user.schoolId === schoolId);
}

/**
 * Who reads a school's requests for help now: its Designated Safeguarding Lead and
 * deputies (accounts that are on); while it has none, its school leads, so that no
 * request is ever left with nobody to read it. Never a teacher without the role, another
 * school, or the coordinator. The one statement of this rule: access, routing, alerts and
 * banners all ask here.
 */
export async function helpReadersOf(schoolId: number) {
	const people = (kind: 'safeguarding' | 'lead') => {
		let query = getDb()
			.selectFrom('staff_users')
			.select(['id', 'email', 'display_name', 'safeguarding_role'])
			.where('school_id', '=', schoolId)
			.where('disabled_at', 'is', null);
		query =
			kind === 'safeguarding'
				? query.where('safeguarding_role', 'is not', null)
				: query.where('role', '=', 'lead');
		return query.orderBy('id').execute();
	};
	const leads = await people('safeguarding');
	if (leads.length > 0) return { routedTo: 'dsl' as const, people: leads };
	return { routedTo: 'lead' as const, people: await people('lead') };
}

/** The school whose requests for help this person reads, or null. */
export async function helpRequestSchool(user: StaffPrincipal): Promise<number | null> {
	if (user.schoolId === null || user.role === 'coordinator') return null;
	const readers = await helpReadersOf(user.schoolId);
	return readers.people.some((p) => p.id === user.id) ? user.schoolId : null;
}

/** The school whose requests this person reads, or a 404 for anyone else. */
export async function assertCanReadHelpRequests(user: StaffPrincipal): Promise<number> {
	const schoolId = await helpRequestSchool(user);
	if (schoolId === null) error(404, 'Not found.');
	return schoolId;
}

/** Who may make a member of staff a safeguarding lead: their school's lead, or the coordinator. */
export function canAppointSafeguardingLead(user: StaffPrincipal, schoolId: number | null): boolean {
	return schoolId !== null && canManageStaffOf(user, schoolId);
}

/**
 * Closing an academic year (its classes archived, codes and cards stopped): the coordinator
 * for the whole borough (`schoolId` null), a lead for their own school. Teachers do not: it
 * ends every class of the year, not just their own.
 */
export function canCloseAcademicYear(
	user: Pick<StaffPrincipal, 'role' | 'schoolId'>,
	schoolId: number | null
): boolean {
	if (schoolId === null) return user.role === 'coordinator';
	return user.role === 'lead' && user.schoolId === schoolId;
}

/**
 * A family's rights over a pupil's records (everything held, and erasing it): a lead of the
 * pupil's school only. The school answers a parent's request as the data controller; a
 * teacher sees only their classes, and the council never sees a pupil's name. Returns the
 * pupil's school, or a 404 for anyone else.
 */
export async function assertCanHandlePupilRecords(
	user: StaffPrincipal,
	pupilId: number
): Promise<{ pupilId: number; schoolId: number }> {
	const row =
		user.role === 'lead' && user.schoolId !== null
			? await getDb()
					.selectFrom('pupils as p')
					.innerJoin('classes as c', 'c.id', 'p.class_id')
					.select('c.school_id')
					.where('p.id', '=', pupilId)
					.executeTakeFirst()
			: undefined;
	if (!row || row.school_id !== user.schoolId) error(404, 'There is no such pupil in your school.');
	return { pupilId, schoolId: row.school_id };
}

export function canSeeBorough(user: StaffPrincipal): boolean {
	return user.role === 'coordinator';
}

/** Audit events: the coordinator sees all, a lead their school's. null = everything. */
export function auditScope(user: StaffPrincipal): number | null | false {
	if (user.role === 'coordinator') return null;
	if (user.role === 'lead') return user.schoolId;
	return false;
}

export async function pupilInClass(pupilId: number, classId: number): Promise<boolean> {
	const row = await getDb()
		.selectFrom('pupils')
		.select('id')
		.where('id', '=', pupilId)
		.where('class_id', '=', classId)
		.executeTakeFirst();
	return !!row;
}

export function parseId(value: string | undefined | null): number {
	const id = Number(value);
	if (!value || !/^\d{1,15}$/.test(value) || !Number.isSafeInteger(id) || id <= 0) {
		error(404, 'Not found.');
	}
	return id;
}

/**
 * A class session, for staff: the people who may see its class (its teachers and the
 * school's lead). Returns the session, or a 404 for anyone else.
 */
export async function assertCanRunClassSession(user: StaffPrincipal, sessionId: number) {
	const session = await getClassSession(sessionId);
	// The session's read already carries its class's school: no second read of the class.
	if (!session || !(await mayTeach(user, session.classId, session.schoolId))) {
		error(404, 'There is no such lesson session in your classes.');
	}
	return session;
}

/** A class session, for a pupil: one of their own class that is meant for them. */
export async function assertPupilClassSession(pupil: PupilPrincipal, sessionId: number) {
	const session = await getClassSession(sessionId);
	if (!session || session.classId !== pupil.classId || !(await isInAudience(session, pupil.id))) {
		error(404, 'This lesson is not one of yours.');
	}
	return session;
}

/** /metrics: only from the addresses the council lists in METRICS_ALLOW (loopback by default). */
export function canReadMetrics(address: string | null): boolean {
	return metricsReaders().includes(address);
}
