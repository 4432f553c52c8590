// The teacher's screens follow the session live: any event on the session's stream
// re-runs the page's load, at most twice a second however many pupils answer at once.
import type { SubmitFunction } from '@sveltejs/kit';
import { applyAction } from '$app/forms';
import { invalidate } from '$app/navigation';
import { page } from '$app/state';
import { SIGNED_OUT_EVENT, signInEnded } from '$lib/live-follow';

/** Must match LIVE_DEPENDENCY in $lib/server/control-screen. */
export const LIVE_DEPENDENCY = 'session:live';
const MIN_GAP_MS = 500;
const REOPEN_MS = 5_000;
const EVENTS = ['state', 'answered', 'joined', 'progress'];

/** Opens the event stream and refreshes on its events; returns the function that stops it. */
export function followSession(url: string): () => void {
	let source: EventSource | undefined;
	let reopen: ReturnType<typeof setTimeout> | undefined;
	let timer: ReturnType<typeof setTimeout> | undefined;
	let stopped = false;
	let last = 0;
	// The first message repeats what the page has just loaded; later ones (also after a
	// reconnect, when something may have been missed) are news.
	let first = true;

	const run = () => {
		timer = undefined;
		last = Date.now();
		void invalidate(LIVE_DEPENDENCY);
	};
	const refresh = (event: Event) => {
		if (first && event.type === 'state') {
			first = false;
			return;
		}
		if (timer) return;
		const wait = last + MIN_GAP_MS - Date.now();
		if (wait > 0) timer = setTimeout(run, wait);
		else run();
	};
	const open = () => {
		source = new EventSource(url);
		for (const name of EVENTS) source.addEventListener(name, refresh);
		// The sign-in ended (signed out elsewhere, account turned off): reloading the page's
		// data meets the guard, which sends the teacher to sign in (signedOut).
		source.addEventListener(SIGNED_OUT_EVENT, signedOut);
		// EventSource retries a dropped connection itself, but gives up for good when the
		// server answered with an error (e.g. while it restarts): then try again shortly.
		source.addEventListener('error', () => {
			if (source?.readyState !== EventSource.CLOSED || stopped) return;
			source.close();
			first = false;
			reopen = setTimeout(open, REOPEN_MS);
			void askWhyRefused();
		});
	};
	const signedOut = () => {
		if (stopped) return;
		stopped = true;
		source?.close();
		if (reopen) clearTimeout(reopen);
		void invalidate(LIVE_DEPENDENCY);
	};
	// A sign-in that ended, told apart from a server that is restarting ($lib/live-follow).
	const askWhyRefused = async () => {
		if (await signInEnded(url)) signedOut();
	};

	open();
	return () => {
		stopped = true;
		source?.close();
		if (reopen) clearTimeout(reopen);
		if (timer) clearTimeout(timer);
	};
}

/**
 * For the control buttons: a redirect back to this same page only refreshes its data,
 * so focus stays on the button the teacher pressed (Next, Next, Next…).
 */
export const stayOnPage: SubmitFunction = () => {
	return async ({ result, update }) => {
		if (
			result.type === 'redirect' &&
			new URL(result.location, location.href).pathname === location.pathname
		) {
			// applyAction resets the focus, so only when an old message needs clearing.
			if (page.form) await applyAction({ type: 'success', status: 200 });
			await invalidate(LIVE_DEPENDENCY);
			return;
		}
		await update();
	};
};
