// A class session's live state (step, revealed question, ended), changed by the teacher and
// pushed to every device through live.ts. Apart from class-sessions.ts because these are the
// writes made while a lesson runs, each published as it is made.
import { recordAudit, staffActor, getDb, nowIso, publish, Refused } from '../platform';
import type { StaffPrincipal } from '../auth';
import { getLesson, type Lesson } from '../lessons';
import type { LiveState } from '../../lesson-view';
import type { ClassSessionInfo } from './class-sessions';

export function liveState(session: ClassSessionInfo, lesson: Lesson | undefined): LiveState {
	return {
		sessionId: session.id,
		status: session.status,
		currentStep: session.currentStep,
		stepCount: lesson?.steps.length ?? 0,
		revealedQuestion: session.revealedQuestion
	};
}

/** Tells every device the session's new state, from what the caller just wrote (no re-read). */
function publishState(session: ClassSessionInfo, change: Partial<ClassSessionInfo>): LiveState {
	const state = liveState({ ...session, ...change }, getLesson(session.lessonId));
	publish(session.id, 'state', state);
	return state;
}

/** Teacher's next/previous/go-to. -1 is the start (lobby and knowledge check). */
export async function setLiveStep(session: ClassSessionInfo, step: number): Promise<LiveState> {
	const lesson = getLesson(session.lessonId);
	if (!lesson) throw new Refused('This lesson is no longer in the library.');
	if (session.mode !== 'live' || session.status === 'ended')
		throw new Refused('This session has ended.');
	const target = Math.max(-1, Math.min(step, lesson.steps.length - 1));
	const starts = session.status === 'lobby' && target >= 0;
	await getDb()
		.updateTable('class_sessions')
		.set({
			current_step: target,
			revealed_question: null,
			...(starts ? { status: 'running' as const, started_at: nowIso() } : {})
		})
		.where('id', '=', session.id)
		.execute();
	return publishState(session, {
		currentStep: target,
		revealedQuestion: null,
		...(starts ? { status: 'running' as const } : {})
	});
}

export async function revealQuestion(
	session: ClassSessionInfo,
	questionId: string | null
): Promise<LiveState> {
	if (session.status === 'ended') throw new Refused('This session has ended.');
	const lesson = getLesson(session.lessonId);
	if (questionId && !lesson?.questions.some((q) => q.id === questionId)) {
		throw new Refused('That question is not in this lesson.');
	}
	await getDb()
		.updateTable('class_sessions')
		.set({ revealed_question: questionId })
		.where('id', '=', session.id)
		.execute();
	return publishState(session, { revealedQuestion: questionId });
}

export async function endClassSession(
	session: ClassSessionInfo,
	by: StaffPrincipal
): Promise<void> {
	if (session.status === 'ended') return;
	await getDb()
		.transaction()
		.execute(async (trx) => {
			await trx
				.updateTable('class_sessions')
				.set({ status: 'ended', ended_at: nowIso() })
				.where('id', '=', session.id)
				.execute();
			await recordAudit(
				{
					actor: staffActor(by),
					action: 'session.ended',
					target: { type: 'session', id: session.id }
				},
				trx
			);
		});
	publishState(session, { status: 'ended' });
}
