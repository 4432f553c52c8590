// Staff and pupil sessions, the way Lucia's guide describes: the cookie holds a random
// token, the database its SHA-256. Staff sessions end after 2 hours idle or 12 hours in
// all; pupil sessions after 6 hours, or when the teacher signs the class out.
import { getDb, nowIso, endClassStreams, endPersonStreams, endSignInStreams } from '../platform';
import type { PupilPrincipal, StaffPrincipal } from '../platform';
import { generateToken, hashToken } from './tokens';

export type { PupilPrincipal, StaffPrincipal };

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
/**
 * Staff see children's names, often on a classroom computer that the next class uses. Two
 * hours without use covers a double lesson, break or lunch with the laptop shut, and ends
 * a sign-in left open after the last lesson before the cleaners or an after-school club
 * arrive. Twelve hours in all is one working day: a sign-in never lasts overnight.
 */
export const STAFF_IDLE_MS = 2 * HOUR;
export const STAFF_ABSOLUTE_MS = 12 * HOUR;
export const PUPIL_SESSION_MS = 6 * HOUR;
/**
 * last_seen_at is written at most this often, so reads do not each cost a write; a
 * sign-in can therefore end up to this much sooner than STAFF_IDLE_MS after the last use.
 */
const TOUCH_EVERY_MS = 5 * MINUTE;

export interface NewSession {
	token: string;
	expiresAt: Date;
}

function staffExpiry(createdAt: number, lastSeen: number): number {
	return Math.min(createdAt + STAFF_ABSOLUTE_MS, lastSeen + STAFF_IDLE_MS);
}

export async function createStaffSession(userId: number, now = new Date()): Promise<NewSession> {
	const token = generateToken();
	const expiresAt = new Date(staffExpiry(now.getTime(), now.getTime()));
	await getDb()
		.insertInto('staff_sessions')
		.values({
			id: hashToken(token),
			user_id: userId,
			created_at: now.toISOString(),
			last_seen_at: now.toISOString(),
			expires_at: expiresAt.toISOString()
		})
		.execute();
	return { token, expiresAt };
}

export interface StaffValidation {
	user: StaffPrincipal;
	expiresAt: Date;
	/** True when the expiry moved and the cookie should be set again. */
	renewed: boolean;
}

export async function validateStaffSession(
	token: string,
	now = new Date()
): Promise<StaffValidation | null> {
	const id = hashToken(token);
	const db = getDb();
	const row = await db
		.selectFrom('staff_sessions as s')
		.innerJoin('staff_users as u', 'u.id', 's.user_id')
		.select([
			's.id as session_id',
			's.created_at',
			's.last_seen_at',
			's.expires_at',
			'u.id',
			'u.email',
			'u.display_name',
			'u.role',
			'u.school_id',
			'u.disabled_at'
		])
		.where('s.id', '=', id)
		.executeTakeFirst();
	if (!row) return null;
	const time = now.getTime();
	if (row.disabled_at || time >= Date.parse(row.expires_at)) {
		await db.deleteFrom('staff_sessions').where('id', '=', id).execute();
		endSignInStreams('staff', [id]);
		return null;
	}
	let expiresAt = new Date(row.expires_at);
	let renewed = false;
	if (time - Date.parse(row.last_seen_at) >= TOUCH_EVERY_MS) {
		expiresAt = new Date(staffExpiry(Date.parse(row.created_at), time));
		renewed = true;
		await db
			.updateTable('staff_sessions')
			.set({ last_seen_at: now.toISOString(), expires_at: expiresAt.toISOString() })
			.where('id', '=', id)
			.execute();
	}
	return {
		user: {
			kind: 'staff',
			id: row.id,
			email: row.email,
			displayName: row.display_name,
			role: row.role,
			schoolId: row.school_id,
			sessionId: row.session_id
		},
		expiresAt,
		renewed
	};
}

export async function invalidateStaffSession(sessionId: string): Promise<void> {
	await getDb().deleteFrom('staff_sessions').where('id', '=', sessionId).execute();
	endSignInStreams('staff', [sessionId]);
}

/** Ends every session of a user: on a password change, a reset, or when disabled. */
export async function invalidateAllStaffSessions(userId: number): Promise<void> {
	await getDb().deleteFrom('staff_sessions').where('user_id', '=', userId).execute();
	endStaffStreams(userId);
}

/** Ends a member of staff's live streams once their sign-ins were deleted in a transaction. */
export function endStaffStreams(userId: number): void {
	endPersonStreams('staff', userId);
}

export async function createPupilSession(pupilId: number, now = new Date()): Promise<NewSession> {
	const token = generateToken();
	const expiresAt = new Date(now.getTime() + PUPIL_SESSION_MS);
	await getDb()
		.insertInto('pupil_sessions')
		.values({
			id: hashToken(token),
			pupil_id: pupilId,
			created_at: now.toISOString(),
			expires_at: expiresAt.toISOString()
		})
		.execute();
	return { token, expiresAt };
}

export async function validatePupilSession(
	token: string,
	now = new Date()
): Promise<PupilPrincipal | null> {
	const id = hashToken(token);
	const db = getDb();
	const row = await db
		.selectFrom('pupil_sessions as s')
		.innerJoin('pupils as p', 'p.id', 's.pupil_id')
		.innerJoin('classes as c', 'c.id', 'p.class_id')
		.select([
			's.id as session_id',
			's.expires_at',
			'p.id',
			'p.class_id',
			'p.first_name',
			'p.last_initial',
			'p.archived_at',
			'c.school_id',
			'c.archived_at as class_archived_at'
		])
		.where('s.id', '=', id)
		.executeTakeFirst();
	if (!row) return null;
	if (row.archived_at || row.class_archived_at || now.getTime() >= Date.parse(row.expires_at)) {
		await db.deleteFrom('pupil_sessions').where('id', '=', id).execute();
		endSignInStreams('pupil', [id]);
		return null;
	}
	return {
		kind: 'pupil',
		id: row.id,
		classId: row.class_id,
		schoolId: row.school_id,
		firstName: row.first_name,
		lastInitial: row.last_initial,
		sessionId: row.session_id
	};
}

export async function invalidatePupilSession(sessionId: string): Promise<void> {
	await getDb().deleteFrom('pupil_sessions').where('id', '=', sessionId).execute();
	endSignInStreams('pupil', [sessionId]);
}

/** The teacher's "sign the class out": every pupil of the class, on every device. */
export async function signOutClass(classId: number): Promise<number> {
	const result = await getDb()
		.deleteFrom('pupil_sessions')
		.where('pupil_id', 'in', (eb) =>
			eb.selectFrom('pupils').select('pupils.id').where('pupils.class_id', '=', classId)
		)
		.executeTakeFirst();
	endClassStreams(classId);
	return Number(result.numDeletedRows);
}

export async function signOutPupil(pupilId: number): Promise<void> {
	await getDb().deleteFrom('pupil_sessions').where('pupil_id', '=', pupilId).execute();
	endPersonStreams('pupil', pupilId);
}

export async function deleteExpiredSessions(now = new Date()): Promise<void> {
	const at = now.toISOString();
	const db = getDb();
	await db.deleteFrom('staff_sessions').where('expires_at', '<=', at).execute();
	await db.deleteFrom('pupil_sessions').where('expires_at', '<=', at).execute();
}

export { nowIso };
