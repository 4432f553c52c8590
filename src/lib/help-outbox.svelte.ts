// A pupil's request for help on its way to the server. Like an answer, it waits on the
// device when the network is down and is sent by itself when it is back (the same client
// id, so it is stored once). Unlike an answer it is private on a shared tablet: it waits
// in this tab's sessionStorage only (gone when the tab closes), and is deleted from the
// device the moment the server has it.

export interface HelpPayload {
	clientId: string;
	about: string;
	topics: string[];
	message?: string;
	urgency: string;
	talkTo: string;
}

export type OutboxState =
	| { kind: 'idle' }
	| { kind: 'sending' }
	/** Not sent yet: the network is down. It will go by itself. */
	| { kind: 'waiting' }
	| { kind: 'sent' }
	/** The server refused it (a missing choice): the form says why. */
	| { kind: 'refused'; message: string };

const KEY = 'thinksafe:help-outbox';
const FIRST_RETRY_MS = 2_000;
const MAX_RETRY_MS = 30_000;

class HelpOutbox {
	state = $state<OutboxState>({ kind: 'idle' });
	#retry: ReturnType<typeof setTimeout> | undefined;
	#delay = FIRST_RETRY_MS;
	#listening = false;

	#stored(): HelpPayload | undefined {
		try {
			const raw = sessionStorage.getItem(KEY);
			return raw ? (JSON.parse(raw) as HelpPayload) : undefined;
		} catch {
			return undefined;
		}
	}

	#store(payload: HelpPayload | undefined): void {
		try {
			if (payload) sessionStorage.setItem(KEY, JSON.stringify(payload));
			else sessionStorage.removeItem(KEY);
		} catch {
			// Storage full or refused: the request still waits in this page's memory.
		}
	}

	#listen(): void {
		if (this.#listening) return;
		this.#listening = true;
		window.addEventListener('online', () => void this.resume());
	}

	/** Sends a new request; resolves with what happened. */
	async send(payload: HelpPayload): Promise<OutboxState> {
		this.#listen();
		this.#store(payload);
		return this.#attempt(payload);
	}

	/** On any pupil page: a request that was waiting (e.g. before a reload) is sent now. */
	async resume(): Promise<void> {
		this.#listen();
		const waiting = this.#stored();
		if (waiting && this.state.kind !== 'sending') await this.#attempt(waiting);
	}

	/** The pupil pressed "Hide this" or left: forget a refused draft (never a waiting request). */
	reset(): void {
		if (this.state.kind === 'refused' || this.state.kind === 'sent') this.state = { kind: 'idle' };
	}

	async #attempt(payload: HelpPayload): Promise<OutboxState> {
		if (this.#retry) clearTimeout(this.#retry);
		this.#retry = undefined;
		this.state = { kind: 'sending' };
		let response: Response;
		try {
			response = await fetch('/help/send', {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(payload)
			});
		} catch {
			return this.#wait(payload);
		}
		if (response.ok) {
			this.#store(undefined);
			this.#delay = FIRST_RETRY_MS;
			return (this.state = { kind: 'sent' });
		}
		if (response.status >= 500 || response.status === 429) return this.#wait(payload);
		// Refused for good (a missing choice, or signed out): nothing waits on the device.
		this.#store(undefined);
		const body = (await response.json().catch(() => ({}))) as { message?: string };
		return (this.state = {
			kind: 'refused',
			message: body.message ?? 'That did not send. Please tell an adult you trust.'
		});
	}

	#wait(payload: HelpPayload): OutboxState {
		this.#retry = setTimeout(() => void this.#attempt(payload), this.#delay);
		this.#delay = Math.min(this.#delay * 2, MAX_RETRY_MS);
		return (this.state = { kind: 'waiting' });
	}
}

/** One outbox per tab: it keeps trying while the pupil moves between pages. */
export const helpOutbox = new HelpOutbox();

/** 32 hex characters from the browser's CSPRNG. */
export function newHelpClientId(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(16));
	return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
