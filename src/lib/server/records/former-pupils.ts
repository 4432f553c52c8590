// Pupils' records, kept for PUPIL_RETENTION_MONTHS after the end of the academic year their
// class belongs to (31 August), then deleted by the daily job. The year's figures stay: the
// rows the reports count (attendance marks, answers right or wrong, lessons finished or done
// on paper) are kept, but nothing in them is the child's any more. The pupil becomes a
// *former pupil*: no name, no picture password, no sign-in or card, none of their choices,
// no step numbers or times, listed nowhere by name. A pupil with a request for help that is
// still open is kept whole until the safeguarding lead records it (as for erasure by hand:
// deleting the name would leave the lead a request from nobody).
import { sql, type Transaction } from 'kysely';
import { academicYearOf, recordAudit, getDb, readRetentionConfig } from '../platform';
import { signOutPupil } from '../auth';
import type { DB } from '../platform';
import { isHelpOpen } from './help-records';
import { removeHelpText } from '../safeguarding';
import { recordsDeletedNotice, recordsKeptNotice } from './deleted-notice';
import { keepChoiceCounts } from '../reports';
import { monthsBefore } from './dates';

export interface FormerPupilsResult {
	/** Pupils whose records were deleted by this run. */
	deleted: number;
	/** Pupils due but kept: a request for help of theirs is still open. */
	kept: number;
}

/** What a former pupil's name becomes: empty, so no list or search can show or find it. */
const NO_NAME = '';
/** What a former pupil's choices become: none (a JSON array, as the column holds). */
const NO_CHOICE = '[]';

/**
 * The first academic year whose pupils are still kept at `now`: every earlier year ended
 * (on 31 August) at least `months` before now. Academic years ("2025/26") sort as text in
 * the order of the years they name.
 */
export function firstYearKept(now: Date, months: number): string {
	// A year ends when the next begins (1 September), so every year before the one in which
	// the cut-off falls had ended by the cut-off.
	return academicYearOf(monthsBefore(now, months));
}

/** When a pupil of `academicYear` is due to become a former pupil (1 September, UTC). */
export function recordsDueOn(academicYear: string, months: number): Date {
	const endYear = Number(academicYear.slice(0, 4)) + 1;
	return new Date(Date.UTC(endYear, 8 + months, 1));
}

interface DuePupil {
	id: number;
	class_id: number;
	school_id: number;
}

export async function deleteFormerPupilsRecords(
	now: Date,
	months: number
): Promise<FormerPupilsResult> {
	const due = await getDb()
		.selectFrom('pupils as p')
		.innerJoin('classes as c', 'c.id', 'p.class_id')
		.select(['p.id', 'p.class_id', 'c.school_id'])
		.where('p.records_deleted_at', 'is', null)
		.where('c.academic_year', '<', firstYearKept(now, months))
		.orderBy('p.id')
		.execute();
	if (due.length === 0) return { deleted: 0, kept: 0 };
	const byClass = new Map<number, DuePupil[]>();
	for (const pupil of due) {
		const list = byClass.get(pupil.class_id);
		if (list) list.push(pupil);
		else byClass.set(pupil.class_id, [pupil]);
	}
	const result: FormerPupilsResult = { deleted: 0, kept: 0 };
	for (const pupils of byClass.values()) {
		// One class at a time: requests arriving meanwhile wait for one class, not the borough.
		const { deleted, kept } = await getDb()
			.transaction()
			.execute((trx) => deleteClassRecords(trx, pupils, now, months));
		result.deleted += deleted.length;
		result.kept += kept;
		// A device still holding a live stream for one of them hears nothing more.
		for (const id of deleted) await signOutPupil(id);
	}
	return result;
}

