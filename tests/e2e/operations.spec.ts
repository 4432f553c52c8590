// The server as the council's IT team runs it: its log (one JSON line per request, never
// a pupil's name, a token or a cookie), the reference an error page gives a teacher to
// quote, and /metrics, which only the addresses the council lists may read. Each server
// here is a real one of our own (scripts/start.ts), so its output can be read whole.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { decodePicturePassword, encodePicturePassword, PICTURES } from '../../src/lib/pictures';
import { issueLoginCardToken } from '../../src/lib/server/auth/login-cards';
import { closeDatabase, openDatabase, useHandle } from '../../src/lib/server/platform/db';
import { getLibrary } from '../../src/lib/server/lessons';
import { makePicturePassword } from '../../src/lib/server/platform/random';
import { expectAccessible, waitForHydration } from './helpers';
import { startServer, stopServer, type Running } from './server-process';
import { DEMO, DEMO_PASSWORD } from './staff-auth';

const CANARY = 'Zebedee';
const lesson = getLibrary().getLesson('think-before-you-share')!;
const firstCheck = lesson.questions.find((q) => q.check && q.scored)!;

/** A port nobody is listening on now, so these servers never meet another helper's. */
function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const { port } = probe.address() as net.AddressInfo;
			probe.close(() => resolve(port));
		});
	});
}

/** This machine's own address on its network (not loopback): a request from "elsewhere". */
function networkAddress(): string {
	for (const addresses of Object.values(os.networkInterfaces())) {
		const found = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
		if (found) return found.address;
	}
	throw new Error('this test needs a network interface besides loopback');
}

/** The value of one series in the Prometheus text, 0 when it has not appeared yet. */
function figure(text: string, series: string): number {
	const line = text.split('\n').find((l) => l.startsWith(`${series} `));
	return line ? Number(line.slice(series.length + 1)) : 0;
}

