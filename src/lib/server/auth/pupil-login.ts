// Pupil sign-in without typing a password: class code → name → three pictures, or a
// printed QR login card. Guessing locks one pupil after five wrong tries; wrong tries
// across a class or from one address only slow attempts down (rate-limit.ts), so a pupil
// with the right pictures is never refused because of someone else's mistakes.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Cookies } from '@sveltejs/kit';
import type { Transaction } from 'kysely';
import { recordAudit, staffActor } from '../audit';
import { getDb } from '../db';
import type { DB } from '../db/schema';
import { PICTURES, PICTURE_PASSWORD_LENGTH, encodePicturePassword } from '../../pictures';
import { clearSessionCookie, setSessionCookie } from './cookies';
import { CLASS_CODE_LENGTH } from '../random';
import { noteSignInAddress } from './client-address';
import { minutesUntil, recordThrottledFailure, slowDown, THROTTLES } from './rate-limit';
import { noteClassAddress, signInKeys as keys } from './sign-in-pauses';
import {
	createPupilSession,
	invalidatePupilSession,
	invalidateStaffSession,
	type NewSession,
	type PupilPrincipal,
	type StaffPrincipal
} from './session';
import { generateToken, hashToken } from './tokens';

/** Wrong picture tries before a pupil's sign-in pauses. */
export const MAX_PICTURE_TRIES = 5;
export const PUPIL_LOCK_MS = 15 * 60_000;

// ─── Class codes ────────────────────────────────────────────────────────────────

export interface JoinClass {
	id: number;
	schoolId: number;
	name: string;
	/** The canonical (upper-case) code, for addresses. */
	code: string;
}

/** "ab3 cd4" → "AB3CD4": pupils may type lower case, spaces or a dash as on the board. */
export function normaliseClassCode(input: string): string {
	return input.replace(/[\s-]+/g, '').toUpperCase();
}

/** Codes are stored upper case (random.ts makes them so), which makes the lookup case-insensitive. */
export async function findClassByCode(code: string): Promise<JoinClass | null> {
	const normal = normaliseClassCode(code);
	if (normal.length === 0 || normal.length > 12) return null;
	const row = await getDb()
		.selectFrom('classes as c')
		.innerJoin('schools as s', 's.id', 'c.school_id')
		.select(['c.id', 'c.school_id', 'c.name', 'c.code'])
		.where('c.code', '=', normal)
		.where('c.archived_at', 'is', null)
		.where('s.archived_at', 'is', null)
		.executeTakeFirst();
	return row ? { id: row.id, schoolId: row.school_id, name: row.name, code: row.code } : null;
}

export type CodeLookup = { status: 'found'; class: JoinClass } | { status: 'unknown' };

/**
 * A class code typed or scanned by someone at `ip`. Wrong codes from an address slow every
 * lookup from it, right or wrong alike (so the wait is no oracle), but never refuse one.
 */
export async function lookUpClassCode(input: {
	code: string;
	ip: string | null;
	now?: Date;
}): Promise<CodeLookup> {
	const now = input.now ?? new Date();
	const key = keys.classCode(input.ip);
	await slowDown([[key, THROTTLES.classCode]], now);
	const found = await findClassByCode(input.code);
	if (found) return { status: 'found', class: found };
	// Only something shaped like a code can be a guess; a child's half-typed code is not.
	const normal = normaliseClassCode(input.code);
	if (normal.length === CLASS_CODE_LENGTH && /^[A-Z0-9]+$/.test(normal)) {
		const failures = await recordThrottledFailure(key, THROTTLES.classCode, now);
		if (failures === THROTTLES.classCode.free + 1) {
			await recordAudit({
				actor: { type: 'anonymous' },
				action: 'class_code.address_slowed',
				detail: { failures },
				ip: input.ip
			});
		}
	}
	return { status: 'unknown' };
}

// ─── Names ──────────────────────────────────────────────────────────────────────

export interface ClassName {
	pupilId: number;
	label: string;
}

