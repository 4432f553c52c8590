// Headers a shared classroom device and a council's HTTPS front end rely on, over real HTTP.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { pupilDevice, withServerDb } from './pupil-devices';
import { startServer, stopServer } from './server-process';
import { DEMO, signInAs } from './staff-auth';

test('a signed-in teacher’s class pages and their data are never kept in the cache', async ({
	page
}) => {
	await signInAs(page, DEMO.teacher);
	const classes = await page.goto('/classes');
	expect(classes?.status()).toBe(200);
	expect(classes?.headers()['cache-control']).toBe('no-store');
	const data = await page.request.get('/classes/__data.json');
	expect(data.status()).toBe(200);
	// SvelteKit itself marks its data "private, no-store"; that stays.
	expect(data.headers()['cache-control']).toMatch(/\bno-store\b/);
});

test('a signed-in pupil’s own page is never kept in the cache', async ({ browser }) => {
	const pupilId = await withServerDb(async (db) => {
		// A pupil of a current class (the demo's closed year has pupils who can no longer sign in).
		const row = await db
			.selectFrom('pupils as p')
			.innerJoin('classes as c', 'c.id', 'p.class_id')
			.select('p.id')
			.where('p.archived_at', 'is', null)
			.where('c.archived_at', 'is', null)
			.orderBy('p.id', 'desc')
			.executeTakeFirstOrThrow();
		return row.id;
	});
	const { context, page } = await pupilDevice(browser, pupilId);
	try {
		const me = await page.goto('/me');
		expect(me?.status()).toBe(200);
		expect(me?.headers()['cache-control']).toBe('no-store');
	} finally {
		await context.close();
	}
});

test('static files and SvelteKit’s own refusal of a cross-site form carry the security headers', async ({
	request
}) => {
	const icon = await request.get('/favicon.svg');
	const refused = await request.post('/sign-in', {
		headers: {
			origin: 'https://evil.example',
			'content-type': 'application/x-www-form-urlencoded'
		},
		data: 'email=a%40b.test&password=x'
	});
	expect(icon.status()).toBe(200);
	expect(refused.status()).toBe(403);
	for (const response of [icon, refused]) {
		const headers = response.headers();
		expect(headers['x-content-type-options']).toBe('nosniff');
		expect(headers['x-frame-options']).toBe('DENY');
		expect(headers['referrer-policy']).toBe('same-origin');
		expect(headers['permissions-policy']).toContain('camera=()');
	}
});

test('HSTS is sent only when the public address is https', async ({ request }) => {
	const plain = await request.get('/');
	expect(plain.headers()['strict-transport-security']).toBeUndefined();

	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thinksafe-hsts-'));
	const running = await startServer(
		{
			DATABASE_PATH: path.join(dir, 'hsts.db'),
			DEMO: '0',
			ORIGIN: 'https://thinksafe.example.gov.uk'
		},
		4296
	);
	try {
		for (const file of ['/', '/favicon.svg']) {
			const response = await fetch(`${running.url}${file}`);
			expect(response.headers.get('strict-transport-security'), file).toBe(
				'max-age=31536000; includeSubDomains'
			);
		}
	} finally {
		await stopServer(running);
		fs.rmSync(dir, { recursive: true, force: true });
	}
});
