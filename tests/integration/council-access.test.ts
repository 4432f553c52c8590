// No council account can come to see a class's names without the school knowing. The
// coordinator's school page is driven through its real form actions, as a browser posts
// them: what would give an account sight of pupils' names is the school leads' to do
// (except a school's first lead), and every step the council takes on a school's accounts
// is shown to its leads at once, until each of them has seen it.
import type { RequestEvent } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { mayGiveSightOfNames } from '../../src/lib/server/access';
import { councilNotice, markCouncilNoticeSeen } from '../../src/lib/server/screens/council-notices';
import { acceptInvitation } from '../../src/lib/server/people/staff-invitations';
import { Refused } from '../../src/lib/server/platform/refusal';
import { actions as schoolActions } from '../../src/routes/(staff)/borough/schools/[id=id]/+page.server';
import { actions as ownActions } from '../../src/routes/(staff)/school/staff/+page.server';
import { load as councilPage } from '../../src/routes/(staff)/school/staff/council/+page.server';
import type { StaffPrincipal } from '../../src/lib/server/auth/session';
import type { Role } from '../../src/lib/server/platform/db/schema';
import { staffPrincipal, useTestDatabase } from './context';

const ctx = useTestDatabase();
const ORIGIN = 'http://127.0.0.1:3000';

interface Outcome {
	status?: number;
	data?: { message?: string; link?: { url: string }; done?: string };
}

/** Posts a form action as the browser would, signed in as `staff`. */
async function post(
	// Any route's action: each is typed for its own route's event.
	action: (event: never) => unknown,
	staff: StaffPrincipal,
	path: string,
	fields: Record<string, string>,
	params: Record<string, string> = {}
): Promise<Outcome & { link?: { url: string }; done?: string }> {
	const body = new FormData();
	for (const [key, value] of Object.entries(fields)) body.set(key, value);
	const event = {
		locals: { staff },
		request: new Request(`${ORIGIN}${path}`, { method: 'POST', body }),
		url: new URL(`${ORIGIN}${path}`),
		params
	} as unknown as RequestEvent;
	return (await action(event as never)) as Outcome & { link?: { url: string }; done?: string };
}

async function person(role: Role, schoolId: number | null, name: string) {
	const id = await ctx.newStaff({ role, schoolId, name, email: `${name.split(' ')[0]}@x.test` });
	return staffPrincipal(id, role, schoolId);
}

/** A school with two leads and a teacher, and the borough's coordinator. */
async function borough() {
	const schoolId = await ctx.newSchool({ name: 'Loddon Vale' });
	return {
		schoolId,
		coordinator: await person('coordinator', null, 'Cora Council'),
		lead: await person('lead', schoolId, 'Lena Lead'),
		otherLead: await person('lead', schoolId, 'Omar Lead'),
		teacher: await person('teacher', schoolId, 'Tess Teacher')
	};
}

const asCoordinator = (
	name: keyof typeof schoolActions,
	b: { coordinator: StaffPrincipal; schoolId: number },
	fields: Record<string, string>
) =>
	post(schoolActions[name], b.coordinator, `/borough/schools/${b.schoolId}?/${name}`, fields, {
		id: String(b.schoolId)
	});

async function count(table: 'password_resets' | 'staff_invitations'): Promise<number> {
	const rows = await ctx.handle.db.selectFrom(table).select('created_at').execute();
	return rows.length;
}

