// Signing staff in through the real form, as a person would.
import { expect, type Page } from '@playwright/test';
import { waitForHydration } from './helpers';

export const DEMO_PASSWORD = 'think-safe-demo';
export const DEMO = {
	coordinator: 'coordinator@demo.thinksafe.test',
	lead: 'lead.loddon-vale@demo.thinksafe.test',
	teacher: 'willow.loddon-vale@demo.thinksafe.test',
	otherLead: 'lead.kempshott-meadow@demo.thinksafe.test',
	otherTeacher: 'kestrel.kempshott-meadow@demo.thinksafe.test'
};

export async function signInAs(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
	await page.goto('/sign-in');
	await waitForHydration(page);
	await page.getByLabel('Email address').fill(email);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).not.toHaveURL(/\/sign-in/);
}
