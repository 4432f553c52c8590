// A pupil's answer refused because the database cannot save just now (a full disk, the write
// lock held elsewhere: the server answers 503 with Retry-After): it stays on the device, with
// the same id, and goes again until it is stored.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AnswerQueue, pendingKey } from '$lib/answer-queue.svelte';

interface Sent {
	clientId: string;
	questionId: string;
}

let sent: Sent[];
let store: Map<string, string>;
let unavailable: boolean;

beforeEach(() => {
	sent = [];
	store = new Map();
	unavailable = true;
	vi.stubGlobal('navigator', { onLine: true });
	vi.stubGlobal('localStorage', {
		getItem: (k: string) => store.get(k) ?? null,
		setItem: (k: string, v: string) => void store.set(k, v),
		removeItem: (k: string) => void store.delete(k)
	});
	vi.stubGlobal('fetch', async (_url: string, init: { body: string }) => {
		const body = JSON.parse(init.body) as Sent & { selected: number[] };
		sent.push(body);
		if (unavailable) {
			// What SvelteKit sends for the database's 503 (db/faults.ts).
			return new Response(
				JSON.stringify({ message: 'Think Safe cannot save anything just now.' }),
				{ status: 503, headers: { 'content-type': 'application/json', 'retry-after': '5' } }
			);
		}
		return new Response(
			JSON.stringify({
				ok: true,
				created: true,
				feedback: { selected: body.selected, correct: true, correctIndexes: [], feedbackHtml: [] }
			}),
			{ status: 200, headers: { 'content-type': 'application/json' } }
		);
	});
});

afterEach(() => {
	vi.unstubAllGlobals();
});

describe('an answer refused with 503', () => {
	it('stays on the device, says so, and is stored when sent again with the same id', async () => {
		const key = pendingKey(5, 9);
		const queue = new AnswerQueue('/session/5/answer', key);
		queue.answer('q1', 'main', [1]);
		await queue.flush();

		expect(queue.waiting).toBe(1);
		expect(JSON.parse(store.get(key)!)).toHaveLength(1);
		const view = queue.view('q1', 'main');
		expect(view.stored).toBe(false);
		expect(view.status?.message).toMatch(/kept on this device/);

		unavailable = false;
		await queue.flush();
		expect(queue.waiting).toBe(0);
		expect(store.has(key)).toBe(false);
		expect(queue.view('q1', 'main').stored).toBe(true);
		expect(sent).toHaveLength(2);
		expect(sent[1].clientId).toBe(sent[0].clientId);
	});
});
