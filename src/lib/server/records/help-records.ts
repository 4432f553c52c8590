// A pupil's requests for help as a family's records show them: in full for a reader of the
// school's requests, otherwise listed as withheld; and when a request counts as open for
// erasure. Apart from subject-access.ts because erasure and former pupils ask isHelpOpen too.
import { HELP_ABOUT, HELP_TALK_TO, HELP_TOPICS, HELP_URGENCY, helpLabel } from '../../help-request';
import { getDb } from '../platform';
import type { HelpNoteKind } from '../platform';

export interface HelpRecord {
	id: number;
	madeAt: string;
	acknowledgedAt: string | null;
	closedAt: string | null;
	/** When the school's safeguarding lead marked it recorded in the school's own system. */
	recordedAt: string | null;
	textRemovedAt: string | null;
	about: string;
	topics: string[];
	urgency: string;
	talkTo: string;
	message: string | null;
	outcome: string | null;
	notes: { kind: HelpNoteKind; text: string | null; by: string | null; at: string }[];
}

/** What a lead who does not read the school's requests for help is told of them. */
export interface HelpWithheld {
	id: number;
	madeAt: string;
	/** Still open in the sense that matters for erasure: not yet recorded in the school's system. */
	open: boolean;
}

/** Full records for a reader of the school's requests; otherwise what is withheld. */
export type PupilHelpRecords =
	{ shown: true; records: HelpRecord[] } | { shown: false; records: HelpWithheld[] };

/** A request is open, for erasure, until its safeguarding lead has recorded it elsewhere. */
export function isHelpOpen(row: {
	acknowledged_at: string | null;
	text_removal_due_at: string | null;
	text_removed_at: string | null;
}): boolean {
	if (row.text_removed_at !== null) return false;
	return row.acknowledged_at === null || row.text_removal_due_at === null;
}

export async function helpRecordsOf(pupilId: number, showHelp: boolean): Promise<PupilHelpRecords> {
	const db = getDb();
	const requests = await db
		.selectFrom('help_requests')
		.selectAll()
		.where('pupil_id', '=', pupilId)
		.orderBy('created_at')
		.execute();
	if (!showHelp) {
		return {
			shown: false,
			records: requests.map((r) => ({ id: r.id, madeAt: r.created_at, open: isHelpOpen(r) }))
		};
	}
	const notes =
		requests.length === 0
			? []
			: await db
					.selectFrom('help_request_notes as n')
					.leftJoin('staff_users as s', 's.id', 'n.staff_id')
					.select(['n.request_id', 'n.kind', 'n.body', 'n.created_at', 's.display_name'])
					.where(
						'n.request_id',
						'in',
						requests.map((r) => r.id)
					)
					.orderBy('n.id')
					.execute();
	return {
		shown: true,
		records: requests.map((r) => {
			const own = notes.filter((n) => n.request_id === r.id);
			return {
				id: r.id,
				madeAt: r.created_at,
				acknowledgedAt: r.acknowledged_at,
				closedAt: r.closed_at,
				recordedAt: own.find((n) => n.kind === 'recorded')?.created_at ?? null,
				textRemovedAt: r.text_removed_at,
				about: helpLabel(HELP_ABOUT, r.about),
				topics: (JSON.parse(r.topics) as string[]).map((t) => helpLabel(HELP_TOPICS, t)),
				urgency: helpLabel(HELP_URGENCY, r.urgency),
				talkTo: helpLabel(HELP_TALK_TO, r.talk_to),
				message: r.message,
				outcome: r.outcome,
				notes: own.map((n) => ({
					kind: n.kind,
					text: n.body,
					by: n.display_name,
					at: n.created_at
				}))
			};
		})
	};
}
