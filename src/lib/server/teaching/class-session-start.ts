// Starting a class session: the data's rules for a new one (one live session per class;
// one whole-class self-paced session of a lesson open at a time; a catch-up's pupils in the
// class), and the run it belongs to. Apart from class-sessions.ts, which reads them, because
// this is the one place they are written. Refusals are thrown as Refused (refusal.ts); the
// teacher's form is checked first in screens' lesson-choices.ts.
import { recordAudit, staffActor, getDb, Refused } from '../platform';
import type { StaffPrincipal } from '../auth';
import type { SessionMode } from '../platform';
import { getLesson } from '../lessons';
import { recordRevisions } from './lesson-revisions';

export interface NewClassSession {
	classId: number;
	lessonId: string;
	mode: SessionMode;
	/** Self-paced: the last day it is open (YYYY-MM-DD), inclusive. */
	openUntil?: string;
	/** A catch-up for these pupils only. */
	pupilIds?: number[];
	/**
	 * A fresh run: pupils answer every question again. Otherwise the session carries on the
	 * class's latest run of the lesson (a catch-up, a self-paced reopening), keeping answers.
	 */
	fresh?: boolean;
}

/** The end of a day in the UK: a session "open until 5 Dec" closes at midnight that night. */
export function closingTime(day: string): string {
	const [y, m, d] = day.split('-').map(Number);
	// Europe/London is UTC+0 or +1; closing at 23:59 UTC keeps the whole UK school day open.
	return new Date(Date.UTC(y, m - 1, d, 23, 59, 59)).toISOString();
}

/**
 * Writes a new class session under the data's rules (one live session per class; one
 * whole-class self-paced session of a lesson open at a time). startClassSession, in
 * lesson-choices.ts, checks the teacher's form and the class's history first.
 */
export async function createClassSession(
	input: NewClassSession,
	by: StaffPrincipal,
	now = new Date()
): Promise<number> {
	const lesson = getLesson(input.lessonId);
	if (!lesson)
		throw new Refused('That lesson is not in the library (or has problems to fix first).');
	if (input.mode === 'self' && lesson.delivery === 'teacher-led')
		throw new Refused(
			'This lesson is taught live, with you in the room: start it live, not at their own pace.'
		);
	let closesAt: string | null = null;
	if (input.mode === 'self') {
		if (
			!input.openUntil ||
			!/^\d{4}-\d{2}-\d{2}$/.test(input.openUntil) ||
			Number.isNaN(Date.parse(input.openUntil))
		) {
			throw new Refused('Choose the last day pupils can work on it.');
		}
		closesAt = closingTime(input.openUntil);
		if (Date.parse(closesAt) <= now.getTime())
			throw new Refused('Choose a day from today onwards.');
	}
	const pupilIds = [...new Set(input.pupilIds ?? [])];
	// The revision this session runs is kept before the session names it.
	await recordRevisions([lesson]);
	return getDb()
		.transaction()
		.execute(async (trx) => {
			// Checked inside the transaction; the partial unique index (migration 004) backs it up.
			if (input.mode === 'live') {
				const live = await trx
					.selectFrom('class_sessions')
					.select('id')
					.where('class_id', '=', input.classId)
					.where('mode', '=', 'live')
					.where('status', '<>', 'ended')
					.executeTakeFirst();
				if (live) {
					throw new Refused(
						'This class already has a live lesson running. End it before starting another.'
					);
				}
			}
			// One self-paced session of a lesson open to the whole class at a time: a second
			// would give every pupil two identical cards. Starting it again opens the same one,
			// kept open until the later of the two days.
			if (input.mode === 'self' && pupilIds.length === 0) {
				const open = await trx
					.selectFrom('class_sessions')
					.select(['id', 'closes_at'])
					.where('class_id', '=', input.classId)
					.where('lesson_id', '=', lesson.id)
					.where('mode', '=', 'self')
					.where('audience', '=', 'class')
					.where('status', '<>', 'ended')
					.where('closes_at', '>', now.toISOString())
					.orderBy('id')
					.executeTakeFirst();
				if (open) {
					if (closesAt && closesAt > open.closes_at!)
						await trx
							.updateTable('class_sessions')
							.set({ closes_at: closesAt })
							.where('id', '=', open.id)
							.execute();
					return open.id;
				}
			}
			if (pupilIds.length) {
				const inClass = await trx
					.selectFrom('pupils')
					.select('id')
					.where('class_id', '=', input.classId)
					.where('id', 'in', pupilIds)
					.where('archived_at', 'is', null)
					.execute();
				if (inClass.length !== pupilIds.length)
					throw new Refused('Some of those pupils are not in this class.');
			}
			const at = now.toISOString();
			const latest = await trx
				.selectFrom('class_sessions')
				.select((eb) => eb.fn.max('run').as('run'))
				.where('class_id', '=', input.classId)
				.where('lesson_id', '=', lesson.id)
				.executeTakeFirst();
			const { id } = await trx
				.insertInto('class_sessions')
				.values({
					class_id: input.classId,
					lesson_id: lesson.id,
					lesson_hash: lesson.hash,
					mode: input.mode,
					status: input.mode === 'live' ? 'lobby' : 'running',
					current_step: -1,
					closes_at: closesAt,
					started_by: by.id,
					created_at: at,
					started_at: input.mode === 'self' ? at : null,
					audience: pupilIds.length ? 'some' : 'class',
					run: latest?.run ?? 0
				})
				.returning('id')
				.executeTakeFirstOrThrow();
			// A fresh run is named by its first session (only a class that has had the lesson
			// has a run to leave behind).
			if (input.fresh && latest?.run !== null && latest?.run !== undefined)
				await trx.updateTable('class_sessions').set({ run: id }).where('id', '=', id).execute();
			if (pupilIds.length) {
				await trx
					.insertInto('class_session_pupils')
					.values(pupilIds.map((p) => ({ session_id: id, pupil_id: p })))
					.execute();
			}
			await recordAudit(
				{
					actor: staffActor(by),
					action: 'session.started',
					target: { type: 'session', id },
					detail: {
						lesson: lesson.id,
						mode: input.mode,
						catchUp: pupilIds.length > 0,
						...(input.fresh ? { fresh: true } : {})
					}
				},
				trx
			);
			return id;
		});
}
