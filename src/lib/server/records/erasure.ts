// A family's right to have their child's records erased, now. The pupil's own rows go
// (name, picture password, answers, attendance, progress, paper marks, cards, sign-ins);
// audit entries that named them keep what staff did and when, without saying to whom; a
// request for help already recorded in the school's own safeguarding system loses its
// words and its link to the child, as it would when its kept period ends. A request that
// is still open stops the erasure: the school's safeguarding lead decides what happens to
// it, and the lead is told so. Who may erase is access.ts's question.
import type { Transaction } from 'kysely';
import { helpReadersOf } from '../access';
import { recordAudit, staffActor, Refused, getDb, flushDeletions } from '../platform';
import { signOutPupil, type StaffPrincipal } from '../auth';
import type { DB } from '../platform';
import { displayName } from '../people';
import { isHelpOpen } from './help-records';
import { alreadyDeletedMessage } from './deleted-notice';
import { removeHelpText } from '../safeguarding';

/** The rows of a pupil's that erasure deletes, counted, so the lead sees what will go. */
export interface ErasureCounts {
	answers: number;
	attendance: number;
	progress: number;
	onPaper: number;
	loginCards: number;
	signIns: number;
	/** Requests for help already recorded elsewhere: their words and link to the child go. */
	recordedHelp: number;
}

export interface ErasurePreview {
	name: string;
	className: string;
	academicYear: string;
	counts: ErasureCounts;
	/** Requests for help not yet recorded in the school's system: erasure waits for them. */
	openHelp: number;
	/** Who decides about those: the school's safeguarding leads (or its leads, with none). */
	safeguardingLeads: string[];
}

export type ErasureResult =
	| { erased: true; counts: ErasureCounts }
	| { erased: false; openHelp: number; safeguardingLeads: string[] };

type Db = ReturnType<typeof getDb> | Transaction<DB>;

