// A teacher sets up a class: creates it, adds pupils from a pasted list (resolving a
// repeated name first), sees their picture passwords and prints login cards.
import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, waitForHydration } from './helpers';
import { DEMO, signInAs } from './staff-auth';

const NAMES = [
	'Amira Khan',
	'Leo Smith',
	'amira k.',
	'Mia Jones',
	'Zoë Ørsted',
	"Liam O'Neil",
	'Maria de la Cruz',
	'Kofi Mensah',
	'Ella McKenzie',
	'Theo Brown'
];

async function createClass(page: Page, name: string): Promise<void> {
	await page.goto('/classes');
	await waitForHydration(page);
	await page.getByLabel('Class name').fill(name);
	await page.getByRole('button', { name: 'Create the class' }).click();
	await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
	await waitForHydration(page);
}

async function pasteNames(page: Page, names: string[]): Promise<void> {
	await page.getByLabel('Paste names, one pupil on each line').fill(names.join('\n'));
	await page.getByRole('button', { name: 'Check the names' }).click();
}

test('a teacher creates a class, adds pupils, resolves a repeated name and prints login cards', async ({
	page
}) => {
	test.setTimeout(120_000); // eight pages checked with axe, and a PDF
	await signInAs(page, DEMO.teacher);
	await expect(page).toHaveURL(/\/classes$/);
	await expect(page.getByRole('heading', { level: 1, name: 'My classes' })).toBeVisible();
	await expect(page.getByRole('rowheader', { name: 'Willow' })).toBeVisible();
	await expectAccessible(page);

	await createClass(page, 'Hazel');
	await expect(page.getByRole('status').filter({ hasText: 'Hazel is ready' })).toBeVisible();
	const codeRegion = page.getByRole('region', { name: 'Class code' });
	await expect(codeRegion).toContainText(/\b[A-Z0-9]{6}\b/);
	const code = (await codeRegion.innerText()).match(/\b[A-Z0-9]{6}\b/)![0];
	await expectAccessible(page);

	// A line without a last name is sent back with its line number; nothing is saved.
	await pasteNames(page, ['Amira Khan', 'Leo']);
	await expect(page.getByRole('list', { name: 'Problems to fix' })).toContainText(
		'Line 2: add the first letter of Leo'
	);
	await expect(page.getByLabel('Paste names, one pupil on each line')).toHaveValue(
		'Amira Khan\nLeo'
	);
	await expectAccessible(page);

	await pasteNames(page, NAMES);
	await expect(
		page.getByRole('heading', { name: 'Check the names before adding them' })
	).toBeFocused();
	const repeated = page.getByRole('row').filter({ hasText: 'more than once' });
	await expect(repeated).toHaveCount(2);
	await expect(page.getByRole('button', { name: /^Add \d+ pupils$/ })).toHaveCount(0);
	await expectAccessible(page);

	// The second Amira K. is really Amira H.
	await page.getByLabel('Last initial of Amira, row 3').fill('H');
	await page.getByRole('button', { name: 'Check the list again' }).click();
	await expect(
		page.getByRole('status').filter({ hasText: 'All 10 names are ready' })
	).toBeVisible();
	await page.getByRole('button', { name: 'Add 10 pupils' }).click();

	await expect(page.getByRole('status').filter({ hasText: '10 pupils added' })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Pupils (10)' })).toBeVisible();
	const table = page.getByRole('table', { name: 'Pupils in Hazel' });
	await expect(table.getByRole('rowheader')).toHaveText([
		'Amira H.',
		'Amira K.',
		'Ella M.',
		'Kofi M.',
		'Leo S.',
		'Liam O.',
		'Maria C.',
		'Mia J.',
		'Theo B.',
		'Zoë Ø.'
	]);
	// The laptop may be mirrored to the board: no picture password shows until the
	// teacher asks, and then one pupil's at a time, three pictures each named in words.
	await expect(table.getByRole('listitem')).toHaveCount(0);
	const amira = table.getByRole('row', { name: /Amira H\./ });
	await waitForHydration(page);
	await amira.getByRole('button', { name: "Show Amira H.'s picture password" }).click();
	await expect(amira.getByRole('listitem')).toHaveCount(3);
	await expect(table.getByRole('listitem')).toHaveCount(3);
	await expect(amira.getByRole('listitem').first()).toHaveText(
		/cat|dog|rocket|star|tree|fish|apple|boat|sun|moon|house|bike/
	);
	await expect(
		amira.getByRole('button', { name: "Hide Amira H.'s picture password" })
	).toHaveAttribute('aria-expanded', 'true');
	await expectAccessible(page);
	const kofi = table.getByRole('row', { name: /Kofi M\./ });
	await kofi.getByRole('button', { name: "Show Kofi M.'s picture password" }).click();
	await expect(kofi.getByRole('listitem')).toHaveCount(3);
	await expect(amira.getByRole('listitem')).toHaveCount(0);
	await expect(table.getByRole('listitem')).toHaveCount(3);
	await kofi.getByRole('button', { name: "Hide Kofi M.'s picture password" }).click();
	await expect(table.getByRole('listitem')).toHaveCount(0);

	// Printing: the old cards stop working, so it is a deliberate button, not a page view.
	await page.getByRole('link', { name: 'Print login cards' }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Login cards for Hazel' })
	).toBeVisible();
	await expect(
		page.getByText('Printing new cards makes every old card for this class stop working.')
	).toBeVisible();
	await expect(page.getByRole('article')).toHaveCount(0);
	await waitForHydration(page);
	await expectAccessible(page);
	await page.getByRole('button', { name: 'Print new cards for 10 pupils' }).click();

	await expect(
		page.getByRole('status').filter({ hasText: '10 new cards are ready on 2 sheets' })
	).toBeVisible();
	const first = page.getByRole('region', { name: 'Sheet 1 of 2' });
	const second = page.getByRole('region', { name: 'Sheet 2 of 2' });
	await expect(first.getByRole('article')).toHaveCount(8);
	await expect(second.getByRole('article')).toHaveCount(2);
	const card = first.getByRole('article', { name: 'Amira H.' });
	await expect(card).toContainText(`Hazel · class code ${code}`);
	await expect(card).toContainText("Keep this card safe. Don't share it.");
	await expect(card.getByRole('listitem')).toHaveCount(3);
	const qr = card.getByRole('img', { name: 'QR code to sign in as Amira H.' });
	await expect(qr.locator('svg')).toHaveCount(1);
	await expect(page.locator('article svg')).toHaveCount(10);
	await expectAccessible(page);

	// Printed on A4, the ten cards take exactly two pages: eight, then two.
	const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
	const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? [];
	expect(pages).toHaveLength(2);
});

test('a teacher renames, archives and restores a pupil, with a confirmation before archiving', async ({
	page
}) => {
	await signInAs(page, DEMO.teacher);
	await createClass(page, 'Rowan Tree');
	await pasteNames(page, ['Noah Green', 'Isla Brown']);
	await page.getByRole('button', { name: 'Add 2 pupils' }).click();
	await expect(page.getByRole('status').filter({ hasText: '2 pupils added' })).toBeVisible();

	await page.getByRole('link', { name: 'Change Noah G.' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Noah G.' })).toBeVisible();
	await waitForHydration(page);
	await expectAccessible(page);

	// Renaming to a name already in the class is refused, with a message by the field.
	await page.getByLabel('First name').fill('Isla');
	await page.getByLabel('First letter of the last name').fill('b');
	await page.getByRole('button', { name: 'Save the name' }).click();
	await expect(
		page.getByRole('alert').filter({ hasText: 'There is already a Isla B. in this class' })
	).toBeVisible();
	await page.getByLabel('First name').fill('noah');
	await page.getByLabel('First letter of the last name').fill('Grey');
	await page.getByRole('button', { name: 'Save the name' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Noah G.' })).toBeVisible();
	await expect(
		page.getByRole('status').filter({ hasText: 'the pupil is now Noah G.' })
	).toBeVisible();

	await page.getByText('Archive this pupil…').click();
	await expect(page.getByText('For a pupil who has left.')).toBeVisible();
	await expectAccessible(page);
	await page.getByRole('button', { name: 'Yes, archive Noah G.' }).click();
	await expect(
		page.getByRole('status').filter({ hasText: 'archived and signed out' })
	).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Pupils (1)' })).toBeVisible();
	await expect(page.getByRole('rowheader', { name: /Noah/ })).toHaveCount(0);

	await page.getByRole('link', { name: 'Show archived pupils (1)' }).click();
	await expect(page.getByRole('rowheader', { name: /Noah G\. Archived/ })).toBeVisible();
	await expectAccessible(page);
	await page.getByRole('link', { name: 'Change Noah G.' }).click();
	await waitForHydration(page);
	await page.getByRole('button', { name: 'Restore Noah G.' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'back in the class' })).toBeVisible();
});

test('adding pupils works without JavaScript too', async ({ browser }) => {
	const context = await browser.newContext({ javaScriptEnabled: false });
	const page = await context.newPage();
	// Signing in needs no JavaScript either; this page simply never hydrates.
	await page.goto('/sign-in');
	await page.getByLabel('Email address').fill(DEMO.teacher);
	await page.getByLabel('Password').fill('think-safe-demo');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).toHaveURL(/\/classes$/);

	await page.getByLabel('Class name').fill('Juniper');
	await page.getByRole('button', { name: 'Create the class' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Juniper' })).toBeVisible();
	await pasteNames(page, ['Ava Smith', 'ava s', 'Noor Ali']);
	await page.getByLabel('Leave out Ava S, row 2').check();
	await page.getByRole('button', { name: 'Check the list again' }).click();
	await page.getByRole('button', { name: 'Add 2 pupils' }).click();
	await expect(page.getByRole('status').filter({ hasText: '2 pupils added' })).toBeVisible();
	await expect(
		page.getByRole('table', { name: 'Pupils in Juniper' }).getByRole('rowheader')
	).toHaveText(['Ava S.', 'Noor A.']);
	await context.close();
});

test('pupil lists are only for the class’s teachers and school lead', async ({ page, browser }) => {
	// Another school's lead finds one of their classes' addresses.
	const other = await browser.newContext();
	const otherLead = await other.newPage();
	await signInAs(otherLead, DEMO.otherLead);
	await otherLead.goto('/classes');
	const href = await otherLead.getByRole('link', { name: 'Kestrel' }).getAttribute('href');
	await other.close();
	expect(href).toMatch(/^\/classes\/\d+$/);

	await signInAs(page, DEMO.teacher);
	expect((await page.goto(href!))?.status()).toBe(404);
	expect((await page.goto(`${href}/cards`))?.status()).toBe(404);
	await expectAccessible(page);

	const coordinator = await browser.newContext();
	const coordinatorPage = await coordinator.newPage();
	await signInAs(coordinatorPage, DEMO.coordinator);
	for (const path of ['/classes', href!, `${href}/cards`]) {
		expect((await coordinatorPage.goto(path))?.status(), path).toBe(403);
	}
	await coordinator.close();
});
