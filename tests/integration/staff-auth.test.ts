import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/lib/server/auth/password';
import { passwordProblem } from '../../src/lib/server/auth/password-policy';
import {
	LIMITS,
	lockedUntil,
	THROTTLES,
	useThrottleWait
} from '../../src/lib/server/auth/rate-limit';
import {
	createStaffSession,
	STAFF_ABSOLUTE_MS,
	STAFF_IDLE_MS,
	validateStaffSession,
	invalidateStaffSession,
	type StaffPrincipal
} from '../../src/lib/server/auth/session';
import { hashToken } from '../../src/lib/server/auth/tokens';
import { closeDatabase, openDatabase, useHandle } from '../../src/lib/server/platform/db';
import { changeRole, setDisabled } from '../../src/lib/server/people/staff';
import {
	acceptInvitation,
	createInvitation,
	findOpenInvitation
} from '../../src/lib/server/people/staff-invitations';
import {
	changePassword,
	createPasswordReset,
	resetPassword
} from '../../src/lib/server/people/staff-passwords';
import { signIn } from '../../src/lib/server/people/staff-sign-in';
import { Refused } from '../../src/lib/server/platform/refusal';
import { useTestDatabase } from './context';

const ctx = useTestDatabase();

/** The refusal a task ends in (a test fails when it does not refuse). */
async function refusal(task: Promise<unknown>): Promise<Refused> {
	const caught = await task.then(
		() => undefined,
		(e: unknown) => e
	);
	expect(caught).toBeInstanceOf(Refused);
	return caught as Refused;
}
const PASSWORD = 'correct horse battery';
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

async function staffWithPassword(role: 'coordinator' | 'lead' | 'teacher' = 'teacher') {
	const schoolId = role === 'coordinator' ? null : await ctx.newSchool();
	const id = await ctx.newStaff({ role, schoolId });
	await ctx.handle.db
		.updateTable('staff_users')
		.set({ password_hash: await hashPassword(PASSWORD) })
		.where('id', '=', id)
		.execute();
	const user = await ctx.handle.db
		.selectFrom('staff_users')
		.selectAll()
		.where('id', '=', id)
		.executeTakeFirstOrThrow();
	const principal: StaffPrincipal = {
		kind: 'staff',
		id,
		email: user.email,
		displayName: user.display_name,
		role,
		schoolId,
		sessionId: ''
	};
	return principal;
}

async function sessionCount(userId: number) {
	const rows = await ctx.handle.db
		.selectFrom('staff_sessions')
		.select('id')
		.where('user_id', '=', userId)
		.execute();
	return rows.length;
}

describe('staff sessions', () => {
	it('stores only the SHA-256 of a token of at least 128 bits', async () => {
		const user = await staffWithPassword();
		const { token } = await createStaffSession(user.id);
		expect(token.length * 5).toBeGreaterThanOrEqual(128); // base32: 5 bits a character
		const rows = await ctx.handle.db.selectFrom('staff_sessions').select('id').execute();
		expect(rows).toEqual([{ id: hashToken(token) }]);
		expect(JSON.stringify(rows)).not.toContain(token);
	});

	it('signs in with a valid token and refuses an unknown one', async () => {
		const user = await staffWithPassword();
		const { token } = await createStaffSession(user.id);
		expect((await validateStaffSession(token))?.user.id).toBe(user.id);
		expect(await validateStaffSession('not-a-real-token')).toBeNull();
	});

	it('ends after two hours without use', async () => {
		const user = await staffWithPassword();
		const start = new Date('2026-11-01T09:00:00Z');
		const { token } = await createStaffSession(user.id, start);
		expect(
			await validateStaffSession(token, new Date(start.getTime() + STAFF_IDLE_MS - HOUR))
		).not.toBeNull();
		const later = new Date(start.getTime() + STAFF_IDLE_MS - HOUR + STAFF_IDLE_MS + 1);
		expect(await validateStaffSession(token, later)).toBeNull();
		expect(await sessionCount(user.id)).toBe(0);
	});

	it('is renewed by use but ends 12 hours after sign-in whatever happens', async () => {
		const user = await staffWithPassword();
		const start = new Date('2026-11-01T09:00:00Z');
		const { token } = await createStaffSession(user.id, start);
		let renewed = false;
		for (let hour = 1; hour < 12; hour += 1) {
			const result = await validateStaffSession(token, new Date(start.getTime() + hour * HOUR));
			expect(result).not.toBeNull();
			renewed ||= result!.renewed;
		}
		expect(renewed).toBe(true);
		expect(
			await validateStaffSession(token, new Date(start.getTime() + STAFF_ABSOLUTE_MS + 1))
		).toBeNull();
	});

	it('a cookie stolen before sign-out is useless after it', async () => {
		const user = await staffWithPassword();
		const { token } = await createStaffSession(user.id);
		const stolen = token;
		const session = await validateStaffSession(token);
		await invalidateStaffSession(session!.user.sessionId);
		expect(await validateStaffSession(stolen)).toBeNull();
	});

	it('ends every session of a user whose account is turned off', async () => {
		const coordinator = await staffWithPassword('coordinator');
		const user = await staffWithPassword();
		const a = await createStaffSession(user.id);
		const b = await createStaffSession(user.id);
		await setDisabled(user.id, true, coordinator);
		expect(await validateStaffSession(a.token)).toBeNull();
		expect(await validateStaffSession(b.token)).toBeNull();
	});

	it('ends every session on a password change', async () => {
		const user = await staffWithPassword();
		const other = await createStaffSession(user.id);
		await expect(changePassword(user, PASSWORD, 'a brand new passphrase')).resolves.toBeUndefined();
		expect(await validateStaffSession(other.token)).toBeNull();
	});
});

