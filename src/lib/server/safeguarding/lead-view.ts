// A school's requests for help as its safeguarding leads read them: the list (new first),
// one request with its whole chronology (every look written to the audit log), whether one
// is overdue, and the counts any banner may show. Apart from requests.ts (the pupil's side)
// and chronology.ts (what a lead adds) because this only reads.
import { recordAudit, staffActor, readHelpConfig, type HelpConfig, getDb } from '../platform';
import { schoolMinutesBetween } from '../platform';
import type { StaffPrincipal } from '../auth';
import type { HelpNoteKind, HelpRequestsTable } from '../platform';
import type { Selectable } from 'kysely';

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
