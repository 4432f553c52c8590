// The server's log: one JSON line per request and per event on standard output, for
// journald or whatever the council ships logs with. What goes in is chosen field by field:
// a route's id rather than its path (a path can carry a login card's or an invitation's
// token), who was asking by kind only, never a name, a token or a cookie. The redaction
// list is a second line of defence for objects logged whole, not the first.
import pino, { type DestinationStream, type Logger } from 'pino';
import { readOpsConfig } from './config';
import { CLASS_CODE_ALPHABET } from './random';

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

const REDACT = [
	'cookie',
	'*.cookie',
	'authorization',
	'*.authorization',
	'headers',
	'*.headers',
	'token',
	'*.token',
	'password',
	'*.password',
	'name',
	'*.name',
	'firstName',
	'*.firstName',
	'first_name',
	'*.first_name',
	'email',
	'*.email'
];

/** A logger writing JSON lines to `destination` (standard output unless a test passes one). */
export function createLogger(destination?: DestinationStream, level?: string): Logger {
	const wanted = level ?? readOpsConfig().logLevel;
	return pino(
		{
			level: LEVELS.has(wanted) ? wanted : 'info',
			// No pid or hostname: one process per borough, and journald records both anyway.
			base: undefined,
			timestamp: pino.stdTimeFunctions.isoTime,
			formatters: { level: (label) => ({ level: label }) },
			redact: { paths: REDACT, censor: '[hidden]' }
		},
		destination
	);
}

let current: Logger | undefined;

/** The process's logger. */
export function log(): Logger {
	return (current ??= createLogger());
}

/** For tests: log somewhere else (returns the logger that was in use). */
export function useLogger(logger: Logger | undefined): Logger | undefined {
	const previous = current;
	current = logger;
	return previous;
}

/**
 * A reference for one request, short enough for a teacher to read out over the phone:
 * eight characters that cannot be confused on a screen (no 0/O, 1/I/L), as XXXX-XXXX.
 */
export function newRequestId(): string {
	let id = '';
	for (let i = 0; i < 8; i++)
		id += CLASS_CODE_ALPHABET[pooledRandom() % CLASS_CODE_ALPHABET.length];
	return `${id.slice(0, 4)}-${id.slice(4)}`;
}

// Every request needs eight random numbers, and asking the system for them one call at a
// time cost 3 % of the server's time under load (a profile of `npm run bench`). A reference
// is not a secret: drawing from a pool refilled now and then is enough, and the modulo's
// bias over 2^32 is negligible.
const pool = new Uint32Array(1024);
let drawn = pool.length;

function pooledRandom(): number {
	if (drawn === pool.length) {
		crypto.getRandomValues(pool);
		drawn = 0;
	}
	return pool[drawn++];
}

/** Who was asking, by kind only: the log never says which pupil. */
export type Asker = 'pupil' | 'anyone' | `staff:${string}`;

export interface RequestLine {
	requestId: string;
	method: string;
	/** SvelteKit's route id ("/(pupil)/session/[sid=id]/answer"), or null when none matched. */
	route: string | null;
	status: number;
	seconds: number;
	who: Asker;
}

/** One line per request, written once the response has begun (a live stream's, too). */
export function logRequest(line: RequestLine): void {
	const { requestId, seconds, ...rest } = line;
	const fields = { event: 'request', reqId: requestId, ...rest, ms: round(seconds * 1000) };
	if (line.status >= 500) log().error(fields, 'request failed');
	else log().info(fields, 'request');
}

/** Something that happened outside any one request: start-up, a reload, a failure. */
export function logEvent(
	level: 'info' | 'warn' | 'error',
	event: string,
	message: string,
	fields: Record<string, unknown> = {}
): void {
	log()[level]({ event, ...fields }, message);
}

/** An error's type, message and stack, never the objects it holds (an SQL error's values). */
export function describeError(error: unknown): { type: string; message: string; stack?: string } {
	if (error instanceof Error) {
		return { type: error.name, message: error.message, stack: error.stack };
	}
	return { type: typeof error, message: String(error) };
}

function round(ms: number): number {
	return Math.round(ms * 10) / 10;
}
