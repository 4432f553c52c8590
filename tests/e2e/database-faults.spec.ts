// Another program holding the database's write lock (here the test process, as sqlite3 at a
// prompt or a restore would), against a real server over real HTTP: the server keeps
// answering while a pupil's answer waits for the lock, and the answer is kept.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from '@playwright/test';
import { createPupilSession, createStaffSession } from '../../src/lib/server/auth/session';
import { closeDatabase, getDb, openDatabase, useHandle } from '../../src/lib/server/platform/db';
import { getLibrary } from '../../src/lib/server/lessons';
import { freePort } from './free-port';
import { startServer, stopServer, type Running } from './server-process';
import { startLiveSession } from './sse-client';

let server: Running | undefined;
let dir: string;

test.beforeEach(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thinksafe-db-faults-'));
});

test.afterEach(async () => {
	await closeDatabase();
	if (server) await stopServer(server);
	fs.rmSync(dir, { recursive: true, force: true });
});

function watch(promise: Promise<unknown>): () => boolean {
	let settled = false;
	promise.then(
		() => (settled = true),
		() => (settled = true)
	);
	return () => settled;
}

test('while another program holds the write lock, /healthz and a teacher’s page answer, and the pupil’s waiting answer is stored once the lock is freed', async () => {
	const file = path.join(dir, 'faults.db');
	server = await startServer({ DATABASE_PATH: file, DEMO: '1', ORIGIN: '' }, await freePort());
	const url = server.url;
	useHandle(openDatabase(file));
	const live = await startLiveSession(getDb());
	const lesson = getLibrary().lessons[0];
	// The class is on the last step, so every question is open.
	await getDb()
		.updateTable('class_sessions')
		.set({ current_step: lesson.steps.length - 1 })
		.where('id', '=', live.sessionId)
		.execute();
	const pupil = `ts-pupil=${(await createPupilSession(live.pupilIds[0])).token}`;
	const teacher = `ts-staff=${(await createStaffSession(live.teacherId)).token}`;
	const clientId = 'lockheld0000000000000000000000aa';

	const other = new Database(file, { timeout: 0 });
	other.exec('begin immediate');
	let answering: Promise<Response>;
	try {
		answering = fetch(`${url}/session/${live.sessionId}/answer`, {
			method: 'POST',
			headers: {
				cookie: pupil,
				origin: url,
				accept: 'application/json',
				'content-type': 'application/json'
			},
			body: JSON.stringify({
				clientId,
				questionId: lesson.questions[0].id,
				phase: 'main',
				selected: [0]
			})
		});
		const answered = watch(answering);
		// Long enough for the server to find the lock taken and start waiting for it.
		await new Promise((resolve) => setTimeout(resolve, 300));

		const health = await fetch(`${url}/healthz`);
		expect(health.status).toBe(200);
		expect(await health.json()).toEqual({ status: 'ok' });
		const classes = await fetch(`${url}/classes`, { headers: { cookie: teacher } });
		expect(classes.status).toBe(200);
		expect(await classes.text()).toContain('Willow');
		// Both answered while the pupil's answer was still waiting for the lock.
		expect(answered()).toBe(false);
	} finally {
		other.exec('commit');
		other.close();
	}

	const response = await answering;
	expect(response.status).toBe(200);
	expect(await response.json()).toMatchObject({ ok: true, created: true });
	const stored = await getDb()
		.selectFrom('answers')
		.select('client_id')
		.where('client_id', '=', clientId)
		.execute();
	expect(stored).toHaveLength(1);
});
