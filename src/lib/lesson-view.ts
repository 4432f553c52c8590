// Lesson shapes that may reach a browser: the pupil-safe projections, and what a pupil
// is told after answering. Kept free of server imports so components can use them.
export type QuestionType = 'single' | 'multiple' | 'truefalse' | 'poll';

/** What a pupil's device may receive about a question: no answer key, no feedback. */
export interface PupilQuestion {
	id: string;
	type: QuestionType;
	promptHtml: string;
	options: { index: number; html: string }[];
}

export type PupilBlock = { kind: 'html'; html: string } | { kind: 'quiz'; question: PupilQuestion };

/** What a pupil's device may receive about a step: teacher notes dropped. */
export interface PupilStep {
	id: string;
	index: number;
	title: string;
	blocks: PupilBlock[];
}

/** An answer's id, made once on the pupil's device: checked there and on the server. */
export const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** Sent to a pupil only after they answered: their choice, and the key. */
export interface AnswerFeedback {
	selected: number[];
	/** null for a poll (never scored) and in the knowledge check (no feedback there). */
	correct: boolean | null;
	correctIndexes: number[];
	feedbackHtml: string[];
	explainHtml?: string;
}

/** What every device in a live session may know: no names, no answers. */
export interface LiveState {
	sessionId: number;
	status: 'lobby' | 'running' | 'ended';
	currentStep: number;
	stepCount: number;
	revealedQuestion: string | null;
}

export const STRAND_NAMES: Record<string, string> = {
	'self-image-and-identity': 'Self-image and identity',
	'online-relationships': 'Online relationships',
	'online-reputation': 'Online reputation',
	'online-bullying': 'Online bullying',
	'managing-online-information': 'Managing online information',
	'health-wellbeing-and-lifestyle': 'Health, well-being and lifestyle',
	'privacy-and-security': 'Privacy and security',
	'copyright-and-ownership': 'Copyright and ownership'
};
