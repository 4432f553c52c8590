// The privacy notices: the pupils' page reached from every pupil page, the page for parents
// and staff from the home page and the staff footer, both accessible; a server started with
// other retention periods says them on both; and the server applies the periods at start.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { freePort } from './free-port';
import { expectAccessible, waitForHydration } from './helpers';
import { pupilDevice, withServerDb } from './pupil-devices';
import { startServer, stopServer } from './server-process';
import { DEMO, signInAs } from './staff-auth';

const PUPILS_LINK = 'What Think Safe knows about you';

test('a pupil finds what Think Safe knows about them from their pages, in plain words', async ({
	browser
}) => {
	// Overton Mill's Otter class: no other spec runs lessons with it.
	const pupilId = await withServerDb(async (db) => {
		const row = await db
			.selectFrom('pupils as p')
			.innerJoin('classes as c', 'c.id', 'p.class_id')
			.select('p.id')
			.where('c.name', '=', 'Otter')
			.orderBy('p.id')
			.executeTakeFirstOrThrow();
		return row.id;
	});
	const { context, page } = await pupilDevice(browser, pupilId);
	for (const pupilPage of ['/me', '/help', '/certificate']) {
		await page.goto(pupilPage);
		await expect(page.getByRole('link', { name: PUPILS_LINK })).toBeVisible();
	}
	await page.getByRole('link', { name: PUPILS_LINK }).click();
	await expect(page).toHaveURL(/\/privacy\/pupils$/);
	await waitForHydration(page);
	await expect(page.getByRole('heading', { level: 1, name: PUPILS_LINK })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Who can see it' })).toBeVisible();
	await expect(page.getByText('kept for 1 year after the end of the school year')).toBeVisible();
	await expect(page.getByText(/Then Think Safe deletes them by itself/)).toBeVisible();
	// Still the pupil's own frame: their page and the way to ask for help are one tap away.
	await expect(page.getByRole('link', { name: 'My page' })).toBeVisible();
	await expect(page.getByRole('link', { name: "I'm worried about something" })).toBeVisible();
	await expectAccessible(page);
	await context.close();
});

test('a child can read it before signing in, from the class-code page', async ({ page }) => {
	await page.goto('/join');
	await waitForHydration(page);
	await page.getByRole('link', { name: PUPILS_LINK }).click();
	await expect(page.getByRole('heading', { level: 1, name: PUPILS_LINK })).toBeVisible();
	await expect(page.getByRole('link', { name: 'Join your class' })).toBeVisible();
	await expectAccessible(page);
});

test('parents and staff reach the privacy notice from the home page and the staff footer', async ({
	page
}) => {
	await page.goto('/');
	await waitForHydration(page);
	await page.getByRole('link', { name: 'Privacy notice for parents, carers and staff' }).click();
	await expect(page).toHaveURL(/\/privacy$/);
	await waitForHydration(page);
	await expect(page.getByRole('heading', { level: 1, name: 'Privacy notice' })).toBeVisible();
	await expect(page.getByText('run by the council, Basingstoke and Deane (demo)')).toBeVisible();
	const schedule = page.getByRole('table');
	await expect(schedule.getByRole('rowheader')).toHaveCount(8);
	await expect(schedule.getByRole('cell', { name: '6 years', exact: true })).toBeVisible();
	await expect(
		schedule.getByRole('cell', { name: /then Think Safe deletes them by itself/ })
	).toBeVisible();
	// Not set on the demo: shown as a marked gap, never as words nobody chose.
	await expect(page.getByText('Not filled in yet.')).toHaveCount(2);
	await expectAccessible(page);

	await signInAs(page, DEMO.teacher);
	await page.goto('/classes');
	await page.getByRole('link', { name: /Privacy notice: what Think Safe keeps/ }).click();
	await expect(page).toHaveURL(/\/privacy$/);
	await expect(page.getByRole('link', { name: 'Lesson library' })).toBeVisible();
});

test('a server with other retention periods says them on both notices', async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thinksafe-privacy-'));
	const server = await startServer(
		{
			DATABASE_PATH: path.join(dir, 'privacy.db'),
			DEMO: '0',
			PUPIL_RETENTION_MONTHS: '18',
			HELP_TEXT_RETENTION_DAYS: '45',
			BACKUP_RETENTION_DAYS: '21',
			AUDIT_RETENTION_MONTHS: '36',
			PRIVACY_CONTACT: 'Data Protection Officer, dpo@lantern-vale.example'
		},
		await freePort()
	);
	try {
		const text = async (url: string) =>
			(await (await fetch(`${server.url}${url}`)).text()).replace(/<[^>]+>/g, ' ');
		const pupils = await text('/privacy/pupils');
		expect(pupils).toMatch(/kept for\s+18 months\s+after the end of the school year/);
		expect(pupils).toMatch(/45 days\s+after that/);
		expect(pupils).toMatch(/deleted after\s+21 days/);
		const parents = await text('/privacy');
		expect(parents).toContain(
			'18 months after the end of the academic year (31 August) they belong to; then Think Safe deletes them by itself'
		);
		expect(parents).toContain('45 days after the school');
		expect(parents).toContain('21 days, then deleted');
		expect(parents).toContain('3 years');
		expect(parents).toContain('Data Protection Officer, dpo@lantern-vale.example');
	} finally {
		await stopServer(server);
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test('the server applies the retention periods when it starts, and audits the counts', async () => {
	const runs = await withServerDb((db) =>
		db.selectFrom('audit_events').select('detail').where('action', '=', 'retention.ran').execute()
	);
	expect(runs.length).toBeGreaterThan(0);
	const detail = JSON.parse(runs[0].detail!) as Record<string, unknown>;
	expect(detail).toMatchObject({
		pupilsDeleted: 0,
		pupilsKept: 0,
		pupilMonths: 12,
		staffTurnedOff: 0,
		staffDeleted: 0,
		auditMonths: 72
	});
	// Counts and periods only: no name, no email.
	expect(JSON.stringify(detail)).not.toMatch(/@|demo\.thinksafe/);
});
