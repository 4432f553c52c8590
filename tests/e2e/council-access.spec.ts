// The council never comes to see a class's names without the school knowing: in a real
// browser, the coordinator is refused a reset link for a school's lead and told who can give
// one, has no invitation to offer a school that has a lead, and whatever the coordinator
// does to a school's accounts shows at once on its lead's pages until the lead has seen it.
// Overton Mill's lead and DSL are used by no other spec; what is changed here is put back.
import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, waitForHydration } from './helpers';
import { DEMO, signInAs } from './staff-auth';

const LEAD = 'lead.overton-mill@demo.thinksafe.test';
const SCHOOL = 'Overton Mill Primary';

async function openSchool(page: Page) {
	await page.goto('/borough/schools');
	await page.getByRole('link', { name: SCHOOL }).click();
	await expect(page.getByRole('heading', { level: 1, name: SCHOOL })).toBeVisible();
	await waitForHydration(page);
}

async function setSafeguarding(page: Page, person: string, role: 'DSL' | 'Deputy DSL') {
	await page.getByLabel(`Safeguarding role of ${person}`).selectOption({ label: role });
	await page.getByRole('button', { name: `Save safeguarding role of ${person}` }).click();
	await expect(page.getByRole('status').filter({ hasText: person })).toBeVisible();
}

test('the coordinator is refused a reset link for a school lead, and told who can give one', async ({
	page
}) => {
	await signInAs(page, DEMO.coordinator);
	await openSchool(page);
	await expect(page.getByText(`The school's lead is Lead of ${SCHOOL} (${LEAD})`)).toBeVisible();
	// A school with a lead has no invitation for the council to make.
	await expect(page.getByRole('heading', { name: 'Invite someone' })).toHaveCount(0);
	await page.getByRole('button', { name: `Reset link for Lead of ${SCHOOL}` }).click();
	const alert = page.getByRole('alert');
	await expect(alert).toContainText(`Only a lead of ${SCHOOL} can give a password reset link`);
	await expect(alert).toContainText(`Lead of ${SCHOOL} (${LEAD})`);
	await expect(page.getByLabel('Link', { exact: true })).toHaveCount(0);
	await expectAccessible(page);
});

test('what the coordinator does to a school’s accounts shows on its lead’s pages until the lead has seen it', async ({
	page,
	browser
}) => {
	const dsl = `Safeguarding lead of ${SCHOOL}`;
	await signInAs(page, DEMO.coordinator);
	await openSchool(page);
	await setSafeguarding(page, dsl, 'Deputy DSL');

	const leadContext = await browser.newContext();
	const lead = await leadContext.newPage();
	await signInAs(lead, LEAD);
	const banner = lead.getByRole('region', {
		name: 'The council changed your school’s staff accounts'
	});
	await expect(banner).toContainText(`Sam Okafor made ${dsl} a deputy safeguarding lead.`);
	await expectAccessible(lead);

	// On every page, until this lead says so.
	await lead.goto('/school/report');
	await expect(banner).toBeVisible();
	await lead.getByRole('link', { name: 'What this means' }).click();
	await expect(
		lead.getByRole('heading', { level: 1, name: 'The council and your school’s accounts' })
	).toBeVisible();
	await expect(
		lead.getByRole('cell', { name: `made ${dsl} a deputy safeguarding lead` })
	).toBeVisible();
	await expectAccessible(lead);

	await lead.goto('/classes');
	await waitForHydration(lead);
	await banner.getByRole('button', { name: 'I have seen this' }).click();
	await expect(banner).toHaveCount(0);
	await expect(lead).toHaveURL(/\/classes$/);
	await lead.reload();
	await expect(banner).toHaveCount(0);

	// Put back as it was; that too is shown to the lead.
	await setSafeguarding(page, dsl, 'DSL');
	await lead.reload();
	await expect(banner).toContainText(`made ${dsl} the Designated Safeguarding Lead`);
	await leadContext.close();
});