async function countOf(
	db: Db,
	table: 'answers' | 'attendance' | 'progress' | 'paper_completions' | 'pupil_login_tokens',
	pupilId: number
): Promise<number> {
	const row = await db
		.selectFrom(table)
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('pupil_id', '=', pupilId)
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

async function helpOf(db: Db, pupilId: number) {
	const rows = await db
		.selectFrom('help_requests')
		.select(['id', 'school_id', 'acknowledged_at', 'text_removal_due_at', 'text_removed_at'])
		.where('pupil_id', '=', pupilId)
		.execute();
	return { open: rows.filter(isHelpOpen), recorded: rows.filter((r) => !isHelpOpen(r)) };
}

async function countsOf(db: Db, pupilId: number) {
	const [answers, attendance, progress, onPaper, loginCards, signIns, help] = await Promise.all([
		countOf(db, 'answers', pupilId),
		countOf(db, 'attendance', pupilId),
		countOf(db, 'progress', pupilId),
		countOf(db, 'paper_completions', pupilId),
		countOf(db, 'pupil_login_tokens', pupilId),
		db
			.selectFrom('pupil_sessions')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('pupil_id', '=', pupilId)
			.executeTakeFirstOrThrow(),
		helpOf(db, pupilId)
	]);
	const counts: ErasureCounts = {
		answers,
		attendance,
		progress,
		onPaper,
		loginCards,
		signIns: Number(signIns.n),
		recordedHelp: help.recorded.length
	};
	return { counts, help };
}

async function safeguardingLeadsOf(schoolId: number): Promise<string[]> {
	const readers = await helpReadersOf(schoolId);
	return readers.people.map((p) => p.display_name);
}

/**
 * A former pupil's records were deleted at the end of the retention period: what is left is
 * their year's figures, which name nobody, so there is nothing of the child's to erase (and
 * erasing it would change the figures of a year long closed).
 */
function refuseFormerPupil(recordsDeletedAt: string | null): void {
	if (recordsDeletedAt !== null) throw new Refused(alreadyDeletedMessage(recordsDeletedAt));
}

/** What erasing this pupil would delete, and whether an open request for help stops it. */
export async function erasurePreview(pupilId: number): Promise<ErasurePreview> {
	const db = getDb();
	const pupil = await db
		.selectFrom('pupils as p')
		.innerJoin('classes as c', 'c.id', 'p.class_id')
		.select([
			'p.first_name',
			'p.last_initial',
			'p.records_deleted_at',
			'c.name',
			'c.academic_year',
			'c.school_id'
		])
		.where('p.id', '=', pupilId)
		.executeTakeFirstOrThrow();
	refuseFormerPupil(pupil.records_deleted_at);
	const { counts, help } = await countsOf(db, pupilId);
	return {
		name: displayName({ firstName: pupil.first_name, lastInitial: pupil.last_initial }),
		className: pupil.name,
		academicYear: pupil.academic_year,
		counts,
		openHelp: help.open.length,
		safeguardingLeads: help.open.length ? await safeguardingLeadsOf(pupil.school_id) : []
	};
}

/**
 * Erases a pupil's records in one transaction, or nothing at all while a request for help
 * of theirs is still open. The audit entry names the class and how many rows went, never
 * the child.
 */
export async function erasePupil(
	pupilId: number,
	actor: Pick<StaffPrincipal, 'id' | 'schoolId'>,
	now = new Date()
): Promise<ErasureResult> {
	const at = now.toISOString();
	const result = await getDb()
		.transaction()
		.execute(async (trx): Promise<ErasureResult & { schoolId: number }> => {
			const pupil = await trx
				.selectFrom('pupils as p')
				.innerJoin('classes as c', 'c.id', 'p.class_id')
				.select(['p.class_id', 'p.records_deleted_at', 'c.school_id'])
				.where('p.id', '=', pupilId)
				.executeTakeFirstOrThrow();
			refuseFormerPupil(pupil.records_deleted_at);
			const { counts, help } = await countsOf(trx, pupilId);
			if (help.open.length > 0) {
				// Refused whole rather than in part: deleting the child's name would leave the
				// safeguarding lead a request from nobody (the link is set to null on delete).
				return {
					erased: false,
					openHelp: help.open.length,
					safeguardingLeads: [],
					schoolId: pupil.school_id
				};
			}
			await letRecordedHelpGo(
				trx,
				help.recorded.map((r) => r.id),
				actor,
				at
			);
			for (const table of [
				'answers',
				'attendance',
				'progress',
				'paper_completions',
				'class_session_pupils',
				'pupil_sessions',
				'pupil_login_tokens'
			] as const)
				await trx.deleteFrom(table).where('pupil_id', '=', pupilId).execute();
			// The log keeps what staff did and when; the entries no longer say to (or by) whom.
			await trx
				.updateTable('audit_events')
				.set({ target_id: null })
				.where('target_type', '=', 'pupil')
				.where('target_id', '=', String(pupilId))
				.execute();
			await trx
				.updateTable('audit_events')
				.set({ actor_id: null })
				.where('actor_type', '=', 'pupil')
				.where('actor_id', '=', pupilId)
				.execute();
			await trx.deleteFrom('pupils').where('id', '=', pupilId).execute();
			await recordAudit(
				{
					actor: staffActor(actor),
					action: 'pupil.erased',
					schoolId: pupil.school_id,
					target: { type: 'class', id: pupil.class_id },
					detail: { ...counts }
				},
				trx
			);
			return { erased: true, counts, schoolId: pupil.school_id };
		});
	if (!result.erased) {
		return {
			erased: false,
			openHelp: result.openHelp,
			safeguardingLeads: await safeguardingLeadsOf(result.schoolId)
		};
	}
	// Any device still holding a live stream for the child hears nothing more.
	await signOutPupil(pupilId);
	// Deleted means gone from the file too: the freed pages are zeroed (secure_delete) and
	// the log's older copies of them dropped. If a backup holds the log open just now, the
	// next checkpoint finishes it.
	await flushDeletions(getDb());
	return { erased: true, counts: result.counts };
}

/**
 * Requests already recorded in the school's safeguarding system keep what the council's
 * counts need and lose the rest now, exactly as when their kept period ends
 * (safeguarding/text-removal.ts, removeDueHelpText): the words, topics, notes' text, outcome,
 * and the link to the child and class.
 */
async function letRecordedHelpGo(
	trx: Transaction<DB>,
	ids: number[],
	actor: Pick<StaffPrincipal, 'id' | 'schoolId'>,
	at: string
): Promise<void> {
	if (ids.length === 0) return;
	const rows = await trx
		.selectFrom('help_requests')
		.select(['id', 'school_id'])
		.where('id', 'in', ids)
		.execute();
	await removeHelpText(trx, ids, at);
	for (const row of rows)
		await recordAudit(
			{
				actor: staffActor(actor),
				action: 'help.text-removed',
				schoolId: row.school_id,
				target: { type: 'help_request', id: row.id },
				detail: { reason: 'erasure' }
			},
			trx
		);
}