describe('staff sign-in', () => {
	it('accepts the right password and refuses a wrong one with the same message as an unknown address', async () => {
		const user = await staffWithPassword();
		expect(
			await signIn({ email: user.email.toUpperCase(), password: PASSWORD, ip: '10.0.0.1' })
		).toBe(user.id);
		const wrong = await refusal(
			signIn({ email: user.email, password: 'nope nope nope', ip: '10.0.0.1' })
		);
		const unknown = await refusal(
			signIn({ email: 'nobody@example.test', password: PASSWORD, ip: '10.0.0.1' })
		);
		expect(wrong.message).toMatch(/do not match/);
		expect(unknown).toEqual(wrong);
	});

	it('locks an account after five failures, even for the right password, and records it', async () => {
		const user = await staffWithPassword();
		for (let i = 0; i < LIMITS.staffAccount.limit; i++) {
			await refusal(
				signIn({ email: user.email, password: `wrong password ${i}`, ip: `10.0.0.${i}` })
			);
		}
		const result = await refusal(
			signIn({ email: user.email, password: PASSWORD, ip: '10.0.0.99' })
		);
		expect(result).toMatchObject({ status: 429, message: expect.stringMatching(/Too many/) });
		const actions = (await ctx.handle.db.selectFrom('audit_events').select('action').execute()).map(
			(e) => e.action
		);
		expect(actions.filter((a) => a === 'staff.sign_in_failed')).toHaveLength(5);
		expect(actions).toContain('staff.locked');
	});

	describe('from one address', () => {
		let waits: number[] = [];
		let restore: () => void;
		beforeEach(() => {
			waits = [];
			restore = useThrottleWait(async (ms) => {
				waits.push(ms);
			});
		});
		afterEach(() => restore());

		it('slows failures across many accounts but lets a colleague with the right password in', async () => {
			const tries = THROTTLES.staffAddress.free + 30;
			for (let i = 0; i < tries; i++) {
				await refusal(
					signIn({
						email: `guess${i}@example.test`,
						password: 'guess guess guess',
						ip: '192.0.2.7'
					})
				);
			}
			expect(waits).toHaveLength(tries - THROTTLES.staffAddress.free - 1);
			expect(waits[0]).toBe(THROTTLES.staffAddress.stepMs);
			expect(waits.at(-1)).toBe(THROTTLES.staffAddress.maxMs);

			waits = [];
			const user = await staffWithPassword();
			expect(await signIn({ email: user.email, password: PASSWORD, ip: '192.0.2.7' })).toBe(
				user.id
			);
			expect(waits).toEqual([THROTTLES.staffAddress.maxMs]);
			waits = [];
			expect(await signIn({ email: user.email, password: PASSWORD, ip: '192.0.2.8' })).toBe(
				user.id
			);
			expect(waits).toEqual([]);
		});
	});

	it('keeps a lockout across a restart of the server', async () => {
		const user = await staffWithPassword();
		for (let i = 0; i < LIMITS.staffAccount.limit; i++) {
			await refusal(signIn({ email: user.email, password: 'wrong wrong wrong', ip: '10.1.1.1' }));
		}
		await closeDatabase();
		const reopened = openDatabase(ctx.handle.path);
		useHandle(reopened);
		expect(await lockedUntil(`staff-account:${user.email}`)).not.toBeNull();
		expect(
			await refusal(signIn({ email: user.email, password: PASSWORD, ip: '10.1.1.2' }))
		).toMatchObject({ status: 429 });
	});

	it('refuses a turned-off account', async () => {
		const coordinator = await staffWithPassword('coordinator');
		const user = await staffWithPassword();
		await setDisabled(user.id, true, coordinator);
		await expect(signIn({ email: user.email, password: PASSWORD, ip: null })).rejects.toThrow(
			Refused
		);
	});

	it('gives a turned-off account the wrong-password answer, so nobody learns the password was right', async () => {
		const coordinator = await staffWithPassword('coordinator');
		const user = await staffWithPassword();
		const control = await staffWithPassword();
		await setDisabled(user.id, true, coordinator);
		const wrong = await refusal(
			signIn({ email: control.email, password: 'nope nope nope', ip: null })
		);
		const right = await refusal(signIn({ email: user.email, password: PASSWORD, ip: null }));
		const guess = await refusal(
			signIn({ email: user.email, password: 'nope nope nope', ip: null })
		);
		expect(wrong.message).toMatch(/do not match/);
		expect(right).toEqual(wrong);
		expect(guess).toEqual(wrong);
	});
});

