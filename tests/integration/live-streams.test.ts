// Live streams belong to a person and a sign-in: capped per person and per class session,
// ended with the sign-in (at once when it is ended here, by the check when it runs out),
// and all ended when the server stops.
import { afterEach, describe, expect, it } from 'vitest';
import {
	createPupilSession,
	createStaffSession,
	invalidateAllStaffSessions,
	invalidatePupilSession,
	invalidateStaffSession,
	signOutClass,
	signOutPupil,
	validatePupilSession,
	validateStaffSession,
	type PupilPrincipal,
	type StaffPrincipal
} from '../../src/lib/server/auth/session';
import { endStreamsOfEndedSignIns, signedInStream } from '../../src/lib/server/auth/live-sign-ins';
import {
	CLOSE_STREAMS_EVENT,
	closeAllStreams,
	openStreamCount,
	publish,
	SIGNED_OUT_EVENT,
	STREAM_LIMITS,
	watcherCount
} from '../../src/lib/server/platform/live';
import { archivePupil } from '../../src/lib/server/people/pupils';
import { setDisabled } from '../../src/lib/server/people/staff';
import { createPasswordReset, resetPassword } from '../../src/lib/server/people/staff-passwords';
import { useTestDatabase } from './context';

const ctx = useTestDatabase();
const decoder = new TextDecoder();
const initial = { event: 'state', data: { step: 0 } };
afterEach(() => closeAllStreams());

interface Opened {
	status: number;
	reader: ReadableStreamDefaultReader<Uint8Array>;
}

async function open(who: PupilPrincipal | StaffPrincipal, sessionId = 1): Promise<Opened> {
	const response = signedInStream(who, sessionId, initial);
	const reader = response.body!.getReader();
	if (response.status === 200) await reader.read(); // the first state, sent at once
	return { status: response.status, reader };
}

/** Everything left in a stream that has ended; never resolves for one still open. */
async function rest(stream: Opened): Promise<string> {
	let text = '';
	for (;;) {
		const { done, value } = await stream.reader.read();
		if (done) return text;
		text += decoder.decode(value);
	}
}

async function signedInPupil(classId: number, pupilId?: number): Promise<PupilPrincipal> {
	const id = pupilId ?? (await ctx.newPupil({ classId }));
	const { token } = await createPupilSession(id);
	return (await validatePupilSession(token))!;
}

async function signedInStaff(teacherId: number): Promise<StaffPrincipal> {
	const { token } = await createStaffSession(teacherId);
	return (await validateStaffSession(token))!.user;
}

describe('limits', () => {
	it("past a pupil's limit, their oldest stream closes and the new one is let in", async () => {
		const { classId } = await ctx.newTeacherClass();
		const pupil = await signedInPupil(classId);
		const streams: Opened[] = [];
		for (let i = 0; i < STREAM_LIMITS.perPupil; i++) streams.push(await open(pupil));
		const newest = await open(pupil);
		expect(newest.status).toBe(200);
		// Told to wait a while before reconnecting, so two of one pupil's tabs do not duel.
		expect(await rest(streams[0])).toContain('retry: 10000');
		expect(watcherCount(1, 'pupil')).toBe(STREAM_LIMITS.perPupil);
		// One pupil's many sign-ins are still one person.
		const again = await signedInPupil(classId, pupil.id);
		await open(again);
		await rest(streams[1]);
		expect(watcherCount(1, 'pupil')).toBe(STREAM_LIMITS.perPupil);
	});

	it('past a class session’s limit, a new pupil stream is refused with 429; staff still get in', async () => {
		const { classId, teacherId } = await ctx.newTeacherClass();
		const perPupil = STREAM_LIMITS.perPupil;
		const pupils = Math.ceil(STREAM_LIMITS.pupilsPerSession / perPupil);
		for (let p = 0; p < pupils; p++) {
			const pupil = await signedInPupil(classId);
			for (
				let i = 0;
				i < perPupil && watcherCount(1, 'pupil') < STREAM_LIMITS.pupilsPerSession;
				i++
			)
				expect((await open(pupil)).status).toBe(200);
		}
		expect(watcherCount(1, 'pupil')).toBe(STREAM_LIMITS.pupilsPerSession);
		const late = signedInStream(await signedInPupil(classId), 1, initial);
		expect(late.status).toBe(429);
		expect(late.headers.get('retry-after')).toBeTruthy();
		expect(await late.text()).toContain('too many live connections');
		// Nobody already in was pushed out, and a full class does not lock the teacher out.
		expect(watcherCount(1, 'pupil')).toBe(STREAM_LIMITS.pupilsPerSession);
		expect((await open(await signedInStaff(teacherId))).status).toBe(200);
		// Another session is not affected.
		expect((await open(await signedInPupil(classId), 2)).status).toBe(200);
	});

	it("a member of staff has a limit of their own, above a teacher's control view and board", async () => {
		const { teacherId } = await ctx.newTeacherClass();
		const teacher = await signedInStaff(teacherId);
		const streams: Opened[] = [];
		for (let i = 0; i < STREAM_LIMITS.perStaff; i++) streams.push(await open(teacher));
		expect(STREAM_LIMITS.perStaff).toBeGreaterThanOrEqual(2);
		await open(teacher);
		await rest(streams[0]);
		expect(watcherCount(1, 'staff')).toBe(STREAM_LIMITS.perStaff);
	});
});

