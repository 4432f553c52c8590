// Staff accounts: sign-in with limits, invitations and reset links (no mail server:
// links are shown to copy), password changes, roles and disabling.
import { mayGiveSightOfNames } from '../access';
import { recordAudit, staffActor, getDb, nowIso } from '../platform';
import type { Transaction } from 'kysely';
import type {
	DB,
	Role,
	SafeguardingRole,
	StaffInvitationsTable,
	StaffUser,
	StaffUserUpdate
} from '../platform';
import {
	hashPassword,
	verifyPassword,
	passwordProblem,
	clearFailures,
	LIMITS,
	lockedUntil,
	minutesUntil,
	recordFailure,
	recordThrottledFailure,
	slowDown,
	THROTTLES,
	endStaffStreams,
	invalidateAllStaffSessions,
	type StaffPrincipal,
	generateToken,
	hashToken
} from '../auth';

const DAY = 24 * 60 * 60 * 1000;
export const INVITATION_DAYS = 7;
export const RESET_HOURS = 24;

export function normaliseEmail(email: string): string {
	return email.trim().toLowerCase();
}

// verify() against a real argon2id hash of a random string, so an unknown address
// costs as much time as a wrong password and does not reveal which accounts exist.
let decoyHash: Promise<string> | undefined;
function decoy(): Promise<string> {
	decoyHash ??= hashPassword(generateToken());
	return decoyHash;
}

export type SignInResult =
	{ ok: true; userId: number } | { ok: false; message: string; locked?: boolean };

function plural(n: number, word: string): string {
	return `${n} ${word}${n === 1 ? '' : 's'}`;
}

const WRONG = 'That email address and password do not match. Check them and try again.';

/**
 * Five wrong passwords lock that one account for 15 minutes. Wrong passwords from one
 * address (a school, or a proxy that hides addresses) only slow each later attempt from
 * it, by up to a few seconds, so a colleague with the right password still gets in.
 */
export async function signIn(input: {
	email: string;
	password: string;
	ip: string | null;
	now?: Date;
}): Promise<SignInResult> {
	const email = normaliseEmail(input.email);
	const accountKey = `staff-account:${email}`;
	const addressKey = `staff-address:${input.ip ?? 'unknown'}`;
	const now = input.now ?? new Date();
	await slowDown([[addressKey, THROTTLES.staffAddress]], now);
	const locked = await lockedUntil(accountKey, now);
	if (locked) {
		return {
			ok: false,
			locked: true,
			message: `Too many failed sign-ins for this account. Please wait ${plural(minutesUntil(locked, now), 'minute')}, or ask your school lead for a reset link (council staff: the council coordinator).`
		};
	}

	const user = await getDb()
		.selectFrom('staff_users')
		.select(['id', 'password_hash', 'disabled_at', 'school_id'])
		.where('email', '=', email)
		.executeTakeFirst();
	const valid = await verifyPassword(user?.password_hash ?? (await decoy()), input.password);

	if (!user || !valid || user.disabled_at) {
		const accountLock = await recordFailure(accountKey, LIMITS.staffAccount, now);
		await recordThrottledFailure(addressKey, THROTTLES.staffAddress, now);
		await recordAudit({
			actor: { type: 'anonymous' },
			action: 'staff.sign_in_failed',
			schoolId: user?.school_id ?? null,
			target: user ? { type: 'staff', id: user.id } : undefined,
			detail: { email, reason: !user ? 'unknown' : user.disabled_at ? 'disabled' : 'password' },
			ip: input.ip
		});
		if (accountLock) {
			await recordAudit({
				actor: { type: 'system' },
				action: 'staff.locked',
				schoolId: user?.school_id ?? null,
				target: user ? { type: 'staff', id: user.id } : undefined,
				detail: { email },
				ip: input.ip
			});
		}
		// A turned-off account gets the wrong-password answer even for the right password:
		// saying "turned off" only then would confirm the password to whoever is guessing.
		return { ok: false, message: WRONG };
	}

	await clearFailures(accountKey);
	await recordAudit({
		actor: { type: 'staff', id: user.id, schoolId: user.school_id },
		action: 'staff.signed_in',
		ip: input.ip
	});
	return { ok: true, userId: user.id };
}

