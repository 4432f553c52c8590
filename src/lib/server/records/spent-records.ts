// Sign-in leftovers that hold an email, an address or a note and no longer do anything:
// a count of wrong tries whose window has closed, a link that no longer opens.
import { getDb } from '../platform';
import { scrubAuditDetails } from './audit-scrub';
import { daysBefore } from './dates';

/**
 * Counts of wrong tries (rate_limits) whose window closed over `days` ago and that lock
 * nothing now: every window is minutes long, so they would only ever count from nothing
 * again (auth/rate-limit.ts), and their keys name an email or an address.
 */
export async function removeStaleSignInCounters(now: Date, days: number): Promise<number> {
	const result = await getDb()
		.deleteFrom('rate_limits')
		.where('window_started_at', '<', daysBefore(now, days).toISOString())
		.where((eb) =>
			eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now.toISOString())])
		)
		.executeTakeFirst();
	return Number(result.numDeletedRows);
}

/**
 * Invitation and reset links that expired over `days` ago. Used, withdrawn or expired, a
 * link opens nothing (staff-invitations.ts and staff-passwords.ts treat it as no link at
 * all) and nothing lists it; the audit log keeps that it was made and used, without the note.
 */
export async function removeSpentLinks(now: Date, days: number): Promise<number> {
	const cutoff = daysBefore(now, days).toISOString();
	return getDb()
		.transaction()
		.execute(async (trx) => {
			const invitations = await trx
				.deleteFrom('staff_invitations')
				.where('expires_at', '<', cutoff)
				.returning('note')
				.execute();
			// The note of who a link was for ("Ms Patel, Year 6") leaves the audit log with it;
			// an accepted invitation's entry still gives the account's email while it exists.
			await scrubAuditDetails(trx, {
				notes: invitations.flatMap((i) => (i.note ? [i.note] : []))
			});
			const resets = await trx
				.deleteFrom('password_resets')
				.where('expires_at', '<', cutoff)
				.executeTakeFirst();
			return invitations.length + Number(resets.numDeletedRows);
		});
}
