// The pupil's home page: the lessons open to them now, one card each, and their
// certificate (every lesson of the programme completed). Apart from pupil-lesson.ts
// because they are about the whole programme, not one class session.
import { openClassSessionsForPupil, type ClassSessionInfo, getProgress } from '../teaching';
import { lessonsCompletion } from '../reports';
import type { PupilPrincipal } from '../auth';
import { getDb, londonDay } from '../platform';
import { getLesson, getLibrary, type Lesson } from '../lessons';
import { sessionHref } from './pupil-lesson';

type Pupil = Pick<PupilPrincipal, 'id' | 'classId'>;

export interface PupilHomeSession {
	id: number;
	href: string;
	title: string;
	summary: string;
	mode: ClassSessionInfo['mode'];
	status: ClassSessionInfo['status'];
	/** Self-paced: the moment it closes (ISO); live: null. */
	closesAt: string | null;
	/** Where this pupil is: not opened yet, part way, or reached the end. */
	progress: 'new' | 'started' | 'finished';
	/** Words for the button: "Join the lesson", "Start", "Carry on", "Look again". */
	action: string;
}

export interface PupilHome {
	/** Every session the pupil can open now, live first. */
	sessions: PupilHomeSession[];
	/** The class's live lesson, if one is on (lobby or running): send the pupil straight in. */
	live: PupilHomeSession | null;
}

export async function pupilHomeSessions(pupil: Pupil, now = new Date()): Promise<PupilHome> {
	const open = await openClassSessionsForPupil(pupil, now);
	const lessons = [
		...new Map(
			open.flatMap((s) => {
				const lesson = getLesson(s.lessonId);
				return lesson ? [[lesson.id, lesson] as const] : [];
			})
		).values()
	];
	const done = await lessonsCompletion([pupil.id], lessons);
	const sessions: PupilHomeSession[] = [];
	// One card per lesson: the live one, else the newest (openClassSessionsForPupil's order).
	const shown = new Set<string>();
	for (const session of open) {
		const lesson = getLesson(session.lessonId);
		if (!lesson) continue; // a lesson with problems to fix is kept away from pupils
		if (shown.has(lesson.id)) continue;
		shown.add(lesson.id);
		const p = await getProgress(session.id, pupil.id);
		const state = done.get(lesson.id)?.get(pupil.id)?.state;
		const progress =
			state === 'completed' || state === 'paper'
				? 'finished'
				: p.furthestStep >= 0 || state === 'started'
					? 'started'
					: 'new';
		sessions.push({
			id: session.id,
			href: sessionHref(session.id),
			title: lesson.title,
			summary: lesson.summary,
			mode: session.mode,
			status: session.status,
			closesAt: session.closesAt,
			progress,
			action:
				session.mode === 'live'
					? 'Join the lesson'
					: progress === 'new'
						? 'Start'
						: progress === 'started'
							? 'Carry on'
							: 'Look again'
		});
	}
	// Live first, then self-paced (openClassSessionsForPupil orders by mode, newest first).
	sessions.sort((a, b) => (a.mode === b.mode ? 0 : a.mode === 'live' ? -1 : 1));
	return { sessions, live: sessions.find((s) => s.mode === 'live') ?? null };
}

// ——— the certificate ———

export interface CertificateLesson {
	id: string;
	title: string;
	done: boolean;
}

export interface CertificateStatus {
	/** Every lesson of the programme completed (or marked done on paper). */
	complete: boolean;
	/** First name and initial: all a certificate needs, and all Think Safe stores. */
	name: string;
	lessons: CertificateLesson[];
	remaining: CertificateLesson[];
	/** When the last piece of work was done (YYYY-MM-DD, UK), once complete. */
	awardedOn: string | null;
}

/** The latest moment this pupil did work on these lessons. */
async function lastWorkOn(pupilId: number, lessonIds: string[]): Promise<string | null> {
	const db = getDb();
	const [answer, step, paper] = await Promise.all([
		db
			.selectFrom('answers')
			.select((eb) => eb.fn.max('answered_at').as('at'))
			.where('pupil_id', '=', pupilId)
			.where('lesson_id', 'in', lessonIds)
			.executeTakeFirst(),
		db
			.selectFrom('progress')
			.select((eb) => eb.fn.max('updated_at').as('at'))
			.where('pupil_id', '=', pupilId)
			.where('lesson_id', 'in', lessonIds)
			.executeTakeFirst(),
		db
			.selectFrom('paper_completions')
			.select((eb) => eb.fn.max('marked_at').as('at'))
			.where('pupil_id', '=', pupilId)
			.where('lesson_id', 'in', lessonIds)
			.executeTakeFirst()
	]);
	const times = [answer?.at, step?.at, paper?.at].filter((t): t is string => !!t);
	// ISO-8601 UTC text sorts as time does.
	return times.length ? times.sort().at(-1)! : null;
}

export async function certificateStatus(
	pupil: Pick<PupilPrincipal, 'id' | 'firstName' | 'lastInitial'>
): Promise<CertificateStatus> {
	const programme: Lesson[] = getLibrary().lessons;
	const completion = await lessonsCompletion([pupil.id], programme);
	const lessons: CertificateLesson[] = programme.map((lesson) => {
		const state = completion.get(lesson.id)?.get(pupil.id)?.state;
		return { id: lesson.id, title: lesson.title, done: state === 'completed' || state === 'paper' };
	});
	const remaining = lessons.filter((l) => !l.done);
	// An empty library certifies nothing.
	const complete = lessons.length > 0 && remaining.length === 0;
	const last = complete
		? await lastWorkOn(
				pupil.id,
				lessons.map((l) => l.id)
			)
		: null;
	return {
		complete,
		name: `${pupil.firstName} ${pupil.lastInitial}.`,
		lessons,
		remaining,
		awardedOn: last ? londonDay(new Date(last)) : null
	};
}