/** The class's current pupils by first name; "Amira K." only where two share "Amira". */
export async function listClassNames(classId: number): Promise<ClassName[]> {
	const rows = await getDb()
		.selectFrom('pupils')
		.select(['id', 'first_name', 'last_initial'])
		.where('class_id', '=', classId)
		.where('archived_at', 'is', null)
		.execute();
	const key = (name: string) => name.trim().toLocaleLowerCase('en-GB');
	const counts = new Map<string, number>();
	for (const row of rows)
		counts.set(key(row.first_name), (counts.get(key(row.first_name)) ?? 0) + 1);
	// Sorted here rather than in SQL so the order is the same on SQLite and PostgreSQL.
	const collator = new Intl.Collator('en-GB', { sensitivity: 'base' });
	return rows
		.sort(
			(a, b) =>
				collator.compare(a.first_name, b.first_name) ||
				collator.compare(a.last_initial, b.last_initial) ||
				a.id - b.id
		)
		.map((row) => ({
			pupilId: row.id,
			label:
				counts.get(key(row.first_name))! > 1
					? `${row.first_name.trim()} ${row.last_initial.trim()}.`
					: row.first_name.trim()
		}));
}

export interface JoinPupil extends ClassName {
	/** Minutes left while the pupil's sign-in is paused, else null. */
	lockedMinutes: number | null;
}

/** A current pupil of the class, as the picture page shows them; null when not in it. */
export async function getJoinPupil(
	classId: number,
	pupilId: number,
	now = new Date()
): Promise<JoinPupil | null> {
	const name = (await listClassNames(classId)).find((n) => n.pupilId === pupilId);
	if (!name) return null;
	const row = await getDb()
		.selectFrom('pupils')
		.select('locked_until')
		.where('id', '=', pupilId)
		.executeTakeFirstOrThrow();
	const until = row.locked_until ? new Date(row.locked_until) : null;
	return { ...name, lockedMinutes: until && until > now ? minutesUntil(until, now) : null };
}

// ─── Picture passwords ──────────────────────────────────────────────────────────

export interface SignedInPupil {
	id: number;
	classId: number;
	schoolId: number;
	firstName: string;
	lastInitial: string;
}

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

// ─── Login cards ────────────────────────────────────────────────────────────────

/**
 * New cards for these pupils, one statement each way whatever the class size. One card
 * per pupil: a reprinted card replaces the old one.
 */
async function issueCardsIn(
	trx: Transaction<DB>,
	pupilIds: number[],
	now: Date
): Promise<Map<number, string>> {
	const tokens = new Map(pupilIds.map((id) => [id, generateToken()]));
	if (tokens.size === 0) return tokens;
	const at = now.toISOString();
	await trx
		.updateTable('pupil_login_tokens')
		.set({ revoked_at: at })
		.where('pupil_id', 'in', [...tokens.keys()])
		.where('revoked_at', 'is', null)
		.execute();
	await trx
		.insertInto('pupil_login_tokens')
		.values(
			[...tokens].map(([id, token]) => ({ id: hashToken(token), pupil_id: id, created_at: at }))
		)
		.execute();
	return tokens;
}

/** A new login-card token for one pupil (160 random bits; only its SHA-256 is stored). */
export async function issueLoginCardToken(pupilId: number, now = new Date()): Promise<string> {
	const tokens = await getDb()
		.transaction()
		.execute((trx) => issueCardsIn(trx, [pupilId], now));
	return tokens.get(pupilId)!;
}

/** New cards for every current pupil of a class, inside the caller's transaction. */
export async function issueLoginCardsIn(
	trx: Transaction<DB>,
	classId: number,
	now: Date
): Promise<Map<number, string>> {
	const pupils = await trx
		.selectFrom('pupils')
		.select('id')
		.where('class_id', '=', classId)
		.where('archived_at', 'is', null)
		.orderBy('id')
		.execute();
	return issueCardsIn(
		trx,
		pupils.map((p) => p.id),
		now
	);
}

/** New cards for every current pupil of a class, in one transaction. */
export async function issueLoginCardTokens(
	classId: number,
	now = new Date()
): Promise<Map<number, string>> {
	return getDb()
		.transaction()
		.execute((trx) => issueLoginCardsIn(trx, classId, now));
}

