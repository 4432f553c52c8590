// Pupil sign-in without typing a password: class code → name → three pictures. Guessing
// locks one pupil after five wrong tries; wrong tries across a class or from one address
// only slow attempts down (rate-limit.ts), so a pupil with the right pictures is never
// refused because of someone else's mistakes. A teacher can unlock a pupil.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Transaction } from 'kysely';
import { recordAudit, staffActor, getDb } from '../platform';
import type { DB } from '../platform';
import { PICTURES, PICTURE_PASSWORD_LENGTH, encodePicturePassword } from '../../pictures';
import { noteSignInAddress } from './client-address';
import type { SignedInPupil } from './pupil-device';
import { minutesUntil, recordThrottledFailure, slowDown, THROTTLES } from './rate-limit';
import { noteClassAddress, signInKeys as keys } from './sign-in-pauses';
import { createPupilSession, type NewSession, type StaffPrincipal } from './session';

/** Wrong picture tries before a pupil's sign-in pauses. */
export const MAX_PICTURE_TRIES = 5;
export const PUPIL_LOCK_MS = 15 * 60_000;

export type PictureCheck =
	| { status: 'ok'; pupil: SignedInPupil; session: NewSession }
	| { status: 'wrong'; attemptsLeft: number }
	/** Only the pupil's own sign-in is ever locked; a class or an address is only slowed. */
	| { status: 'locked'; minutes: number }
	/** No such current pupil in that class (the route has already answered 404). */
	| { status: 'unknown' };

export function isPictureSequence(pictures: readonly number[]): boolean {
	return (
		pictures.length === PICTURE_PASSWORD_LENGTH &&
		pictures.every((p) => Number.isInteger(p) && p >= 0 && p < PICTURES.length)
	);
}

function samePictures(stored: string, pictures: readonly number[]): boolean {
	if (!isPictureSequence(pictures)) return false;
	// Compared as digests in constant time, so response times say nothing about the answer.
	const digest = (value: string) => createHash('sha256').update(value).digest();
	return timingSafeEqual(digest(stored), digest(encodePicturePassword(pictures)));
}

type Attempt =
	| { kind: 'unknown' }
	| { kind: 'locked'; until: Date }
	| { kind: 'ok'; pupil: SignedInPupil }
	| { kind: 'wrong'; attempts: number; lockedUntil: Date | null };

async function attemptPictures(
	trx: Transaction<DB>,
	input: { classId: number; pupilId: number; pictures: readonly number[] },
	now: Date
): Promise<Attempt> {
	const pupil = await trx
		.selectFrom('pupils as p')
		.innerJoin('classes as c', 'c.id', 'p.class_id')
		.select([
			'p.id',
			'p.class_id',
			'p.first_name',
			'p.last_initial',
			'p.picture_password',
			'p.failed_attempts',
			'p.locked_until',
			'c.school_id'
		])
		.where('p.id', '=', input.pupilId)
		.where('p.class_id', '=', input.classId)
		.where('p.archived_at', 'is', null)
		.where('c.archived_at', 'is', null)
		.executeTakeFirst();
	if (!pupil) return { kind: 'unknown' };
	if (pupil.locked_until && Date.parse(pupil.locked_until) > now.getTime()) {
		return { kind: 'locked', until: new Date(pupil.locked_until) };
	}
	if (samePictures(pupil.picture_password, input.pictures)) {
		if (pupil.failed_attempts !== 0 || pupil.locked_until !== null) {
			await trx
				.updateTable('pupils')
				.set({ failed_attempts: 0, locked_until: null })
				.where('id', '=', pupil.id)
				.execute();
		}
		return {
			kind: 'ok',
			pupil: {
				id: pupil.id,
				classId: pupil.class_id,
				schoolId: pupil.school_id,
				firstName: pupil.first_name,
				lastInitial: pupil.last_initial
			}
		};
	}
	// A pause that has run out gives a fresh set of tries.
	const attempts = (pupil.locked_until ? 0 : pupil.failed_attempts) + 1;
	const until = attempts >= MAX_PICTURE_TRIES ? new Date(now.getTime() + PUPIL_LOCK_MS) : null;
	await trx
		.updateTable('pupils')
		.set({ failed_attempts: attempts, locked_until: until?.toISOString() ?? null })
		.where('id', '=', pupil.id)
		.execute();
	return { kind: 'wrong', attempts, lockedUntil: until };
}

