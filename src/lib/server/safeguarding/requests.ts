// A pupil's request for help and its chronology: sent by the pupil, read and answered by
// the school's safeguarding leads only. Records are never edited or deleted by staff:
// the lead acknowledges once and adds dated notes; a correction is a new note. Who may
// read a school's requests is decided in access.ts (canReadHelpRequests).
import { z } from 'zod';
import {
	HELP_ABOUT,
	HELP_MESSAGE_MAX,
	HELP_TALK_TO,
	HELP_TOPICS,
	HELP_URGENCY
} from '../../help-request';
import { helpReadersOf } from '../access';
import {
	recordAudit,
	staffActor,
	readHelpConfig,
	type HelpConfig,
	getDb,
	schoolMinutesBetween
} from '../platform';
import type { PupilPrincipal, StaffPrincipal } from '../auth';
import type { DB, HelpNoteKind, HelpRequestsTable } from '../platform';
import type { Selectable, Transaction } from 'kysely';

type Keys<L extends readonly { key: string }[]> = [L[number]['key'], ...L[number]['key'][]];
const keysOf = <L extends readonly { key: string }[]>(list: L) =>
	list.map((item) => item.key) as Keys<L>;

/** What the pupil's form sends. Only `about`, `urgency` and `talkTo` are required. */
export const HelpRequestInput = z.object({
	clientId: z.string().regex(/^[0-9a-f]{32}$/),
	about: z.enum(keysOf(HELP_ABOUT)),
	topics: z
		.array(z.enum(keysOf(HELP_TOPICS)))
		.max(HELP_TOPICS.length)
		.default([])
		.transform((topics) => [...new Set(topics)]),
	message: z
		.string()
		.max(HELP_MESSAGE_MAX * 2)
		.optional()
		.transform((text) => text?.replace(/\r\n?/g, '\n').trim() || null)
		.refine((text) => !text || [...text].length <= HELP_MESSAGE_MAX, {
			message: `That is a little long: please keep it under ${HELP_MESSAGE_MAX} letters.`
		}),
	urgency: z.enum(keysOf(HELP_URGENCY)),
	talkTo: z.enum(keysOf(HELP_TALK_TO))
});
export type HelpRequestInput = z.input<typeof HelpRequestInput>;

export type Refusal = { ok: false; status: 400 | 404 | 409; message: string };

export type SubmitResult =
	| {
			ok: true;
			id: number;
			/** False when this was the same request sent again (a retry): stored once. */
			created: boolean;
			/** Who will read it, for the alert. */
			schoolId: number;
	  }
	| Refusal;

/** Stores a pupil's request once (by its client id) and writes who sent it to the audit log. */
export async function submitHelpRequest(
	pupil: Pick<PupilPrincipal, 'id' | 'classId' | 'schoolId'>,
	input: unknown,
	now = new Date()
): Promise<SubmitResult> {
	const parsed = HelpRequestInput.safeParse(input);
	if (!parsed.success) {
		const tooLong = parsed.error.issues.find((i) => i.path[0] === 'message');
		return {
			ok: false,
			status: 400,
			message:
				tooLong?.message ?? 'Something was missing. Please choose an answer for each question.'
		};
	}
	const data = parsed.data;
	const { routedTo } = await helpReadersOf(pupil.schoolId);
	return getDb()
		.transaction()
		.execute(async (trx) => {
			const inserted = await trx
				.insertInto('help_requests')
				.values({
					client_id: data.clientId,
					pupil_id: pupil.id,
					class_id: pupil.classId,
					school_id: pupil.schoolId,
					about: data.about,
					topics: JSON.stringify(data.topics),
					message: data.message,
					urgency: data.urgency,
					talk_to: data.talkTo,
					routed_to: routedTo,
					created_at: now.toISOString()
				})
				.onConflict((oc) => oc.column('client_id').doNothing())
				.returning('id')
				.executeTakeFirst();
			if (!inserted) {
				// The same request sent again after a dropped connection: it is stored already.
				const existing = await trx
					.selectFrom('help_requests')
					.select(['id', 'pupil_id'])
					.where('client_id', '=', data.clientId)
					.executeTakeFirst();
				if (!existing || existing.pupil_id !== pupil.id) {
					return { ok: false, status: 409, message: 'Please try sending that again.' } as const;
				}
				return { ok: true, id: existing.id, created: false, schoolId: pupil.schoolId } as const;
			}
			// The audit row says that a request was made and by whom, never what it says.
			await recordAudit(
				{
					actor: { type: 'pupil', id: pupil.id, schoolId: pupil.schoolId },
					action: 'help.requested',
					schoolId: pupil.schoolId,
					target: { type: 'help_request', id: inserted.id }
				},
				trx
			);
			return { ok: true, id: inserted.id, created: true, schoolId: pupil.schoolId } as const;
		});
}

