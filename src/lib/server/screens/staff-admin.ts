// The staff-management screen is the same for a lead (their school), the coordinator
// (any school) and the council team (no school); this is its load and actions, with
// the scope decided by the route and checked here through access.ts.
import { error, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import {
	assignableRoles,
	canAppointSafeguardingLead,
	canManageStaffOf,
	canManageStaffUser,
	mayGiveSightOfNames,
	requireCoordinatorOrLead,
	type SightDecision,
	type SightStep,
	activeLeadsOf
} from '../access';
import type { StaffPrincipal } from '../auth';
import type { Role } from '../platform';
import { failWith, parseForm } from '../platform';
import {
	changeRole,
	createInvitation,
	createPasswordReset,
	getStaffUser,
	invitationSchool,
	listPendingInvitations,
	listStaff,
	revokeInvitation,
	setDisabled,
	setSafeguardingRole,
	getSchool
} from '../people';

/** The school whose staff the page manages (null: the council team), from the route. */
export type ScopeOf = (event: RequestEvent, user: StaffPrincipal) => number | null;

async function rolesFor(user: StaffPrincipal, schoolId: number | null): Promise<Role[]> {
	// Council team members are coordinators; school staff are leads and teachers.
	if (schoolId === null) return ['coordinator'];
	const roles = assignableRoles(user).filter((r) => r !== 'coordinator');
	// The coordinator brings in a school's first lead, and nobody else (access.ts).
	if (user.role === 'coordinator')
		return (await activeLeadsOf(schoolId)).length === 0 ? ['lead'] : [];
	return roles;
}

const STEP_WORDS: Record<SightStep, string> = {
	'invite-lead': 'invite another school lead',
	'invite-teacher': 'invite its teachers',
	reset: 'give a password reset link for one of its accounts',
	'enable-lead': 'turn an account back on',
	'enable-teacher': 'turn an account back on',
	'make-lead': 'make someone a school lead'
};

/** The refusal of a step that would give an account sight of pupils' names, naming who can. */
async function refusal(schoolId: number, step: SightStep, decision: SightDecision) {
	if (decision.allowed) return null;
	const school = (await getSchool(schoolId))?.name ?? 'this school';
	const leads = decision.leads.map((l) => `${l.displayName} (${l.email})`).join(', ');
	const message =
		decision.leads.length === 0
			? `Invite a school lead for ${school} first: only a lead of the school can ${STEP_WORDS[step]}.`
			: `Only a lead of ${school} can ${STEP_WORDS[step]}: ${leads}. Ask them.` +
				(step === 'reset'
					? ' If none of them can sign in, turn that lead’s account off: the school then has no lead, and you can invite a new one. The school’s staff are told.'
					: '');
	return failWith(message, {}, 403);
}

/** Asks access.ts about a step on a school account; a failure to return, or null to go on. */
async function checkSight(user: StaffPrincipal, schoolId: number | null, step: SightStep) {
	if (schoolId === null) return null; // the council team: no school, no pupils
	return refusal(schoolId, step, await mayGiveSightOfNames(user, schoolId, step));
}

async function guard(event: RequestEvent, scopeOf: ScopeOf) {
	const user = requireCoordinatorOrLead(event);
	const schoolId = scopeOf(event, user);
	if (!canManageStaffOf(user, schoolId)) error(404, 'There is no such school in your scope.');
	return { user, schoolId };
}

export async function loadStaffAdmin(event: RequestEvent, scopeOf: ScopeOf) {
	const { user, schoolId } = await guard(event, scopeOf);
	const [staff, invitations] = await Promise.all([
		listStaff({ schoolId }),
		listPendingInvitations(schoolId)
	]);
	return {
		staff: staff.map((s) => ({
			id: s.id,
			email: s.email,
			displayName: s.displayName,
			role: s.role,
			disabled: s.disabled,
			safeguardingRole: s.safeguardingRole,
			classes: s.classes,
			isMe: s.id === user.id
		})),
		invitations: invitations.map((i) => ({
			id: i.id,
			role: i.role,
			note: i.note,
			createdBy: i.createdBy,
			expiresAt: i.expiresAt
		})),
		roles: await rolesFor(user, schoolId)
	};
}

const Invite = z.object({
	role: z.enum(['coordinator', 'lead', 'teacher'], { message: 'Choose a role.' }),
	note: z.string().trim().max(120, 'Keep the note under 120 characters.').optional()
});
const Target = z.object({ userId: z.coerce.number().int().positive() });
const RoleChange = Target.extend({ role: z.enum(['lead', 'teacher']) });
const SafeguardingChange = Target.extend({ safeguarding: z.enum(['dsl', 'deputy', 'none']) });
const SAFEGUARDING_WORDS = {
	dsl: 'the Designated Safeguarding Lead',
	deputy: 'a deputy safeguarding lead',
	none: 'no longer a safeguarding lead'
} as const;
const InvitationId = z.object({ invitationId: z.string().regex(/^[0-9a-f]{64}$/) });

async function target(event: RequestEvent, scopeOf: ScopeOf, form: FormData) {
	const { user, schoolId } = await guard(event, scopeOf);
	const parsed = Target.safeParse({ userId: form.get('userId') });
	if (!parsed.success) error(400, 'That person could not be found.');
	const person = await getStaffUser(parsed.data.userId);
	if (!person || person.schoolId !== schoolId || !(await canManageStaffUser(user, person.id))) {
		error(404, 'That person is not in your scope.');
	}
	return { user, person };
}

export function staffAdminActions(scopeOf: ScopeOf) {
	return {
		invite: async (event: RequestEvent) => {
			const { user, schoolId } = await guard(event, scopeOf);
			const parsed = parseForm(Invite, await event.request.formData(), ['note']);
			if (!parsed.ok) return parsed.failure;
			const refused = await checkSight(
				user,
				schoolId,
				parsed.data.role === 'lead' ? 'invite-lead' : 'invite-teacher'
			);
			if (refused) return refused;
			if (!(await rolesFor(user, schoolId)).includes(parsed.data.role)) {
				return failWith('You cannot invite someone with that role here.', {
					role: 'Choose another role.'
				});
			}
			const { token, expiresAt } = await createInvitation(
				{ role: parsed.data.role, schoolId, note: parsed.data.note },
				user
			);
			return {
				link: {
					kind: 'invitation' as const,
					url: `${event.url.origin}/invite/${token}`,
					expiresAt: expiresAt.toISOString(),
					role: parsed.data.role,
					note: parsed.data.note ?? null
				}
			};
		},
		revokeInvitation: async (event: RequestEvent) => {
			const { user, schoolId } = await guard(event, scopeOf);
			const parsed = InvitationId.safeParse({
				invitationId: (await event.request.formData()).get('invitationId')
			});
			if (!parsed.success || (await invitationSchool(parsed.data.invitationId)) !== schoolId) {
				error(404, 'That invitation is not in your scope.');
			}
			await revokeInvitation(parsed.data.invitationId, user);
			return { done: 'The invitation link no longer works.' };
		},
		reset: async (event: RequestEvent) => {
			const { user, person } = await target(event, scopeOf, await event.request.formData());
			const refused = await checkSight(user, person.schoolId, 'reset');
			if (refused) return refused;
			const { token, expiresAt } = await createPasswordReset(person.id, user);
			return {
				link: {
					kind: 'reset' as const,
					url: `${event.url.origin}/reset/${token}`,
					expiresAt: expiresAt.toISOString(),
					person: person.displayName
				}
			};
		},
		disable: async (event: RequestEvent) => {
			const { user, person } = await target(event, scopeOf, await event.request.formData());
			await setDisabled(person.id, true, user);
			return { done: `${person.displayName}'s account is turned off and signed out everywhere.` };
		},
		enable: async (event: RequestEvent) => {
			const { user, person } = await target(event, scopeOf, await event.request.formData());
			const step = person.role === 'lead' ? 'enable-lead' : 'enable-teacher';
			const refused = await checkSight(user, person.schoolId, step);
			if (refused) return refused;
			await setDisabled(person.id, false, user);
			return { done: `${person.displayName}'s account is turned back on.` };
		},
		safeguarding: async (event: RequestEvent) => {
			const { user, schoolId } = await guard(event, scopeOf);
			const form = await event.request.formData();
			const parsed = SafeguardingChange.safeParse({
				userId: form.get('userId'),
				safeguarding: form.get('safeguarding')
			});
			if (!parsed.success) return failWith('Choose DSL, deputy or none.');
			const person = await getStaffUser(parsed.data.userId);
			// A lead may name themselves: in many primary schools the head is the DSL.
			if (
				!person ||
				person.schoolId !== schoolId ||
				person.role === 'coordinator' ||
				!canAppointSafeguardingLead(user, person.schoolId)
			) {
				error(404, 'That person is not in your scope.');
			}
			const role = parsed.data.safeguarding === 'none' ? null : parsed.data.safeguarding;
			await setSafeguardingRole(person.id, role, user);
			return { done: `${person.displayName} is ${SAFEGUARDING_WORDS[parsed.data.safeguarding]}.` };
		},
		role: async (event: RequestEvent) => {
			const form = await event.request.formData();
			const { user, person } = await target(event, scopeOf, form);
			const parsed = RoleChange.safeParse({ userId: form.get('userId'), role: form.get('role') });
			if (!parsed.success || !assignableRoles(user).includes(parsed.data.role)) {
				return failWith('Choose lead or teacher.');
			}
			if (parsed.data.role === 'lead') {
				const refused = await checkSight(user, person.schoolId, 'make-lead');
				if (refused) return refused;
			}
			await changeRole(person.id, parsed.data.role, user);
			return {
				done: `${person.displayName} is now a ${parsed.data.role === 'lead' ? 'school lead' : 'teacher'}.`
			};
		}
	};
}
