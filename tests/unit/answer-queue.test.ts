// The pupil's answer queue: choices held as drafts until a move sends them, one request
// per answer even when sent twice, and a flush that waits for answers added meanwhile.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AnswerQueue, answerQueueFor, settleAnswerQueues } from '$lib/answer-queue.svelte';
import { backoffDelay } from '$lib/live-follow';

interface Sent {
	clientId: string;
	questionId: string;
	phase: string;
	selected: number[];
}

let sent: Sent[];

beforeEach(() => {
	sent = [];
	const store = new Map<string, string>();
	vi.stubGlobal('navigator', { onLine: true });
	vi.stubGlobal('localStorage', {
		getItem: (k: string) => store.get(k) ?? null,
		setItem: (k: string, v: string) => void store.set(k, v),
		removeItem: (k: string) => void store.delete(k)
	});
	vi.stubGlobal('fetch', async (_url: string, init: { body: string }) => {
		const body = JSON.parse(init.body) as Sent;
		sent.push(body);
		// A slow network: the answer arrives a moment later.
		await new Promise((resolve) => setTimeout(resolve, 5));
		return new Response(
			JSON.stringify({
				ok: true,
				feedback: { selected: body.selected, correct: null, correctIndexes: [], feedbackHtml: [] }
			}),
			{ status: 200, headers: { 'content-type': 'application/json' } }
		);
	});
});

afterEach(() => {
	vi.unstubAllGlobals();
});

describe('AnswerQueue', () => {
	it('holds a choice as a draft, and sends every draft once when the pupil moves on', async () => {
		const queue = new AnswerQueue('/session/1/answer', 'k1');
		queue.choose('q1', 'pre', [2]);
		queue.choose('q2', 'main', [0, 3]);
		queue.choose('q3', 'main', [1]);
		queue.choose('q3', 'main', []); // un-ticked again: nothing to send
		expect(queue.draft('q2', 'main')).toEqual([0, 3]);
		expect(sent).toEqual([]);

		expect(queue.sendDrafts()).toBe(2);
		expect(queue.sendDrafts()).toBe(0);
		await queue.flush();
		expect(sent.map((s) => [s.questionId, s.phase, s.selected])).toEqual([
			['q1', 'pre', [2]],
			['q2', 'main', [0, 3]]
		]);
		expect(queue.view('q2', 'main').stored).toBe(true);
		expect(queue.draft('q2', 'main')).toBeUndefined();
	});

	it('sends a double tap once', async () => {
		const queue = new AnswerQueue('/session/1/answer', 'k2');
		queue.answer('q1', 'main', [1]);
		queue.answer('q1', 'main', [1]);
		await queue.flush();
		queue.answer('q1', 'main', [0]);
		await queue.flush();
		expect(sent.map((s) => s.questionId)).toEqual(['q1']);
	});

	it('waits, when flushed, for an answer given while an earlier one is on its way', async () => {
		const queue = new AnswerQueue('/session/1/answer', 'k3');
		queue.answer('q1', 'pre', [0]);
		queue.answer('q2', 'pre', [1]);
		await queue.flush();
		expect(queue.waiting).toBe(0);
		expect(sent.map((s) => s.questionId)).toEqual(['q1', 'q2']);
	});

	it('keeps drafts across a remount of the page, and settles them before a reload', async () => {
		answerQueueFor(7, 42).choose('q1', 'pre', [3]);
		expect(answerQueueFor(7, 42).draft('q1', 'pre')).toEqual([3]);
		expect(answerQueueFor(7, 43).draft('q1', 'pre')).toBeUndefined();
		await settleAnswerQueues();
		expect(sent.map((s) => [s.questionId, s.selected])).toEqual([['q1', [3]]]);
		expect(answerQueueFor(7, 42).sentOnMove).toBe(1);
	});
});

describe('backoffDelay', () => {
	it('doubles from about a second, stops at fifteen, and spreads a class out', () => {
		const middle = () => 0.5;
		expect([0, 1, 2, 3, 4, 5, 20].map((n) => backoffDelay(n, middle))).toEqual([
			1000, 2000, 4000, 8000, 15000, 15000, 15000
		]);
		expect(backoffDelay(0, () => 0)).toBe(750);
		expect(backoffDelay(0, () => 0.999)).toBeLessThanOrEqual(1250);
	});
});
