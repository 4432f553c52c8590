// The council's first coordinator on a new borough (an empty database, as a real deployment
// starts: the demo never loads at an https address). Invitations need someone to send them,
// so the first account is made from the server's own command line, by whoever runs the
// server, and gets a one-time link to choose its password. Refused once the borough has a
// coordinator whose account is on: from then on coordinators invite one another.
import { recordAudit, getDb, nowIso, Refused } from '../platform';
import type { StaffPrincipal } from '../auth';
import { normaliseEmail } from './staff';
import { createPasswordReset, RESET_HOURS } from './staff-passwords';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export async function createFirstCoordinator(
	input: { name: string; email: string },
	now = new Date()
): Promise<{ userId: number; token: string; expiresAt: Date }> {
	const name = input.name.normalize('NFKC').trim();
	const email = normaliseEmail(input.email);
	if (!name || name.length > 100)
		throw new Refused('Give the coordinator’s name (up to 100 characters).');
	if (!EMAIL.test(email) || email.length > 254)
		throw new Refused(`"${input.email}" is not an email address.`);
	const db = getDb();
	const existing = await db
		.selectFrom('staff_users')
		.select(['email', 'role'])
		.where((eb) =>
			eb.or([
				eb.and([eb('role', '=', 'coordinator'), eb('disabled_at', 'is', null)]),
				eb('email', '=', email)
			])
		)
		.execute();
	if (existing.some((u) => u.role === 'coordinator' && u.email !== email))
		throw new Refused(
			'This borough has a coordinator already: they invite any other from Council team.'
		);
	if (existing.length) throw new Refused(`There is an account for ${email} already.`);
	const { id } = await db
		.insertInto('staff_users')
		.values({
			email,
			display_name: name,
			role: 'coordinator',
			school_id: null,
			password_hash: null,
			password_changed_at: null,
			disabled_at: null,
			created_at: nowIso()
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	await recordAudit({
		actor: { type: 'system' },
		action: 'staff.first_coordinator',
		target: { type: 'staff', id },
		detail: { email }
	});
	// The link is the new account's own: nobody else has chosen a password for it.
	const self: Pick<StaffPrincipal, 'id' | 'schoolId'> = { id, schoolId: null };
	const { token, expiresAt } = await createPasswordReset(id, self as StaffPrincipal, now);
	return { userId: id, token, expiresAt };
}

export { RESET_HOURS as FIRST_LINK_HOURS };
