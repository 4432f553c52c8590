// A pupil's device following the teacher in a live lesson. Each state from the stream is
// caught up with: answers chosen or waiting go first, then the step's data is loaded
// again (or the summary opened). Offline, loading would fail, so it waits: the stream's
// reconnection, or the device coming back online, calls again. A load that fails anyway
// shows the reconnecting page, which keeps trying.
import { goto, invalidate } from '$app/navigation';
import type { LiveState } from '$lib/lesson-view';
import { followSession } from '$lib/live-follow';

type Shown = Pick<LiveState, 'currentStep' | 'status' | 'revealedQuestion'>;

export function followLiveLesson(options: {
	sessionId: number;
	/** What the page shows now. */
	shown: () => Shown;
	/** Sends what the pupil chose, and waits for answers on their way. */
	beforeMove: () => Promise<void>;
	onConnection: (connected: boolean) => void;
}): () => void {
	const { sessionId, shown, beforeMove } = options;
	let latest: LiveState | undefined;
	let following = false;
	let again = false;

	async function catchUp(): Promise<void> {
		if (following) {
			again = true;
			return;
		}
		following = true;
		try {
			do {
				again = false;
				const state = latest;
				const now = shown();
				if (!state || !navigator.onLine) return;
				if (state.status === 'ended') {
					await beforeMove();
					await goto(`/session/${sessionId}/summary`, { replaceState: true });
					return;
				}
				const moved = state.currentStep !== now.currentStep || state.status !== now.status;
				if (moved || state.revealedQuestion !== now.revealedQuestion) {
					if (moved) await beforeMove();
					await invalidate('thinksafe:pupil-session');
				}
			} while (again);
		} finally {
			following = false;
		}
	}

	const online = () => void catchUp();
	window.addEventListener('online', online);
	const stop = followSession(`/session/${sessionId}/events`, {
		onState: (state) => {
			latest = state;
			void catchUp();
		},
		onConnection: options.onConnection,
		// Signed out by the teacher, or the sign-in ended: to the class-code page, not a
		// lesson page that can no longer load.
		onSignedOut: () => void goto('/join', { replaceState: true })
	});
	return () => {
		stop();
		window.removeEventListener('online', online);
	};
}
