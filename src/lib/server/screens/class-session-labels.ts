// How a class session is named on the teacher's pages: its status in words, the header
// every session page shows (control, attendance, paper completion), and the labels of a
// pupil's completion and progress. Words only: the state itself is class-sessions.ts's.
import type { ClassSessionInfo, CompletionState } from '../teaching';
import type { Lesson } from '../lessons';
import { formatDay, formatWhenUk } from '../platform';

/** The day a self-paced session is open until: closingTime() keeps it as the UTC date. */
function openUntilDay(session: ClassSessionInfo): string | null {
	return session.closesAt ? session.closesAt.slice(0, 10) : null;
}

export function statusLabel(session: ClassSessionInfo): string {
	if (session.status === 'ended') return 'Ended';
	if (session.mode === 'self') {
		const day = openUntilDay(session);
		return day ? `Open until ${formatDay(day)}` : 'Open';
	}
	return session.status === 'lobby' ? 'Waiting to start' : 'Running now';
}

export const COMPLETION_LABELS: Record<CompletionState, string> = {
	'not-started': 'Not started',
	started: 'Started',
	completed: 'Completed',
	paper: 'Completed on paper'
};

export function stepLabel(step: number, stepCount: number, reachedEnd = false): string {
	if (reachedEnd) return 'Reached the end';
	if (step < 0) return 'Not started';
	return `Step ${step + 1} of ${stepCount}`;
}

export interface ClassSessionHeader {
	id: number;
	classId: number;
	className: string;
	lessonId: string;
	lessonTitle: string;
	mode: 'live' | 'self';
	status: ClassSessionInfo['status'];
	statusLabel: string;
	currentStep: number;
	stepCount: number;
	revealedQuestion: string | null;
	openUntil: string | null;
	started: string;
	ended: string | null;
}

export function classSessionHeader(
	session: ClassSessionInfo,
	lesson: Lesson | undefined
): ClassSessionHeader {
	const day = openUntilDay(session);
	return {
		id: session.id,
		classId: session.classId,
		className: session.className,
		lessonId: session.lessonId,
		lessonTitle: lesson?.title ?? session.lessonId,
		mode: session.mode,
		status: session.status,
		statusLabel: statusLabel(session),
		currentStep: session.currentStep,
		stepCount: lesson?.steps.length ?? 0,
		revealedQuestion: session.revealedQuestion,
		openUntil: day ? formatDay(day) : null,
		started: formatWhenUk(session.startedAt ?? session.createdAt),
		ended: session.endedAt ? formatWhenUk(session.endedAt) : null
	};
}
