// What the council did to a school's staff accounts, told at once to the school (its leads,
// or all its staff while it has none) on every page, until each of them says they have
// seen it. Read from the audit log, so no step that is audited can be left out.
import { councilNoticeSchool } from '../access';
import { recordAudit, staffActor, getDb } from '../platform';
import type { StaffPrincipal } from '../auth';

/** A notice older than this is left to the audit log. */
const WINDOW_DAYS = 90;
const DAY = 24 * 60 * 60 * 1000;

/** The council's steps on a school's staff that the school is told of. */
const COUNCIL_STEPS = [
	'staff.invited',
	'staff.invitation_revoked',
	'staff.reset_issued',
	'staff.disabled',
	'staff.enabled',
	'staff.role_changed',
	'staff.safeguarding_role_changed'
];
/** Written when someone says they have seen the notice: per person, never for the school. */
const SEEN = 'staff.council_notices_seen';

export interface CouncilStep {
	id: number;
	at: string;
	/** The coordinator who took the step. */
	by: string;
	/** "turned off Sam Lee's account". */
	what: string;
}

export interface CouncilNotice {
	steps: CouncilStep[];
}

interface StepRow {
	action: string;
	detail: string | null;
	target_id: string | null;
}

function describe(row: StepRow, names: Map<string, string>): string {
	const name = (row.target_id && names.get(row.target_id)) ?? 'a member of staff';
	const detail = row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : {};
	switch (row.action) {
		case 'staff.invited': {
			const who = detail.role === 'lead' ? 'a school lead' : 'a teacher';
			return `made an invitation link for ${who}${detail.note ? ` (“${detail.note}”)` : ''}`;
		}
		case 'staff.invitation_revoked':
			return 'withdrew an invitation link';
		case 'staff.reset_issued':
			return `made a password reset link for ${name}`;
		case 'staff.disabled':
			return `turned off ${name}’s account`;
		case 'staff.enabled':
			return `turned ${name}’s account back on`;
		case 'staff.role_changed':
			return `made ${name} ${detail.to === 'lead' ? 'a school lead' : 'a teacher'}`;
		default:
			return detail.to === 'dsl'
				? `made ${name} the Designated Safeguarding Lead`
				: detail.to === 'deputy'
					? `made ${name} a deputy safeguarding lead`
					: `made ${name} no longer a safeguarding lead`;
	}
}

/**
 * The council's steps on this person's school's staff that they have not said they have
 * seen: since their account was made, within the last WINDOW_DAYS. Null when they are not
 * told of them (access.ts councilNoticeSchool); an empty list when there is nothing new.
 */
export async function councilNotice(
	user: StaffPrincipal,
	now = new Date()
): Promise<CouncilNotice | null> {
	const schoolId = await councilNoticeSchool(user);
	if (schoolId === null) return null;
	const db = getDb();
	const me = await db
		.selectFrom('staff_users')
		.select('created_at')
		.where('id', '=', user.id)
		.executeTakeFirst();
	const windowStart = new Date(now.getTime() - WINDOW_DAYS * DAY).toISOString();
	const since = me && me.created_at > windowStart ? me.created_at : windowStart;
	const rows = await db
		.selectFrom('audit_events as e')
		.leftJoin('staff_users as a', 'a.id', 'e.actor_id')
		.select([
			'e.id',
			'e.at',
			'e.action',
			'e.actor_id',
			'e.target_id',
			'e.detail',
			'a.role as actor_role',
			'a.display_name as actor_name'
		])
		.where('e.school_id', '=', schoolId)
		.where('e.at', '>', since)
		.where('e.action', 'in', [...COUNCIL_STEPS, SEEN])
		.where('e.actor_type', '=', 'staff')
		.orderBy('e.id')
		.execute();
	// By id, not time: a step in the same millisecond as the reading is still new.
	const seenUpTo = rows
		.filter((r) => r.action === SEEN && r.actor_id === user.id)
		.reduce((last, r) => Math.max(last, r.id), 0);
	const steps = rows.filter(
		(r) => r.action !== SEEN && r.actor_role === 'coordinator' && r.id > seenUpTo
	);
	const targetIds = [...new Set(steps.flatMap((r) => (r.target_id ? [Number(r.target_id)] : [])))];
	const targets = targetIds.length
		? await db
				.selectFrom('staff_users')
				.select(['id', 'display_name'])
				.where('id', 'in', targetIds)
				.execute()
		: [];
	const names = new Map(targets.map((t) => [String(t.id), t.display_name]));
	return {
		steps: steps.map((r) => ({
			id: r.id,
			at: r.at,
			by: r.actor_name ?? 'The council',
			what: describe(r, names)
		}))
	};
}

/** This person has read the notice: it stays in the audit log, and leaves their pages. */
export async function markCouncilNoticeSeen(user: StaffPrincipal): Promise<boolean> {
	const schoolId = await councilNoticeSchool(user);
	if (schoolId === null) return false;
	await recordAudit({ actor: staffActor(user), action: SEEN, schoolId });
	return true;
}