/**
 * Checks a pupil's three pictures and, when right, starts a pupil session. Every attempt
 * first waits as long as its class's and address's wrong tries ask (at most a few
 * seconds), then is checked: right pictures always get in unless this pupil is locked.
 * The pictures tried are never stored or logged, right or wrong.
 */
export async function checkPicturePassword(input: {
	classId: number;
	pupilId: number;
	pictures: readonly number[];
	ip: string | null;
	now?: Date;
}): Promise<PictureCheck> {
	const now = input.now ?? new Date();
	const classKey = keys.pupilClass(input.classId);
	const addressKey = keys.pupilAddress(input.ip);
	await slowDown(
		[
			[classKey, THROTTLES.pupilClass],
			[addressKey, THROTTLES.pupilAddress]
		],
		now
	);

	const attempt = await getDb()
		.transaction()
		.execute((trx) => attemptPictures(trx, input, now));
	if (attempt.kind !== 'unknown') await noteClassAddress(input.classId, input.ip, now);

	if (attempt.kind === 'ok') {
		const session = await createPupilSession(attempt.pupil.id, now);
		noteSignInAddress(input.ip, attempt.pupil.schoolId);
		return { status: 'ok', pupil: attempt.pupil, session };
	}
	if (attempt.kind === 'locked') {
		return { status: 'locked', minutes: minutesUntil(attempt.until, now) };
	}
	const schoolId = await schoolOfClass(input.classId);
	if (attempt.kind === 'unknown') {
		await recordAddressFailure(addressKey, schoolId, input.ip, now);
		return { status: 'unknown' };
	}

	// Outside the transaction above: rate-limit.ts and recordAudit use the same connection.
	const classFailures = await recordThrottledFailure(classKey, THROTTLES.pupilClass, now);
	if (classFailures === THROTTLES.pupilClass.free + 1) {
		await recordAudit({
			actor: { type: 'anonymous' },
			action: 'pupil_sign_in.class_slowed',
			schoolId,
			target: { type: 'class', id: input.classId },
			detail: { failures: classFailures },
			ip: input.ip
		});
	}
	await recordAddressFailure(addressKey, schoolId, input.ip, now);
	if (attempt.lockedUntil) {
		await recordAudit({
			actor: { type: 'anonymous' },
			action: 'pupil.locked',
			schoolId,
			target: { type: 'pupil', id: input.pupilId },
			detail: { minutes: PUPIL_LOCK_MS / 60_000 },
			ip: input.ip
		});
		return { status: 'locked', minutes: minutesUntil(attempt.lockedUntil, now) };
	}
	return { status: 'wrong', attemptsLeft: MAX_PICTURE_TRIES - attempt.attempts };
}

/** Audited once per window, when the address starts to be slowed. */
async function recordAddressFailure(
	key: string,
	schoolId: number | null,
	ip: string | null,
	now: Date
): Promise<void> {
	const failures = await recordThrottledFailure(key, THROTTLES.pupilAddress, now);
	if (failures === THROTTLES.pupilAddress.free + 1) {
		await recordAudit({
			actor: { type: 'anonymous' },
			action: 'pupil_sign_in.address_slowed',
			schoolId,
			detail: { failures },
			ip
		});
	}
}

async function schoolOfClass(classId: number): Promise<number | null> {
	const row = await getDb()
		.selectFrom('classes')
		.select('school_id')
		.where('id', '=', classId)
		.executeTakeFirst();
	return row?.school_id ?? null;
}

/** The teacher's "unlock": a fresh set of tries now. Access is the caller's question. */
export async function unlockPupil(
	pupilId: number,
	by: Pick<StaffPrincipal, 'id' | 'schoolId'>,
	ip: string | null = null
): Promise<boolean> {
	return getDb()
		.transaction()
		.execute(async (trx) => {
			const pupil = await trx
				.selectFrom('pupils as p')
				.innerJoin('classes as c', 'c.id', 'p.class_id')
				.select(['p.id', 'p.failed_attempts', 'p.locked_until', 'c.school_id'])
				.where('p.id', '=', pupilId)
				.executeTakeFirst();
			if (!pupil) return false;
			await trx
				.updateTable('pupils')
				.set({ failed_attempts: 0, locked_until: null })
				.where('id', '=', pupilId)
				.execute();
			await recordAudit(
				{
					actor: staffActor(by),
					action: 'pupil.unlocked',
					schoolId: pupil.school_id,
					target: { type: 'pupil', id: pupilId },
					detail: { wasLocked: pupil.locked_until !== null, failedAttempts: pupil.failed_attempts },
					ip
				},
				trx
			);
			return true;
		});
}
