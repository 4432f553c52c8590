// Staff sign-in with its limits: apart from the accounts (staff.ts) because it alone meets
// strangers, so it alone must cost the same time and say the same thing whoever asks.
import { recordAudit, getDb, Refused } from '../platform';
import {
	hashPassword,
	verifyPassword,
	clearFailures,
	LIMITS,
	lockedUntil,
	minutesUntil,
	recordFailure,
	recordThrottledFailure,
	slowDown,
	THROTTLES,
	generateToken
} from '../auth';
import { normaliseEmail } from './staff';

// verify() against a real argon2id hash of a random string, so an unknown address
// costs as much time as a wrong password and does not reveal which accounts exist.
let decoyHash: Promise<string> | undefined;
function decoy(): Promise<string> {
	decoyHash ??= hashPassword(generateToken());
	return decoyHash;
}

function plural(n: number, word: string): string {
	return `${n} ${word}${n === 1 ? '' : 's'}`;
}

const WRONG = 'That email address and password do not match. Check them and try again.';

/**
 * Five wrong passwords lock that one account for 15 minutes. Wrong passwords from one
 * address (a school, or a proxy that hides addresses) only slow each later attempt from
 * it, by up to a few seconds, so a colleague with the right password still gets in.
 * Returns the signed-in user's id; a wrong password or a locked account is Refused
 * (429 while locked), after the failure and its audit entries are recorded.
 */
export async function signIn(input: {
	email: string;
	password: string;
	ip: string | null;
	now?: Date;
}): Promise<number> {
	const email = normaliseEmail(input.email);
	const accountKey = `staff-account:${email}`;
	const addressKey = `staff-address:${input.ip ?? 'unknown'}`;
	const now = input.now ?? new Date();
	await slowDown([[addressKey, THROTTLES.staffAddress]], now);
	const locked = await lockedUntil(accountKey, now);
	if (locked) {
		throw new Refused(
			`Too many failed sign-ins for this account. Please wait ${plural(minutesUntil(locked, now), 'minute')}, or ask your school lead for a reset link (council staff: the council coordinator).`,
			undefined,
			429
		);
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
		throw new Refused(WRONG);
	}

	await clearFailures(accountKey);
	await recordAudit({
		actor: { type: 'staff', id: user.id, schoolId: user.school_id },
		action: 'staff.signed_in',
		ip: input.ip
	});
	return user.id;
}
