// A family's right to see what is held about their child (subject access): gathering
// everything Think Safe holds about one pupil in one plain object that the printable page
// and the JSON file both show, and writing each look to the audit log. Finding the pupil is
// pupil-search.ts; their requests for help, help-records.ts. Who may ask is access.ts's
// question (assertCanHandlePupilRecords); erasing is erasure.ts.
import sanitizeHtml from 'sanitize-html';
import { recordAudit, staffActor, Refused, getDb } from '../platform';
import type { StaffPrincipal } from '../auth';
import { revisionsByHash } from '../teaching';
import { getLibrary, type Lesson } from '../lessons';
import { alreadyDeletedMessage } from './deleted-notice';
import { helpRecordsOf, type PupilHelpRecords } from './help-records';

export interface SubjectAccess {
	producedAt: string;
	school: string;
	pupil: {
		id: number;
		firstName: string;
		lastInitial: string;
		addedAt: string;
		archivedAt: string | null;
		/** Whether a picture password is held; the pictures themselves are never shown here. */
		picturePassword: string;
		wrongPictureTries: number;
		signInPausedUntil: string | null;
	};
	classes: {
		name: string;
		academicYear: string;
		yearGroup: number;
		current: boolean;
		archivedAt: string | null;
	}[];
	attendance: {
		sessionId: number;
		lesson: string;
		className: string;
		date: string;
		mode: 'live' | 'self';
		status: 'present' | 'absent';
		/** 'joined' when the pupil signed in, 'teacher' when marked by hand. */
		markedBy: 'joined' | 'teacher';
	}[];
	progress: {
		sessionId: number;
		lesson: string;
		furthestStep: number;
		steps: number | null;
		reachedEnd: boolean;
		updatedAt: string;
	}[];
	answers: {
		sessionId: number;
		lesson: string;
		question: string;
		/** 'before' the lesson (the knowledge check) or 'during' it. */
		when: 'before' | 'during';
		chosen: string[];
		/** Null for a poll, which has no right answer. */
		correct: boolean | null;
		answeredAt: string;
	}[];
	onPaper: { lesson: string; markedAt: string }[];
	loginCards: { issuedAt: string; revokedAt: string | null }[];
	signIns: { startedAt: string; endsAt: string }[];
	/** Full records for a reader of the school's requests; otherwise what is withheld. */
	helpRequests: PupilHelpRecords;
	audit: { at: string; action: string; by: string }[];
}

const plain = (html: string) =>
	sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} }).replace(/\s+/g, ' ').trim();

/** The lesson each session ran (its own revision), for titles and question texts. */
async function sessionLessons(
	sessions: { id: number; lesson_id: string; lesson_hash: string }[]
): Promise<Map<number, Lesson | undefined>> {
	const byHash = await revisionsByHash(sessions.map((s) => s.lesson_hash));
	const library = getLibrary();
	return new Map(
		sessions.map((s) => [s.id, byHash.get(s.lesson_hash) ?? library.getLesson(s.lesson_id)])
	);
}

const PICTURES_HELD =
	'Held: three pictures the pupil signs in with. Not shown here, because they still sign the pupil in; their teacher can show them.';

/**
 * Everything Think Safe holds about one pupil. `showHelp` is true only for someone who reads
 * the school's requests for help: for anyone else those records are listed as withheld,
 * because a request can be about the child's own home, and the school's safeguarding lead
 * decides what of it may be given to a family (UK GDPR allows withholding what would be
 * likely to cause serious harm to the child).
 */
