// The server's memory on a county's database: the built server started on the file the
// reports benchmark has just filled, with the heap limit `npm start` gives it, asked for
// what holds the most in memory (the borough dashboard and CSV, which keep every pupil's
// facts, and a class report), then its peak resident memory read from /proc. It answers
// "is the default limit enough for a county, and what does a county need?"
import http from 'node:http';
import type { ChildProcess } from 'node:child_process';
import { createStaffSession } from '../../src/lib/server/auth/session';
import type { Handle } from '../../src/lib/server/platform/db';
import { buildIfStale } from '../build-if-stale';
import { ORIGIN, peakRssMb, serverNodeFlags, startServer } from '../load-borough';

export interface ServerMemory {
	/** The Node flags the server ran with (SERVER_NODE_FLAGS, or npm start's own). */
	flags: string;
	/** Every page answered 200 (false: the server ran out of memory or failed). */
	ok: boolean;
	statuses: Record<string, number>;
	peak_rss_mb: number;
}

function get(path: string, cookie: string): Promise<number> {
	return new Promise((resolve) => {
		http
			.get(`${ORIGIN}${path}`, { headers: { cookie, accept: 'text/html' } }, (res) => {
				res.resume();
				res.on('end', () => resolve(res.statusCode ?? 0));
			})
			.on('error', () => resolve(0));
	});
}

function stop(child: ChildProcess): Promise<void> {
	return new Promise((resolve) => {
		if (child.exitCode !== null) return resolve();
		child.once('exit', () => resolve());
		child.kill('SIGTERM');
	});
}

/** Needs the handle still open on `file`: the sign-ins are written through it first. */
export async function measureServerMemory(
	handle: Handle,
	file: string,
	classId: number
): Promise<ServerMemory> {
	const at = new Date().toISOString();
	const coordinator = Number(
		handle.sqlite
			.prepare(
				"insert into staff_users (email, display_name, role, school_id, created_at) values ('bench.coordinator@example.test', 'Bench Coordinator', 'coordinator', null, ?)"
			)
			.run(at).lastInsertRowid
	);
	const teacher = handle.sqlite
		.prepare('select user_id from class_teachers where class_id = ? limit 1')
		.get(classId) as { user_id: number };
	const council = `ts-staff=${(await createStaffSession(coordinator)).token}`;
	const school = `ts-staff=${(await createStaffSession(teacher.user_id)).token}`;

	buildIfStale();
	let server: ChildProcess;
	try {
		server = await startServer(file);
	} catch {
		// It did not start: with too small a heap for this county it runs out of memory while
		// building the borough's totals (its own message says so above). Said, not thrown.
		return {
			flags: serverNodeFlags(),
			ok: false,
			statuses: { start: 0 },
			peak_rss_mb: 0
		};
	}
	try {
		const statuses: Record<string, number> = {};
		// Twice each: the second dashboard is the remembered one, the CSV built beside it.
		for (const round of [1, 2]) {
			statuses[`dashboard ${round}`] = await get('/borough/report', council);
			statuses[`csv ${round}`] = await get('/borough/report.csv', council);
			statuses[`class report ${round}`] = await get(`/classes/${classId}/report`, school);
		}
		let peak = 0;
		try {
			peak = server.pid ? peakRssMb(server.pid) : 0;
		} catch {
			// The server has gone (out of memory): `ok` says so, and no peak is given.
		}
		return {
			flags: serverNodeFlags(),
			ok: Object.values(statuses).every((s) => s === 200),
			statuses,
			peak_rss_mb: peak
		};
	} finally {
		await stop(server);
	}
}