// ——— the safeguarding lead's side ———

export type HelpStatus = 'new' | 'open' | 'closed';

export interface HelpRequestSummary {
	id: number;
	pupilName: string | null;
	className: string | null;
	about: string;
	topics: string[];
	urgency: string;
	talkTo: string;
	createdAt: string;
	acknowledgedAt: string | null;
	closedAt: string | null;
	status: HelpStatus;
	/** Not acknowledged within the configured school hours. */
	overdue: boolean;
	/** When the pupil's words are due to be removed, or were. */
	textRemovalDueAt: string | null;
	textRemovedAt: string | null;
}

export interface HelpNote {
	id: number;
	kind: HelpNoteKind;
	body: string | null;
	by: string | null;
	at: string;
}

export interface HelpRequestDetail extends HelpRequestSummary {
	message: string | null;
	outcome: string | null;
	acknowledgedBy: string | null;
	notes: HelpNote[];
}

function statusOf(row: Pick<Selectable<HelpRequestsTable>, 'acknowledged_at' | 'closed_at'>) {
	return row.closed_at ? 'closed' : row.acknowledged_at ? 'open' : 'new';
}

/** Whether a request has waited longer than the configured school hours for acknowledgement. */
export function isOverdue(
	row: Pick<Selectable<HelpRequestsTable>, 'created_at' | 'acknowledged_at'>,
	now: Date,
	config: HelpConfig = readHelpConfig()
): boolean {
	if (row.acknowledged_at) return false;
	const waited = schoolMinutesBetween(new Date(row.created_at), now, config.schoolDay);
	return waited >= config.ackSchoolHours * 60;
}

function requestsOf(schoolId: number) {
	return getDb()
		.selectFrom('help_requests as h')
		.leftJoin('pupils as p', 'p.id', 'h.pupil_id')
		.leftJoin('classes as c', 'c.id', 'h.class_id')
		.selectAll('h')
		.select(['p.first_name', 'p.last_initial', 'c.name as class_name'])
		.where('h.school_id', '=', schoolId);
}

type RequestRow = Awaited<ReturnType<ReturnType<typeof requestsOf>['execute']>>[number];

function summarise(row: RequestRow, now: Date, config: HelpConfig): HelpRequestSummary {
	return {
		id: row.id,
		pupilName: row.first_name ? `${row.first_name} ${row.last_initial}` : null,
		className: row.class_name,
		about: row.about,
		topics: JSON.parse(row.topics) as string[],
		urgency: row.urgency,
		talkTo: row.talk_to,
		createdAt: row.created_at,
		acknowledgedAt: row.acknowledged_at,
		closedAt: row.closed_at,
		status: statusOf(row),
		overdue: isOverdue(row, now, config),
		textRemovalDueAt: row.text_removal_due_at,
		textRemovedAt: row.text_removed_at
	};
}

const STATUS_ORDER: Record<HelpStatus, number> = { new: 0, open: 1, closed: 2 };

/** A school's requests for its safeguarding leads: new first, then open, then closed; newest first within each. */
export async function listHelpRequests(
	schoolId: number,
	now = new Date()
): Promise<HelpRequestSummary[]> {
	const config = readHelpConfig();
	const rows = await requestsOf(schoolId).orderBy('h.created_at', 'desc').execute();
	return rows
		.map((row) => summarise(row, now, config))
		.sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status]);
}

