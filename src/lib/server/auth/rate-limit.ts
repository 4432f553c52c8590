// Failed sign-in limits, kept in the database so that a lockout survives a restart.
// A key counts failures within a window; reaching the limit locks it for a while.
import { getDb } from '../db';

export interface LimitRule {
	/** Failures allowed within the window before the key is locked. */
	limit: number;
	windowMs: number;
	lockMs: number;
}

const MINUTE = 60_000;

export const LIMITS = {
	staffAccount: { limit: 5, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE },
	staffAddress: { limit: 20, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE },
	/** A whole class of 30 mistyping once each must not lock out the class. */
	pupilClass: { limit: 60, windowMs: 10 * MINUTE, lockMs: 10 * MINUTE },
	pupilAddress: { limit: 120, windowMs: 10 * MINUTE, lockMs: 10 * MINUTE },
	classCode: { limit: 30, windowMs: 10 * MINUTE, lockMs: 10 * MINUTE }
} satisfies Record<string, LimitRule>;

/** When the key is locked, the time it unlocks; otherwise null. */
export async function lockedUntil(key: string, now = new Date()): Promise<Date | null> {
	const row = await getDb()
		.selectFrom('rate_limits')
		.select('locked_until')
		.where('key', '=', key)
		.executeTakeFirst();
	if (!row?.locked_until) return null;
	const until = new Date(row.locked_until);
	return until > now ? until : null;
}

/** Records a failure; returns the lock's end when this failure locked the key. */
export async function recordFailure(
	key: string,
	rule: LimitRule,
	now = new Date()
): Promise<Date | null> {
	const db = getDb();
	return db.transaction().execute(async (trx) => {
		const row = await trx
			.selectFrom('rate_limits')
			.selectAll()
			.where('key', '=', key)
			.executeTakeFirst();
		const windowOpen = row && now.getTime() - Date.parse(row.window_started_at) < rule.windowMs;
		const count = windowOpen ? row.count + 1 : 1;
		const windowStart = windowOpen ? row.window_started_at : now.toISOString();
		const locked = count >= rule.limit ? new Date(now.getTime() + rule.lockMs) : null;
		await trx
			.insertInto('rate_limits')
			.values({
				key,
				count: locked ? 0 : count,
				window_started_at: locked ? now.toISOString() : windowStart,
				locked_until: locked?.toISOString() ?? null
			})
			.onConflict((oc) =>
				oc.column('key').doUpdateSet({
					count: locked ? 0 : count,
					window_started_at: locked ? now.toISOString() : windowStart,
					locked_until: locked?.toISOString() ?? null
				})
			)
			.execute();
		return locked;
	});
}

export async function clearFailures(key: string): Promise<void> {
	await getDb().deleteFrom('rate_limits').where('key', '=', key).execute();
}

export function minutesUntil(until: Date, now = new Date()): number {
	return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / MINUTE));
}