export async function subjectAccess(
	pupilId: number,
	options: { showHelp: boolean },
	now = new Date()
): Promise<SubjectAccess> {
	const db = getDb();
	const pupil = await db
		.selectFrom('pupils as p')
		.innerJoin('classes as c', 'c.id', 'p.class_id')
		.innerJoin('schools as s', 's.id', 'c.school_id')
		.select([
			'p.id',
			'p.first_name',
			'p.last_initial',
			'p.created_at',
			'p.archived_at',
			'p.failed_attempts',
			'p.locked_until',
			'p.class_id',
			'p.records_deleted_at',
			's.name as school_name'
		])
		.where('p.id', '=', pupilId)
		.executeTakeFirstOrThrow();
	// A former pupil: nothing of the child is held any more, only their year's figures.
	if (pupil.records_deleted_at !== null)
		throw new Refused(alreadyDeletedMessage(pupil.records_deleted_at));
	const [attendance, progress, answers, paper, cards, signIns, help, audit] = await Promise.all([
		db
			.selectFrom('attendance')
			.select(['session_id', 'status', 'source'])
			.where('pupil_id', '=', pupilId)
			.execute(),
		db
			.selectFrom('progress')
			.select(['session_id', 'furthest_step', 'reached_end', 'updated_at'])
			.where('pupil_id', '=', pupilId)
			.execute(),
		db
			.selectFrom('answers')
			.select(['session_id', 'question_id', 'phase', 'selected', 'correct', 'answered_at'])
			.where('pupil_id', '=', pupilId)
			.orderBy('answered_at')
			.orderBy('id')
			.execute(),
		db
			.selectFrom('paper_completions')
			.select(['lesson_id', 'marked_at'])
			.where('pupil_id', '=', pupilId)
			.orderBy('marked_at')
			.execute(),
		db
			.selectFrom('pupil_login_tokens')
			.select(['created_at', 'revoked_at'])
			.where('pupil_id', '=', pupilId)
			.orderBy('created_at')
			.execute(),
		db
			.selectFrom('pupil_sessions')
			.select(['created_at', 'expires_at'])
			.where('pupil_id', '=', pupilId)
			.orderBy('created_at')
			.execute(),
		helpRecordsOf(pupilId, options.showHelp),
		auditNaming(pupilId, options.showHelp)
	]);
	const sessionIds = [
		...new Set([...attendance, ...progress, ...answers].map((r) => r.session_id))
	];
	const sessions =
		sessionIds.length === 0
			? []
			: await db
					.selectFrom('class_sessions as s')
					.innerJoin('classes as c', 'c.id', 's.class_id')
					.select([
						's.id',
						's.lesson_id',
						's.lesson_hash',
						's.mode',
						's.created_at',
						's.started_at',
						's.class_id',
						'c.name as class_name'
					])
					.where('s.id', 'in', sessionIds)
					.execute();
	const sessionOf = new Map(sessions.map((s) => [s.id, s]));
	const lessonOf = await sessionLessons(sessions);
	const title = (sessionId: number) =>
		lessonOf.get(sessionId)?.title ?? sessionOf.get(sessionId)?.lesson_id ?? 'A lesson';
	const library = getLibrary();
	const bySession = (a: { session_id: number }, b: { session_id: number }) =>
		a.session_id - b.session_id;

	return {
		producedAt: now.toISOString(),
		school: pupil.school_name,
		pupil: {
			id: pupil.id,
			firstName: pupil.first_name,
			lastInitial: pupil.last_initial,
			addedAt: pupil.created_at,
			archivedAt: pupil.archived_at,
			picturePassword: PICTURES_HELD,
			wrongPictureTries: pupil.failed_attempts,
			signInPausedUntil: pupil.locked_until
		},
		classes: await classesOf(
			pupil.class_id,
			sessions.map((s) => s.class_id)
		),
		attendance: [...attendance].sort(bySession).map((a) => {
			const s = sessionOf.get(a.session_id)!;
			return {
				sessionId: a.session_id,
				lesson: title(a.session_id),
				className: s.class_name,
				date: s.started_at ?? s.created_at,
				mode: s.mode,
				status: a.status,
				markedBy: a.source
			};
		}),
		progress: [...progress].sort(bySession).map((g) => ({
			sessionId: g.session_id,
			lesson: title(g.session_id),
			furthestStep: g.furthest_step,
			steps: lessonOf.get(g.session_id)?.steps.length ?? null,
			reachedEnd: g.reached_end === 1,
			updatedAt: g.updated_at
		})),
		answers: answers.map((x) => {
			const question = lessonOf.get(x.session_id)?.questions.find((q) => q.id === x.question_id);
			const chosen = (JSON.parse(x.selected) as number[]).map(
				(i) => question?.options[i]?.text ?? `Option ${i + 1}`
			);
			return {
				sessionId: x.session_id,
				lesson: title(x.session_id),
				question: question ? plain(question.promptHtml) : x.question_id,
				when: x.phase === 'pre' ? 'before' : 'during',
				chosen,
				correct: x.correct === null ? null : x.correct === 1,
				answeredAt: x.answered_at
			};
		}),
		onPaper: paper.map((p) => ({
			lesson: library.getLesson(p.lesson_id)?.title ?? p.lesson_id,
			markedAt: p.marked_at
		})),
		loginCards: cards.map((c) => ({ issuedAt: c.created_at, revokedAt: c.revoked_at })),
		signIns: signIns.map((s) => ({ startedAt: s.created_at, endsAt: s.expires_at })),
		helpRequests: help,
		audit
	};
}

