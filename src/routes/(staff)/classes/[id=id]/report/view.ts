// Words for the class report, shared by the page and its CSV so both say the same thing.
// A state is always written out: the grid must never rely on colour alone.
import type { CompletionState } from '$lib/server/progress';

export const STATE_WORDS: Record<CompletionState, string> = {
	completed: 'Completed',
	paper: 'On paper',
	started: 'Started',
	'not-started': 'Not started'
};

/** "Completed, 80%" — the score is a pupil's own, shown only to their teachers. */
export function cellText(cell: { state: CompletionState; score: number | null }): string {
	const word = STATE_WORDS[cell.state];
	return cell.score === null ? word : `${word}, ${Math.round(cell.score * 100)}%`;
}
