// A pupil's answers on their way to the server. Each answer gets an id made here, once,
// and is written to this device's storage before it is sent, so that a dropped
// connection, a closed tab or a Wi-Fi cut loses nothing and a resend is stored once.
// Only ids and option numbers are kept on the device: never a name.
// A choice not sent yet (a knowledge-check answer, ticks on a multiple-choice question) is
// a draft here, outside any component, so that a step change or an error page in between
// cannot drop it: every move sends the drafts first.
import { SvelteMap } from 'svelte/reactivity';
import { CLIENT_ID, type AnswerFeedback } from './lesson-view';

export type Phase = 'pre' | 'main';

export interface AnswerStatus {
	kind: 'saved' | 'waiting' | 'sending' | 'error';
	message?: string;
}

export interface PendingAnswer {
	clientId: string;
	questionId: string;
	phase: Phase;
	selected: number[];
}

/** What a question on screen should show. */
export interface AnswerView {
	feedback?: AnswerFeedback;
	status?: AnswerStatus;
	/** True once the server has the answer: only then is there feedback to show. */
	stored: boolean;
}

const RETRY_MS = 20_000;
const FIRST_STANDS = 'You had answered this already, so your first answer stands.';

/** 32 hex characters from the browser's CSPRNG (works on plain http too, unlike randomUUID). */
export function newClientId(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(16));
	return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Where this pupil's unsent answers for this session wait: one key per session and pupil. */
export function pendingKey(sessionId: number, pupilId: number): string {
	return `thinksafe:answers:${sessionId}:${pupilId}`;
}

function keyOf(questionId: string, phase: Phase): string {
	return `${phase}:${questionId}`;
}

