// Compression over real HTTP against a server of its own: scripts and styles precompressed
// at build time, pages compressed as they go out, live streams never, and a signed-in page
// only for requests Think Safe's own pages made (BREACH: scripts/compress.ts).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { expect, test } from '@playwright/test';
import { createPupilSession, createStaffSession } from '../../src/lib/server/auth/session';
import { closeDatabase, getDb, openDatabase, useHandle } from '../../src/lib/server/platform/db';
import { freePort } from './free-port';
import { expectAccessible } from './helpers';
import { startServer, stopServer, type Running } from './server-process';
import { startLiveSession, type LiveClass } from './sse-client';

let server: Running;
let dir: string;
let live: LiveClass;

test.beforeAll(async () => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thinksafe-compression-'));
	const file = path.join(dir, 'compression.db');
	server = await startServer({ DATABASE_PATH: file, DEMO: '1', ORIGIN: '' }, await freePort());
	useHandle(openDatabase(file));
	live = await startLiveSession(getDb());
});

test.afterAll(async () => {
	await closeDatabase();
	if (server) await stopServer(server);
	fs.rmSync(dir, { recursive: true, force: true });
});

interface Got {
	status: number;
	headers: http.IncomingHttpHeaders;
	/** The body as sent, still encoded. */
	raw: Buffer;
	/** The body decoded, as a browser reads it. */
	text: string;
}

const BROWSER = 'gzip, deflate, br, zstd';

function decode(raw: Buffer, encoding: string | undefined): string {
	if (encoding === 'br') return zlib.brotliDecompressSync(raw).toString('utf8');
	if (encoding === 'gzip') return zlib.gunzipSync(raw).toString('utf8');
	return raw.toString('utf8');
}

function get(pathname: string, headers: Record<string, string> = {}): Promise<Got> {
	return new Promise((resolve, reject) => {
		http
			.get(`${server.url}${pathname}`, { headers, agent: false }, (response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () => {
					const raw = Buffer.concat(chunks);
					const encoding = response.headers['content-encoding'];
					resolve({
						status: response.statusCode ?? 0,
						headers: response.headers,
						raw,
						text: decode(raw, encoding)
					});
				});
				response.on('error', reject);
			})
			.on('error', reject);
	});
}

test('scripts and styles go precompressed: Brotli, gzip for a client without it, as they are for one that asks for neither', async () => {
	const page = await get('/sign-in');
	const scripts = [...new Set(page.text.match(/\/_app\/immutable\/[^"']+\.js/g))];
	expect(scripts.length).toBeGreaterThan(0);
	// The largest of the page's scripts: a tiny one may not shrink.
	const sizes = await Promise.all(scripts.map(async (file) => (await get(file)).raw.length));
	const script = scripts[sizes.indexOf(Math.max(...sizes))];

	const plain = await get(script);
	const br = await get(script, { 'accept-encoding': BROWSER });
	const gzip = await get(script, { 'accept-encoding': 'gzip' });
	expect(plain.headers['content-encoding']).toBeUndefined();
	expect(br.headers['content-encoding']).toBe('br');
	expect(gzip.headers['content-encoding']).toBe('gzip');
	for (const got of [br, gzip]) {
		expect(got.status).toBe(200);
		expect(got.text).toBe(plain.text);
		expect(got.raw.length).toBeLessThan(plain.raw.length);
		expect(got.headers.vary).toMatch(/accept-encoding/i);
		// The security headers are on compressed files too.
		expect(got.headers['x-content-type-options']).toBe('nosniff');
	}
});

test('a page is compressed as it goes out, and says it varies by Accept-Encoding', async () => {
	const plain = await get('/sign-in');
	const br = await get('/sign-in', { 'accept-encoding': BROWSER });
	const gzip = await get('/sign-in', { 'accept-encoding': 'gzip' });
	expect(plain.headers['content-encoding']).toBeUndefined();
	expect(br.headers['content-encoding']).toBe('br');
	expect(gzip.headers['content-encoding']).toBe('gzip');
	for (const got of [br, gzip]) {
		expect(got.status).toBe(200);
		expect(got.headers['content-length']).toBeUndefined();
		expect(got.headers.vary).toMatch(/accept-encoding/i);
		expect(got.text).toContain('<h1');
		expect(got.raw.length).toBeLessThan(plain.raw.length / 2);
	}
});

test('a real browser gets the page and its files compressed, and the page works', async ({
	page
}) => {
	const encodings = new Map<string, string | undefined>();
	page.on('response', (response) => {
		encodings.set(new URL(response.url()).pathname, response.headers()['content-encoding']);
	});
	await page.goto(`${server.url}/sign-in`);
	await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
	expect(encodings.get('/sign-in')).toMatch(/^(br|gzip)$/);
	const scripts = [...encodings].filter(([file]) => file.endsWith('.js'));
	expect(scripts.length).toBeGreaterThan(0);
	for (const [, encoding] of scripts) expect(encoding).toMatch(/^(br|gzip)$/);
	await expectAccessible(page);
});

test('a signed-in page is compressed for Think Safe’s own requests, never for one another site started (BREACH)', async () => {
	const cookie = `ts-staff=${(await createStaffSession(live.teacherId)).token}`;
	const asked = (site?: string) =>
		get('/classes', {
			cookie,
			'accept-encoding': BROWSER,
			...(site ? { 'sec-fetch-site': site } : {})
		});
	const own = await asked('same-origin');
	const typed = await asked('none');
	const crossSite = await asked('cross-site');
	const sameSite = await asked('same-site');
	const unknown = await asked();
	for (const got of [own, typed, crossSite, sameSite, unknown]) {
		expect(got.status).toBe(200);
		expect(got.text).toContain('Willow');
	}
	expect(own.headers['content-encoding']).toBe('br');
	expect(typed.headers['content-encoding']).toBe('br');
	expect(crossSite.headers['content-encoding']).toBeUndefined();
	expect(sameSite.headers['content-encoding']).toBeUndefined();
	expect(unknown.headers['content-encoding']).toBeUndefined();
});

test('a live-lesson stream is never compressed, and its first event arrives at once', async () => {
	const cookie = `ts-pupil=${(await createPupilSession(live.pupilIds[0])).token}`;
	const first = await new Promise<{ headers: http.IncomingHttpHeaders; text: string }>(
		(resolve, reject) => {
			const request = http.get(
				`${server.url}/session/${live.sessionId}/events`,
				{
					headers: {
						cookie,
						accept: 'text/event-stream',
						'accept-encoding': BROWSER,
						'sec-fetch-site': 'same-origin'
					},
					agent: false
				},
				(response) => {
					response.once('data', (chunk: Buffer) => {
						resolve({ headers: response.headers, text: chunk.toString('utf8') });
						request.destroy();
					});
				}
			);
			request.on('error', reject);
		}
	);
	expect(first.headers['content-type']).toMatch(/^text\/event-stream/);
	expect(first.headers['content-encoding']).toBeUndefined();
	expect(first.text).toContain('event: state');
});