describe('the coordinator and a school’s accounts', () => {
	it('cannot take a reset link for a school lead’s account, and is told who can', async () => {
		const b = await borough();
		const result = await asCoordinator('reset', b, { userId: String(b.lead.id) });
		expect(result.status).toBe(403);
		expect(result.data?.message).toContain('Only a lead of Loddon Vale');
		expect(result.data?.message).toContain('Lena Lead (Lena@x.test)');
		expect(result.data?.message).toContain('Omar Lead (Omar@x.test)');
		expect(result.link).toBeUndefined();
		expect(await count('password_resets')).toBe(0);
	});

	it('cannot take a reset link for a teacher either', async () => {
		const b = await borough();
		const result = await asCoordinator('reset', b, { userId: String(b.teacher.id) });
		expect(result.status).toBe(403);
		expect(await count('password_resets')).toBe(0);
	});

	it('cannot invite another lead, or a teacher, to a school that has a lead', async () => {
		const b = await borough();
		for (const role of ['lead', 'teacher']) {
			const result = await asCoordinator('invite', b, { role });
			expect(result.status).toBe(403);
			expect(result.data?.message).toContain('Lena Lead');
		}
		expect(await count('staff_invitations')).toBe(0);
	});

	it('cannot make a teacher a lead, or turn a lead’s account back on, while the school has a lead', async () => {
		const b = await borough();
		const promoted = await asCoordinator('role', b, { userId: String(b.teacher.id), role: 'lead' });
		expect(promoted.status).toBe(403);
		await ctx.handle.db
			.updateTable('staff_users')
			.set({ disabled_at: new Date().toISOString() })
			.where('id', '=', b.otherLead.id)
			.execute();
		const enabled = await asCoordinator('enable', b, { userId: String(b.otherLead.id) });
		expect(enabled.status).toBe(403);
		const rows = await ctx.handle.db
			.selectFrom('staff_users')
			.select(['id', 'role', 'disabled_at'])
			.where('id', 'in', [b.teacher.id, b.otherLead.id])
			.orderBy('id')
			.execute();
		expect(rows.map((r) => [r.role, r.disabled_at !== null])).toEqual([
			['lead', true],
			['teacher', false]
		]);
	});

	it('invites the first lead of a school that has none, and a spare link stops working once it has one', async () => {
		const schoolId = await ctx.newSchool({ name: 'Tadley Common' });
		const coordinator = await person('coordinator', null, 'Cora Council');
		const b = { schoolId, coordinator };
		const first = await asCoordinator('invite', b, { role: 'lead' });
		const spare = await asCoordinator('invite', b, { role: 'lead' });
		expect(first.link?.url).toMatch(/\/invite\//);
		expect(spare.link?.url).toMatch(/\/invite\//);
		const token = (r: Outcome & { link?: { url: string } }) => r.link!.url.split('/invite/')[1];
		const head = await acceptInvitation(token(first), {
			displayName: 'Hana Head',
			email: 'head@tadley.test',
			password: 'a long enough passphrase'
		});
		expect(head).toEqual(expect.any(Number));
		const later = acceptInvitation(token(spare), {
			displayName: 'Someone Else',
			email: 'else@council.test',
			password: 'a long enough passphrase'
		});
		await expect(later).rejects.toThrow(Refused);
		await expect(later).rejects.toThrow(
			'This invitation no longer works: the school has a lead now, who can invite you. Ask them for a new link.'
		);
	});

	it('can still turn an account off and change who is the safeguarding lead', async () => {
		const b = await borough();
		const off = await asCoordinator('disable', b, { userId: String(b.teacher.id) });
		expect(off.done).toContain('turned off');
		const dsl = await asCoordinator('safeguarding', b, {
			userId: String(b.teacher.id),
			safeguarding: 'dsl'
		});
		expect(dsl.done).toContain('Designated Safeguarding Lead');
	});
});

describe('a school lead', () => {
	it('gives reset links and invites leads for their own school, and for no other', async () => {
		const b = await borough();
		const reset = await post(ownActions.reset, b.lead, '/school/staff?/reset', {
			userId: String(b.teacher.id)
		});
		expect(reset.link?.url).toMatch(/\/reset\//);
		const invite = await post(ownActions.invite, b.lead, '/school/staff?/invite', { role: 'lead' });
		expect(invite.link?.url).toMatch(/\/invite\//);

		const elsewhere = await ctx.newSchool({ name: 'Elsewhere' });
		expect(await mayGiveSightOfNames(b.lead, elsewhere, 'invite-lead')).toEqual({
			allowed: false,
			leads: []
		});
	});
});

describe('what the school is told', () => {
	it('shows the council’s step to every lead at once, until each says they have seen it', async () => {
		const b = await borough();
		await asCoordinator('disable', b, { userId: String(b.teacher.id) });
		for (const lead of [b.lead, b.otherLead]) {
			const notice = await councilNotice(lead);
			expect(notice?.steps.map((s) => `${s.by} ${s.what}`)).toEqual([
				'Cora Council turned off Tess Teacher’s account'
			]);
		}
		expect(await markCouncilNoticeSeen(b.lead)).toBe(true);
		expect((await councilNotice(b.lead))?.steps).toEqual([]);
		expect((await councilNotice(b.otherLead))?.steps).toHaveLength(1);
		// A later step shows again, even to the lead who had seen the first.
		await asCoordinator('safeguarding', b, { userId: String(b.otherLead.id), safeguarding: 'dsl' });
		expect((await councilNotice(b.lead))?.steps.map((s) => s.what)).toEqual([
			'made Omar Lead the Designated Safeguarding Lead'
		]);
	});

	it('does not show a lead’s own steps, nor tell teachers of a school that has leads', async () => {
		const b = await borough();
		await post(ownActions.disable, b.lead, '/school/staff?/disable', {
			userId: String(b.teacher.id)
		});
		expect((await councilNotice(b.otherLead))?.steps).toEqual([]);
		const teacher = await person('teacher', b.schoolId, 'Tom Teacher');
		expect(await councilNotice(teacher)).toBeNull();
		expect(await councilNotice(b.coordinator)).toBeNull();
	});

	it('tells every member of a school’s staff while it has no lead', async () => {
		const schoolId = await ctx.newSchool({ name: 'Tadley Common' });
		const coordinator = await person('coordinator', null, 'Cora Council');
		const teacher = await person('teacher', schoolId, 'Tess Teacher');
		await asCoordinator('invite', { schoolId, coordinator }, { role: 'lead', note: 'New head' });
		expect((await councilNotice(teacher))?.steps.map((s) => s.what)).toEqual([
			'made an invitation link for a school lead (“New head”)'
		]);
	});

	it('keeps the page of notices from anyone who is not told', async () => {
		const b = await borough();
		const load = (staff: StaffPrincipal) =>
			councilPage({
				locals: { staff },
				url: new URL(`${ORIGIN}/school/staff/council`),
				request: new Request(`${ORIGIN}/school/staff/council`)
			} as unknown as Parameters<typeof councilPage>[0]);
		await expect(load(b.coordinator)).rejects.toMatchObject({ status: 404 });
		await expect(load(b.teacher)).rejects.toMatchObject({ status: 404 });
		await expect(load(b.lead)).resolves.toMatchObject({ steps: [], lead: true });
	});
});
