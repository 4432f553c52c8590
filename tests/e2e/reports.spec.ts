// The reports, as each role uses them: a teacher starts a catch-up from the class report;
// a lead reads the school view; a coordinator filters the dashboard and downloads its CSV.
// Axe runs on every report page, and on each again at 200% zoom.
import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import Papa from 'papaparse';
import { expectAccessible, waitForHydration } from './helpers';
import { DEMO, signInAs } from './staff-auth';

// A class no other spec depends on, so the catch-up it opens changes nobody else's world.
const HERON_TEACHER = 'heron.kempshott-meadow@demo.thinksafe.test';

/** 200% zoom on a 1280px screen: the page must not need sideways scrolling to read. */
async function expectReadableAtDoubleZoom(page: Page) {
	await page.setViewportSize({ width: 640, height: 800 });
	const overflow = await page.evaluate(
		() => document.documentElement.scrollWidth - document.documentElement.clientWidth
	);
	expect(overflow).toBeLessThanOrEqual(1);
	await expectAccessible(page);
	await page.setViewportSize({ width: 1280, height: 800 });
}

function parseCsv(bytes: Buffer): string[][] {
	expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
	return Papa.parse<string[]>(bytes.toString('utf8').slice(1)).data;
}

test('a teacher opens the class report after a session and starts a catch-up for the pupils who missed it', async ({
	page
}) => {
	await signInAs(page, HERON_TEACHER);
	await page.goto('/classes');
	await page.getByRole('link', { name: 'Heron', exact: true }).click();
	await waitForHydration(page);
	await page.getByRole('link', { name: 'Class report' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Class report: Heron' })).toBeVisible();
	await expect(
		page.getByRole('table', { name: 'Attendance in each session of Heron' })
	).toBeVisible();
	await expectAccessible(page);
	await expectReadableAtDoubleZoom(page);

	const catchUp = page.getByRole('region', { name: 'Catch-up' });
	const button = catchUp.getByRole('button', { name: /^Start a catch-up for \d+ pupils?/ }).first();
	const label = (await button.textContent()) ?? '';
	const count = Number(/for (\d+) pupil/.exec(label)?.[1]);
	expect(count).toBeGreaterThan(0);
	// The names listed above the button are the audience the session is opened for.
	const names = await button
		.locator('xpath=ancestor::div[contains(@class,"catch-up")]')
		.getByRole('listitem')
		.allTextContents();
	expect(names).toHaveLength(count);
	await waitForHydration(page);
	await button.click();

	await expect(page).toHaveURL(/\/sessions\/\d+$/);
	await expect(page.getByText(/at their own pace|self-paced/i).first()).toBeVisible();
	// The session's pupils, by name once the teacher asks (the laptop may be on the board).
	for (const name of names) await expect(page.getByText(name)).toHaveCount(0);
	await waitForHydration(page);
	await page.getByRole('button', { name: /^Show names/ }).click();
	for (const name of names) await expect(page.getByText(name).first()).toBeVisible();
	await expectAccessible(page);

	// Pressing it again (say, from the back button) opens the same session, not a second one.
	const sessionUrl = page.url();
	await page.goBack();
	await waitForHydration(page);
	await page
		.getByRole('region', { name: 'Catch-up' })
		.getByRole('button', { name: label.trim() })
		.click();
	await expect(page).toHaveURL(sessionUrl);
});

test('a school lead sees every class side by side with the school’s totals, and downloads them', async ({
	page
}) => {
	await signInAs(page, DEMO.lead);
	await page.getByRole('link', { name: 'School report' }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: 'School report: Loddon Vale Primary' })
	).toBeVisible();
	const classes = page.getByRole('table', { name: /Each class of Loddon Vale Primary/ });
	await expect(classes.getByRole('rowheader', { name: 'Willow' })).toBeVisible();
	await expect(classes.getByRole('rowheader', { name: 'Oak' })).toBeVisible();
	await expect(classes.getByRole('rowheader', { name: 'Whole school' })).toBeVisible();
	await expect(page.getByRole('img', { name: /Completion by class/ })).toBeVisible();
	await expectAccessible(page);
	await expectReadableAtDoubleZoom(page);

	const csv = await page.request.get('/school/report.csv?year=all');
	expect(csv.status()).toBe(200);
	expect(csv.headers()['content-disposition']).toMatch(
		/^attachment; filename="think-safe-school-loddon-vale-primary-\d{4}-\d{2}-\d{2}\.csv"$/
	);
	const rows = parseCsv(await csv.body());
	expect(rows.some((r) => r[0] === 'Whole school')).toBe(true);
	// Class names, never pupils' names: no row has a pupil's "First I." shape.
	expect(rows.some((r) => /^[A-Z][a-z]+ [A-Z]\.$/.test(r[0] ?? ''))).toBe(false);

	// The class name opens that class's own report.
	await classes.getByRole('link', { name: 'Willow' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Class report: Willow' })).toBeVisible();
});

test('a coordinator filters the dashboard and downloads the same figures as a CSV', async ({
	page
}) => {
	await signInAs(page, DEMO.coordinator);
	await expect(page).toHaveURL(/\/borough\/report$/);
	await expect(page.getByRole('heading', { level: 1, name: 'Borough dashboard' })).toBeVisible();
	await expect(page.getByRole('img', { name: 'Sessions delivered each week' })).toBeVisible();
	await expect(
		page.getByRole('table', { name: /Sessions delivered and pupils reached/ })
	).toBeVisible();
	await expectAccessible(page);
	await expectReadableAtDoubleZoom(page);

	// Filter: all years, one lesson, the autumn term so far.
	await waitForHydration(page);
	await page.getByLabel('Academic year', { exact: true }).selectOption('all');
	const lessonSelect = page.getByLabel('Lesson', { exact: true });
	const lessonTitle = (await lessonSelect.locator('option').nth(1).textContent())!.trim();
	await lessonSelect.selectOption({ label: lessonTitle });
	await page.getByLabel('From', { exact: true }).fill('2026-09-01');
	await page.getByLabel('To', { exact: true }).fill('2026-12-31');
	await page.getByRole('button', { name: 'Show' }).click();
	await expect(page).toHaveURL(/year=all/);
	await expect(page).toHaveURL(/from=2026-09-01/);
	await expect(page.getByText(`lesson “${lessonTitle}”`)).toBeVisible();

	const lessons = page.getByRole('table', { name: 'Each lesson across the borough' });
	await expect(lessons.getByRole('rowheader')).toHaveCount(1);
	await expect(lessons.getByRole('rowheader')).toHaveText(lessonTitle);
	await expectAccessible(page);

	// The CSV link carries the filter, and the file holds the figures on screen.
	const schools = page.getByRole('table', { name: 'Each school, with the borough’s totals' });
	const screenTotal = await schools.locator('tfoot td').allTextContents();
	const link = page.getByRole('link', { name: /Download CSV/ });
	const href = (await link.getAttribute('href'))!;
	expect(href).toContain('lesson=');
	expect(href).toContain('from=2026-09-01');
	const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
	expect(download.suggestedFilename()).toMatch(/^think-safe-borough-\d{4}-\d{2}-\d{2}\.csv$/);
	const rows = parseCsv(fs.readFileSync((await download.path())!));
	expect(rows.find((r) => r[0] === 'Filter')?.[1]).toContain(lessonTitle);
	const csvTotal = rows.find((r) => r[0] === 'Borough')!.slice(1);
	expect(csvTotal.map((v) => v || '–')).toEqual(
		screenTotal.map((t) => (t === '[c]' || t === '–' ? t : t.replace(/[^0-9-]/g, '')))
	);
});

test('a filter the dashboard cannot use is explained, not obeyed and not a crash', async ({
	page
}) => {
	await signInAs(page, DEMO.coordinator);
	const response = await page.goto('/borough/report?year=2026/27&from=2026-13-40&to=2026-01-01');
	expect(response?.status()).toBe(200);
	await expect(page.getByRole('alert')).toContainText('Some of the filter could not be used');
	await expect(page.getByText('That is not a real date.')).toBeVisible();
	await expect(page.getByLabel('From', { exact: true })).toHaveAttribute('aria-invalid', 'true');
	await expectAccessible(page);
});