describe('passwords', () => {
	it('must have at least 10 characters', () => {
		expect(passwordProblem('short')).toMatch(/at least 10/);
		expect(passwordProblem('purple tractor moon')).toBeNull();
	});

	it('may not be one of the most common passwords, whatever the case', () => {
		expect(passwordProblem('qwertyuiop')).toMatch(/most common/);
		expect(passwordProblem('Password123')).toMatch(/most common/);
		expect(passwordProblem('1234567890')).toMatch(/most common/);
	});
});

describe('invitations', () => {
	it('bring a new teacher into the school with the invited role, once', async () => {
		const lead = await staffWithPassword('lead');
		const { token } = await createInvitation({ role: 'teacher', schoolId: lead.schoolId }, lead);
		expect(await findOpenInvitation(token)).toMatchObject({ role: 'teacher' });
		const userId = await acceptInvitation(token, {
			displayName: 'Ms Patel',
			email: 'Patel@School.test',
			password: 'kettle orange window'
		});
		const user = await ctx.handle.db
			.selectFrom('staff_users')
			.selectAll()
			.where('email', '=', 'patel@school.test')
			.executeTakeFirstOrThrow();
		expect(user).toMatchObject({
			id: userId,
			role: 'teacher',
			school_id: lead.schoolId,
			display_name: 'Ms Patel'
		});
		const again = await refusal(
			acceptInvitation(token, {
				displayName: 'X',
				email: 'x@school.test',
				password: 'kettle orange window'
			})
		);
		expect(again.message).toMatch(/already been used or has expired/);
	});

	it('expire after 7 days', async () => {
		const lead = await staffWithPassword('lead');
		const made = new Date('2026-11-01T09:00:00Z');
		const { token } = await createInvitation(
			{ role: 'teacher', schoolId: lead.schoolId },
			lead,
			made
		);
		expect(await findOpenInvitation(token, new Date(made.getTime() + 6 * DAY))).not.toBeNull();
		expect(await findOpenInvitation(token, new Date(made.getTime() + 7 * DAY + 1))).toBeNull();
	});

	it('refuse a weak password and save nothing', async () => {
		const lead = await staffWithPassword('lead');
		const { token } = await createInvitation({ role: 'teacher', schoolId: lead.schoolId }, lead);
		const before = await ctx.handle.db.selectFrom('staff_users').select('id').execute();
		const result = await refusal(
			acceptInvitation(token, {
				displayName: 'Mr Jones',
				email: 'jones@school.test',
				password: 'password1'
			})
		);
		expect(result).toMatchObject({ field: 'password' });
		expect(await ctx.handle.db.selectFrom('staff_users').select('id').execute()).toEqual(before);
		expect(await findOpenInvitation(token)).not.toBeNull();
	});
});

describe('reset links and roles', () => {
	it('a reset link sets a new password once and signs the person out everywhere', async () => {
		const lead = await staffWithPassword('lead');
		const teacherId = await ctx.newStaff({ role: 'teacher', schoolId: lead.schoolId });
		const old = await createStaffSession(teacherId);
		const { token } = await createPasswordReset(teacherId, lead);
		expect(await resetPassword(token, 'new shiny passphrase')).toBe(teacherId);
		expect(await validateStaffSession(old.token)).toBeNull();
		expect(await refusal(resetPassword(token, 'another new passphrase'))).toMatchObject({
			field: 'password',
			message: expect.stringMatching(/already been used/)
		});
		const email = (
			await ctx.handle.db
				.selectFrom('staff_users')
				.select('email')
				.where('id', '=', teacherId)
				.executeTakeFirstOrThrow()
		).email;
		expect(await signIn({ email, password: 'new shiny passphrase', ip: null })).toBe(teacherId);
	});

	it('a role changes between lead and teacher and is recorded', async () => {
		const lead = await staffWithPassword('lead');
		const teacherId = await ctx.newStaff({ role: 'teacher', schoolId: lead.schoolId });
		expect(await changeRole(teacherId, 'lead', lead)).toBe(true);
		const row = await ctx.handle.db
			.selectFrom('staff_users')
			.select('role')
			.where('id', '=', teacherId)
			.executeTakeFirstOrThrow();
		expect(row.role).toBe('lead');
		const events = await ctx.handle.db
			.selectFrom('audit_events')
			.selectAll()
			.where('action', '=', 'staff.role_changed')
			.execute();
		expect(events).toHaveLength(1);
		expect(JSON.parse(events[0].detail!)).toEqual({ from: 'teacher', to: 'lead' });
	});
});
