// A teacher reads their class's report and downloads it as a spreadsheet; a teacher of
// another school finds neither.
import { expect, test } from '@playwright/test';
import { getLibrary } from '../../src/lib/server/lessons';
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

test('the class report shows catch-up first, a grid of marks and words that fits a laptop, and folds each session away', async ({
	page
}) => {
	// A common laptop screen.
	await page.setViewportSize({ width: 1280, height: 800 });
	await signInAs(page, DEMO.teacher);
	await page.goto('/classes');
	await page.getByRole('link', { name: 'Willow', exact: true }).click();
	await waitForHydration(page);
	await page.getByRole('link', { name: 'Class report' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Class report: Willow' })).toBeVisible();
	await waitForHydration(page);

	// Who needs to catch up comes before everything else.
	const sections = await page.getByRole('heading', { level: 2 }).allTextContents();
	expect(sections[0]).toBe('Catch-up');
	expect(sections.indexOf('Who has done which lesson')).toBe(1);

	// Every state has its mark and its words, never a colour alone.
	const grid = page.getByRole('table', { name: 'Each lesson for each pupil of Willow' });
	const cells = await grid.getByRole('cell').allTextContents();
	expect(cells.length).toBeGreaterThan(0);
	const marked = /^(✓ Completed(, \d+%)?|✎ On paper(, \d+%)?|◐ Started(, \d+%)?|○ Not started)$/;
	for (const text of cells) expect(text.replace(/\s+/g, ' ').trim()).toMatch(marked);
	expect(cells.some((t) => t.includes('✓ Completed'))).toBe(true);
	await expect(page.getByText('◐ Started').first()).toBeVisible();

	// The whole programme fits across, and a class of 30 fits down, a laptop's screen.
	const size = await grid.evaluate((table) => {
		const region = table.parentElement!;
		const head = table.querySelector('thead')!.getBoundingClientRect().height;
		const rows = [...table.querySelectorAll('tbody tr')].map(
			(r) => r.getBoundingClientRect().height
		);
		return {
			sideways: region.scrollWidth - region.clientWidth,
			columns: table.querySelectorAll('thead th').length,
			head,
			tallestRow: Math.max(...rows)
		};
	});
	// The pupil's name, then every lesson of the programme.
	expect(size.columns).toBe(1 + getLibrary().lessons.length);
	expect(size.sideways).toBeLessThanOrEqual(0);
	expect(size.head + 30 * size.tallestRow).toBeLessThanOrEqual(800);

	// Question by question: each session folded away until opened.
	const questions = page.getByRole('region', { name: 'Question by question' });
	const sessions = questions.locator('details');
	expect(await sessions.count()).toBeGreaterThan(0);
	await expect(questions.locator('details[open]')).toHaveCount(0);
	await expect(questions.getByRole('table').first()).toBeHidden();
	await expectAccessible(page);
	await sessions.first().locator('summary').click();
	await expect(sessions.first().getByRole('table')).toBeVisible();
	await expect(sessions.first().getByRole('columnheader', { name: 'Question' })).toBeVisible();
	await expectAccessible(page);

	// Printed, every session unfolds.
	await sessions.first().locator('summary').click();
	await expect(questions.locator('details[open]')).toHaveCount(0);
	await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
	await expect(questions.locator('details:not([open])')).toHaveCount(0);
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
