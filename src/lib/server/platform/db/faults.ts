// When the database cannot do what was asked — the disk is full, the disk fails, another
// program holds the write lock too long — this says so in words a person can act on: a
// 503 with Retry-After for the request (a pupil's device keeps the answer and sends it
// again), a log line that names SQLite's own code, and the state /healthz reports.
import fs from 'node:fs';
import { error as httpError, type HttpError } from '@sveltejs/kit';
import { logEvent } from '../log';

/** What kind of trouble an SQLite error code means, for the person who must fix it. */
export type FaultKind = 'busy' | 'full' | 'io' | 'readonly' | 'corrupt' | 'notadb' | 'cantopen';

export interface DatabaseFault {
	kind: FaultKind;
	/** SQLite's extended code, e.g. SQLITE_FULL or SQLITE_IOERR_WRITE. */
	code: string;
	/** SQLite's own words, e.g. "database or disk is full". */
	detail: string;
}

// Extended codes keep their family's prefix (SQLITE_IOERR_SHMSIZE, SQLITE_READONLY_DBMOVED).
const FAMILIES: [string, FaultKind][] = [
	['SQLITE_BUSY', 'busy'],
	['SQLITE_FULL', 'full'],
	['SQLITE_IOERR', 'io'],
	['SQLITE_READONLY', 'readonly'],
	['SQLITE_CORRUPT', 'corrupt'],
	['SQLITE_NOTADB', 'notadb'],
	['SQLITE_CANTOPEN', 'cantopen']
];

const FAULT = Symbol('database fault');

/** The fault an error stands for: an SQLite error of one of the kinds above, or our 503. */
export function faultOf(error: unknown): DatabaseFault | undefined {
	if (!error || typeof error !== 'object') return undefined;
	const carried = (error as { [FAULT]?: DatabaseFault })[FAULT];
	if (carried) return carried;
	const code = (error as { code?: unknown }).code;
	if (typeof code !== 'string') return undefined;
	const family = FAMILIES.find(([prefix]) => code === prefix || code.startsWith(`${prefix}_`));
	if (!family) return undefined;
	const detail = error instanceof Error ? error.message : code;
	return { kind: family[1], code, detail };
}

/** True for the 503 made by `unavailable`, already counted and logged. */
export function isRefusal(error: unknown): boolean {
	return !!error && typeof error === 'object' && FAULT in error;
}

export function isBusy(error: unknown): boolean {
	return faultOf(error)?.kind === 'busy';
}

/** Seconds a client is asked to wait: long enough for a lock or a freed disk, short for a class. */
export const RETRY_AFTER_S = 5;

/**
 * What the person on the other end is told. Pupils' pages say their own calm words for any
 * 5xx (and keep answers on the device); staff see this. Never SQLite's code or a path.
 */
function publicMessage(kind: FaultKind): string {
	return kind === 'busy'
		? 'Think Safe is waiting to save work just now. Please try again in a moment.'
		: 'Think Safe cannot save anything just now. Please try again in a few minutes; if it keeps happening, tell the council’s Think Safe team.';
}

/**
 * The error a request gets: SvelteKit's own HttpError with status 503, so every page, form
 * action and endpoint answers 503 (not 500) without a route knowing about it. The fault
 * rides along for scripts and tests (`faultOf`).
 */
export function unavailable(fault: DatabaseFault): HttpError {
	try {
		httpError(503, { message: publicMessage(fault.kind) });
	} catch (thrown) {
		Object.defineProperty(thrown, FAULT, { value: fault });
		return thrown as HttpError;
	}
	throw new Error('unreachable: error() always throws');
}

/** A lock held elsewhere for longer than a write may wait. */
export function lockWaitFault(waitedMs: number): DatabaseFault {
	return {
		kind: 'busy',
		code: 'SQLITE_BUSY',
		detail: `the write lock was still held by another program after ${Math.round(waitedMs / 1000)} s`
	};
}

/** The 503 for a write that waited `lockWaitMs` for its turn, counted as a failed write. */
export function lockWaitRefusal(health: WriteHealth, started: number): unknown {
	const fault = lockWaitFault(Date.now() - started);
	health.failed(fault);
	return unavailable(fault);
}

/** The error a failed write becomes: a 503 for a fault of the disk or the lock. */
export function writeRefusal(health: WriteHealth, error: unknown, started: number): unknown {
	let fault = faultOf(error);
	if (!fault) return error;
	if (fault.kind === 'busy') fault = lockWaitFault(Date.now() - started);
	health.failed(fault);
	return unavailable(fault);
}

