// What /healthz says about the database: a read round trip, and whether it can be written.
// A full disk let reads, and so a read-only health check, carry on while every answer
// failed; so writing is checked too, from the writes themselves (the last one that failed,
// until one succeeds) and, at most every few seconds, by a tiny write of its own.
import { sql } from 'kysely';
import { describeFault, faultOf, isBusy } from './faults';
import type { Handle } from './index';
import type { WriteGate } from './patient-driver';

export type DatabaseHealth = { ok: true } | { ok: false; reason: string };

/** How often the write probe may run: rarely while writing works, often while it does not. */
const PROBE_EVERY_MS = 10_000;
const PROBE_EVERY_WHILE_FAILING_MS = 1000;

/** More than a page (4 KiB), so the probe needs room on the disk as a new answer would. */
const PROBE_BYTES = 8192;

const lastProbe = new WeakMap<WriteGate, number>();

export async function checkDatabaseHealth(
	handle: Handle,
	now = Date.now()
): Promise<DatabaseHealth> {
	try {
		await sql`select 1 as ok`.execute(handle.db);
	} catch (error) {
		const fault = faultOf(error);
		return { ok: false, reason: fault ? describeFault(fault) : describeError(error) };
	}
	probeWrite(handle.writes, now);
	const failing = handle.writes.health.failing;
	if (failing) {
		const since = new Date(failing.since).toISOString();
		return { ok: false, reason: `cannot write since ${since}: ${describeFault(failing)}` };
	}
	return { ok: true };
}

function describeError(error: unknown): string {
	return error instanceof Error ? error.message : 'unavailable';
}

/**
 * A real commit that changes nothing: it makes room for a new table with PROBE_BYTES in
 * it, takes it back (so no row and no schema change stays, and the report caches keyed on
 * the count of changes stay valid), and rewrites the header's user_version, which nothing
 * uses, so that the commit appends to the write-ahead log and syncs as an answer's would.
 * It never waits: while this process is writing, that write's outcome tells; while another
 * program holds the lock, writes are waiting, which is not a fault until they give up.
 */
export function probeWrite(gate: WriteGate, now = Date.now()): void {
	const every = gate.health.failing ? PROBE_EVERY_WHILE_FAILING_MS : PROBE_EVERY_MS;
	if (now - (lastProbe.get(gate) ?? -Infinity) < every) return;
	if (!gate.turn.tryTake()) return;
	lastProbe.set(gate, now);
	const { sqlite } = gate;
	try {
		sqlite.exec('begin immediate');
	} catch (error) {
		gate.turn.give();
		if (isBusy(error)) return;
		const fault = faultOf(error);
		if (fault) gate.health.failed(fault, now);
		return;
	}
	try {
		sqlite.exec('savepoint write_probe');
		sqlite.exec(`create table thinksafe_write_probe as select zeroblob(${PROBE_BYTES}) as padding`);
		sqlite.exec('rollback to write_probe');
		sqlite.exec('release write_probe');
		const version = Number(sqlite.pragma('user_version', { simple: true }));
		sqlite.pragma(`user_version = ${version}`);
		sqlite.exec('commit');
		gate.health.succeeded(now);
	} catch (error) {
		if (sqlite.inTransaction) sqlite.exec('rollback');
		const fault = faultOf(error);
		if (fault) gate.health.failed(fault, now);
	} finally {
		gate.turn.give();
	}
}
