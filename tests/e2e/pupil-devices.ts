// Reaching into the running server's database from a spec, and a pupil's own device
// signed in the way a printed login card signs them in.
import path from 'node:path';
import type { Kysely } from 'kysely';
import { expect, type Browser } from '@playwright/test';
import { issueLoginCardToken } from '../../src/lib/server/auth/login-cards';
import { closeDatabase, openDatabase, useHandle, type DB } from '../../src/lib/server/platform/db';
import { waitForHydration } from './helpers';

/** The running server's own database (the runner hands its folder to the workers). */
export async function withServerDb<T>(fn: (db: Kysely<DB>) => Promise<T>): Promise<T> {
	const handle = openDatabase(path.join(process.env.E2E_RUN_DIR!, 'e2e.db'));
	useHandle(handle);
	try {
		return await fn(handle.db);
	} finally {
		await closeDatabase();
	}
}

/** A new login card for the pupil, issued as the teacher's print would issue it. */
export function issueCard(pupilId: number): Promise<string> {
	return withServerDb(() => issueLoginCardToken(pupilId));
}

/** A pupil signs in on a fresh device with their printed login card. */
export async function pupilDevice(browser: Browser, pupilId: number) {
	const token = await issueCard(pupilId);
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto(`/card/${token}`);
	await waitForHydration(page);
	await page.getByRole('button', { name: 'Start' }).click();
	// Their page, or straight into their class's live lesson when one is running.
	await expect(page).toHaveURL(/\/(me|session\/\d+)$/);
	return { context, page };
}
