// Failed sign-in limits, kept in the database so that they survive a restart. Two kinds:
// a *lock* for one account (a pupil's pictures are locked in picture-passwords.ts, a staff
// account here), and a *throttle* for what many people share — a class, a school's
// internet address, a council proxy. A throttle never refuses: it makes every attempt
// wait a little longer as wrong tries pile up, so a guesser is slowed while a child with
// the right pictures or a colleague with the right password still gets in.
import { getDb } from '../platform';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

export interface LimitRule {
	/** Failures allowed within the window before the key is locked. */
	limit: number;
	windowMs: number;
	lockMs: number;
}

export interface ThrottleRule {
	/** Failures within the window that cost nothing: an ordinary lesson's mistakes. */
	free: number;
	windowMs: number;
	/** Each failure past the free ones adds this much wait to every attempt… */
	stepMs: number;
	/** …up to this: a few seconds, so a real child just waits a moment. */
	maxMs: number;
}

export const LIMITS = {
	staffAccount: { limit: 5, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE }
} satisfies Record<string, LimitRule>;

/**
 * A first lesson sees about two wrong tries per pupil (60 in a class of 30, 180 in a
 * school of three classes) and should not wait at all; past that each wrong try slows
 * every attempt a little more, to at most 3 seconds (5 for staff, who try rarely).
 */
export const THROTTLES = {
	pupilClass: { free: 60, windowMs: 10 * MINUTE, stepMs: 100, maxMs: 3 * SECOND },
	pupilAddress: { free: 200, windowMs: 10 * MINUTE, stepMs: 20, maxMs: 3 * SECOND },
	classCode: { free: 30, windowMs: 10 * MINUTE, stepMs: 100, maxMs: 3 * SECOND },
	card: { free: 30, windowMs: 10 * MINUTE, stepMs: 100, maxMs: 3 * SECOND },
	staffAddress: { free: 20, windowMs: 15 * MINUTE, stepMs: 250, maxMs: 5 * SECOND }
} satisfies Record<string, ThrottleRule>;

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

/** Counts one failure in the key's window and returns the count; locks it when `lockMs` is given at the limit. */
async function countFailure(
	key: string,
	windowMs: number,
	now: Date,
	lock?: { limit: number; lockMs: number }
): Promise<{ count: number; locked: Date | null }> {
	return getDb()
		.transaction()
		.execute(async (trx) => {
			const row = await trx
				.selectFrom('rate_limits')
				.selectAll()
				.where('key', '=', key)
				.executeTakeFirst();
			const windowOpen = row && now.getTime() - Date.parse(row.window_started_at) < windowMs;
			const count = windowOpen ? row.count + 1 : 1;
			const windowStart = windowOpen ? row.window_started_at : now.toISOString();
			const locked = lock && count >= lock.limit ? new Date(now.getTime() + lock.lockMs) : null;
			const values = {
				count: locked ? 0 : count,
				window_started_at: locked ? now.toISOString() : windowStart,
				locked_until: locked?.toISOString() ?? null
			};
			await trx
				.insertInto('rate_limits')
				.values({ key, ...values })
				.onConflict((oc) => oc.column('key').doUpdateSet(values))
				.execute();
			return { count, locked };
		});
}

/** Records a failure against a lock; returns the lock's end when this failure locked the key. */
export async function recordFailure(
	key: string,
	rule: LimitRule,
	now = new Date()
): Promise<Date | null> {
	return (await countFailure(key, rule.windowMs, now, rule)).locked;
}

/** Records a failure against a throttle; returns the failures now in its window. */
export async function recordThrottledFailure(
	key: string,
	rule: ThrottleRule,
	now = new Date()
): Promise<number> {
	return (await countFailure(key, rule.windowMs, now)).count;
}

export async function clearFailures(key: string): Promise<void> {
	await getDb().deleteFrom('rate_limits').where('key', '=', key).execute();
}

/** The wait that `failures` recent failures earn under a throttle. */
export function throttleDelayMs(failures: number, rule: ThrottleRule): number {
	return Math.min(rule.maxMs, Math.max(0, failures - rule.free) * rule.stepMs);
}

/** Failures within the key's current window (0 once it has run out). */
export async function recentFailures(
	key: string,
	rule: ThrottleRule,
	now = new Date()
): Promise<number> {
	const row = await getDb()
		.selectFrom('rate_limits')
		.select(['count', 'window_started_at'])
		.where('key', '=', key)
		.executeTakeFirst();
	if (!row || now.getTime() - Date.parse(row.window_started_at) >= rule.windowMs) return 0;
	return row.count;
}

export type Throttle = readonly [key: string, rule: ThrottleRule];

/** The longest wait any of these throttles asks for now. */
export async function currentDelayMs(
	throttles: readonly Throttle[],
	now = new Date()
): Promise<number> {
	let longest = 0;
	for (const [key, rule] of throttles) {
		longest = Math.max(longest, throttleDelayMs(await recentFailures(key, rule, now), rule));
	}
	return longest;
}

// A timer, never a busy wait: other requests carry on while one attempt waits.
let wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Tests swap the timer for one that records the waits; returns a function that puts it back. */
export function useThrottleWait(replacement: (ms: number) => Promise<void>): () => void {
	const previous = wait;
	wait = replacement;
	return () => {
		wait = previous;
	};
}

/**
 * Makes this attempt wait as long as its throttles ask, before it is checked, so that
 * a right and a wrong answer wait alike and the wait says nothing about the answer.
 * Returns the wait in milliseconds.
 */
export async function slowDown(throttles: readonly Throttle[], now = new Date()): Promise<number> {
	const ms = await currentDelayMs(throttles, now);
	if (ms > 0) await wait(ms);
	return ms;
}

export function minutesUntil(until: Date, now = new Date()): number {
	return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / MINUTE));
}
