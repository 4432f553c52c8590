// Completion, the one rule. Every place that says whether a pupil has done a lesson (the
// pupil's summary and home, the certificate, catch-up, the teacher's screens and every
// report) asks here, through figures.ts, with facts read by reports/facts.ts.
//
// A pupil has completed a lesson when their teacher marked it done on paper, or when they
// were present in a session of it, reached its last step and answered every scored
// question (across all their sessions of the lesson, so a pupil can finish later).

export type CompletionState = 'not-started' | 'started' | 'completed' | 'paper';

/** What the rule looks at, for one pupil and one lesson. */
export interface CompletionFacts {
	/** Marked present in at least one session of the lesson. */
	present: boolean;
	/** Marked "completed on paper" by their teacher. */
	paper: boolean;
	/** Reached the last step in at least one session of the lesson. */
	reachedEnd: boolean;
	/** Different scored questions answered in the main phase. */
	answered: number;
	/** Scored questions in the lesson as it is now. */
	scored: number;
}

/** Done in the app: present, at the end, every scored question answered. */
function doneInApp(f: CompletionFacts): boolean {
	return f.present && f.reachedEnd && f.answered >= f.scored;
}

export function isCompleted(f: CompletionFacts): boolean {
	return f.paper || doneInApp(f);
}

/**
 * The state shown in grids and lists. `started` says the pupil opened the lesson or
 * answered in it; work in the app wins over paper when both are there.
 */
export function completionState(f: CompletionFacts, started: boolean): CompletionState {
	if (doneInApp(f)) return 'completed';
	if (f.paper) return 'paper';
	return started || f.answered > 0 ? 'started' : 'not-started';
}
