// Staff passwords: reset links a lead or the coordinator issues (shown to copy: no mail
// server), and a signed-in person changing their own. Apart from the accounts (staff.ts)
// because each ends the person's sign-ins and streams, and each refuses with a message.
import { recordAudit, staffActor, getDb, nowIso, Refused } from '../platform';
import {
	hashPassword,
	verifyPassword,
	passwordProblem,
	clearFailures,
	endStaffStreams,
	invalidateAllStaffSessions,
	type StaffPrincipal,
	generateToken,
	hashToken
} from '../auth';
import { schoolAndRole } from './staff';

export const RESET_HOURS = 24;

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

/**
 * Sets a new password from a reset link, once; returns the person's id. Refused (on the
 * password field, where the form shows it) when the link is spent or the password weak.
 */
export async function resetPassword(
	token: string,
	password: string,
	now = new Date()
): Promise<number> {
	const open = await findOpenReset(token, now);
	if (!open)
		throw new Refused(
			'This reset link has already been used or has expired. Ask for a new one.',
			'password'
		);
	const problem = passwordProblem(password, open.email);
	if (problem) throw new Refused(problem, 'password');
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
	if (userId === null) throw new Refused('This reset link has already been used.', 'password');
	// The transaction ended the account's sign-ins; their live streams go with them now.
	endStaffStreams(userId);
	await clearFailures(`staff-account:${open.email}`);
	return userId;
}

/** A signed-in person's own change, which ends all their sign-ins. Refused with the field to fix. */
export async function changePassword(
	user: StaffPrincipal,
	current: string,
	next: string
): Promise<void> {
	const row = await getDb()
		.selectFrom('staff_users')
		.select('password_hash')
		.where('id', '=', user.id)
		.executeTakeFirstOrThrow();
	if (!row.password_hash || !(await verifyPassword(row.password_hash, current))) {
		throw new Refused('Your current password is not right.', 'current');
	}
	const problem = passwordProblem(next, user.email);
	if (problem) throw new Refused(problem, 'password');
	if (current === next)
		throw new Refused('Choose a password different from your current one.', 'password');
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
}