async function deleteClassRecords(
	trx: Transaction<DB>,
	pupils: DuePupil[],
	now: Date,
	months: number
): Promise<{ deleted: number[]; kept: number }> {
	const at = now.toISOString();
	const { classId, schoolId } = { classId: pupils[0].class_id, schoolId: pupils[0].school_id };
	const help = await trx
		.selectFrom('help_requests')
		.select([
			'id',
			'pupil_id',
			'school_id',
			'acknowledged_at',
			'text_removal_due_at',
			'text_removed_at'
		])
		.where(
			'pupil_id',
			'in',
			pupils.map((p) => p.id)
		)
		.execute();
	const open = help.filter(isHelpOpen);
	const waiting = new Set(open.map((r) => r.pupil_id));
	const ids = pupils.map((p) => p.id).filter((id) => !waiting.has(id));
	await tellSafeguardingLeads(trx, open, months);
	if (ids.length === 0) return { deleted: [], kept: waiting.size };

	await letRecordedHelpGo(
		trx,
		help.filter((r) => !isHelpOpen(r) && ids.includes(r.pupil_id!)),
		at
	);
	await trx
		.updateTable('pupils')
		.set((eb) => ({
			first_name: NO_NAME,
			last_initial: NO_NAME,
			// Unique in the class (a database rule) and never a picture sequence, so it signs
			// nobody in; it says nothing of the pictures the child had.
			picture_password: sql<string>`${'deleted-'} || ${eb.ref('id')}`,
			failed_attempts: 0,
			locked_until: null,
			records_deleted_at: at
		}))
		.where('id', 'in', ids)
		.execute();
	await trx.deleteFrom('pupil_sessions').where('pupil_id', 'in', ids).execute();
	await trx.deleteFrom('pupil_login_tokens').where('pupil_id', 'in', ids).execute();
	// The time of a session stands in for the child's own times: the figures read none of them.
	const sessionStart = (table: 'answers' | 'progress' | 'attendance') =>
		sql<string>`(select s.created_at from class_sessions s where s.id = ${sql.ref(`${table}.session_id`)})`;
	// The figures need which question, when in the lesson, in which run, right or wrong, and
	// whether it is the pupil's first answer; not what the child chose. The class report's
	// spread of choices keeps its counts, without the child (kept-choices.ts).
	await keepChoiceCounts(trx, ids);
	await trx
		.updateTable('answers')
		.set((eb) => ({
			selected: NO_CHOICE,
			client_id: sql<string>`${'deleted-'} || ${eb.ref('id')}`,
			answered_at: sessionStart('answers')
		}))
		.where('pupil_id', 'in', ids)
		.execute();
	// Reaching the end is a figure (completion); how far a child got short of it is not.
	await trx
		.deleteFrom('progress')
		.where('pupil_id', 'in', ids)
		.where('reached_end', '=', 0)
		.execute();
	await trx
		.updateTable('progress')
		.set({ current_step: 0, furthest_step: 0, updated_at: sessionStart('progress') })
		.where('pupil_id', 'in', ids)
		.execute();
	await trx
		.updateTable('attendance')
		.set({ updated_at: sessionStart('attendance') })
		.where('pupil_id', 'in', ids)
		.execute();
	// The mark stays for completion; who marked it is no longer needed, so the marker's
	// account can be deleted when its own time comes (staff-accounts.ts).
	await trx
		.updateTable('paper_completions')
		.set({ marked_by: null })
		.where('pupil_id', 'in', ids)
		.execute();
	await recordAudit(
		{
			actor: { type: 'system' },
			action: 'pupils.records_deleted',
			schoolId,
			target: { type: 'class', id: classId },
			detail: { pupils: ids.length, kept: waiting.size, months }
		},
		trx
	);
	return { deleted: ids, kept: waiting.size };
}

/**
 * Requests already recorded in the school's safeguarding system lose now what they would
 * lose when their own kept period ends: the words, topics, notes' text, outcome, and the
 * link to the child and class (as erasure.ts does).
 */
async function letRecordedHelpGo(
	trx: Transaction<DB>,
	rows: { id: number; school_id: number }[],
	at: string
): Promise<void> {
	if (rows.length === 0) return;
	await removeHelpText(
		trx,
		rows.map((r) => r.id),
		at
	);
	for (const row of rows)
		await recordAudit(
			{
				actor: { type: 'system' },
				action: 'help.text-removed',
				schoolId: row.school_id,
				target: { type: 'help_request', id: row.id },
				detail: { reason: 'pupil retention' }
			},
			trx
		);
}