// ——— invitations ———

export interface InvitationInput {
	role: Role;
	schoolId: number | null;
	note?: string | null;
}

export async function createInvitation(
	input: InvitationInput,
	by: StaffPrincipal,
	now = new Date()
): Promise<{ token: string; expiresAt: Date }> {
	const token = generateToken();
	const expiresAt = new Date(now.getTime() + INVITATION_DAYS * DAY);
	const db = getDb();
	await db.transaction().execute(async (trx) => {
		await trx
			.insertInto('staff_invitations')
			.values({
				id: hashToken(token),
				role: input.role,
				school_id: input.role === 'coordinator' ? null : input.schoolId,
				note: input.note?.trim() || null,
				created_by: by.id,
				created_at: now.toISOString(),
				expires_at: expiresAt.toISOString()
			})
			.execute();
		await recordAudit(
			{
				actor: staffActor(by),
				action: 'staff.invited',
				schoolId: input.schoolId,
				detail: { role: input.role, note: input.note?.trim() || null }
			},
			trx
		);
	});
	return { token, expiresAt };
}

export interface PendingInvitation {
	id: string;
	role: Role;
	schoolId: number | null;
	schoolName: string | null;
	note: string | null;
	createdBy: string;
	expiresAt: string;
}

export async function listPendingInvitations(
	schoolId: number | null,
	now = new Date()
): Promise<PendingInvitation[]> {
	let query = getDb()
		.selectFrom('staff_invitations as i')
		.innerJoin('staff_users as u', 'u.id', 'i.created_by')
		.leftJoin('schools as s', 's.id', 'i.school_id')
		.select([
			'i.id',
			'i.role',
			'i.school_id',
			's.name as school_name',
			'i.note',
			'u.display_name',
			'i.expires_at'
		])
		.where('i.used_at', 'is', null)
		.where('i.revoked_at', 'is', null)
		.where('i.expires_at', '>', now.toISOString())
		.orderBy('i.created_at', 'desc');
	if (schoolId !== null) query = query.where('i.school_id', '=', schoolId);
	const rows = await query.execute();
	return rows.map((r) => ({
		id: r.id,
		role: r.role,
		schoolId: r.school_id,
		schoolName: r.school_name,
		note: r.note,
		createdBy: r.display_name,
		expiresAt: r.expires_at
	}));
}

export async function revokeInvitation(id: string, by: StaffPrincipal): Promise<boolean> {
	const invitation = await getDb()
		.selectFrom('staff_invitations')
		.select(['school_id'])
		.where('id', '=', id)
		.executeTakeFirst();
	if (!invitation) return false;
	await getDb()
		.updateTable('staff_invitations')
		.set({ revoked_at: nowIso() })
		.where('id', '=', id)
		.where('used_at', 'is', null)
		.execute();
	await recordAudit({
		actor: staffActor(by),
		action: 'staff.invitation_revoked',
		schoolId: invitation.school_id
	});
	return true;
}

export async function invitationSchool(id: string): Promise<number | null | undefined> {
	const row = await getDb()
		.selectFrom('staff_invitations')
		.select('school_id')
		.where('id', '=', id)
		.executeTakeFirst();
	return row ? row.school_id : undefined;
}

export interface OpenInvitation {
	role: Role;
	schoolName: string | null;
	note: string | null;
}

export async function findOpenInvitation(
	token: string,
	now = new Date()
): Promise<OpenInvitation | null> {
	const row = await getDb()
		.selectFrom('staff_invitations as i')
		.leftJoin('schools as s', 's.id', 'i.school_id')
		.select([
			'i.role',
			's.name as school_name',
			'i.note',
			'i.used_at',
			'i.revoked_at',
			'i.expires_at'
		])
		.where('i.id', '=', hashToken(token))
		.executeTakeFirst();
	if (!row || row.used_at || row.revoked_at || Date.parse(row.expires_at) <= now.getTime())
		return null;
	return { role: row.role, schoolName: row.school_name, note: row.note };
}

