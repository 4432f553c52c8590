// A new borough's first coordinator, made from the server's command line: an account with
// no password and a one-time link to choose one; refused once the borough has a coordinator.
import { describe, expect, it } from 'vitest';
import { createFirstCoordinator } from '../../src/lib/server/people/first-coordinator';
import { Refused } from '../../src/lib/server/platform/refusal';
import { findOpenReset, resetPassword } from '../../src/lib/server/people/staff-passwords';
import { signIn } from '../../src/lib/server/people/staff-sign-in';
import { useTestDatabase } from './context';

const ctx = useTestDatabase();

describe('the first coordinator', () => {
	it('is made with a one-time link that sets their password, and then can sign in', async () => {
		const { userId, token } = await createFirstCoordinator({
			name: 'Priya Shah',
			email: ' Priya.Shah@Council.gov.uk '
		});
		const user = await ctx.handle.db
			.selectFrom('staff_users')
			.selectAll()
			.where('id', '=', userId)
			.executeTakeFirstOrThrow();
		expect(user).toMatchObject({
			email: 'priya.shah@council.gov.uk',
			role: 'coordinator',
			school_id: null,
			password_hash: null
		});
		expect(await findOpenReset(token)).toBeTruthy();
		await resetPassword(token, 'a long and sturdy passphrase 42');
		const signedIn = await signIn({
			email: 'priya.shah@council.gov.uk',
			password: 'a long and sturdy passphrase 42',
			ip: '127.0.0.1'
		});
		expect(signedIn).toBe(userId);
		const audit = await ctx.handle.db
			.selectFrom('audit_events')
			.select(['action', 'actor_type'])
			.orderBy('id')
			.execute();
		expect(audit[0]).toEqual({ action: 'staff.first_coordinator', actor_type: 'system' });
	});

	it('is refused once the borough has a coordinator, and for a bad address', async () => {
		await ctx.newStaff({ role: 'coordinator' });
		await expect(
			createFirstCoordinator({ name: 'Someone Else', email: 'else@council.gov.uk' })
		).rejects.toThrow(Refused);
		await expect(createFirstCoordinator({ name: 'X', email: 'not-an-address' })).rejects.toThrow(
			/is not an email address/
		);
		const count = await ctx.handle.db
			.selectFrom('staff_users')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.executeTakeFirstOrThrow();
		expect(Number(count.n)).toBe(1);
	});
});