export async function revokeLoginCards(pupilId: number, now = new Date()): Promise<number> {
	const result = await getDb()
		.updateTable('pupil_login_tokens')
		.set({ revoked_at: now.toISOString() })
		.where('pupil_id', '=', pupilId)
		.where('revoked_at', 'is', null)
		.executeTakeFirst();
	return Number(result.numUpdatedRows);
}

/** The pupil a current card belongs to, or null (unknown, revoked, archived). No side effects. */
export async function findCardPupil(token: string): Promise<SignedInPupil | null> {
	// generateToken's shape: 32 base32 characters. Anything else is not worth a query.
	if (!/^[a-z2-7]{32}$/.test(token)) return null;
	const row = await getDb()
		.selectFrom('pupil_login_tokens as t')
		.innerJoin('pupils as p', 'p.id', 't.pupil_id')
		.innerJoin('classes as c', 'c.id', 'p.class_id')
		.innerJoin('schools as s', 's.id', 'c.school_id')
		.select(['p.id', 'p.class_id', 'p.first_name', 'p.last_initial', 'c.school_id'])
		.where('t.id', '=', hashToken(token))
		.where('t.revoked_at', 'is', null)
		.where('p.archived_at', 'is', null)
		.where('c.archived_at', 'is', null)
		.where('s.archived_at', 'is', null)
		.executeTakeFirst();
	return row
		? {
				id: row.id,
				classId: row.class_id,
				schoolId: row.school_id,
				firstName: row.first_name,
				lastInitial: row.last_initial
			}
		: null;
}

/**
 * Signs in with a login card. A card works even while the pupil's picture sign-in is
 * paused: holding the card is proof enough, and the pause is about guessing pictures.
 */
export async function signInWithCardToken(
	token: string,
	now = new Date()
): Promise<(SignedInPupil & { session: NewSession }) | null> {
	const pupil = await findCardPupil(token);
	if (!pupil) return null;
	return { ...pupil, session: await createPupilSession(pupil.id, now) };
}

/**
 * Waits, before a card is checked, as long as broken card links from this address ask.
 * Tokens are unguessable, so this is politeness, and it never refuses a working card.
 */
export async function slowCardSignIn(ip: string | null, now = new Date()): Promise<void> {
	await slowDown([[keys.card(ip), THROTTLES.card]], now);
}

/** A card link that did not work. */
export async function recordCardFailure(ip: string | null, now = new Date()): Promise<void> {
	await recordThrottledFailure(keys.card(ip), THROTTLES.card, now);
}

// ─── On the device ──────────────────────────────────────────────────────────────

interface DeviceEvent {
	cookies: Cookies;
	url: URL;
	locals: App.Locals;
}

/**
 * Puts a new pupil session on this shared device: whoever was signed in before, pupil
 * or staff, is signed out here, so a teacher's session never lingers under a pupil.
 */
export async function startPupilSessionOnDevice(
	event: DeviceEvent,
	session: NewSession
): Promise<void> {
	if (event.locals.staff) await invalidateStaffSession(event.locals.staff.sessionId);
	if (event.locals.pupil) await invalidatePupilSession(event.locals.pupil.sessionId);
	clearSessionCookie(event.cookies, 'staff', event.url);
	setSessionCookie(event.cookies, 'pupil', event.url, session.token, session.expiresAt);
}

export async function endPupilSessionOnDevice(event: DeviceEvent): Promise<void> {
	if (event.locals.pupil) await invalidatePupilSession(event.locals.pupil.sessionId);
	clearSessionCookie(event.cookies, 'pupil', event.url);
}

// ─── The pupil's own page ───────────────────────────────────────────────────────

export interface PupilHome {
	firstName: string;
	className: string;
}

/** Only the signed-in pupil's own name and class: nothing about anyone else. */
export async function getPupilHome(pupil: PupilPrincipal): Promise<PupilHome> {
	const row = await getDb()
		.selectFrom('classes')
		.select('name')
		.where('id', '=', pupil.classId)
		.executeTakeFirstOrThrow();
	return { firstName: pupil.firstName, className: row.name };
}
