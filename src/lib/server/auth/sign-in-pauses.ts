// What slows a class's sign-in, as its teacher sees it, and the teacher's "let pupils try
// again now". A class is slowed by its own wrong pictures, or by wrong pictures and class
// codes from an internet address its pupils sign in from (a school shares one).
import { recordAudit, staffActor, getDb } from '../platform';
import type { StaffPrincipal } from './session';
import { currentDelayMs, THROTTLES, type Throttle } from './rate-limit';

const key = (ip: string | null) => ip ?? 'unknown';

/** The keys of every throttle and lock that pupil sign-in uses. */
export const signInKeys = {
	pupilClass: (classId: number) => `pupil-class:${classId}`,
	pupilAddress: (ip: string | null) => `pupil-address:${key(ip)}`,
	classCode: (ip: string | null) => `class-code:${key(ip)}`,
	// Its own key, so that a burst of wrong pictures never slows the teacher's cards.
	card: (ip: string | null) => `card-address:${key(ip)}`,
	/** Not a limit: when a pupil of the class last tried to sign in from this address. */
	classAddress: (classId: number, ip: string | null) => `class-address:${classId}:${key(ip)}`
};

const classAddressPrefix = (classId: number) => `class-address:${classId}:`;

/** Remembers that a pupil of the class tried to sign in from this address, now. */
export async function noteClassAddress(
	classId: number,
	ip: string | null,
	now = new Date()
): Promise<void> {
	const values = { count: 0, window_started_at: now.toISOString(), locked_until: null };
	await getDb()
		.insertInto('rate_limits')
		.values({ key: signInKeys.classAddress(classId, ip), ...values })
		.onConflict((oc) => oc.column('key').doUpdateSet(values))
		.execute();
}

/** Addresses the class's pupils have tried from within the address throttles' window. */
async function recentClassAddresses(classId: number, now: Date): Promise<string[]> {
	const since = new Date(now.getTime() - THROTTLES.pupilAddress.windowMs).toISOString();
	const prefix = classAddressPrefix(classId);
	const rows = await getDb()
		.selectFrom('rate_limits')
		.select('key')
		.where('key', 'like', `${prefix}%`)
		.where('window_started_at', '>=', since)
		.execute();
	return rows.map((r) => r.key.slice(prefix.length));
}

function addressThrottles(ip: string): Throttle[] {
	return [
		[`pupil-address:${ip}`, THROTTLES.pupilAddress],
		[`class-code:${ip}`, THROTTLES.classCode]
	];
}

export interface SignInPause {
	/** The longest wait an attempt has now, rounded up to whole seconds. */
	seconds: number;
	/** Slowed by wrong pictures in this class… */
	byClass: boolean;
	/** …or by wrong tries from the school's (or a proxy's) internet address. */
	byAddress: boolean;
}

/** What slows this class's sign-in now, or null when nothing does. Access is the caller's. */
export async function getSignInPause(
	classId: number,
	now = new Date()
): Promise<SignInPause | null> {
	const classMs = await currentDelayMs(
		[[signInKeys.pupilClass(classId), THROTTLES.pupilClass]],
		now
	);
	let addressMs = 0;
	for (const ip of await recentClassAddresses(classId, now)) {
		addressMs = Math.max(addressMs, await currentDelayMs(addressThrottles(ip), now));
	}
	const ms = Math.max(classMs, addressMs);
	if (ms === 0) return null;
	return { seconds: Math.ceil(ms / 1000), byClass: classMs > 0, byAddress: addressMs > 0 };
}

/**
 * The teacher's "let pupils try again now": forgets the class's wrong tries and those of
 * the addresses its pupils sign in from. A guesser gains little from it: they start
 * slowing again after the free tries, and each pupil's own lock of five still holds.
 */
export async function liftSignInPause(
	classId: number,
	by: Pick<StaffPrincipal, 'id' | 'schoolId'>,
	ip: string | null = null,
	now = new Date()
): Promise<void> {
	const pause = await getSignInPause(classId, now);
	const addresses = await recentClassAddresses(classId, now);
	const keys = [
		signInKeys.pupilClass(classId),
		...addresses.flatMap((a) => addressThrottles(a).map(([k]) => k))
	];
	await getDb()
		.transaction()
		.execute(async (trx) => {
			await trx.deleteFrom('rate_limits').where('key', 'in', keys).execute();
			await recordAudit(
				{
					actor: staffActor(by),
					action: 'pupil_sign_in.slowdown_lifted',
					target: { type: 'class', id: classId },
					detail: {
						wasSlowed: pause !== null,
						byClass: pause?.byClass ?? false,
						byAddress: pause?.byAddress ?? false
					},
					ip
				},
				trx
			);
		});
}