describe('a stream ends with its sign-in', () => {
	it('when the pupil signs out on their device', async () => {
		const { classId } = await ctx.newTeacherClass();
		const pupil = await signedInPupil(classId);
		const other = await signedInPupil(classId);
		const stream = await open(pupil);
		const others = await open(other);
		await invalidatePupilSession(pupil.sessionId);
		// Its last words tell the device to go and sign in, not to reconnect.
		expect(await rest(stream)).toContain(`event: ${SIGNED_OUT_EVENT}`);
		expect(watcherCount(1)).toBe(1);
		publish(1, 'state', { step: 1 });
		expect(decoder.decode((await others.reader.read()).value)).toContain('"step":1');
	});

	it('when the teacher signs one pupil, or the whole class, out', async () => {
		const { classId, teacherId } = await ctx.newTeacherClass();
		const a = await signedInPupil(classId);
		const b = await signedInPupil(classId);
		const c = await signedInPupil(classId);
		const [sa, sb, sc] = [await open(a), await open(b), await open(c)];
		await open(await signedInStaff(teacherId));
		await signOutPupil(a.id);
		await rest(sa);
		expect(watcherCount(1, 'pupil')).toBe(2);
		await signOutClass(classId);
		for (const last of await Promise.all([rest(sb), rest(sc)]))
			expect(last).toContain(`event: ${SIGNED_OUT_EVENT}`);
		expect(watcherCount(1, 'pupil')).toBe(0);
		expect(watcherCount(1, 'staff')).toBe(1);
	});

	it('when a pupil is archived', async () => {
		const { classId } = await ctx.newTeacherClass();
		const pupil = await signedInPupil(classId);
		const stream = await open(pupil);
		await archivePupil(pupil.id);
		await rest(stream);
	});

	it('when staff sign out, or every sign-in of theirs ends (a new password)', async () => {
		const { teacherId } = await ctx.newTeacherClass();
		const laptop = await signedInStaff(teacherId);
		const phone = await signedInStaff(teacherId);
		const fromLaptop = await open(laptop);
		const fromPhone = await open(phone);
		await invalidateStaffSession(laptop.sessionId);
		await rest(fromLaptop);
		expect(watcherCount(1, 'staff')).toBe(1);
		await invalidateAllStaffSessions(teacherId);
		await rest(fromPhone);
		expect(openStreamCount()).toBe(0);
	});

	it('at once when a lead turns the account off, or its password is reset by link', async () => {
		const { teacherId, schoolId } = await ctx.newTeacherClass();
		const lead = await signedInStaff(await ctx.newStaff({ role: 'lead', schoolId }));
		const stream = await open(await signedInStaff(teacherId));
		await setDisabled(teacherId, true, lead);
		// No regular check has run: the stream ended with the turning off itself.
		expect(await rest(stream)).toContain(`event: ${SIGNED_OUT_EVENT}`);
		await setDisabled(teacherId, false, lead);

		const again = await open(await signedInStaff(teacherId));
		const { token } = await createPasswordReset(teacherId, lead);
		expect(await resetPassword(token, 'a brand new long passphrase')).toBe(teacherId);
		await rest(again);
		expect(openStreamCount()).toBe(0);
	});

	it('when a sign-in runs out or an account is turned off, found by the regular check', async () => {
		const { classId, teacherId, schoolId } = await ctx.newTeacherClass();
		const pupil = await signedInPupil(classId);
		const staying = await signedInPupil(classId);
		const lead = await signedInStaff(await ctx.newStaff({ role: 'lead', schoolId }));
		const teacher = await signedInStaff(teacherId);
		const ps = await open(pupil);
		await open(staying);
		const ls = await open(lead);
		await open(teacher);
		expect(await endStreamsOfEndedSignIns()).toBe(0);
		// Six hours on, the pupil's sign-in has run out; the lead's account is turned off.
		await ctx.handle.db
			.updateTable('pupil_sessions')
			.set({ expires_at: new Date(Date.now() - 1).toISOString() })
			.where('id', '=', pupil.sessionId)
			.execute();
		await ctx.handle.db
			.updateTable('staff_users')
			.set({ disabled_at: new Date().toISOString() })
			.where('id', '=', lead.id)
			.execute();
		expect(await endStreamsOfEndedSignIns()).toBe(2);
		for (const last of await Promise.all([rest(ps), rest(ls)]))
			expect(last).toContain(`event: ${SIGNED_OUT_EVENT}`);
		expect(watcherCount(1, 'pupil')).toBe(1);
		expect(watcherCount(1, 'staff')).toBe(1);
	});
});

it('every stream ends when the server begins to stop', async () => {
	const { classId, teacherId } = await ctx.newTeacherClass();
	const streams = [
		await open(await signedInPupil(classId)),
		await open(await signedInPupil(classId), 2),
		await open(await signedInStaff(teacherId))
	];
	// What scripts/serve.ts does on SIGTERM; custom events are not in Node's typing.
	(process.emit as (event: string) => boolean)(CLOSE_STREAMS_EVENT);
	// Stopping is not signing out: the devices reconnect to the server that replaces it.
	for (const last of await Promise.all(streams.map(rest)))
		expect(last).not.toContain(SIGNED_OUT_EVENT);
	expect(openStreamCount()).toBe(0);
});
