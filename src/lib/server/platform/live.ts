// Live lessons: an in-process hub of Server-Sent Event streams per class session.
// Think Safe runs as one Node process per borough, so memory is the right place;
// a second process would need a shared channel (e.g. PostgreSQL LISTEN/NOTIFY).
// Every stream belongs to a person and the sign-in it was opened with: streams are
// capped per person and per class session, and end when that sign-in ends.
import { SIGNED_OUT_EVENT } from '../../live-follow';

export type Audience = 'pupil' | 'staff';

/** Who a stream belongs to: the person, and the sign-in it was opened with. */
export interface StreamOwner {
	kind: Audience;
	/** The pupil's or the member of staff's id. */
	personId: number;
	/** The sign-in session (its stored id), ended by signing out or by expiry. */
	signInId: string;
	/** A pupil's class, so that "sign the class out" finds its streams. */
	classId?: number;
}

/**
 * How many streams may be open at once. A pupil's device holds one; after a Wi-Fi drop
 * the server may not notice the old connection has gone for many minutes (TCP keeps
 * retrying), so a reconnect must still get in: past a person's limit their OLDEST stream
 * is closed rather than the new one refused, which costs a person who opens too many tabs
 * only their own oldest tab, and an attacker with one cookie holds at most this many. A
 * teacher has the control view and the board, perhaps on a second device. A class
 * session's limit cannot be met by closing someone's stream (one pupil must not push a
 * classmate out), so past it a stream is refused with 429, which both clients treat as
 * "try again later" (src/lib/live-follow.ts backs off, the staff view retries every 5 s):
 * 120 is four for every pupil in a class of 30, so a whole class reconnecting at once,
 * before their old connections are noticed, fits; staff have places of their own, so
 * pupils can never crowd the teacher and the board out.
 */
export const STREAM_LIMITS = {
	perPupil: 3,
	perStaff: 6,
	pupilsPerSession: 120,
	staffPerSession: 20
} as const;

/** Emitted on `process` by the server's shutdown (scripts/serve.ts): every stream ends. */
export const CLOSE_STREAMS_EVENT = 'thinksafe:close-streams';

interface Subscriber {
	sessionId: number;
	owner: StreamOwner;
	send: (chunk: string) => void;
	close: (lastWords?: string) => void;
}

const channels = new Map<number, Set<Subscriber>>();
/** Each person's streams, oldest first (a Set keeps insertion order). */
const byPerson = new Map<string, Set<Subscriber>>();
const encoder = new TextEncoder();
const HEARTBEAT_MS = 20_000;
/** What EventSource should wait before reconnecting: soon after a Wi-Fi drop… */
const RETRY_MS = 2_000;
/** …and longer for a tab pushed out by the same person's newer one, so tabs do not duel. */
const REPLACED_RETRY_MS = 10_000;

