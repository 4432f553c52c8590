// A pupil's request for help: what their form may send, and storing it once however often
// it is sent. It is read and answered by the school's safeguarding leads only (lead-view.ts,
// chronology.ts); who may read a school's requests is decided in access.ts
// (canReadHelpRequests). A request that cannot be taken is refused by throwing Refused
// (refusal.ts); the pupil's page and outbox turn it into their own answers.
import { z } from 'zod';
import {
	HELP_ABOUT,
	HELP_MESSAGE_MAX,
	HELP_TALK_TO,
	HELP_TOPICS,
	HELP_URGENCY
} from '../../help-request';
import { helpReadersOf } from '../access';
import { recordAudit, getDb, Refused } from '../platform';
import type { PupilPrincipal } from '../auth';

type Keys<L extends readonly { key: string }[]> = [L[number]['key'], ...L[number]['key'][]];
/** The keys of a list of choices, as zod's enum wants them. */
export const keysOf = <L extends readonly { key: string }[]>(list: L) =>
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
/** A request stored (a refusal is thrown as Refused instead). */
export interface SubmitResult {
	ok: true;
	id: number;
	/** False when this was the same request sent again (a retry): stored once. */
	created: boolean;
	/** Who will read it, for the alert. */
	schoolId: number;
}

/** Stores a pupil's request once (by its client id) and writes who sent it to the audit log. */
export async function submitHelpRequest(
	pupil: Pick<PupilPrincipal, 'id' | 'classId' | 'schoolId'>,
	input: unknown,
	now = new Date()
): Promise<SubmitResult> {
	const parsed = HelpRequestInput.safeParse(input);
	if (!parsed.success) {
		const tooLong = parsed.error.issues.find((i) => i.path[0] === 'message');
		throw new Refused(
			tooLong?.message ?? 'Something was missing. Please choose an answer for each question.'
		);
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
				// Another pupil's client id (a clash of random ids, or a forged one): nothing is
				// written, and the pupil is asked to send it again.
				if (!existing || existing.pupil_id !== pupil.id)
					throw new Refused('Please try sending that again.', undefined, 409);
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
