// Figures for the council's monitoring (Prometheus, at /metrics): requests and how long
// they took, answers stored, live streams open, the database's size and the last backup.
// Counts and sizes only, never anything about a person. Figures that live in the database
// or on disk are read when Prometheus asks, so they cannot drift from the truth.
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { readBackupRecord } from './backup-record';
import { getDb, getHandle } from './db';
import { clientAddress } from './forms';
import { openStreamCount } from './live';

const registry = new Registry();
collectDefaultMetrics({ register: registry });

const requests = new Counter({
	name: 'thinksafe_http_requests_total',
	help: 'Requests answered, by method, route and status.',
	labelNames: ['method', 'route', 'status'] as const,
	registers: [registry]
});

const durations = new Histogram({
	name: 'thinksafe_http_request_duration_seconds',
	help: 'Time until the response began, by method and route (a live stream counts until it opened).',
	labelNames: ['method', 'route'] as const,
	registers: [registry]
});

new Gauge({
	name: 'thinksafe_answers_stored',
	help: "Pupils' answers in the database now.",
	registers: [registry],
	async collect() {
		this.set(await countAnswers());
	}
});

new Gauge({
	name: 'thinksafe_live_streams_open',
	help: 'Live-lesson streams (Server-Sent Events) open now, pupils and staff together.',
	registers: [registry],
	collect() {
		this.set(openStreamCount());
	}
});

new Gauge({
	name: 'thinksafe_database_bytes',
	help: 'Size of the SQLite database on disk: the main file and its write-ahead log.',
	labelNames: ['file'] as const,
	registers: [registry],
	collect() {
		const file = getHandle().path;
		this.set({ file: 'main' }, fileSize(file));
		this.set({ file: 'wal' }, fileSize(`${file}-wal`));
	}
});

new Gauge({
	name: 'thinksafe_last_backup_timestamp_seconds',
	help: 'When the last backup by `npm run db:backup` passed its check (Unix time); 0 if never.',
	registers: [registry],
	collect() {
		const record = readBackupRecord(getHandle().path);
		this.set(record ? Date.parse(record.at) / 1000 : 0);
	}
});

new Gauge({
	name: 'thinksafe_last_backup_bytes',
	help: 'Size of that backup in bytes; 0 if never.',
	registers: [registry],
	collect() {
		this.set(readBackupRecord(getHandle().path)?.bytes ?? 0);
	}
});

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Counts one answered request. Labels are bounded: route ids, not paths, and known methods. */
export function recordRequest(
	method: string,
	route: string | null,
	status: number,
	seconds: number
): void {
	const labels = { method: METHODS.has(method) ? method : 'OTHER', route: route ?? 'unmatched' };
	requests.inc({ ...labels, status: String(status) });
	durations.observe(labels, seconds);
}

/** The exposition text Prometheus scrapes, and its content type. */
export async function metricsResponse(): Promise<{ body: string; contentType: string }> {
	return { body: await registry.metrics(), contentType: registry.contentType };
}

async function countAnswers(): Promise<number> {
	const row = await getDb()
		.selectFrom('answers')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

function fileSize(file: string): number {
	try {
		return fs.statSync(file).size;
	} catch {
		return 0; // no write-ahead log just now (after a clean close)
	}
}

interface AddressEvent {
	getClientAddress(): string;
	platform?: unknown;
}

/**
 * The address asking for /metrics, worked out as for sign-in limits (ADDRESS_HEADER and
 * XFF_DEPTH, behind a proxy). One difference: a request that carries no such header at
 * all did not come through the proxy (which always sets it), so it is a monitoring check
 * sent straight to the server, and its own connection's address is the true one.
 */
export function metricsClientAddress(
	event: AddressEvent,
	addressHeader = process.env.ADDRESS_HEADER
): string | null {
	const viaProxy = clientAddress(event);
	if (viaProxy !== null) return viaProxy;
	const req = (event.platform as { req?: IncomingMessage } | undefined)?.req;
	const header = addressHeader?.toLowerCase();
	if (!req || !header || header in req.headers) return null;
	return req.socket.remoteAddress ?? null;
}