function sameSelection(a: number[], b: number[]): boolean {
	return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** One queue per session and pupil for the life of the page, so drafts outlive a remount. */
// Looked up, never shown: no need for it to be reactive.
// eslint-disable-next-line svelte/prefer-svelte-reactivity
const queues = new Map<string, AnswerQueue>();

export function answerQueueFor(sessionId: number, pupilId: number): AnswerQueue {
	const key = pendingKey(sessionId, pupilId);
	let queue = queues.get(key);
	if (!queue) {
		queue = new AnswerQueue(`/session/${sessionId}/answer`, key);
		queues.set(key, queue);
	}
	return queue;
}

/** Before a page reloads its data after a failure: send every draft and what waits. */
export async function settleAnswerQueues(): Promise<void> {
	await Promise.all(
		[...queues.values()].map((queue) => {
			const sent = queue.sendDrafts();
			if (sent) queue.sentOnMove = sent;
			return queue.flush();
		})
	);
}

export class AnswerQueue {
	/** False when the browser says it is offline, or a send just failed for want of a network. */
	online = $state(true);
	/** How many chosen answers the last move sent for the pupil: the page tells them. */
	sentOnMove = $state(0);
	#pending = $state<PendingAnswer[]>([]);
	/** Answers the server confirmed or refused while this page was open. */
	#results = new SvelteMap<string, { feedback?: AnswerFeedback; status: AnswerStatus }>();
	// Bookkeeping against double sends, never shown: no need for it to be reactive.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#sending = new Set<string>();
	#flushing: Promise<void> | undefined;
	#draining = false;
	#endpoint: string;
	#storageKey: string;
	#memory: PendingAnswer[] = [];
	#drafts = new SvelteMap<string, { questionId: string; phase: Phase; selected: number[] }>();

	constructor(endpoint: string, storageKey: string) {
		this.#endpoint = endpoint;
		this.#storageKey = storageKey;
	}

	/** Call in the browser (from an $effect): reads what is waiting and sends it; returns cleanup. */
	start(): () => void {
		this.online = navigator.onLine;
		this.#pending = this.#read();
		const online = () => {
			this.online = true;
			void this.flush();
		};
		const offline = () => {
			this.online = false;
		};
		window.addEventListener('online', online);
		window.addEventListener('offline', offline);
		// A device can be "online" with no way through (school Wi-Fi without internet), when
		// no 'online' event comes: try again now and then while something waits.
		const retry = setInterval(() => {
			if (this.#pending.length && navigator.onLine) void this.flush();
		}, RETRY_MS);
		void this.flush();
		return () => {
			clearInterval(retry);
			window.removeEventListener('online', online);
			window.removeEventListener('offline', offline);
		};
	}

	/** How to show one question, given what the page load said the server has (`stored`). */
	view(questionId: string, phase: Phase, stored?: AnswerFeedback): AnswerView {
		const key = keyOf(questionId, phase);
		const result = this.#results.get(key);
		if (result?.feedback) return { feedback: result.feedback, status: result.status, stored: true };
		const pending = this.#pending.find((p) => keyOf(p.questionId, p.phase) === key);
		if (pending) {
			return {
				// Shown as chosen but not marked: the key comes only from the server.
				feedback: {
					selected: pending.selected,
					correct: null,
					correctIndexes: [],
					feedbackHtml: []
				},
				status: result?.status ?? { kind: this.online ? 'sending' : 'waiting' },
				stored: false
			};
		}
		if (stored) return { feedback: stored, status: { kind: 'saved' }, stored: true };
		return { status: result?.status, stored: false };
	}

	/** What the pupil has chosen but not sent yet. */
	draft(questionId: string, phase: Phase): number[] | undefined {
		return this.#drafts.get(keyOf(questionId, phase))?.selected;
	}

	/** The pupil changed a choice without sending it (an empty choice clears the draft). */
	choose(questionId: string, phase: Phase, selected: number[]): void {
		const key = keyOf(questionId, phase);
		if (selected.length) this.#drafts.set(key, { questionId, phase, selected: [...selected] });
		else this.#drafts.delete(key);
	}

	get drafts(): number {
		return this.#drafts.size;
	}

	/** Sends every draft (of one phase, or all); returns how many went. */
	sendDrafts(phase?: Phase): number {
		let sent = 0;
		for (const [key, draft] of [...this.#drafts]) {
			if (phase && draft.phase !== phase) continue;
			this.#drafts.delete(key);
			this.answer(draft.questionId, draft.phase, draft.selected);
			sent++;
		}
		return sent;
	}

	/** The pupil sent an answer. The first answer stands, so a second is ignored. */
	answer(questionId: string, phase: Phase, selected: number[]): void {
		const key = keyOf(questionId, phase);
		this.#drafts.delete(key);
		if (this.#results.get(key)?.feedback) return;
		if (this.#pending.some((p) => keyOf(p.questionId, p.phase) === key)) return;
		const entry: PendingAnswer = {
			clientId: newClientId(),
			questionId,
			phase,
			selected: [...selected]
		};
		this.#results.delete(key);
		this.#pending = [...this.#pending, entry];
		this.#write();
		void this.flush();
	}

	/** Sends everything waiting, one at a time; resolves when done or the network is gone. */
	flush(): Promise<void> {
		// A drain that has not yet returned takes new answers too; once it has, a new one starts.
		if (!this.#draining || !this.#flushing) {
			this.#draining = true;
			const run: Promise<void> = this.#drain().finally(() => {
				if (this.#flushing === run) this.#flushing = undefined;
			});
			this.#flushing = run;
		}
		return this.#flushing;
	}

	// Also takes answers added while it runs, so that awaiting flush() after answering
	// means the answer has been tried (a move waits for it: see the knowledge check).
	async #drain(): Promise<void> {
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- local bookkeeping
		const tried = new Set<string>();
		try {
			for (;;) {
				const entry = this.#pending.find((p) => !tried.has(p.clientId));
				if (!entry) return;
				tried.add(entry.clientId);
				if ((await this.#send(entry)) === 'offline') return;
			}
		} finally {
			this.#draining = false;
		}
	}

	get waiting(): number {
		return this.#pending.length;
	}

	async #send(entry: PendingAnswer): Promise<'done' | 'offline' | 'kept'> {
		if (this.#sending.has(entry.clientId)) return 'kept';
		const key = keyOf(entry.questionId, entry.phase);
		if (!navigator.onLine) {
			this.online = false;
			this.#setStatus(key, { kind: 'waiting' });
			return 'offline';
		}
		this.#sending.add(entry.clientId);
		this.#setStatus(key, { kind: 'sending' });
		try {
			let response: Response;
			try {
				response = await fetch(this.#endpoint, {
					method: 'POST',
					headers: { 'content-type': 'application/json', accept: 'application/json' },
					body: JSON.stringify(entry)
				});
			} catch {
				// No network (or it dropped mid-request): the same id goes again later.
				this.online = false;
				this.#setStatus(key, { kind: 'waiting' });
				return 'offline';
			}
			this.online = true;
			const body = (await response.json().catch(() => null)) as {
				ok?: boolean;
				feedback?: AnswerFeedback;
				message?: string;
			} | null;
			if (response.ok && body?.ok && body.feedback) {
				this.#drop(entry);
				const mine = sameSelection(
					body.feedback.selected,
					[...entry.selected].sort((a, b) => a - b)
				);
				this.#results.set(key, {
					feedback: body.feedback,
					status: { kind: 'saved', ...(mine ? {} : { message: FIRST_STANDS }) }
				});
				return 'done';
			}
			if ([400, 403, 404, 409].includes(response.status)) {
				// Refused for good (the lesson ended, the check closed…): sending again would not help.
				this.#drop(entry);
				this.#results.set(key, {
					status: {
						kind: 'error',
						message: body?.message ?? 'That answer could not be saved.'
					}
				});
				return 'done';
			}
			// Signed out, too busy, or a server problem: keep it and try again later.
			this.#setStatus(key, {
				kind: 'error',
				message:
					response.status === 401
						? 'Please sign in again. Your answer is kept on this device until you do.'
						: 'That answer could not be saved just now. It is kept on this device and will be sent again.'
			});
			return 'kept';
		} finally {
			this.#sending.delete(entry.clientId);
		}
	}

	#setStatus(key: string, status: AnswerStatus): void {
		const result = this.#results.get(key);
		if (result?.feedback) return;
		this.#results.set(key, { status });
	}

	#drop(entry: PendingAnswer): void {
		this.#pending = this.#pending.filter((p) => p.clientId !== entry.clientId);
		this.#write();
	}

	#read(): PendingAnswer[] {
		try {
			const raw = localStorage.getItem(this.#storageKey);
			const list: unknown = raw ? JSON.parse(raw) : [];
			return Array.isArray(list) ? list.filter(isPending) : [];
		} catch {
			// Storage switched off (some locked-down school devices): keep them in memory.
			return this.#memory;
		}
	}

	#write(): void {
		const list = $state.snapshot(this.#pending);
		this.#memory = list;
		try {
			if (list.length) localStorage.setItem(this.#storageKey, JSON.stringify(list));
			else localStorage.removeItem(this.#storageKey);
		} catch {
			// As above: memory only.
		}
	}
}

function isPending(value: unknown): value is PendingAnswer {
	const v = value as PendingAnswer;
	return (
		!!v &&
		typeof v.clientId === 'string' &&
		CLIENT_ID.test(v.clientId) &&
		typeof v.questionId === 'string' &&
		(v.phase === 'pre' || v.phase === 'main') &&
		Array.isArray(v.selected) &&
		v.selected.every((n) => Number.isInteger(n))
	);
}
