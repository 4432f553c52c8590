// Following a live lesson from a pupil's device: the server pushes the session's state
// (step, status, reveal) over Server-Sent Events, and sends it first on every connection.
// EventSource reconnects by itself after a network drop; when the server refused or
// restarted (the stream is closed for good) this opens a new one, waiting a little longer
// each time (with a random spread, so a class's tablets do not all knock at once), so a
// device never stays stuck on an old step and a struggling server is not hammered.
// A device whose sign-in has ended must not keep knocking to be refused: the server's
// last words on such a stream say so, and when a (re)connection is refused, a cheap HEAD
// of the same address asks whether it was the sign-in (401) before trying again.

import type { LiveState } from './lesson-view';

export interface FollowHandlers {
	onState: (state: LiveState) => void;
	/** True when connected, false while reconnecting. */
	onConnection?: (connected: boolean) => void;
	/** The device's sign-in has ended (signed out, archived, expired): following stops. */
	onSignedOut?: () => void;
}

/** A stream's last words when its sign-in ended (sent by $lib/server/platform/live.ts). */
export const SIGNED_OUT_EVENT = 'signed-out';

/**
 * Whether a refused stream was refused because the sign-in has ended. EventSource hides a
 * refusal's status; a HEAD of the same address runs the same guard without opening a
 * stream, and answers 401. Offline, or the server down or restarting: false, try again.
 */
export async function signInEnded(url: string): Promise<boolean> {
	try {
		const response = await fetch(url, { method: 'HEAD', cache: 'no-store' });
		return response.status === 401;
	} catch {
		return false;
	}
}

const FIRST_WAIT_MS = 1_000;
const LONGEST_WAIT_MS = 15_000;

/** How long to wait before the n-th attempt in a row (0-based): doubling, capped, spread. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
	const base = Math.min(LONGEST_WAIT_MS, FIRST_WAIT_MS * 2 ** Math.min(attempt, 10));
	return Math.round(base * (0.75 + random() * 0.5));
}

export function followSession(url: string, handlers: FollowHandlers): () => void {
	let source: EventSource | undefined;
	let reopen: ReturnType<typeof setTimeout> | undefined;
	let stopped = false;
	let failures = 0;

	const open = () => {
		reopen = undefined;
		source = new EventSource(url);
		source.addEventListener('open', () => {
			failures = 0;
			handlers.onConnection?.(true);
		});
		source.addEventListener('state', (event) => {
			try {
				handlers.onState(JSON.parse((event as MessageEvent<string>).data));
			} catch {
				// A malformed message is ignored; the next one (or a reconnect) carries the state.
			}
		});
		source.addEventListener(SIGNED_OUT_EVENT, signedOut);
		source.addEventListener('error', () => {
			handlers.onConnection?.(false);
			if (source?.readyState === EventSource.CLOSED && !stopped && !reopen) {
				source.close();
				reopen = setTimeout(open, backoffDelay(failures++));
				void askWhyRefused();
			}
		});
	};

	const stop = () => {
		stopped = true;
		window.removeEventListener('online', online);
		if (reopen) clearTimeout(reopen);
		source?.close();
	};
	const signedOut = () => {
		if (stopped) return;
		stop();
		handlers.onSignedOut?.();
	};
	// Offline there is nobody to ask: the back-off carries on.
	const askWhyRefused = async () => {
		if (navigator.onLine && (await signInEnded(url))) signedOut();
	};

	// Back on the network: try at once rather than wait out the back-off.
	const online = () => {
		if (stopped || !reopen) return;
		clearTimeout(reopen);
		open();
	};
	window.addEventListener('online', online);

	open();
	return stop;
}
