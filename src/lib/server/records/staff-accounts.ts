// Staff accounts nobody uses. An account not signed in to for STAFF_IDLE_MONTHS is turned
// off (a lead can turn it back on: it then counts as used that day); an account that has
// been off for STAFF_DELETE_MONTHS, whoever turned it off, is deleted, and with it every
// copy of the person's email and of the note that named them in their invitation.
import type { Transaction } from 'kysely';
import { recordAudit, getDb, describeError, logEvent } from '../platform';
import { scrubAuditDetails } from './audit-scrub';
import type { RetentionConfig, DB } from '../platform';
import { monthsBefore } from './dates';

export interface StaffRetentionResult {
	turnedOff: number;
	deleted: number;
	/**
	 * Accounts due for deletion but kept: still named as the marker of a pupil's lesson done on
	 * paper (a current pupil's record names who marked it) until the pupil's records are
	 * deleted (former-pupils.ts empties the marker), or failed (logged).
	 */
	kept: number;
}

export async function applyStaffRetention(
	now: Date,
	config: Pick<RetentionConfig, 'staffIdleMonths' | 'staffDeleteMonths'>
): Promise<StaffRetentionResult> {
	const turnedOff = await turnOffUnusedAccounts(now, config.staffIdleMonths);
	const { deleted, kept } = await deleteLongTurnedOffAccounts(now, config.staffDeleteMonths);
	return { turnedOff, deleted, kept };
}

/**
 * The borough keeps one coordinator whose account is on, however long unused: without one
 * nobody can bring in a school's first lead or the council team, and the way back (a new
 * coordinator made on the server) would have to be a different person's email.
 */
async function spareLastCoordinator(
	unused: { id: number; school_id: number | null }[]
): Promise<{ id: number; school_id: number | null }[]> {
	if (unused.length === 0) return unused;
	const coordinators = await getDb()
		.selectFrom('staff_users')
		.select('id')
		.where('role', '=', 'coordinator')
		.where('disabled_at', 'is', null)
		.orderBy('id', 'desc')
		.execute();
	const going = new Set(unused.map((u) => u.id));
	if (coordinators.length === 0 || coordinators.some((c) => !going.has(c.id))) return unused;
	const spared = coordinators[0].id;
	return unused.filter((u) => u.id !== spared);
}

/**
 * Accounts that are on and have not been used since `months` ago. Used means: made, given
 * a password (an invitation accepted, a reset link), signed in to, or turned back on by a
 * lead; the last three are read from the audit log, which is kept longer than this period.
 */
export async function unusedAccounts(
	now: Date,
	months: number
): Promise<{ id: number; school_id: number | null }[]> {
	const cutoff = monthsBefore(now, months).toISOString();
	const db = getDb();
	const candidates = await db
		.selectFrom('staff_users')
		.select(['id', 'school_id'])
		.where('disabled_at', 'is', null)
		.where('created_at', '<', cutoff)
		.where((eb) =>
			eb.or([eb('password_changed_at', 'is', null), eb('password_changed_at', '<', cutoff)])
		)
		.execute();
	if (candidates.length === 0) return [];
	const ids = candidates.map((c) => c.id);
	const [signedIn, turnedOn, sessions] = await Promise.all([
		db
			.selectFrom('audit_events')
			.select('actor_id')
			.where('action', '=', 'staff.signed_in')
			.where('actor_type', '=', 'staff')
			.where('actor_id', 'in', ids)
			.where('at', '>=', cutoff)
			.execute(),
		db
			.selectFrom('audit_events')
			.select('target_id')
			.where('action', '=', 'staff.enabled')
			.where('target_type', '=', 'staff')
			.where(
				'target_id',
				'in',
				ids.map((id) => String(id))
			)
			.where('at', '>=', cutoff)
			.execute(),
		db
			.selectFrom('staff_sessions')
			.select('user_id')
			.where('user_id', 'in', ids)
			.where('last_seen_at', '>=', cutoff)
			.execute()
	]);
	const used = new Set<number>([
		...signedIn.map((r) => Number(r.actor_id)),
		...turnedOn.map((r) => Number(r.target_id)),
		...sessions.map((r) => r.user_id)
	]);
	return candidates.filter((c) => !used.has(c.id));
}

async function turnOffUnusedAccounts(now: Date, months: number): Promise<number> {
	const unused = await spareLastCoordinator(await unusedAccounts(now, months));
	if (unused.length === 0) return 0;
	const ids = unused.map((u) => u.id);
	await getDb()
		.transaction()
		.execute(async (trx) => {
			await trx
				.updateTable('staff_users')
				.set({ disabled_at: now.toISOString() })
				.where('id', 'in', ids)
				.execute();
			await trx.deleteFrom('staff_sessions').where('user_id', 'in', ids).execute();
			// One entry per account, filed under its school, so its leads see who went off and
			// why in their own audit log (by number: the log never needs the name to say it).
			for (const account of unused) {
				await recordAudit(
					{
						actor: { type: 'system' },
						action: 'staff.disabled',
						schoolId: account.school_id,
						target: { type: 'staff', id: account.id },
						detail: { reason: 'unused', months }
					},
					trx
				);
			}
		});
	return unused.length;
}

