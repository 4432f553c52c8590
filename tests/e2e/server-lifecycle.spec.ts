// The server as an operator meets it: restarts, crashes and bad configuration.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from '@playwright/test';
import { runStartExpectingFailure, startServer, stopServer } from './server-process';

let dir: string;
test.beforeEach(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thinksafe-life-'));
});
const cleanup: string[] = [];
test.afterEach(() => {
	fs.rmSync(dir, { recursive: true, force: true });
	for (const extra of cleanup.splice(0)) fs.rmSync(extra, { recursive: true, force: true });
});

function count(file: string, table: string): number {
	const db = new Database(file, { readonly: true });
	try {
		return (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
	} finally {
		db.close();
	}
}

test('a restarted server keeps its data and does not load the demo twice', async () => {
	const file = path.join(dir, 'restart.db');
	const first = await startServer({ DATABASE_PATH: file }, 4191);
	const welcome = first.output();
	// What a person needs first: the addresses for staff and pupils, and a sign-in for every role.
	expect(welcome).toContain('Think Safe is running at http://127.0.0.1:4191');
	expect(welcome).toContain('http://127.0.0.1:4191/sign-in');
	expect(welcome).toContain('http://127.0.0.1:4191/join');
	expect(welcome).toContain('Demo sign-ins');
	for (const who of [
		'coordinator@demo.thinksafe.test',
		'lead.loddon-vale@demo.thinksafe.test',
		'willow.loddon-vale@demo.thinksafe.test'
	]) {
		expect(welcome).toContain(who);
	}
	expect(welcome).toMatch(
		/pupil\s+\/join, class code [A-Z]{6}\s+\S+ [A-Z] \(class Willow\): \w+, \w+, \w+/
	);
	expect(await stopServer(first)).toBe(0);
	const pupils = count(file, 'pupils');
	expect(pupils).toBeGreaterThan(250);

	const second = await startServer({ DATABASE_PATH: file }, 4191);
	expect((await fetch(`${second.url}/healthz`)).status).toBe(200);
	expect(await stopServer(second)).toBe(0);
	expect(count(file, 'pupils')).toBe(pupils);
	expect(count(file, 'schools')).toBe(6);
});

test('kill -9 leaves a database that passes its integrity check and opens with all data', async () => {
	const file = path.join(dir, 'crash.db');
	const running = await startServer({ DATABASE_PATH: file }, 4192);
	await stopServer(running, 'SIGKILL');
	const db = new Database(file);
	expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
	db.close();
	const again = await startServer({ DATABASE_PATH: file }, 4192);
	expect((await fetch(`${again.url}/healthz`)).status).toBe(200);
	await stopServer(again);
	expect(count(file, 'pupils')).toBeGreaterThan(250);
});

test('DEMO=0 starts an empty borough', async () => {
	const file = path.join(dir, 'empty.db');
	const running = await startServer({ DATABASE_PATH: file, DEMO: '0' }, 4193);
	await stopServer(running);
	expect(count(file, 'schools')).toBe(0);
	expect(running.output()).not.toContain('Demo sign-ins');
});

test('a file that is not SQLite stops the start with one clear line', async () => {
	const file = path.join(dir, 'not-a-database.db');
	fs.writeFileSync(file, 'these are my lesson notes, not a database\n'.repeat(200));
	const { code, output } = await runStartExpectingFailure({ DATABASE_PATH: file }, 4194);
	expect(code).toBe(1);
	const lines = output
		.trim()
		.split('\n')
		.filter((l) => l.includes('Think Safe cannot start'));
	expect(lines).toHaveLength(1);
	expect(lines[0]).toContain('is not a usable SQLite database');
	expect(output).not.toMatch(/\n\s+at /);
});

test('a database folder that cannot be written stops the start with one clear line', async () => {
	// A path beneath an ordinary file can never be created, even by root.
	const blocker = path.join(dir, 'a-file');
	fs.writeFileSync(blocker, '');
	const { code, output } = await runStartExpectingFailure(
		{ DATABASE_PATH: path.join(blocker, 'thinksafe.db') },
		4195
	);
	expect(code).toBe(1);
	expect(output).toContain('Think Safe cannot start: Cannot write to the database folder');
	expect(output).not.toMatch(/\n\s+at /);
});

test('a first start builds quietly and then says where to go', async () => {
	// The e2e runner has built already; this start builds again into a folder of its own.
	test.setTimeout(240_000);
	// Inside the project (as .build-*, which git ignores), so the server finds node_modules.
	const buildDir = path.resolve(`.build-lifecycle-${process.pid}`);
	cleanup.push(buildDir, `${buildDir}-kit`);
	const running = await startServer(
		{ DATABASE_PATH: path.join(dir, 'first.db'), BUILD_DIR: buildDir, THINKSAFE_SKIP_BUILD: '0' },
		4196,
		180_000
	);
	await stopServer(running);
	const output = running.output();
	expect(output).toMatch(/Building Think Safe .*done in \d+ s\./);
	expect(output).toContain('/join');
	// Vite's and the adapter's own chatter is for developers, not for whoever starts the server.
	for (const noise of ['npm run preview', 'empty chunk', 'PLUGIN_TIMINGS', 'callbacks']) {
		expect(output).not.toContain(noise);
	}
});
