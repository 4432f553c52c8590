import { expect, test } from '@playwright/test';
import { expectAccessible, waitForHydration } from './helpers';
import { DEMO, DEMO_PASSWORD, signInAs } from './staff-auth';

test('a teacher signs in, sees their classes and signs out', async ({ page }) => {
	await page.goto('/sign-in');
	await waitForHydration(page);
	await expectAccessible(page);
	await signInAs(page, DEMO.teacher);
	await expect(page).toHaveURL(/\/classes/);
	await expect(page.getByText('Teacher of Willow')).toBeVisible();
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page).toHaveURL(/\/sign-in/);
	await page.goto('/account');
	await expect(page).toHaveURL(/\/sign-in\?next=%2Faccount/);
});

test('a sign-in link whose next page is not safe to follow leads home, never to an error', async ({
	page
}) => {
	const unsafe = ['/%E3%80%82evil', '%2F%2Fevil.example', '/%5Cevil.example', '/%E3%80'];
	for (const next of unsafe) {
		expect((await page.request.get(`/sign-in?next=${next}`)).status(), next).toBe(200);
	}
	await page.goto('/sign-in?next=/%E3%80%82evil');
	await waitForHydration(page);
	await page.getByLabel('Email address').fill(DEMO.teacher);
	await page.getByLabel('Password').fill(DEMO_PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).toHaveURL(/\/classes$/);
	for (const next of unsafe) {
		const response = await page.request.get(`/sign-in?next=${next}`, { maxRedirects: 0 });
		expect(response.status(), next).toBe(303);
		expect(response.headers()['location'], next).toBe('/classes');
	}
});

test('a wrong password gets a plain message and keeps the email typed', async ({ page }) => {
	await page.goto('/sign-in');
	await waitForHydration(page);
	await page.getByLabel('Email address').fill(DEMO.otherTeacher);
	await page.getByLabel('Password').fill('not the password');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('alert')).toContainText('do not match');
	await expect(page.getByLabel('Email address')).toHaveValue(DEMO.otherTeacher);
	await expectAccessible(page);
});

test('a coordinator invites a school lead, who joins and invites a teacher', async ({
	page,
	browser
}) => {
	await signInAs(page, DEMO.coordinator);
	await expect(page).toHaveURL(/\/borough\/report/);
	await page.getByRole('link', { name: 'Schools', exact: true }).click();
	await expect(page).toHaveURL(/\/borough\/schools/);
	await expectAccessible(page);

	await page.getByLabel('School name').fill('Hatch Warren Juniors');
	await page.getByRole('button', { name: 'Add school' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Hatch Warren Juniors' })).toBeVisible();
	await waitForHydration(page);
	await expectAccessible(page);
	await page.getByLabel('Role', { exact: true }).selectOption('lead');
	await page.getByLabel(/Who is it for/).fill('Mrs Ahmed, head of Year 6');
	await page.getByRole('button', { name: 'Create invitation link' }).click();
	const link = await page.getByLabel('Link', { exact: true }).inputValue();
	expect(link).toMatch(/\/invite\/[a-z2-7]{32}$/);
	await expect(page.getByRole('cell', { name: 'Mrs Ahmed, head of Year 6' })).toBeVisible();

	// The lead opens the link on their own device.
	const leadContext = await browser.newContext();
	const lead = await leadContext.newPage();
	await lead.goto(new URL(link).pathname);
	await waitForHydration(lead);
	await expect(lead.getByText('school lead')).toBeVisible();
	await expectAccessible(lead);
	await lead.getByLabel('Your name').fill('Mrs Ahmed');
	await lead.getByLabel('Email address').fill('ahmed@hatchwarren.test');
	await lead.getByLabel('Choose a password').fill('password123');
	await lead.getByLabel('Type the password again').fill('password123');
	await lead.getByRole('button', { name: 'Create my account' }).click();
	await expect(lead.getByRole('alert')).toContainText('most common');
	await lead.getByLabel('Choose a password').fill('lighthouse velvet pepper');
	await lead.getByLabel('Type the password again').fill('lighthouse velvet pepper');
	await lead.getByRole('button', { name: 'Create my account' }).click();
	await expect(lead).toHaveURL(/\/classes/);

	await lead.getByRole('link', { name: 'Staff' }).click();
	await expect(lead.getByRole('heading', { name: 'Staff of Hatch Warren Juniors' })).toBeVisible();
	await waitForHydration(lead);
	await expectAccessible(lead);
	await lead.getByLabel('Role', { exact: true }).selectOption('teacher');
	await lead.getByRole('button', { name: 'Create invitation link' }).click();
	await expect(lead.getByLabel('Link', { exact: true })).toHaveValue(/\/invite\//);

	// The used link cannot be used again.
	const reuse = await browser.newContext();
	const again = await reuse.newPage();
	await again.goto(new URL(link).pathname);
	await expect(
		again.getByRole('heading', { name: 'This invitation cannot be used' })
	).toBeVisible();
	await leadContext.close();
	await reuse.close();

	// The coordinator sees it all in the audit log.
	await page.goto('/audit');
	await expect(page.getByRole('rowheader', { name: 'Invitation accepted' })).toBeVisible();
	await expectAccessible(page);
});

test('a lead issues a reset link and turns an account off', async ({ page, browser }) => {
	await signInAs(page, DEMO.lead);
	await page.goto('/school/staff');
	await waitForHydration(page);
	const row = page.getByRole('row', { name: /Teacher of Oak/ });
	await row.getByRole('button', { name: /Reset link/ }).click();
	const link = await page.getByLabel('Link', { exact: true }).inputValue();
	expect(link).toMatch(/\/reset\//);

	const other = await browser.newContext();
	const teacher = await other.newPage();
	await teacher.goto(new URL(link).pathname);
	await waitForHydration(teacher);
	await expectAccessible(teacher);
	await teacher.getByLabel('New password').fill('marmalade bicycle harbour');
	await teacher.getByLabel('Type the password again').fill('marmalade bicycle harbour');
	await teacher.getByRole('button', { name: 'Save my new password' }).click();
	await expect(teacher).toHaveURL(/\/sign-in/);
	await signInAs(teacher, 'oak.loddon-vale@demo.thinksafe.test', 'marmalade bicycle harbour');
	await expect(teacher).toHaveURL(/\/classes/);

	await page
		.getByRole('row', { name: /Teacher of Oak/ })
		.getByRole('button', { name: /Turn off/ })
		.click();
	await expect(page.getByRole('status').filter({ hasText: 'turned off' })).toBeVisible();
	await teacher.goto('/account');
	await expect(teacher).toHaveURL(/\/sign-in/);
	await other.close();
});

test('a teacher cannot open the coordinator’s or a lead’s pages', async ({ page }) => {
	await signInAs(page, DEMO.teacher);
	for (const path of ['/borough/schools', '/borough/settings', '/school/staff', '/audit']) {
		const response = await page.goto(path);
		expect(response?.status(), path).toBe(403);
	}
});
