// Staff invitations: a link that lets a new colleague make their own account (no mail
// server: the link is shown to copy). Apart from the accounts (staff.ts) because an
// invitation is used by someone not yet signed in, and its own rules decide what it may still do.
import { mayGiveSightOfNames } from '../access';
import { recordAudit, staffActor, getDb, nowIso, Refused } from '../platform';
import type { Transaction } from 'kysely';
import type { DB, Role, StaffInvitationsTable } from '../platform';
import {
	hashPassword,
	passwordProblem,
	type StaffPrincipal,
	generateToken,
	hashToken
} from '../auth';
import { normaliseEmail } from './staff';

const DAY = 24 * 60 * 60 * 1000;
export const INVITATION_DAYS = 7;

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

/**
 * Makes the invited colleague's account and uses up the invitation; returns their id.
 * Refused (nothing saved) for a weak password, an address already in use, or a link that
 * is used, revoked, expired or no longer honoured.
 */
export async function acceptInvitation(
	token: string,
	input: { displayName: string; email: string; password: string },
	now = new Date()
): Promise<number> {
	const email = normaliseEmail(input.email);
	const problem = passwordProblem(input.password, email);
	if (problem) throw new Refused(problem, 'password');
	const passwordHash = await hashPassword(input.password);
	const id = hashToken(token);
	const db = getDb();
	// A Refused thrown inside the transaction rolls it back: nothing is saved.
	return db.transaction().execute(async (trx) => {
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
			throw new Refused(
				'This invitation link has already been used or has expired. Ask for a new one.'
			);
		}
		if (!(await stillHonoured(invitation, trx))) {
			throw new Refused(
				'This invitation no longer works: the school has a lead now, who can invite you. Ask them for a new link.'
			);
		}
		const existing = await trx
			.selectFrom('staff_users')
			.select('id')
			.where('email', '=', email)
			.executeTakeFirst();
		if (existing) {
			throw new Refused(
				'There is already an account with this email address. Sign in instead, or use another address.',
				'email'
			);
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
		return userId;
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