/** The log's JSON lines (the start script's welcome, plain text, is not among them). */
function logLines(output: string): Record<string, unknown>[] {
	return output
		.split('\n')
		.filter((line) => line.startsWith('{'))
		.map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function signInStaff(context: BrowserContext, email: string): Promise<Page> {
	const page = await context.newPage();
	await page.goto('/sign-in');
	await waitForHydration(page);
	await page.getByLabel('Email address').fill(email);
	await page.getByLabel('Password').fill(DEMO_PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).not.toHaveURL(/\/sign-in/);
	return page;
}

let dir: string;
let server: Running;
let willow: { id: number; code: string };
let canary: { id: number; pictures: string[] };

test.beforeAll(async () => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thinksafe-ops-'));
	const file = path.join(dir, 'ops.db');
	// Every interface, so that a request can come from this machine's network address too;
	// the browser uses the loopback address, which ORIGIN names so its form posts are same-site.
	const port = await freePort();
	server = await startServer(
		{ DATABASE_PATH: file, HOST: '0.0.0.0', DEMO: '1', ORIGIN: `http://127.0.0.1:${port}` },
		port
	);
	// Zebedee Q joins Willow, straight into the server's database as a class import would.
	const handle = openDatabase(file);
	useHandle(handle);
	try {
		const row = await handle.db
			.selectFrom('classes')
			.select(['id', 'code'])
			.where('name', '=', 'Willow')
			.executeTakeFirstOrThrow();
		willow = { id: row.id, code: row.code };
		const taken = await handle.db
			.selectFrom('pupils')
			.select('picture_password')
			.where('class_id', '=', row.id)
			.execute();
		const password = makePicturePassword(new Set(taken.map((t) => t.picture_password)));
		const { id } = await handle.db
			.insertInto('pupils')
			.values({
				class_id: row.id,
				first_name: CANARY,
				last_initial: 'Q',
				picture_password: encodePicturePassword(password),
				created_at: new Date().toISOString()
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		canary = {
			id,
			pictures: decodePicturePassword(encodePicturePassword(password)).map((i) => PICTURES[i])
		};
	} finally {
		await closeDatabase();
	}
});

test.afterAll(async () => {
	if (server) await stopServer(server);
	fs.rmSync(dir, { recursive: true, force: true });
});

async function metrics(from = '127.0.0.1'): Promise<Response> {
	return fetch(`http://${from}:${new URL(server.url).port}/metrics`);
}

async function scrape(): Promise<string> {
	const response = await metrics();
	expect(response.status).toBe(200);
	return response.text();
}

/** The teacher starts the lesson live with Willow, through the teacher's own pages. */
async function startLive(teacher: Page): Promise<number> {
	await teacher.goto(`/classes/${willow.id}/sessions/new?lesson=${lesson.id}`);
	await waitForHydration(teacher);
	const note = teacher.getByLabel('I have read the safeguarding note');
	if (await note.count()) await note.check();
	await teacher.getByLabel(/Live, together/).check();
	await teacher.getByRole('button', { name: /^Start the lesson/ }).click();
	await expect(teacher).toHaveURL(/\/sessions\/\d+$/);
	await waitForHydration(teacher);
	return Number(new URL(teacher.url()).pathname.split('/').pop());
}

/** Zebedee signs in as a child does: class code, name, three pictures. */
async function zebedeeJoins(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext({ baseURL: server.url });
	const page = await context.newPage();
	await page.goto('/join');
	await waitForHydration(page);
	await page.getByLabel('Class code').fill(willow.code);
	await page.getByLabel('Class code').press('Enter');
	await expect(page.getByRole('heading', { level: 1, name: 'Tap your name' })).toBeVisible();
	await waitForHydration(page);
	await page.getByRole('link', { name: CANARY, exact: true }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Tap your three pictures' })
	).toBeVisible();
	await waitForHydration(page);
	for (const picture of canary.pictures) {
		await page.getByRole('button', { name: picture, exact: true }).click();
	}
	return { context, page };
}

test("a pupil signs in and answers; the log has every request but never the pupil's name, a token or a cookie", async ({
	browser
}) => {
	test.slow();
	const before = await scrape();
	const staffContext = await browser.newContext({ baseURL: server.url });
	const teacher = await signInStaff(staffContext, DEMO.teacher);
	const sessionId = await startLive(teacher);

	const zebedee = await zebedeeJoins(browser);
	// A live lesson is running, so signing in lands the pupil in it.
	await expect(zebedee.page).toHaveURL(`/session/${sessionId}`);
	await waitForHydration(zebedee.page);
	const check = zebedee.page.locator(`[data-question="${firstCheck.id}"]`);
	await check
		.getByRole(firstCheck.type === 'multiple' ? 'checkbox' : 'radio')
		.first()
		.check();
	await zebedee.page.getByRole('button', { name: 'Send my answers' }).click();
	await expect(check.getByText('Thanks — your answer is saved.')).toBeVisible();

	// The teacher's control view and the pupil's lesson each hold a live stream open.
	const during = await scrape();
	expect(figure(during, 'thinksafe_live_streams_open')).toBeGreaterThanOrEqual(2);
	expect(figure(during, 'thinksafe_answers_stored')).toBe(
		figure(before, 'thinksafe_answers_stored') + 1
	);
	const answered =
		'thinksafe_http_requests_total{method="POST",route="/(pupil)/session/[sid=id]/answer",status="200"}';
	expect(figure(during, answered)).toBe(figure(before, answered) + 1);

	// A second device, with a printed login card: its token is in the link itself.
	const handle = openDatabase(path.join(dir, 'ops.db'));
	useHandle(handle);
	const card = await issueLoginCardToken(canary.id).finally(() => closeDatabase());
	const tablet = await browser.newContext({ baseURL: server.url });
	const tabletPage = await tablet.newPage();
	await tabletPage.goto(`/card/${card}`);
	await expect(tabletPage.getByRole('heading', { level: 1, name: `Hi ${CANARY}!` })).toBeVisible();
	await waitForHydration(tabletPage);
	await tabletPage.getByRole('button', { name: 'Start' }).click();
	await expect(tabletPage).toHaveURL(`/session/${sessionId}`);

	const secrets = [
		...(await staffContext.cookies()),
		...(await zebedee.context.cookies()),
		...(await tablet.cookies())
	]
		.map((c) => c.value)
		.filter((value) => value.length >= 16);
	// A staff sign-in and two pupil sign-ins, at the least.
	expect(secrets.length).toBeGreaterThanOrEqual(3);
	await Promise.all([staffContext.close(), zebedee.context.close(), tablet.close()]);
	// Closed devices let their streams go.
	await expect.poll(async () => figure(await scrape(), 'thinksafe_live_streams_open')).toBe(0);

	const output = server.output();
	expect(output).not.toContain(CANARY);
	expect(output).not.toContain(card);
	// The start script's welcome prints the demo's published password on purpose; the log
	// never holds the one the teacher typed.
	expect(
		logLines(output)
			.map((line) => JSON.stringify(line))
			.join('\n')
	).not.toContain(DEMO_PASSWORD);
	for (const secret of secrets) expect(output).not.toContain(secret);

	// …and yet the log is there: a JSON line for each request, with its reference and route.
	const requests = logLines(output).filter((line) => line.event === 'request');
	expect(requests.length).toBeGreaterThan(20);
	for (const line of requests) expect(line.reqId).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
	expect(requests).toContainEqual(
		expect.objectContaining({
			method: 'POST',
			route: '/(pupil)/session/[sid=id]/answer',
			status: 200,
			who: 'pupil'
		})
	);
	expect(requests).toContainEqual(
		expect.objectContaining({ route: '/(public)/card/[token]', status: 200, who: 'anyone' })
	);
	expect(requests).toContainEqual(
		expect.objectContaining({ route: '/(staff)/sessions/[sid=id]', who: 'staff:teacher' })
	);
});

test('when a page fails, the teacher and the pupil are shown a reference the log holds', async ({
	browser
}) => {
	test.slow();
	const staffContext = await browser.newContext({ baseURL: server.url });
	const teacher = await signInStaff(staffContext, DEMO.teacher);
	const handle = openDatabase(path.join(dir, 'ops.db'));
	useHandle(handle);
	const card = await issueLoginCardToken(canary.id).finally(() => closeDatabase());
	const pupilContext = await browser.newContext({ baseURL: server.url });
	const pupil = await pupilContext.newPage();
	await pupil.goto(`/card/${card}`);
	await waitForHydration(pupil);
	await pupil.getByRole('button', { name: 'Start' }).click();
	await expect(pupil).toHaveURL(/\/(me|session\/\d+)$/);

	// Something breaks in the database under the running server: class sessions vanish.
	const broken = new Database(path.join(dir, 'ops.db'));
	broken.exec('ALTER TABLE class_sessions RENAME TO class_sessions_away');
	try {
		await teacher.goto(`/classes/${willow.id}/sessions`);
		await expect(
			teacher.getByRole('heading', { level: 1, name: 'Something went wrong' })
		).toBeVisible();
		const teacherReference = teacher.getByText(/quote this reference/);
		await expect(teacherReference).toBeVisible();
		const staffRef = (await teacherReference.locator('strong').textContent())!.trim();
		await expectAccessible(teacher);

		await pupil.goto('/me?stay');
		await expect(pupil.getByRole('heading', { level: 1, name: 'Reconnecting…' })).toBeVisible();
		const pupilReference = pupil.getByText(/show your teacher this code/);
		await expect(pupilReference).toBeVisible();
		const pupilRef = (await pupilReference.locator('strong').textContent())!.trim();
		await expectAccessible(pupil);

		expect(staffRef).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
		expect(pupilRef).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
		expect(pupilRef).not.toBe(staffRef);
		// The reference finds the error and its cause in the log, under the same request.
		const errors = logLines(server.output()).filter((line) => line.event === 'request.error');
		for (const ref of [staffRef, pupilRef]) {
			const logged = errors.find((line) => line.reqId === ref);
			expect(logged, `no error logged under ${ref}`).toBeDefined();
			expect(JSON.stringify(logged!.error)).toContain('no such table: class_sessions');
		}
	} finally {
		broken.exec('ALTER TABLE class_sessions_away RENAME TO class_sessions');
		broken.close();
	}
	// Mended, the pupil's page comes back by itself.
	await expect(pupil.getByRole('heading', { level: 1, name: `Hi ${CANARY}` })).toBeVisible({
		timeout: 20_000
	});
	await Promise.all([staffContext.close(), pupilContext.close()]);
	expect(server.output()).not.toContain(CANARY);
});

test('/metrics is served to loopback, and refused to another address unless the council lists it', async () => {
	// The server above runs with the default METRICS_ALLOW: loopback only.
	expect((await metrics('127.0.0.1')).status).toBe(200);
	const elsewhere = await metrics(networkAddress());
	expect(elsewhere.status).toBe(403);
	expect(await elsewhere.text()).not.toContain('thinksafe_');

	// Behind a proxy: the proxy's header says who is asking, and the council lists a range.
	const port = await freePort();
	const proxied = await startServer(
		{
			DATABASE_PATH: path.join(dir, 'proxied.db'),
			DEMO: '0',
			ADDRESS_HEADER: 'X-Forwarded-For',
			XFF_DEPTH: '1',
			METRICS_ALLOW: '10.20.0.0/16, 127.0.0.1, monitoring.example'
		},
		port
	);
	try {
		const ask = (xff?: string) =>
			fetch(`${proxied.url}/metrics`, { headers: xff ? { 'X-Forwarded-For': xff } : {} });
		expect((await ask('10.20.3.4')).status).toBe(200);
		expect((await ask('192.0.2.50')).status).toBe(403);
		// A client cannot pass itself off as a listed address: the proxy appends the real one.
		expect((await ask('10.20.3.4, 192.0.2.50')).status).toBe(403);
		// Prometheus on the server itself, straight to the port without the proxy.
		const direct = await ask();
		expect(direct.status).toBe(200);
		expect(await direct.text()).toContain('thinksafe_last_backup_timestamp_seconds 0');
	} finally {
		await stopServer(proxied);
	}
	// An entry that is not an address is left out, and the log says so in one line.
	const problems = logLines(proxied.output()).filter((l) => l.event === 'config.metrics_allow');
	expect(problems).toHaveLength(1);
	expect(problems[0]).toMatchObject({ level: 'error' });
	expect(problems[0].msg).toContain('"monitoring.example" is not an address');
});
