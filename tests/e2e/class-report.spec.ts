// A teacher reads their class's report and downloads it as a spreadsheet; a teacher of
// another school finds neither.
import { expect, test } from '@playwright/test';
import { expectAccessible, waitForHydration } from './helpers';
import { DEMO, signInAs } from './staff-auth';

test.describe.configure({ mode: 'serial' });

let reportPath = '';

test('the teacher of Willow opens the class report and downloads it as a CSV', async ({ page }) => {
	await signInAs(page, DEMO.teacher);
	await page.goto('/classes');
	await page.getByRole('link', { name: 'Willow', exact: true }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Willow' })).toBeVisible();
	await waitForHydration(page);
	await page.getByRole('link', { name: 'Class report' }).click();

	await expect(page).toHaveURL(/\/classes\/\d+\/report$/);
	reportPath = new URL(page.url()).pathname;
	await expect(page.getByRole('heading', { level: 1, name: 'Class report: Willow' })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Who has done which lesson' })).toBeVisible();
	const grid = page.getByRole('table', { name: 'Each lesson for each pupil of Willow' });
	await expect(grid.getByRole('columnheader', { name: 'Pupil' })).toBeVisible();
	expect(await grid.getByRole('rowheader').count()).toBeGreaterThan(0);
	await expect(grid.getByRole('cell').first()).toHaveText(/Completed|On paper|Started|Not started/);
	await expect(page.getByRole('link', { name: /Download CSV/ })).toHaveAttribute(
		'href',
		`${reportPath}.csv`
	);
	await expectAccessible(page);

	const csv = await page.request.get(`${reportPath}.csv`);
	expect(csv.status()).toBe(200);
	expect(csv.headers()['content-type']).toContain('text/csv');
	expect(csv.headers()['content-disposition']).toMatch(
		/^attachment; filename="think-safe-class-willow-/
	);
	const bytes = await csv.body();
	expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
	const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
	const lines = text.split('\r\n');
	expect(lines[0]).toBe('Think Safe — Class report: Willow');
	// Every table of the page, under its title: the grid first.
	const gridAt = lines.indexOf('Who has done which lesson');
	expect(gridAt).toBeGreaterThan(0);
	expect(lines[gridAt + 1].startsWith('Pupil,')).toBe(true);
	for (const title of ['Catch-up', 'What the class understood', 'Attendance by session'])
		expect(lines).toContain(title);
});

test('a teacher of another school gets nothing for the Willow report or its CSV', async ({
	page
}) => {
	expect(reportPath).not.toBe('');
	await signInAs(page, DEMO.otherTeacher);
	const report = await page.goto(reportPath);
	expect(report?.status()).toBe(404);
	const csv = await page.request.get(`${reportPath}.csv`);
	expect(csv.status()).toBe(404);
	expect(await csv.text()).not.toContain('Willow');
});