/** The pupil's class now, and the classes of the sessions they were in (before a move). */
async function classesOf(current: number, others: number[]): Promise<SubjectAccess['classes']> {
	const ids = [...new Set([current, ...others])];
	const rows = await getDb()
		.selectFrom('classes')
		.select(['id', 'name', 'academic_year', 'year_group', 'archived_at'])
		.where('id', 'in', ids)
		.execute();
	return rows
		.sort((a, b) => Number(b.id === current) - Number(a.id === current) || a.id - b.id)
		.map((c) => ({
			name: c.name,
			academicYear: c.academic_year,
			yearGroup: c.year_group,
			current: c.id === current,
			archivedAt: c.archived_at
		}));
}

/**
 * Audit entries that name the pupil: about them (a staff member unlocked, moved, archived
 * them) or by them (asking for help). Who did it is named as the log names them; a pupil's
 * own requests for help are left out where their records are withheld.
 */
async function auditNaming(pupilId: number, showHelp: boolean): Promise<SubjectAccess['audit']> {
	const rows = await getDb()
		.selectFrom('audit_events as e')
		.leftJoin('staff_users as u', (j) =>
			j.onRef('u.id', '=', 'e.actor_id').on('e.actor_type', '=', 'staff')
		)
		.select(['e.at', 'e.action', 'e.actor_type', 'u.display_name'])
		.where((eb) =>
			eb.or([
				eb.and([eb('e.target_type', '=', 'pupil'), eb('e.target_id', '=', String(pupilId))]),
				eb.and([eb('e.actor_type', '=', 'pupil'), eb('e.actor_id', '=', pupilId)])
			])
		)
		.orderBy('e.id')
		.execute();
	return rows
		.filter((r) => showHelp || !r.action.startsWith('help.'))
		.map((r) => ({
			at: r.at,
			action: r.action,
			by:
				r.display_name ??
				(r.actor_type === 'pupil'
					? 'The pupil'
					: r.actor_type === 'anonymous'
						? 'Someone not signed in'
						: 'Think Safe')
		}));
}

/** Writes to the audit log that a lead saw (or downloaded) a pupil's records. */
export async function auditSubjectAccess(
	lead: Pick<StaffPrincipal, 'id' | 'schoolId'>,
	input: { pupilId: number; schoolId: number; download: boolean; helpIds: number[] }
): Promise<void> {
	await getDb()
		.transaction()
		.execute(async (trx) => {
			await recordAudit(
				{
					actor: staffActor(lead),
					action: input.download ? 'pupil.records_downloaded' : 'pupil.records_viewed',
					schoolId: input.schoolId,
					target: { type: 'pupil', id: input.pupilId }
				},
				trx
			);
			// Step 7's rule: every look at a request for help is written down.
			for (const id of input.helpIds)
				await recordAudit(
					{
						actor: staffActor(lead),
						action: 'help.viewed',
						schoolId: input.schoolId,
						target: { type: 'help_request', id }
					},
					trx
				);
		});
}
