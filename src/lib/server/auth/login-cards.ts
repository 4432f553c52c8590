// Printed QR login cards: a card per pupil (reprinting replaces it), signing in with one,
// and revoking them. Only a token's SHA-256 is stored; holding a current card is proof
// enough to sign in, even while the pupil's picture sign-in is paused.
import type { Transaction } from 'kysely';
import { getDb } from '../platform';
import type { DB } from '../platform';
import type { SignedInPupil } from './pupil-device';
import { recordThrottledFailure, slowDown, THROTTLES } from './rate-limit';
import { signInKeys as keys } from './sign-in-pauses';
import { createPupilSession, type NewSession } from './session';
import { generateToken, hashToken } from './tokens';

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
		.where('records_deleted_at', 'is', null)
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
