// Following a live lesson from a pupil's device: the server pushes the session's state
// (step, status, reveal) over Server-Sent Events. EventSource reconnects by itself after
// a network drop; when the server refused or restarted (the stream is closed for good)
// this opens a new one a little later, so a device never stays stuck on an old step.

import type { LiveState } from './lesson-view';

export interface FollowHandlers {
	onState: (state: LiveState) => void;
	/** True when connected, false while reconnecting. */
	onConnection?: (connected: boolean) => void;
	/** The server refused or went away: a good moment to reload the page's data. */
	onClosed?: () => void;
}

const REOPEN_MS = 5_000;

export function followSession(url: string, handlers: FollowHandlers): () => void {
	let source: EventSource | undefined;
	let reopen: ReturnType<typeof setTimeout> | undefined;
	let stopped = false;

	const open = () => {
		source = new EventSource(url);
		source.addEventListener('open', () => handlers.onConnection?.(true));
		source.addEventListener('state', (event) => {
			try {
				handlers.onState(JSON.parse((event as MessageEvent<string>).data));
			} catch {
				// A malformed message is ignored; the next one (or a reconnect) carries the state.
			}
		});
		source.addEventListener('error', () => {
			handlers.onConnection?.(false);
			if (source?.readyState === EventSource.CLOSED && !stopped) {
				source.close();
				handlers.onClosed?.();
				reopen = setTimeout(open, REOPEN_MS);
			}
		});
	};

	open();
	return () => {
		stopped = true;
		if (reopen) clearTimeout(reopen);
		source?.close();
	};
}
