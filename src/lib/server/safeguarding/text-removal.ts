// Letting go of a request's words: what it means, in one place, and doing it once the
// school has recorded a request in its own system and the kept period is over. Apart from
// the lead's modules because the server does it (retention.ts, hourly) and so does a
// family's erasure (records/erasure.ts), never a person's click.
import { recordAudit, getDb } from '../platform';
import type { DB } from '../platform';
import type { Transaction } from 'kysely';

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
