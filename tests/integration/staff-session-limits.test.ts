// How long a member of staff stays signed in, on the school day a classroom computer sees:
// a lesson, break and lunch keep the sign-in; a computer left signed in after school does
// not, and no sign-in lasts overnight, however busy the day.
import { describe, expect, it } from 'vitest';
import {
	createStaffSession,
	STAFF_ABSOLUTE_MS,
	STAFF_IDLE_MS,
	validateStaffSession
} from '../../src/lib/server/auth/session';
import { useTestDatabase } from './context';

const ctx = useTestDatabase();
const MINUTE = 60 * 1000;

/** A time on Tuesday 3 November 2026 (GMT, so UTC is the school's clock). */
const at = (hhmm: string) => new Date(`2026-11-03T${hhmm}:00.000Z`);

async function signedIn(when: Date) {
	const schoolId = await ctx.newSchool();
	const id = await ctx.newStaff({ role: 'teacher', schoolId });
	return (await createStaffSession(id, when)).token;
}

const stillIn = async (token: string, when: Date) =>
	(await validateStaffSession(token, when)) !== null;

describe('a staff sign-in', () => {
	it('lasts two hours without use and twelve in all', () => {
		expect(STAFF_IDLE_MS).toBe(120 * MINUTE);
		expect(STAFF_ABSOLUTE_MS).toBe(12 * 60 * MINUTE);
	});

	it('survives a lunch hour with the laptop shut', async () => {
		const token = await signedIn(at('08:30'));
		expect(await stillIn(token, at('11:55'))).toBe(false); // not used since 08:30
		const again = await signedIn(at('08:30'));
		expect(await stillIn(again, at('10:15'))).toBe(true);
		expect(await stillIn(again, at('12:00'))).toBe(true);
		expect(await stillIn(again, at('13:30'))).toBe(true);
	});

	it('ends on a classroom computer left signed in after the last lesson', async () => {
		const token = await signedIn(at('08:30'));
		for (const time of ['10:00', '11:30', '13:00', '14:30', '15:30'])
			expect(await stillIn(token, at(time)), time).toBe(true);
		expect(await stillIn(token, at('17:31'))).toBe(false);
		// Gone for good: coming back later does not bring it back.
		expect(await stillIn(token, at('17:35'))).toBe(false);
	});

	it('never lasts overnight, however busy the day', async () => {
		const token = await signedIn(at('07:00'));
		for (let minutes = 30; minutes < 12 * 60; minutes += 30)
			expect(await stillIn(token, new Date(at('07:00').getTime() + minutes * MINUTE))).toBe(true);
		expect(await stillIn(token, at('19:00'))).toBe(false);
	});

	it('counts each use, give or take five minutes', async () => {
		// A use at 09:06 is recorded (uses are written at most every five minutes), so the
		// sign-in holds until 11:06, not 11:00; the use at 11:05 then holds it until 13:05.
		const token = await signedIn(at('09:00'));
		expect(await stillIn(token, at('09:06'))).toBe(true);
		expect(await stillIn(token, at('11:05'))).toBe(true);
		expect(await stillIn(token, at('13:06'))).toBe(false);
	});
});
