// Live-lesson streams over real HTTP against a server of its own: a person holds only a
// few at once, and a stream ends when the sign-in that opened it ends.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { createPupilSession, createStaffSession } from '../../src/lib/server/auth/session';
import { STREAM_LIMITS } from '../../src/lib/server/platform/live';
import { SIGN_IN_CHECK_MS } from '../../src/lib/server/auth/live-sign-ins';
import { closeDatabase, getDb, openDatabase, useHandle } from '../../src/lib/server/platform/db';
import { freePort } from './free-port';
import { startServer, stopServer, type Running } from './server-process';
import { openStream, settlesWithin, startLiveSession, type LiveClass } from './sse-client';

let server: Running;
let dir: string;
let live: LiveClass;

test.beforeAll(async () => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thinksafe-streams-'));
	const file = path.join(dir, 'streams.db');
	server = await startServer({ DATABASE_PATH: file, DEMO: '1', ORIGIN: '' }, await freePort());
	useHandle(openDatabase(file));
	live = await startLiveSession(getDb());
});

test.afterAll(async () => {
	await closeDatabase();
	if (server) await stopServer(server);
	fs.rmSync(dir, { recursive: true, force: true });
});

async function pupilCookie(pupilId = live.pupilIds[0]): Promise<string> {
	return `ts-pupil=${(await createPupilSession(pupilId)).token}`;
}

async function teacherCookie(): Promise<string> {
	return `ts-staff=${(await createStaffSession(live.teacherId)).token}`;
}

const pupilEvents = () => `/session/${live.sessionId}/events`;
const staffEvents = () => `/sessions/${live.sessionId}/events`;

/** A form post as the browser sends it (Kit refuses one without a same-origin Origin). */
function post(pathname: string, cookie: string): Promise<Response> {
	return fetch(`${server.url}${pathname}`, {
		method: 'POST',
		headers: {
			cookie,
			origin: server.url,
			// As a browser without JavaScript: a redirect, not an enhanced form's JSON.
			accept: 'text/html',
			'content-type': 'application/x-www-form-urlencoded'
		},
		body: '',
		redirect: 'manual'
	});
}

test('one pupil cookie holds at most its limit of streams: a new one closes the oldest', async () => {
	const cookie = await pupilCookie();
	const streams = [];
	for (let i = 0; i < STREAM_LIMITS.perPupil; i++) {
		const stream = await openStream(server.url, pupilEvents(), cookie);
		expect(stream.status).toBe(200);
		expect(stream.text()).toContain('event: state');
		streams.push(stream);
	}
	const newest = await openStream(server.url, pupilEvents(), cookie);
	expect(newest.status).toBe(200);
	// The oldest goes, told to wait before reconnecting; the others stay open.
	await streams[0].ended;
	expect(streams[0].text()).toContain('retry: 10000');
	expect(streams.slice(1).some((s) => s.hasEnded())).toBe(false);
	// Many more from the same cookie never add up: each new one pushes out the oldest.
	const more = [];
	for (let i = 0; i < 10; i++) more.push(await openStream(server.url, pupilEvents(), cookie));
	expect(more.every((s) => s.status === 200)).toBe(true);
	const all = [...streams, newest, ...more];
	const kept = all.slice(-STREAM_LIMITS.perPupil);
	await Promise.all(all.slice(0, -STREAM_LIMITS.perPupil).map((s) => s.ended));
	expect(kept.some((s) => s.hasEnded())).toBe(false);
	for (const s of kept) s.close();
});

test("a pupil's stream ends when they sign out on their device", async () => {
	const cookie = await pupilCookie(live.pupilIds[1]);
	const stream = await openStream(server.url, pupilEvents(), cookie);
	expect(stream.status).toBe(200);
	expect((await post('/me?/signOut', cookie)).status).toBe(303);
	// Far sooner than the background check would find it.
	expect(await settlesWithin(stream.ended, SIGN_IN_CHECK_MS / 2)).toBe(true);
});

test("the teacher's 'sign the class out' ends every pupil's stream of the class", async () => {
	const pupils = await Promise.all(
		live.pupilIds
			.slice(2, 5)
			.map(async (id) => openStream(server.url, pupilEvents(), await pupilCookie(id)))
	);
	const teacher = await teacherCookie();
	const board = await openStream(server.url, staffEvents(), teacher);
	expect(board.status).toBe(200);
	expect((await post(`/classes/${live.classId}?/signOut`, teacher)).status).toBe(303);
	expect(await settlesWithin(Promise.all(pupils.map((s) => s.ended)), SIGN_IN_CHECK_MS / 2)).toBe(
		true
	);
	// The teacher is still signed in: their own stream stays.
	expect(board.hasEnded()).toBe(false);
	board.close();
});

test("a member of staff's stream ends when they sign out", async () => {
	const cookie = await teacherCookie();
	const stream = await openStream(server.url, staffEvents(), cookie);
	expect(stream.status).toBe(200);
	expect((await post('/sign-out', cookie)).status).toBe(303);
	expect(await settlesWithin(stream.ended, SIGN_IN_CHECK_MS / 2)).toBe(true);
});

test('a stream ends once its sign-in has expired, with nothing else happening', async () => {
	const cookie = await pupilCookie(live.pupilIds[5]);
	const stream = await openStream(server.url, pupilEvents(), cookie);
	expect(stream.status).toBe(200);
	// The sign-in runs out (as six hours after signing in) while the stream is open.
	await getDb()
		.updateTable('pupil_sessions')
		.set({ expires_at: new Date(Date.now() - 1000).toISOString() })
		.where('pupil_id', '=', live.pupilIds[5])
		.execute();
	expect(await settlesWithin(stream.ended, SIGN_IN_CHECK_MS * 3)).toBe(true);
});