/** One request with its whole chronology. Every look is written to the audit log. */
export async function viewHelpRequest(
	reader: StaffPrincipal,
	schoolId: number,
	id: number,
	ip: string | null = null,
	now = new Date()
): Promise<HelpRequestDetail | undefined> {
	const row = await requestsOf(schoolId).where('h.id', '=', id).executeTakeFirst();
	if (!row) return undefined;
	const [notes, acknowledger] = await Promise.all([
		getDb()
			.selectFrom('help_request_notes as n')
			.leftJoin('staff_users as s', 's.id', 'n.staff_id')
			.select(['n.id', 'n.kind', 'n.body', 'n.created_at', 's.display_name'])
			.where('n.request_id', '=', id)
			.orderBy('n.id')
			.execute(),
		row.acknowledged_by
			? getDb()
					.selectFrom('staff_users')
					.select('display_name')
					.where('id', '=', row.acknowledged_by)
					.executeTakeFirst()
			: undefined
	]);
	await recordAudit({
		actor: staffActor(reader),
		action: 'help.viewed',
		schoolId,
		target: { type: 'help_request', id },
		ip
	});
	return {
		...summarise(row, now, readHelpConfig()),
		message: row.message,
		outcome: row.outcome,
		acknowledgedBy: acknowledger?.display_name ?? null,
		notes: notes.map((n) => ({
			id: n.id,
			kind: n.kind,
			body: n.body,
			by: n.display_name,
			at: n.created_at
		}))
	};
}

/** Acknowledges once: a second press (or a colleague's at the same moment) changes nothing. */
export async function acknowledgeHelpRequest(
	reader: StaffPrincipal,
	schoolId: number,
	id: number,
	now = new Date()
): Promise<{ ok: true; acknowledged: boolean } | Refusal> {
	return getDb()
		.transaction()
		.execute(async (trx) => {
			const updated = await trx
				.updateTable('help_requests')
				.set({ acknowledged_at: now.toISOString(), acknowledged_by: reader.id })
				.where('id', '=', id)
				.where('school_id', '=', schoolId)
				.where('acknowledged_at', 'is', null)
				.executeTakeFirst();
			if (Number(updated.numUpdatedRows) === 0) {
				const exists = await trx
					.selectFrom('help_requests')
					.select('id')
					.where('id', '=', id)
					.where('school_id', '=', schoolId)
					.executeTakeFirst();
				if (!exists) return { ok: false, status: 404, message: 'There is no such request.' };
				return { ok: true, acknowledged: false };
			}
			await trx
				.insertInto('help_request_notes')
				.values({
					request_id: id,
					staff_id: reader.id,
					kind: 'acknowledged',
					created_at: now.toISOString()
				})
				.execute();
			await recordAudit(
				{
					actor: staffActor(reader),
					action: 'help.acknowledged',
					schoolId,
					target: { type: 'help_request', id }
				},
				trx
			);
			return { ok: true, acknowledged: true };
		});
}

/** What a safeguarding lead can add; closing needs an outcome. */
export const NOTE_KINDS = [
	{ key: 'note', label: 'Note' },
	{ key: 'spoke', label: 'Spoke to the pupil' },
	{ key: 'referred', label: 'Referred' },
	{ key: 'recorded', label: "Recorded in the school's safeguarding system" },
	{ key: 'closed', label: 'Closed, with the outcome' }
] as const;

export const HelpNoteInput = z
	.object({
		clientId: z.string().regex(/^[0-9a-f]{32}$/),
		kind: z.enum(keysOf(NOTE_KINDS)),
		body: z
			.string()
			.max(4000, 'Please keep a note under 4,000 characters.')
			.optional()
			.transform((text) => text?.replace(/\r\n?/g, '\n').trim() || null)
	})
	.refine((note) => note.kind !== 'closed' || !!note.body, {
		message: 'Please write the outcome before closing the request.',
		path: ['body']
	})
	.refine((note) => note.kind !== 'note' || !!note.body, {
		message: 'Please write the note.',
		path: ['body']
	});

/**
 * Adds a dated note. "Recorded in the school's system" starts the clock on removing the
 * pupil's words; "closed" closes the request with its outcome. Sent twice, stored once.
 */