function frame(event: string, data: unknown): string {
	return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * The last words of a stream whose sign-in ended: the device goes to sign in rather than
 * reconnecting to be refused. The event's name is the browser's (src/lib/live-follow.ts),
 * so the two cannot drift apart.
 */
export { SIGNED_OUT_EVENT };
const SIGNED_OUT = frame(SIGNED_OUT_EVENT, {});

function personKey(owner: Pick<StreamOwner, 'kind' | 'personId'>): string {
	return `${owner.kind}:${owner.personId}`;
}

/** Sends an event to everyone (or one audience) watching a session. */
export function publish(sessionId: number, event: string, data: unknown, to?: Audience): number {
	const subscribers = channels.get(sessionId);
	if (!subscribers) return 0;
	const chunk = frame(event, data);
	let sent = 0;
	for (const s of subscribers) {
		if (to && s.owner.kind !== to) continue;
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
	for (const s of subscribers) if (s.owner.kind === audience) n++;
	return n;
}

/** How many streams are open in all: the sign-in check runs only while there are some. */
export function openStreamCount(): number {
	let n = 0;
	for (const subscribers of channels.values()) n += subscribers.size;
	return n;
}

function tooMany(sessionId: number, owner: StreamOwner): Response | undefined {
	const mine = byPerson.get(personKey(owner));
	const perPerson = owner.kind === 'pupil' ? STREAM_LIMITS.perPupil : STREAM_LIMITS.perStaff;
	const oldest = mine && mine.size >= perPerson ? mine.values().next().value : undefined;
	const perSession =
		owner.kind === 'pupil' ? STREAM_LIMITS.pupilsPerSession : STREAM_LIMITS.staffPerSession;
	// Closing this person's oldest stream frees a place here only if it was in this session.
	const freed = oldest?.sessionId === sessionId ? 1 : 0;
	if (watcherCount(sessionId, owner.kind) - freed >= perSession) {
		return new Response(
			'This lesson has too many live connections open. The page will try again by itself.\n',
			{
				status: 429,
				headers: {
					'Content-Type': 'text/plain; charset=utf-8',
					'Cache-Control': 'no-store',
					'Retry-After': '10'
				}
			}
		);
	}
	oldest?.close(`retry: ${REPLACED_RETRY_MS}\n: replaced by a newer connection\n\n`);
	return undefined;
}

function add(subscriber: Subscriber): void {
	let set = channels.get(subscriber.sessionId);
	if (!set) channels.set(subscriber.sessionId, (set = new Set()));
	set.add(subscriber);
	const key = personKey(subscriber.owner);
	let mine = byPerson.get(key);
	if (!mine) byPerson.set(key, (mine = new Set()));
	mine.add(subscriber);
}

function remove(subscriber: Subscriber): void {
	const set = channels.get(subscriber.sessionId);
	set?.delete(subscriber);
	if (set?.size === 0) channels.delete(subscriber.sessionId);
	const key = personKey(subscriber.owner);
	const mine = byPerson.get(key);
	mine?.delete(subscriber);
	if (mine?.size === 0) byPerson.delete(key);
}

/**
 * An SSE response that first sends `initial` (so a reconnecting device lands on the
 * current step at once), then every event published to the session. Past the limits
 * (STREAM_LIMITS) it closes the person's oldest stream, or answers 429.
 */
export function eventStream(
	sessionId: number,
	owner: StreamOwner,
	initial: { event: string; data: unknown },
	onClose?: () => void
): Response {
	const refusal = tooMany(sessionId, owner);
	if (refusal) return refusal;
	listenForShutdown();
	let subscriber: Subscriber | undefined;
	let heartbeat: ReturnType<typeof setInterval> | undefined;
	const cleanup = () => {
		if (heartbeat) clearInterval(heartbeat);
		heartbeat = undefined;
		if (subscriber) {
			remove(subscriber);
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
			const close = (lastWords?: string) => {
				if (lastWords) send(lastWords);
				cleanup();
				try {
					controller.close();
				} catch {
					// already closed by the client
				}
			};
			subscriber = { sessionId, owner, send, close };
			add(subscriber);
			// The retry hint makes EventSource reconnect quickly after a Wi-Fi drop.
			send(`retry: ${RETRY_MS}\n${frame(initial.event, initial.data)}`);
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

function closeWhere(matches: (s: Subscriber) => boolean, lastWords?: string): number {
	let closed = 0;
	for (const subscribers of [...channels.values()]) {
		for (const s of [...subscribers]) {
			if (!matches(s)) continue;
			s.close(lastWords);
			closed++;
		}
	}
	return closed;
}

/** The sign-ins that have streams open, for the check that ends those no longer valid. */
export function signInsWithStreams(kind: Audience): string[] {
	const ids = new Set<string>();
	for (const subscribers of channels.values()) {
		for (const s of subscribers) if (s.owner.kind === kind) ids.add(s.owner.signInId);
	}
	return [...ids];
}

/** Ends the streams opened with these sign-ins (signed out, expired, turned off). */
export function endSignInStreams(kind: Audience, signInIds: Iterable<string>): number {
	const ended = new Set(signInIds);
	if (ended.size === 0) return 0;
	return closeWhere((s) => s.owner.kind === kind && ended.has(s.owner.signInId), SIGNED_OUT);
}

/** Ends every stream of one person (all of their sign-ins ended at once). */
export function endPersonStreams(kind: Audience, personId: number): number {
	const mine = byPerson.get(personKey({ kind, personId }));
	if (!mine) return 0;
	const closing = [...mine];
	for (const s of closing) s.close(SIGNED_OUT);
	return closing.length;
}

/** Ends every pupil stream of a class (the teacher signed the class out). */
export function endClassStreams(classId: number): number {
	return closeWhere((s) => s.owner.kind === 'pupil' && s.owner.classId === classId, SIGNED_OUT);
}

/** Ends every stream (server shutdown), so that stopping is not held up by open streams. */
export function closeAllStreams(): void {
	closeWhere(() => true);
	channels.clear();
	byPerson.clear();
}

let listening = false;

/**
 * The server's shutdown asks, through `process`, for every stream to end: the built app
 * is a bundle of its own, so scripts/serve.ts cannot call closeAllStreams directly. Not
 * a signal handler, which would change how a test runner's process stops.
 */
function listenForShutdown(): void {
	if (listening) return;
	listening = true;
	process.on(CLOSE_STREAMS_EVENT, closeAllStreams);
}
