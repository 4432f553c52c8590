// What a safeguarding lead adds to a request's chronology: the acknowledgement (once) and
// dated notes; records are never edited or deleted by staff, a correction is a new note.
// Apart from lead-view.ts because these are the lead's writes, each in one transaction with
// its audit row. A note or acknowledgement that cannot be taken is thrown as Refused
// (refusal.ts): 404 for a request that is not the school's, 400 for the note itself.
import { z } from 'zod';
import {
	recordAudit,
	staffActor,
	readHelpConfig,
	type HelpConfig,
	getDb,
	Refused
} from '../platform';
import type { StaffPrincipal } from '../auth';
import type { HelpRequestsTable } from '../platform';
import type { Selectable } from 'kysely';
import { keysOf } from './requests';

const NO_SUCH_REQUEST = 'There is no such request.';

/** Acknowledges once: a second press (or a colleague's at the same moment) changes nothing. */
export async function acknowledgeHelpRequest(
	reader: StaffPrincipal,
	schoolId: number,
	id: number,
	now = new Date()
): Promise<{ ok: true; acknowledged: boolean }> {
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
				if (!exists) throw new Refused(NO_SUCH_REQUEST, undefined, 404);
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
): Promise<{ ok: true; created: boolean }> {
	const parsed = HelpNoteInput.safeParse(input);
	if (!parsed.success) {
		// Shown beside the note's text, whichever part of the note it is about.
		throw new Refused(parsed.error.issues[0]?.message ?? 'Please check the note.', 'body');
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
			if (!request) throw new Refused(NO_SUCH_REQUEST, undefined, 404);
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