/** What the log and /healthz say about a fault, naming SQLite's code. */
export function describeFault(fault: DatabaseFault): string {
	const what: Record<FaultKind, string> = {
		busy: 'another program holds the write lock',
		full: 'the disk is full',
		io: 'the disk could not be read or written (I/O error)',
		readonly: 'the database file or its folder cannot be written',
		corrupt: 'the database file is damaged',
		notadb: 'the database file is not SQLite',
		cantopen: 'the database file cannot be opened'
	};
	return `${what[fault.kind]} (${fault.code}: ${fault.detail})`;
}

/** Free bytes on the file system holding `dir`, or undefined where Node cannot tell. */
export function freeBytes(dir: string): number | undefined {
	try {
		const stats = fs.statfsSync(dir);
		return stats.bavail * stats.bsize;
	} catch {
		return undefined;
	}
}

function megabytes(bytes: number): string {
	return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Below this, an I/O error on a write is most likely the disk filling up. */
const NEARLY_FULL_BYTES = 16 * 1024 * 1024;

/**
 * The one line `npm start` prints when the database cannot be opened or migrated. A full
 * disk or an I/O error must not be mistaken for a file that is not SQLite: moving a good
 * database aside would start the borough afresh, empty.
 */
export function openFailureMessage(file: string, dir: string, error: unknown): string {
	const fault = faultOf(error);
	const free = freeBytes(dir);
	const space = free === undefined ? '' : ` (${megabytes(free)} free)`;
	const detail = fault ? `${fault.code}: ${fault.detail}` : String(error);
	switch (fault?.kind) {
		case 'full':
			return `the disk holding ${file} is full${space} (${detail}). Free some space on it and start again; the database itself is fine, so do not move it aside.`;
		case 'io':
			return free !== undefined && free < NEARLY_FULL_BYTES
				? `the disk holding ${file} is full or nearly full${space} (${detail}). Free some space on it and start again; the database itself is most likely fine, so do not move it aside.`
				: `the disk holding ${file} could not be read or written (${detail})${space}. Check the disk (its free space, the system log for disk errors) and start again; do not move the database aside unless a disk check says it is damaged.`;
		case 'busy':
			return `${file} is locked by another program (${detail}). Stop it (another Think Safe, a migration, sqlite3 at a prompt) and start again.`;
		case 'readonly':
		case 'cantopen':
			return `cannot open ${file} for writing (${detail}). Check that this user may write the file and its folder ${dir}, or set DATABASE_PATH to another file.`;
		case 'notadb':
		case 'corrupt':
			return `${file} is not a usable SQLite database (${detail}): move it aside (or restore a backup) or set DATABASE_PATH to another file.`;
		default:
			return `cannot use the database ${file} (${detail}).`;
	}
}

/**
 * The state of writing, per connection: the fault of the last write that failed (a full
 * disk, or a lock held elsewhere past the wait), until a later write succeeds. Read by
 * /healthz; logged when it changes and then at most every `logEveryMs`, not once per failed
 * answer (a class answering into a full disk would fill the journal too).
 */
export class WriteHealth {
	failing: (DatabaseFault & { since: number }) | undefined;
	#failedWrites = 0;
	#lastLogged = 0;
	#logEveryMs: number;

	constructor(logEveryMs = 30_000) {
		this.#logEveryMs = logEveryMs;
	}

	succeeded(now = Date.now()): void {
		if (!this.failing) return;
		const seconds = Math.round((now - this.failing.since) / 1000);
		logEvent('warn', 'db.write_recovered', `the database can be written again after ${seconds} s`, {
			code: this.failing.code,
			failedWrites: this.#failedWrites
		});
		this.failing = undefined;
		this.#failedWrites = 0;
	}

	failed(fault: DatabaseFault, now = Date.now()): void {
		this.#failedWrites++;
		const changed = this.failing?.code !== fault.code;
		if (changed) this.failing = { ...fault, since: now };
		if (changed || now - this.#lastLogged >= this.#logEveryMs) {
			logEvent('error', 'db.write_failed', `cannot write the database: ${describeFault(fault)}`, {
				code: fault.code,
				kind: fault.kind,
				failedWrites: this.#failedWrites
			});
			this.#lastLogged = now;
		}
	}
}
