// Live lessons: an in-process hub of Server-Sent Event streams per class session.
// Think Safe runs as one Node process per borough, so memory is the right place;
// a second process would need a shared channel (e.g. PostgreSQL LISTEN/NOTIFY).

export type Audience = 'pupil' | 'staff';

interface Subscriber {
	audience: Audience;
	send: (chunk: string) => void;
	close: () => void;
}

const channels = new Map<number, Set<Subscriber>>();
const encoder = new TextEncoder();
const HEARTBEAT_MS = 20_000;

function frame(event: string, data: unknown): string {
	return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Sends an event to everyone (or one audience) watching a session. */
export function publish(sessionId: number, event: string, data: unknown, to?: Audience): number {
	const subscribers = channels.get(sessionId);
	if (!subscribers) return 0;
	const chunk = frame(event, data);
	let sent = 0;
	for (const s of subscribers) {
		if (to && s.audience !== to) continue;
		s.send(chunk);
		sent++;
	}
	return sent;
}

export function watcherCount(sessionId: number, audience?: Audience): number {
	const subscribers = channels.get(sessionId);
	if (!subscribers) return 0;
	if (!audience) return subscribers.size;
	let n = 0;
	for (const s of subscribers) if (s.audience === audience) n++;
	return n;
}

/**
 * An SSE response that first sends `initial` (so a reconnecting device lands on the
 * current step at once), then every event published to the session.
 */
export function eventStream(
	sessionId: number,
	audience: Audience,
	initial: { event: string; data: unknown },
	onClose?: () => void
): Response {
	let subscriber: Subscriber | undefined;
	let heartbeat: ReturnType<typeof setInterval> | undefined;
	const cleanup = () => {
		if (heartbeat) clearInterval(heartbeat);
		heartbeat = undefined;
		if (subscriber) {
			const set = channels.get(sessionId);
			set?.delete(subscriber);
			if (set && set.size === 0) channels.delete(sessionId);
			subscriber = undefined;
			onClose?.();
		}
	};
	const stream = new ReadableStream<Uint8Array>({
		start(controller) {
			const send = (chunk: string) => {
				try {
					controller.enqueue(encoder.encode(chunk));
				} catch {
					cleanup();
				}
			};
			const close = () => {
				cleanup();
				try {
					controller.close();
				} catch {
					// already closed by the client
				}
			};
			subscriber = { audience, send, close };
			let set = channels.get(sessionId);
			if (!set) channels.set(sessionId, (set = new Set()));
			set.add(subscriber);
			// The retry hint makes EventSource reconnect quickly after a Wi-Fi drop.
			send(`retry: 2000\n${frame(initial.event, initial.data)}`);
			heartbeat = setInterval(() => send(': keep-alive\n\n'), HEARTBEAT_MS);
			heartbeat.unref?.();
		},
		cancel: cleanup
	});
	return new Response(stream, {
		headers: {
			'Content-Type': 'text/event-stream; charset=utf-8',
			'Cache-Control': 'no-store, no-transform',
			Connection: 'keep-alive',
			'X-Accel-Buffering': 'no'
		}
	});
}

/** Ends every stream (server shutdown), so that Ctrl-C is not held up by open streams. */
export function closeAllStreams(): void {
	for (const subscribers of [...channels.values()]) {
		for (const s of [...subscribers]) s.close();
	}
	channels.clear();
}
