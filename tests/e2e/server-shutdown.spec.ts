// Stopping the server as an operator does (SIGTERM), with a lesson's live stream open and
// a request half sent: the stream ends at once, the request in flight is answered and
// its work kept, a new request is told to come back (503), and the process exits long
// before SHUTDOWN_TIMEOUT.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from '@playwright/test';
import { createPupilSession } from '../../src/lib/server/auth/session';
import { closeDatabase, getDb, openDatabase, useHandle } from '../../src/lib/server/platform/db';
import { freePort } from './free-port';
import { startServer, stopServer, type Running } from './server-process';
import { openStream, settlesWithin, startLiveSession } from './sse-client';

const SHUTDOWN_TIMEOUT_S = 60;
let dir: string;
let server: Running | undefined;

test.beforeEach(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thinksafe-shutdown-'));
});
test.afterEach(async () => {
	await closeDatabase();
	if (server) await stopServer(server, 'SIGKILL');
	fs.rmSync(dir, { recursive: true, force: true });
});

interface HalfSent {
	/** Sends the rest of the body; resolves with the response's status. */
	finish: () => Promise<number>;
}

/**
 * A staff sign-in whose headers have reached the server and whose body has not: the
 * server's "100 Continue" says it has begun handling the request.
 */
function halfSentSignIn(url: string, email: string, password: string): Promise<HalfSent> {
	const body = new URLSearchParams({ email, password }).toString();
	return new Promise((resolve, reject) => {
		const request = http.request(`${url}/sign-in`, {
			method: 'POST',
			agent: false,
			headers: {
				origin: url,
				accept: 'text/html',
				'content-type': 'application/x-www-form-urlencoded',
				'content-length': Buffer.byteLength(body),
				expect: '100-continue'
			}
		});
		const status = new Promise<number>((done, fail) => {
			request.once('response', (response) => {
				response.resume();
				done(response.statusCode ?? 0);
			});
			request.once('error', fail);
		});
		request.once('continue', () =>
			resolve({
				finish: () => {
					request.end(body);
					return status;
				}
			})
		);
		request.once('error', reject);
		request.flushHeaders();
	});
}

function exited(running: Running): Promise<number | null> {
	if (running.child.exitCode !== null) return Promise.resolve(running.child.exitCode);
	return new Promise((resolve) => running.child.once('exit', (code) => resolve(code)));
}

test('SIGTERM ends live streams, answers the request in flight, refuses new ones, and exits', async () => {
	const file = path.join(dir, 'shutdown.db');
	const running = await startServer(
		{ DATABASE_PATH: file, DEMO: '1', ORIGIN: '', SHUTDOWN_TIMEOUT: String(SHUTDOWN_TIMEOUT_S) },
		await freePort()
	);
	server = running;
	useHandle(openDatabase(file));
	const live = await startLiveSession(getDb());
	const { token } = await createPupilSession(live.pupilIds[0]);
	await closeDatabase();
	const stream = await openStream(
		running.url,
		`/session/${live.sessionId}/events`,
		`ts-pupil=${token}`
	);
	expect(stream.status).toBe(200);
	const signIn = await halfSentSignIn(
		running.url,
		'willow.loddon-vale@demo.thinksafe.test',
		'think-safe-demo'
	);

	const gone = exited(running);
	running.child.kill('SIGTERM');

	// The live stream does not hold the stop up: it ends straight away.
	expect(await settlesWithin(stream.ended, 5_000)).toBe(true);
	// A request that arrives now is told to come back, not left hanging or reset.
	const late = await fetch(`${running.url}/healthz`);
	expect(late.status).toBe(503);
	expect(late.headers.get('retry-after')).toBeTruthy();
	// The request in flight is answered in full (signed in), not reset.
	expect(await signIn.finish()).toBe(303);
	// …and then the process exits by itself, cleanly, long before SHUTDOWN_TIMEOUT.
	expect(await settlesWithin(gone, (SHUTDOWN_TIMEOUT_S / 4) * 1000)).toBe(true);
	expect(await gone).toBe(0);
	server = undefined;
	expect(running.output()).not.toMatch(/unfinished|\n\s+at /);

	// The sign-in's work was stored, in a database closed cleanly.
	const db = new Database(file, { readonly: true });
	try {
		expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
		const row = db
			.prepare(
				"select count(*) as n from staff_sessions s join staff_users u on u.id = s.user_id where u.email = 'willow.loddon-vale@demo.thinksafe.test'"
			)
			.get() as { n: number };
		expect(row.n).toBe(1);
	} finally {
		db.close();
	}
});
