// Live streams tied to the sign-in that opened them. Signing out, a teacher signing a
// pupil or the class out, a pupil archived, a year closed, a changed or reset password and
// an account turned off end their streams at once (session.ts tells live.ts); what ends a
// sign-in without a request (expiry, a change made by another process) is found by a check
// every few seconds while streams are open.
import {
	getDb,
	eventStream,
	endSignInStreams,
	openStreamCount,
	signInsWithStreams
} from '../platform';
import type { PupilPrincipal, StaffPrincipal } from './session';

/** How often open streams' sign-ins are checked: the longest a stream outlives its sign-in. */
export const SIGN_IN_CHECK_MS = 10_000;
/** Ids per query, well under SQLite's limit on bound parameters. */
const CHUNK = 500;

let timer: ReturnType<typeof setInterval> | undefined;

/** A live stream of a class session for this signed-in pupil or member of staff. */
export function signedInStream(
	who: PupilPrincipal | StaffPrincipal,
	sessionId: number,
	initial: { event: string; data: unknown }
): Response {
	const response = eventStream(
		sessionId,
		{
			kind: who.kind,
			personId: who.id,
			signInId: who.sessionId,
			classId: who.kind === 'pupil' ? who.classId : undefined
		},
		initial
	);
	keepChecking();
	return response;
}

function keepChecking(): void {
	if (timer) return;
	timer = setInterval(() => {
		if (openStreamCount() === 0) {
			clearInterval(timer);
			timer = undefined;
			return;
		}
		endStreamsOfEndedSignIns().catch((error: unknown) => {
			// The next round tries again; a stream is never ended on a failed check.
			console.error('[live] could not check the sign-ins of open streams', error);
		});
	}, SIGN_IN_CHECK_MS);
	timer.unref?.();
}

function chunks(ids: string[]): string[][] {
	const out: string[][] = [];
	for (let i = 0; i < ids.length; i += CHUNK) out.push(ids.slice(i, i + CHUNK));
	return out;
}

/**
 * The staff sign-ins among these that still let someone in: the same rules as
 * validateStaffSession (not expired, account not turned off).
 */
async function currentStaffSignIns(ids: string[], now: Date): Promise<Set<string>> {
	const valid = new Set<string>();
	for (const chunk of chunks(ids)) {
		const rows = await getDb()
			.selectFrom('staff_sessions as s')
			.innerJoin('staff_users as u', 'u.id', 's.user_id')
			.select('s.id')
			.where('s.id', 'in', chunk)
			.where('s.expires_at', '>', now.toISOString())
			.where('u.disabled_at', 'is', null)
			.execute();
		for (const row of rows) valid.add(row.id);
	}
	return valid;
}

/** As validatePupilSession: not expired, pupil and class not archived. */
async function currentPupilSignIns(ids: string[], now: Date): Promise<Set<string>> {
	const valid = new Set<string>();
	for (const chunk of chunks(ids)) {
		const rows = await getDb()
			.selectFrom('pupil_sessions as s')
			.innerJoin('pupils as p', 'p.id', 's.pupil_id')
			.innerJoin('classes as c', 'c.id', 'p.class_id')
			.select('s.id')
			.where('s.id', 'in', chunk)
			.where('s.expires_at', '>', now.toISOString())
			.where('p.archived_at', 'is', null)
			.where('c.archived_at', 'is', null)
			.execute();
		for (const row of rows) valid.add(row.id);
	}
	return valid;
}

/** Ends every stream whose sign-in no longer lets its person in. Returns how many. */
export async function endStreamsOfEndedSignIns(now = new Date()): Promise<number> {
	let ended = 0;
	const staff = signInsWithStreams('staff');
	if (staff.length > 0) {
		const valid = await currentStaffSignIns(staff, now);
		ended += endSignInStreams(
			'staff',
			staff.filter((id) => !valid.has(id))
		);
	}
	const pupils = signInsWithStreams('pupil');
	if (pupils.length > 0) {
		const valid = await currentPupilSignIns(pupils, now);
		ended += endSignInStreams(
			'pupil',
			pupils.filter((id) => !valid.has(id))
		);
	}
	return ended;
}