export async function addHelpNote(
	reader: StaffPrincipal,
	schoolId: number,
	id: number,
	input: unknown,
	now = new Date(),
	config: HelpConfig = readHelpConfig()
): Promise<{ ok: true; created: boolean } | Refusal> {
	const parsed = HelpNoteInput.safeParse(input);
	if (!parsed.success) {
		return {
			ok: false,
			status: 400,
			message: parsed.error.issues[0]?.message ?? 'Please check the note.'
		};
	}
	const note = parsed.data;
	return getDb()
		.transaction()
		.execute(async (trx) => {
			const request = await trx
				.selectFrom('help_requests')
				.select(['id', 'closed_at', 'text_removal_due_at', 'acknowledged_at'])
				.where('id', '=', id)
				.where('school_id', '=', schoolId)
				.executeTakeFirst();
			if (!request)
				return { ok: false, status: 404, message: 'There is no such request.' } as const;
			const inserted = await trx
				.insertInto('help_request_notes')
				.values({
					request_id: id,
					client_id: note.clientId,
					staff_id: reader.id,
					kind: note.kind,
					body: note.body,
					created_at: now.toISOString()
				})
				.onConflict((oc) => oc.column('client_id').doNothing())
				.returning('id')
				.executeTakeFirst();
			if (!inserted) return { ok: true, created: false } as const;
			const changes: Partial<Selectable<HelpRequestsTable>> = {};
			// Adding a note is answering: it acknowledges a request nobody had acknowledged yet.
			if (!request.acknowledged_at) {
				changes.acknowledged_at = now.toISOString();
				changes.acknowledged_by = reader.id;
			}
			if (note.kind === 'recorded' && !request.text_removal_due_at) {
				changes.text_removal_due_at = new Date(
					now.getTime() + config.textRetentionDays * 24 * 60 * 60 * 1000
				).toISOString();
			}
			if (note.kind === 'closed' && !request.closed_at) {
				changes.closed_at = now.toISOString();
				changes.outcome = note.body;
			}
			if (Object.keys(changes).length > 0) {
				await trx.updateTable('help_requests').set(changes).where('id', '=', id).execute();
			}
			await recordAudit(
				{
					actor: staffActor(reader),
					action: `help.${note.kind}`,
					schoolId,
					target: { type: 'help_request', id }
				},
				trx
			);
			return { ok: true, created: true } as const;
		});
}

// ——— banners ———

export interface HelpBanner {
	/** For the school's readers: requests waiting for acknowledgement, and how many are overdue. */
	waiting: number;
	overdue: number;
}

/** Unacknowledged requests of a school: counts only, so it is safe for any banner. */
export async function unacknowledgedHelp(schoolId: number, now = new Date()): Promise<HelpBanner> {
	const config = readHelpConfig();
	const rows = await getDb()
		.selectFrom('help_requests')
		.select(['created_at', 'acknowledged_at'])
		.where('school_id', '=', schoolId)
		.where('acknowledged_at', 'is', null)
		.execute();
	return {
		waiting: rows.length,
		overdue: rows.filter((row) => isOverdue(row, now, config)).length
	};
}

// ——— letting go ———

/**
 * What letting go of requests means, in one place: their words, topics, outcome and notes'
 * text, and the link to the pupil and class, go; a dated `text-removed` note says so. Used when
 * the kept period ends (removeDueHelpText) and when a family's erasure reaches a recorded one.
 */
export async function removeHelpText(
	trx: Transaction<DB>,
	ids: number[],
	at: string
): Promise<void> {
	if (ids.length === 0) return;
	await trx
		.updateTable('help_requests')
		.set({
			message: null,
			topics: '[]',
			outcome: null,
			pupil_id: null,
			class_id: null,
			text_removed_at: at
		})
		.where('id', 'in', ids)
		.execute();
	await trx
		.updateTable('help_request_notes')
		.set({ body: null })
		.where('request_id', 'in', ids)
		.execute();
	await trx
		.insertInto('help_request_notes')
		.values(ids.map((id) => ({ request_id: id, kind: 'text-removed' as const, created_at: at })))
		.execute();
}

/**
 * Removes the pupil's words (and the notes' text) from requests recorded in the school's
 * own system once their retention period is over, keeping only what the borough's counts
 * need: the school, when it was made and when it was acknowledged.
 */
export async function removeDueHelpText(now = new Date()): Promise<number> {
	return getDb()
		.transaction()
		.execute(async (trx) => {
			const due = await trx
				.selectFrom('help_requests')
				.select(['id', 'school_id'])
				.where('text_removal_due_at', '<=', now.toISOString())
				.where('text_removed_at', 'is', null)
				.execute();
			if (due.length === 0) return 0;
			await removeHelpText(
				trx,
				due.map((row) => row.id),
				now.toISOString()
			);
			for (const row of due) {
				await recordAudit(
					{
						actor: { type: 'system' },
						action: 'help.text-removed',
						schoolId: row.school_id,
						target: { type: 'help_request', id: row.id }
					},
					trx
				);
			}
			return due.length;
		});
}