export type AcceptResult =
	{ ok: true; userId: number } | { ok: false; message: string; field?: string };

export async function acceptInvitation(
	token: string,
	input: { displayName: string; email: string; password: string },
	now = new Date()
): Promise<AcceptResult> {
	const email = normaliseEmail(input.email);
	const problem = passwordProblem(input.password, email);
	if (problem) return { ok: false, message: problem, field: 'password' };
	const passwordHash = await hashPassword(input.password);
	const id = hashToken(token);
	const db = getDb();
	return db.transaction().execute(async (trx): Promise<AcceptResult> => {
		const invitation = await trx
			.selectFrom('staff_invitations')
			.selectAll()
			.where('id', '=', id)
			.executeTakeFirst();
		if (
			!invitation ||
			invitation.used_at ||
			invitation.revoked_at ||
			Date.parse(invitation.expires_at) <= now.getTime()
		) {
			return {
				ok: false,
				message: 'This invitation link has already been used or has expired. Ask for a new one.'
			};
		}
		if (!(await stillHonoured(invitation, trx))) {
			return {
				ok: false,
				message:
					'This invitation no longer works: the school has a lead now, who can invite you. Ask them for a new link.'
			};
		}
		const existing = await trx
			.selectFrom('staff_users')
			.select('id')
			.where('email', '=', email)
			.executeTakeFirst();
		if (existing) {
			return {
				ok: false,
				field: 'email',
				message:
					'There is already an account with this email address. Sign in instead, or use another address.'
			};
		}
		const { id: userId } = await trx
			.insertInto('staff_users')
			.values({
				email,
				display_name: input.displayName.trim(),
				role: invitation.role,
				school_id: invitation.school_id,
				password_hash: passwordHash,
				password_changed_at: now.toISOString(),
				created_at: now.toISOString()
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		await trx
			.updateTable('staff_invitations')
			.set({ used_at: now.toISOString(), used_by: userId })
			.where('id', '=', id)
			.execute();
		await recordAudit(
			{
				actor: { type: 'staff', id: userId, schoolId: invitation.school_id },
				action: 'staff.invitation_accepted',
				target: { type: 'staff', id: userId },
				detail: { role: invitation.role, email }
			},
			trx
		);
		return { ok: true, userId };
	});
}

/**
 * Whoever made a school's invitation must still be allowed to when it is used: the
 * coordinator's invitation of a school's first lead stops working once the school has a
 * lead, so a spare link kept back cannot add a lead later without the school.
 */
async function stillHonoured(
	invitation: Pick<StaffInvitationsTable, 'school_id' | 'role' | 'created_by'>,
	trx: Transaction<DB>
): Promise<boolean> {
	if (invitation.school_id === null) return true;
	const maker = await trx
		.selectFrom('staff_users')
		.select(['role', 'school_id'])
		.where('id', '=', invitation.created_by)
		.executeTakeFirst();
	if (!maker) return false;
	const step = invitation.role === 'lead' ? 'invite-lead' : 'invite-teacher';
	const decision = await mayGiveSightOfNames(
		{ role: maker.role, schoolId: maker.school_id },
		invitation.school_id,
		step,
		trx
	);
	return decision.allowed;
}

// ——— passwords ———

export async function createPasswordReset(
	targetId: number,
	by: StaffPrincipal,
	now = new Date()
): Promise<{ token: string; expiresAt: Date }> {
	const token = generateToken();
	const expiresAt = new Date(now.getTime() + RESET_HOURS * 60 * 60 * 1000);
	const target = await schoolAndRole(targetId);
	await getDb()
		.transaction()
		.execute(async (trx) => {
			// A new link replaces any earlier one for the same person.
			await trx
				.deleteFrom('password_resets')
				.where('user_id', '=', targetId)
				.where('used_at', 'is', null)
				.execute();
			await trx
				.insertInto('password_resets')
				.values({
					id: hashToken(token),
					user_id: targetId,
					created_by: by.id,
					created_at: now.toISOString(),
					expires_at: expiresAt.toISOString()
				})
				.execute();
			await recordAudit(
				{
					actor: staffActor(by),
					action: 'staff.reset_issued',
					schoolId: target?.school_id ?? null,
					target: { type: 'staff', id: targetId }
				},
				trx
			);
		});
	return { token, expiresAt };
}

export async function findOpenReset(
	token: string,
	now = new Date()
): Promise<{ email: string; displayName: string } | null> {
	const row = await getDb()
		.selectFrom('password_resets as r')
		.innerJoin('staff_users as u', 'u.id', 'r.user_id')
		.select(['u.email', 'u.display_name', 'r.used_at', 'r.expires_at', 'u.disabled_at'])
		.where('r.id', '=', hashToken(token))
		.executeTakeFirst();
	if (!row || row.used_at || row.disabled_at || Date.parse(row.expires_at) <= now.getTime())
		return null;
	return { email: row.email, displayName: row.display_name };
}

export type PasswordResult = { ok: true; userId: number } | { ok: false; message: string };

export async function resetPassword(
	token: string,
	password: string,
	now = new Date()
): Promise<PasswordResult> {
	const open = await findOpenReset(token, now);
	if (!open)
		return {
			ok: false,
			message: 'This reset link has already been used or has expired. Ask for a new one.'
		};
	const problem = passwordProblem(password, open.email);
	if (problem) return { ok: false, message: problem };
	const passwordHash = await hashPassword(password);
	const id = hashToken(token);
	const userId = await getDb()
		.transaction()
		.execute(async (trx) => {
			const reset = await trx
				.selectFrom('password_resets')
				.select(['user_id', 'used_at'])
				.where('id', '=', id)
				.executeTakeFirstOrThrow();
			if (reset.used_at) return null;
			await trx
				.updateTable('password_resets')
				.set({ used_at: now.toISOString() })
				.where('id', '=', id)
				.execute();
			const user = await trx
				.updateTable('staff_users')
				.set({ password_hash: passwordHash, password_changed_at: now.toISOString() })
				.where('id', '=', reset.user_id)
				.returning(['id', 'school_id'])
				.executeTakeFirstOrThrow();
			await trx.deleteFrom('staff_sessions').where('user_id', '=', user.id).execute();
			await recordAudit(
				{
					actor: { type: 'staff', id: user.id, schoolId: user.school_id },
					action: 'staff.password_reset',
					target: { type: 'staff', id: user.id }
				},
				trx
			);
			return user.id;
		});
	if (userId === null) return { ok: false, message: 'This reset link has already been used.' };
	// The transaction ended the account's sign-ins; their live streams go with them now.
	endStaffStreams(userId);
	await clearFailures(`staff-account:${open.email}`);
	return { ok: true, userId };
}

export async function changePassword(
	user: StaffPrincipal,
	current: string,
	next: string
): Promise<PasswordResult & { field?: string }> {
	const row = await getDb()
		.selectFrom('staff_users')
		.select('password_hash')
		.where('id', '=', user.id)
		.executeTakeFirstOrThrow();
	if (!row.password_hash || !(await verifyPassword(row.password_hash, current))) {
		return { ok: false, field: 'current', message: 'Your current password is not right.' };
	}
	const problem = passwordProblem(next, user.email);
	if (problem) return { ok: false, field: 'password', message: problem };
	if (current === next)
		return {
			ok: false,
			field: 'password',
			message: 'Choose a password different from your current one.'
		};
	const passwordHash = await hashPassword(next);
	await getDb()
		.updateTable('staff_users')
		.set({ password_hash: passwordHash, password_changed_at: nowIso() })
		.where('id', '=', user.id)
		.execute();
	await invalidateAllStaffSessions(user.id);
	await recordAudit({
		actor: staffActor(user),
		action: 'staff.password_changed',
		target: { type: 'staff', id: user.id }
	});
	return { ok: true, userId: user.id };
}

// ——— accounts ———

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
async function schoolAndRole(id: number) {
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
