// Staff accounts: the list of a school's or the council's staff, their roles and turning
// an account off or on. Signing in (staff-sign-in.ts), invitations (staff-invitations.ts)
// and passwords (staff-passwords.ts) each have their own module.
import { recordAudit, staffActor, getDb, nowIso } from '../platform';
import type { Role, SafeguardingRole, StaffUser, StaffUserUpdate } from '../platform';
import { endStaffStreams, type StaffPrincipal } from '../auth';

/** Email addresses are kept and compared trimmed and in lower case. */
export function normaliseEmail(email: string): string {
	return email.trim().toLowerCase();
}

export interface StaffSummary {
	id: number;
	email: string;
	displayName: string;
	role: Role;
	schoolId: number | null;
	schoolName: string | null;
	disabled: boolean;
	/** The school's DSL ('dsl') or a deputy ('deputy'); null otherwise. */
	safeguardingRole: SafeguardingRole | null;
	classes: string[];
}

/** A member of staff's school and role, for the audit entry of a change to their account. */
export async function schoolAndRole(id: number) {
	return getDb()
		.selectFrom('staff_users')
		.select(['school_id', 'role', 'safeguarding_role'])
		.where('id', '=', id)
		.executeTakeFirst();
}

export async function getStaffUser(id: number): Promise<StaffSummary | undefined> {
	return (await listStaff({ userId: id }))[0];
}

/** Staff of one school, of the borough's council (schoolId null), or everyone (undefined). */
export async function listStaff(filter: {
	schoolId?: number | null;
	userId?: number;
}): Promise<StaffSummary[]> {
	const db = getDb();
	let query = db
		.selectFrom('staff_users as u')
		.leftJoin('schools as s', 's.id', 'u.school_id')
		.select([
			'u.id',
			'u.email',
			'u.display_name',
			'u.role',
			'u.school_id',
			's.name as school_name',
			'u.disabled_at',
			'u.safeguarding_role'
		])
		.orderBy('u.role')
		.orderBy('u.display_name');
	if (filter.userId !== undefined) query = query.where('u.id', '=', filter.userId);
	if (filter.schoolId === null) query = query.where('u.school_id', 'is', null);
	else if (filter.schoolId !== undefined) query = query.where('u.school_id', '=', filter.schoolId);
	const rows = await query.execute();
	const classes = rows.length
		? await db
				.selectFrom('class_teachers as t')
				.innerJoin('classes as c', 'c.id', 't.class_id')
				.select(['t.user_id', 'c.name'])
				.where(
					't.user_id',
					'in',
					rows.map((r) => r.id)
				)
				.where('c.archived_at', 'is', null)
				.orderBy('c.name')
				.execute()
		: [];
	return rows.map((r) => ({
		id: r.id,
		email: r.email,
		displayName: r.display_name,
		role: r.role,
		schoolId: r.school_id,
		schoolName: r.school_name,
		disabled: r.disabled_at !== null,
		safeguardingRole: r.safeguarding_role,
		classes: classes.filter((c) => c.user_id === r.id).map((c) => c.name)
	}));
}

export async function setDisabled(
	targetId: number,
	disabled: boolean,
	by: StaffPrincipal
): Promise<void> {
	const target = await schoolAndRole(targetId);
	await getDb()
		.transaction()
		.execute(async (trx) => {
			await trx
				.updateTable('staff_users')
				.set({ disabled_at: disabled ? nowIso() : null })
				.where('id', '=', targetId)
				.execute();
			if (disabled)
				await trx.deleteFrom('staff_sessions').where('user_id', '=', targetId).execute();
			await recordAudit(
				{
					actor: staffActor(by),
					action: disabled ? 'staff.disabled' : 'staff.enabled',
					schoolId: target?.school_id ?? null,
					target: { type: 'staff', id: targetId }
				},
				trx
			);
		});
	// Turned off: the sign-ins went in the transaction; their live streams end now, not at
	// the next check of open streams.
	if (disabled) endStaffStreams(targetId);
}

/** Between lead and teacher, within the person's own school. */
export function changeRole(
	targetId: number,
	role: 'lead' | 'teacher',
	by: StaffPrincipal
): Promise<boolean> {
	return changeSchoolStaff(targetId, 'role', role, 'staff.role_changed', by);
}

/**
 * Makes a member of a school's staff its Designated Safeguarding Lead, a deputy, or
 * neither (null). They then read the school's requests for help (access.ts). Audited.
 */
export function setSafeguardingRole(
	targetId: number,
	role: SafeguardingRole | null,
	by: StaffPrincipal
): Promise<boolean> {
	return changeSchoolStaff(
		targetId,
		'safeguarding_role',
		role,
		'staff.safeguarding_role_changed',
		by
	);
}

/**
 * Changes one of a school staff member's roles (never the council team's), with the
 * before and after in the audit log. False when there is no such school staff member.
 */
async function changeSchoolStaff<K extends 'role' | 'safeguarding_role'>(
	targetId: number,
	field: K,
	value: StaffUser[K],
	action: string,
	by: StaffPrincipal
): Promise<boolean> {
	const target = await schoolAndRole(targetId);
	if (!target || target.role === 'coordinator' || target.school_id === null) return false;
	const from = target[field];
	if (from === value) return true;
	await getDb()
		.transaction()
		.execute(async (trx) => {
			await trx
				.updateTable('staff_users')
				.set({ [field]: value } as StaffUserUpdate)
				.where('id', '=', targetId)
				.execute();
			await recordAudit(
				{
					actor: staffActor(by),
					action,
					schoolId: target.school_id,
					target: { type: 'staff', id: targetId },
					detail: { from, to: value }
				},
				trx
			);
		});
	return true;
}
