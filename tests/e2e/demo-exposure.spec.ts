// The demo borough (a published staff password) loads by itself only where nobody else
// can reach it: with an ORIGIN other computers use it needs DEMO=1 and says so loudly,
// and at an https ORIGIN (a real deployment) it is refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from '@playwright/test';
import { freePort } from './free-port';
import { runStartExpectingFailure, startServer, stopServer } from './server-process';

/** TEST-NET-1: an address other computers would use, that nothing here answers on. */
const LAN_ORIGIN = 'http://192.0.2.10:3000';
const HTTPS_ORIGIN = 'https://thinksafe.example.gov.uk';

let dir: string;
let port: number;
test.beforeEach(async () => {
	port = await freePort();
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thinksafe-demo-'));
});
test.afterEach(() => {
	fs.rmSync(dir, { recursive: true, force: true });
});

function count(file: string, table: string): number {
	const db = new Database(file, { readonly: true });
	try {
		return (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
	} finally {
		db.close();
	}
}

/** The one line a refused start prints, with no stack trace. */
function refusal(output: string): string {
	expect(output).not.toMatch(/\n\s+at /);
	const lines = output.split('\n').filter((l) => l.includes('Think Safe cannot start'));
	expect(lines).toHaveLength(1);
	return lines[0];
}

test('at an https ORIGIN, DEMO=1 on an empty database is refused with one line', async () => {
	const file = path.join(dir, 'https.db');
	const { code, output } = await runStartExpectingFailure(
		{ DATABASE_PATH: file, ORIGIN: HTTPS_ORIGIN, DEMO: '1' },
		port
	);
	expect(code).not.toBe(0);
	expect(refusal(output)).toContain('DEMO=1 cannot be used with an https ORIGIN');
	expect(output).not.toContain('think-safe-demo');
	if (fs.existsSync(file)) expect(count(file, 'staff_users')).toBe(0);
});

test('at an https ORIGIN without DEMO, an empty database starts empty', async () => {
	const file = path.join(dir, 'https-empty.db');
	const running = await startServer({ DATABASE_PATH: file, ORIGIN: HTTPS_ORIGIN, DEMO: '' }, port);
	expect(await stopServer(running)).toBe(0);
	expect(count(file, 'staff_users')).toBe(0);
	expect(running.output()).not.toContain('Demo sign-ins');
	expect(running.output()).toContain('The demo borough is not loaded at an https ORIGIN.');
});

test('at an address other computers use, the demo needs DEMO=1', async () => {
	const file = path.join(dir, 'lan.db');
	const running = await startServer({ DATABASE_PATH: file, ORIGIN: LAN_ORIGIN, DEMO: '' }, port);
	expect(await stopServer(running)).toBe(0);
	expect(count(file, 'schools')).toBe(0);
	const output = running.output();
	expect(output).not.toContain('think-safe-demo');
	expect(output).toContain('The demo borough is not loaded');
	expect(output).toContain('DEMO=1 loads it anyway');
});

test('with DEMO=1 at an address other computers use, the demo loads under a loud warning', async () => {
	const file = path.join(dir, 'lan-demo.db');
	const running = await startServer({ DATABASE_PATH: file, ORIGIN: LAN_ORIGIN, DEMO: '1' }, port);
	expect(await stopServer(running)).toBe(0);
	expect(count(file, 'schools')).toBe(6);
	const output = running.output();
	expect(output).toContain('Demo sign-ins');
	expect(output).toMatch(
		new RegExp(`WARNING: THE DEMO BOROUGH IS LOADED AND .*${LAN_ORIGIN.toUpperCase()}`)
	);
	expect(output).toContain('"think-safe-demo"');
});

test('listening on every interface counts as reachable by others', async () => {
	const file = path.join(dir, 'any.db');
	// startServer checks health on 127.0.0.1, which 0.0.0.0 answers too.
	const running = await startServer({ DATABASE_PATH: file, HOST: '0.0.0.0', DEMO: '' }, port);
	expect(await stopServer(running)).toBe(0);
	expect(count(file, 'schools')).toBe(0);
	expect(running.output()).toContain('(HOST 0.0.0.0)');
});

test('a database already holding the demo is not served at an https ORIGIN', async () => {
	const file = path.join(dir, 'was-demo.db');
	// Tried out on this computer first…
	const local = await startServer({ DATABASE_PATH: file, ORIGIN: '', DEMO: '' }, port);
	expect(await stopServer(local)).toBe(0);
	expect(count(file, 'schools')).toBe(6);
	// …then put behind the council's https address as it is.
	const { code, output } = await runStartExpectingFailure(
		{ DATABASE_PATH: file, ORIGIN: HTTPS_ORIGIN, DEMO: '' },
		port
	);
	expect(code).not.toBe(0);
	expect(refusal(output)).toContain('this database holds the demo borough');
	// Nor at a LAN address without DEMO=1.
	const lan = await runStartExpectingFailure(
		{ DATABASE_PATH: file, ORIGIN: LAN_ORIGIN, DEMO: '' },
		port
	);
	expect(lan.code).not.toBe(0);
	expect(refusal(lan.output)).toContain('set DEMO=1 to serve it for a trial');
});
