// The audit log: who did what to whom, for leads (their school) and the coordinator.
import type { Kysely, Transaction } from 'kysely';
import { getDb, nowIso } from './db';
import type { DB } from './db/schema';
import type { StaffPrincipal } from './principals';

export type AuditActor =
	| { type: 'staff'; id: number; schoolId: number | null }
	| { type: 'pupil'; id: number; schoolId: number }
	| { type: 'system' }
	| { type: 'anonymous' };

export interface AuditInput {
	actor: AuditActor;
	action: string;
	/** The school the event belongs to, so that its lead can see it. */
	schoolId?: number | null;
	target?: { type: string; id: string | number };
	detail?: Record<string, unknown>;
	ip?: string | null;
}

/** The signed-in member of staff who did it; none means the system (seeding, scripts). */
export function staffActor(actor: Pick<StaffPrincipal, 'id' | 'schoolId'> | undefined): AuditActor {
	return actor ? { type: 'staff', id: actor.id, schoolId: actor.schoolId } : { type: 'system' };
}

/** An audit entry by a member of staff (or the system) about one thing, filed under a school. */
export async function auditTarget(
	db: Kysely<DB> | Transaction<DB>,
	actor: Pick<StaffPrincipal, 'id' | 'schoolId'> | undefined,
	action: string,
	schoolId: number,
	targetType: string,
	targetId: number,
	detail?: Record<string, unknown>
): Promise<void> {
	await recordAudit(
		{
			actor: staffActor(actor),
			action,
			schoolId,
			target: { type: targetType, id: targetId },
			detail
		},
		db
	);
}

export async function recordAudit(
	input: AuditInput,
	db: Kysely<DB> | Transaction<DB> = getDb()
): Promise<void> {
	const { actor } = input;
	await db
		.insertInto('audit_events')
		.values({
			at: nowIso(),
			actor_type: actor.type,
			actor_id: 'id' in actor ? actor.id : null,
			school_id:
				input.schoolId !== undefined ? input.schoolId : 'schoolId' in actor ? actor.schoolId : null,
			action: input.action,
			target_type: input.target?.type ?? null,
			target_id: input.target ? String(input.target.id) : null,
			detail: input.detail ? JSON.stringify(input.detail) : null,
			ip: input.ip ?? null
		})
		.execute();
}

export interface AuditRow {
	id: number;
	at: string;
	action: string;
	actorType: string;
	/** Kept after a staff account is deleted, when actorName is gone with it. */
	actorId: number | null;
	actorName: string | null;
	schoolName: string | null;
	targetType: string | null;
	targetId: string | null;
	detail: Record<string, unknown> | null;
	ip: string | null;
}

/** Newest first. `schoolId` null means the whole borough (coordinator). */
export async function listAuditEvents(options: {
	schoolId: number | null;
	limit?: number;
	before?: number;
}): Promise<AuditRow[]> {
	let query = getDb()
		.selectFrom('audit_events as e')
		.leftJoin('staff_users as u', (j) =>
			j.onRef('u.id', '=', 'e.actor_id').on('e.actor_type', '=', 'staff')
		)
		.leftJoin('schools as s', 's.id', 'e.school_id')
		.select([
			'e.id',
			'e.at',
			'e.action',
			'e.actor_type',
			'e.actor_id',
			'u.display_name as actor_name',
			's.name as school_name',
			'e.target_type',
			'e.target_id',
			'e.detail',
			'e.ip'
		])
		.orderBy('e.id', 'desc')
		.limit(options.limit ?? 200);
	if (options.schoolId !== null) query = query.where('e.school_id', '=', options.schoolId);
	if (options.before) query = query.where('e.id', '<', options.before);
	const rows = await query.execute();
	return rows.map((r) => ({
		id: r.id,
		at: r.at,
		action: r.action,
		actorType: r.actor_type,
		actorId: r.actor_id,
		actorName: r.actor_name,
		schoolName: r.school_name,
		targetType: r.target_type,
		targetId: r.target_id,
		detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
		ip: r.ip
	}));
}
