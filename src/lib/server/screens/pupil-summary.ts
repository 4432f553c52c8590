// A pupil's summary of a class session, once it is there to see: how far they got, their
// score, whether they completed it and where to finish it if not. Apart from
// pupil-lesson.ts because it is a page of its own, read from completion's one rule.
import {
	lessonOfSession,
	answersOfPupil,
	openClassSessionsForPupil,
	type ClassSessionInfo,
	getProgress
} from '../teaching';
import { lessonCompletion } from '../reports';
import type { PupilPrincipal } from '../auth';
import { helpContacts } from '../lessons';
import { sessionHref } from './pupil-lesson';

type Pupil = Pick<PupilPrincipal, 'id' | 'classId'>;

/** The number pupils are given for Childline: from facts.yml, through help.ts. */
export function childlinePhone(): string {
	return helpContacts().childlinePhone;
}

export interface PupilSummary {
	sessionId: number;
	lesson: { id: string; title: string; objectives: string[] };
	mode: ClassSessionInfo['mode'];
	/** The pupil may still go back into the lesson (self-paced and open). */
	canGoBack: boolean;
	stepsSeen: number;
	stepCount: number;
	/** Right `main` answers out of the scored questions (all but polls). */
	right: number;
	scored: number;
	/** Scored questions not answered yet (completion.ts). */
	unanswered: number;
	completed: boolean;
	/**
	 * Where a pupil who has not completed the lesson can finish it at their own pace (this
	 * session while open, or another open to them), with its closing time; null if nowhere.
	 */
	finish: { href: string; closesAt: string | null } | null;
	childline: string;
}

/**
 * The summary, once it is there to see: the session ended (live: the teacher ended it;
 * self-paced: it closed) or a self-paced pupil finished. Undefined before then.
 */
export async function pupilSummary(
	pupil: Pupil,
	session: ClassSessionInfo
): Promise<PupilSummary | undefined> {
	// As it ran: a lesson revised since keeps this session's questions.
	const lesson = await lessonOfSession(session);
	if (!lesson) return undefined;
	const progress = await getProgress(session.id, pupil.id);
	const open = session.status !== 'ended';
	if (open && !(session.mode === 'self' && progress.reachedEnd)) return undefined;
	const { main } = await answersOfPupil(pupil.id, lesson, session.run);
	const scoredQuestions = lesson.questions.filter((q) => q.scored);
	const answered = scoredQuestions.filter((q) => main[q.id]);
	const completion = (await lessonCompletion([pupil.id], lesson)).get(pupil.id);
	const completed = completion?.state === 'completed' || completion?.state === 'paper';
	let finish: PupilSummary['finish'] = null;
	if (!completed) {
		const place =
			open && session.mode === 'self'
				? session
				: (await openClassSessionsForPupil(pupil)).find(
						(s) => s.lessonId === lesson.id && s.mode === 'self'
					);
		if (place) finish = { href: sessionHref(place.id), closesAt: place.closesAt };
	}
	return {
		sessionId: session.id,
		lesson: { id: lesson.id, title: lesson.title, objectives: lesson.objectives },
		mode: session.mode,
		canGoBack: open && session.mode === 'self',
		stepsSeen: Math.max(0, progress.furthestStep + 1),
		stepCount: lesson.steps.length,
		right: answered.filter((q) => main[q.id].correct === true).length,
		scored: scoredQuestions.length,
		unanswered: scoredQuestions.length - answered.length,
		completed,
		finish,
		childline: childlinePhone()
	};
}