async function deleteLongTurnedOffAccounts(
	now: Date,
	months: number
): Promise<{ deleted: number; kept: number }> {
	const cutoff = monthsBefore(now, months).toISOString();
	const db = getDb();
	const due = await db
		.selectFrom('staff_users')
		.select(['id', 'email', 'school_id'])
		.where('disabled_at', 'is not', null)
		.where('disabled_at', '<', cutoff)
		.execute();
	if (due.length === 0) return { deleted: 0, kept: 0 };
	// A current pupil's paper completion says who marked it: such an account waits, turned
	// off, until the pupil's records are deleted with their year's (which empties the marker).
	const named = new Set(
		(
			await db
				.selectFrom('paper_completions')
				.select('marked_by')
				.distinct()
				.where(
					'marked_by',
					'in',
					due.map((a) => a.id)
				)
				.execute()
		).map((r) => r.marked_by)
	);
	const going = due.filter((a) => !named.has(a.id));
	let kept = due.length - going.length;
	if (going.length === 0) return { deleted: 0, kept };
	const ids = going.map((a) => a.id);
	// First, in one pass over the audit log, every copy of their emails and of the notes of
	// the invitations they made or used: no entry keeps them once the accounts are gone.
	await db.transaction().execute(async (trx) => {
		const invitations = await trx
			.selectFrom('staff_invitations')
			.select('note')
			.where((eb) => eb.or([eb('created_by', 'in', ids), eb('used_by', 'in', ids)]))
			.execute();
		await scrubAuditDetails(trx, {
			emails: going.map((a) => a.email),
			notes: invitations.flatMap((i) => (i.note ? [i.note] : []))
		});
	});
	let deleted = 0;
	for (const account of going) {
		try {
			// Each in its own transaction: one account that cannot go never holds back the rest.
			await db.transaction().execute((trx) => deleteAccount(trx, account, months));
			deleted++;
		} catch (error) {
			// A table added later that names staff and is not handled here: the account stays
			// (turned off) and the log says which, by number, so the gap gets fixed.
			kept++;
			logEvent('error', 'retention.staff_delete_failed', 'could not delete a turned-off account', {
				staffId: account.id,
				error: describeError(error)
			});
		}
	}
	return { deleted, kept };
}

/**
 * Every table that names a member of staff, and what happens to it when the account goes.
 * tests/integration/staff-retention.test.ts reads the database's foreign keys and fails when
 * a table names staff_users without an entry here.
 */
export const STAFF_REFERENCES = {
	// Gone with the account (ON DELETE CASCADE): their sign-ins and their place as a teacher.
	'staff_sessions.user_id': 'deleted with the account',
	'class_teachers.user_id': 'deleted with the account',
	'password_resets.user_id': 'deleted with the account',
	// Links they made or used: long spent (an account is off for months before this); an
	// invitation's note, which names the person it was for, leaves the audit log with it.
	'password_resets.created_by': 'deleted',
	'staff_invitations.created_by': 'deleted',
	'staff_invitations.used_by': 'deleted',
	// Who started a lesson, marked a register, acknowledged or annotated a request for help:
	// the record stays (the school's figures and its safeguarding trail need it) without a name.
	'class_sessions.started_by': 'set to nobody',
	'attendance.marked_by': 'set to nobody',
	'help_requests.acknowledged_by': 'set to nobody',
	'help_request_notes.staff_id': 'set to nobody',
	// A current pupil's paper completion says who marked it: the account waits, turned off,
	// until the pupil's records are deleted with their year's (former-pupils.ts empties it).
	'paper_completions.marked_by': 'keeps the account while its pupil is a pupil'
} as const;

async function deleteAccount(
	trx: Transaction<DB>,
	account: { id: number; email: string; school_id: number | null },
	months: number
): Promise<void> {
	const { id } = account;
	await trx
		.updateTable('class_sessions')
		.set({ started_by: null })
		.where('started_by', '=', id)
		.execute();
	await trx
		.updateTable('attendance')
		.set({ marked_by: null })
		.where('marked_by', '=', id)
		.execute();
	await trx
		.updateTable('help_requests')
		.set({ acknowledged_by: null })
		.where('acknowledged_by', '=', id)
		.execute();
	await trx
		.updateTable('help_request_notes')
		.set({ staff_id: null })
		.where('staff_id', '=', id)
		.execute();
	// Invitations they made or used (their notes have left the audit log already).
	await trx
		.deleteFrom('staff_invitations')
		.where((eb) => eb.or([eb('created_by', '=', id), eb('used_by', '=', id)]))
		.execute();
	await trx
		.deleteFrom('password_resets')
		.where((eb) => eb.or([eb('user_id', '=', id), eb('created_by', '=', id)]))
		.execute();
	// The sign-in lock counts wrong passwords under the email (staff-sign-in.ts, signIn).
	await trx.deleteFrom('rate_limits').where('key', '=', `staff-account:${account.email}`).execute();
	await trx.deleteFrom('staff_users').where('id', '=', id).execute();
	await recordAudit(
		{
			actor: { type: 'system' },
			action: 'staff.deleted',
			schoolId: account.school_id,
			target: { type: 'staff', id },
			detail: { reason: 'turned off', months }
		},
		trx
	);
}