/**
 * An open request keeps its pupil's records past their period: the school's safeguarding
 * lead decides. They see it once in the school's audit log, against the request, rather than
 * every day the request stays open.
 */
async function tellSafeguardingLeads(
	trx: Transaction<DB>,
	open: { id: number; school_id: number }[],
	months: number
): Promise<void> {
	if (open.length === 0) return;
	const told = new Set(
		(
			await trx
				.selectFrom('audit_events')
				.select('target_id')
				.where('action', '=', 'help.keeps_pupil_records')
				.where('target_type', '=', 'help_request')
				.where(
					'target_id',
					'in',
					open.map((r) => String(r.id))
				)
				.execute()
		).map((r) => r.target_id)
	);
	for (const request of open) {
		if (told.has(String(request.id))) continue;
		await recordAudit(
			{
				actor: { type: 'system' },
				action: 'help.keeps_pupil_records',
				schoolId: request.school_id,
				target: { type: 'help_request', id: request.id },
				detail: { months }
			},
			trx
		);
	}
}

// ——— saying so where a list is empty because of it ———

/** The class's former pupils, as a notice, or null when it has none. */
export async function recordsDeletedInClass(classId: number): Promise<string | null> {
	const row = await getDb()
		.selectFrom('pupils')
		.select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('records_deleted_at').as('at')])
		.where('class_id', '=', classId)
		.where('records_deleted_at', 'is not', null)
		.executeTakeFirstOrThrow();
	return row.at ? recordsDeletedNotice(Number(row.n), row.at) : null;
}

/** When a pupil's records were deleted by the retention period, or null while they are kept. */
export async function recordsDeletedOn(pupilId: number): Promise<string | null> {
	const row = await getDb()
		.selectFrom('pupils')
		.select('records_deleted_at')
		.where('id', '=', pupilId)
		.executeTakeFirst();
	return row?.records_deleted_at ?? null;
}

/** The school's years whose pupils' records were deleted, newest first, with when. */
export async function recordsDeletedInSchool(
	schoolId: number
): Promise<{ academicYear: string; notice: string }[]> {
	const rows = await getDb()
		.selectFrom('pupils as p')
		.innerJoin('classes as c', 'c.id', 'p.class_id')
		.select((eb) => [
			'c.academic_year',
			eb.fn.countAll<number>().as('n'),
			eb.fn.max('p.records_deleted_at').as('at')
		])
		.where('c.school_id', '=', schoolId)
		.where('p.records_deleted_at', 'is not', null)
		.groupBy('c.academic_year')
		.orderBy('c.academic_year', 'desc')
		.execute();
	return rows.map((r) => ({
		academicYear: r.academic_year,
		notice: recordsDeletedNotice(Number(r.n), r.at!)
	}));
}

/**
 * For the safeguarding lead reading an open request: the pupil's records are past their
 * period and kept only because of it, or null. Read from the pupil's year, so it holds from
 * the day the records fall due, whether or not the daily job has run since.
 */
export async function recordsKeptFor(
	requestId: number,
	now = new Date(),
	months = readRetentionConfig().pupilMonths
): Promise<string | null> {
	const row = await getDb()
		.selectFrom('help_requests as h')
		.innerJoin('pupils as p', 'p.id', 'h.pupil_id')
		.innerJoin('classes as c', 'c.id', 'p.class_id')
		.select(['c.academic_year', 'h.acknowledged_at', 'h.text_removal_due_at', 'h.text_removed_at'])
		.where('h.id', '=', requestId)
		.where('p.records_deleted_at', 'is', null)
		.executeTakeFirst();
	if (!row || !isHelpOpen(row) || row.academic_year >= firstYearKept(now, months)) return null;
	return recordsKeptNotice(recordsDueOn(row.academic_year, months).toISOString());
}
