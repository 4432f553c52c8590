// A pupil signs in as a Year 6 child would: class code, name, three pictures — by
// keyboard alone, by mouse, without JavaScript — or with a printed login card.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { decodePicturePassword, PICTURES } from '../../src/lib/pictures';
import { listClassNames } from '../../src/lib/server/auth/class-codes';
import {
	closeDatabase,
	migrateToLatest,
	openDatabase,
	useHandle
} from '../../src/lib/server/platform/db';
import { seedDemo } from '../../src/lib/server/demo/borough';
import { expectAccessible, waitForHydration } from './helpers';
import { issueCard } from './pupil-devices';

interface DemoPupil {
	id: number;
	/** What the name button says: the first name, with an initial only when it is shared. */
	label: string;
	firstName: string;
	pictures: string[];
}

// The demo borough is the same on every machine, so loading it into a scratch database
// tells us the class code, names and pictures that the e2e server has too. Popley Brook's
// Rowan class is used here so that other role tests (Loddon Vale) are not disturbed.
let code: string;
let pupils: DemoPupil[];

test.beforeAll(async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thinksafe-pupil-e2e-'));
	const handle = openDatabase(path.join(dir, 'demo.db'));
	try {
		await migrateToLatest(handle.db);
		await seedDemo(handle.db);
		useHandle(handle);
		const rowan = await handle.db
			.selectFrom('classes')
			.select(['id', 'code'])
			.where('name', '=', 'Rowan')
			.executeTakeFirstOrThrow();
		code = rowan.code;
		const rows = await handle.db
			.selectFrom('pupils')
			.select(['id', 'first_name', 'picture_password'])
			.where('class_id', '=', rowan.id)
			.execute();
		const labels = await listClassNames(rowan.id);
		pupils = labels.map(({ pupilId, label }) => {
			const row = rows.find((r) => r.id === pupilId)!;
			return {
				id: pupilId,
				label,
				firstName: row.first_name,
				pictures: decodePicturePassword(row.picture_password).map((i) => PICTURES[i])
			};
		});
	} finally {
		await closeDatabase();
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

/** Moves focus with Tab (or Shift+Tab) only, as a keyboard user would, until `target` has it. */
async function tabTo(page: Page, target: Locator): Promise<void> {
	// Which way round is shorter: backwards when the focus is already past the target.
	const behind = await target.evaluate((el) => {
		const active = document.activeElement;
		if (!active || active === document.body) return false;
		return !!(el.compareDocumentPosition(active) & Node.DOCUMENT_POSITION_FOLLOWING);
	});
	const key = behind ? 'Shift+Tab' : 'Tab';
	for (let i = 0; i < 80; i++) {
		if (await target.evaluate((el) => el === document.activeElement)) return;
		await page.keyboard.press(key);
	}
	throw new Error(`could not reach ${target} with the keyboard`);
}

function pictureButton(page: Page, name: string): Locator {
	return page.getByRole('button', { name, exact: true });
}

test('a pupil signs in with class code, name and three pictures using only the keyboard', async ({
	page
}) => {
	// The whole journey, with axe on every page, takes a while on a busy machine.
	test.slow();
	const pupil = pupils[0];
	await page.goto('/join');
	await waitForHydration(page);
	await expect(page.getByRole('heading', { level: 1, name: 'Type your class code' })).toBeVisible();

	// A wrong code first: the kind message, and nothing about which codes exist.
	await tabTo(page, page.getByLabel('Class code'));
	await page.keyboard.type('QQQ QQQ');
	await page.keyboard.press('Enter');
	await expect(page.getByRole('alert')).toHaveText(
		"We couldn't find that class code. Check the board and try again."
	);
	await expect(page.getByLabel('Class code')).toBeFocused();
	await expectAccessible(page);

	// Lower case with a space in the middle, as a child might type it.
	await page.keyboard.press('ControlOrMeta+A');
	await page.keyboard.type(`${code.slice(0, 3).toLowerCase()} ${code.slice(3).toLowerCase()}`);
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL(`/join/${code}`);
	await expect(page.getByRole('heading', { level: 1, name: 'Tap your name' })).toBeVisible();
	await waitForHydration(page);
	await expectAccessible(page);

	await tabTo(page, page.getByRole('link', { name: pupil.label, exact: true }));
	await page.keyboard.press('Enter');
	await expect(
		page.getByRole('heading', { level: 1, name: 'Tap your three pictures' })
	).toBeVisible();
	await waitForHydration(page);

	const slots = page.getByRole('list', { name: 'Your pictures so far' });
	await tabTo(page, pictureButton(page, pupil.pictures[0]));
	await page.keyboard.press('Space');
	await expect(slots).toContainText(`1st picture: ${pupil.pictures[0]}`);
	await expect(page.getByRole('status')).toHaveText(
		`1st picture: ${pupil.pictures[0]}. Now tap your 2nd picture.`
	);
	await tabTo(page, pictureButton(page, pupil.pictures[1]));
	await page.keyboard.press('Enter');
	await expect(slots).toContainText(`2nd picture: ${pupil.pictures[1]}`);
	await expectAccessible(page);
	await tabTo(page, pictureButton(page, pupil.pictures[2]));
	await page.keyboard.press('Enter');

	await expect(page).toHaveURL('/me');
	await expect(
		page.getByRole('heading', { level: 1, name: `Hi ${pupil.firstName}` })
	).toBeVisible();
	await expect(page.getByText('Your teacher will start a lesson soon.')).toBeVisible();
	await expect(page.getByText('0800 1111')).toBeVisible();
	await waitForHydration(page);
	await expectAccessible(page);

	// Back, or any join page, takes a signed-in pupil home rather than to the pictures again.
	await page.goBack();
	await expect(page).toHaveURL('/me');
	await expect(page.getByText('Tap your three pictures')).toHaveCount(0);
	for (const joinPage of ['/join', `/join/${code}`]) {
		await page.goto(joinPage);
		await expect(page).toHaveURL('/me');
	}
	// The next pupil on this device signs out first.
	await waitForHydration(page);
	await tabTo(page, page.getByRole('button', { name: 'Sign out' }));
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL('/join');
	await page.goto('/me');
	await expect(page).toHaveURL('/join');
});

test('a pupil signs in with a login-card link', async ({ page }) => {
	const pupil = pupils[1];
	// Issue a card straight into the running server's database, as the teacher's print would.
	const token = await issueCard(pupil.id);

	await page.goto(`/card/${token}`);
	await waitForHydration(page);
	const { firstName } = pupil;
	await expect(page.getByRole('heading', { level: 1, name: `Hi ${firstName}!` })).toBeVisible();
	await expectAccessible(page);
	await page.getByRole('button', { name: 'Start' }).click();
	await expect(page).toHaveURL('/me');
	await expect(page.getByRole('heading', { level: 1, name: `Hi ${firstName}` })).toBeVisible();
	await waitForHydration(page);

	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page).toHaveURL('/join');

	// A card that was never issued (or was replaced) asks for a new one, kindly.
	const response = await page.goto(`/card/${'a'.repeat(32)}`);
	expect(response?.status()).toBe(404);
	await expect(page.getByText('Ask your teacher for a new card')).toBeVisible();
	await expectAccessible(page);
});

test('a pupil is paused after five wrong tries and sees the kind message', async ({ page }) => {
	const pupil = pupils[2];
	const wrong = [pupil.pictures[1], pupil.pictures[0], pupil.pictures[2]];
	await page.goto(`/join/${code}`);
	await waitForHydration(page);
	await page.getByRole('link', { name: pupil.label, exact: true }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Tap your three pictures' })
	).toBeVisible();
	await waitForHydration(page);

	for (let attempt = 1; attempt <= 5; attempt++) {
		for (const name of wrong) await pictureButton(page, name).click();
		if (attempt < 5) {
			const left = 5 - attempt;
			await expect(page.getByRole('alert')).toHaveText(
				`Those pictures don't match. Have another go — or ask your teacher. You have ${left} more ${left === 1 ? 'try' : 'tries'}.`
			);
			await expect(page.getByRole('status')).toHaveText('Tap your 1st picture.');
		}
		if (attempt === 1) await expectAccessible(page);
	}
	await expect(page.getByRole('alert')).toHaveText(
		'Your sign-in is paused for 15 minutes. Ask your teacher to unlock it.'
	);
	await expect(pictureButton(page, 'cat')).toHaveCount(0);
	await expectAccessible(page);

	// Still paused on coming back, even before trying the right pictures.
	await page.reload();
	await expect(page.getByText('Your sign-in is paused for')).toBeVisible();
	await expect(page).not.toHaveURL('/me');
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('a pupil can still sign in, one picture per page load', async ({ page }) => {
		const pupil = pupils[3];
		await page.goto('/join');
		await page.getByLabel('Class code').fill(code.toLowerCase());
		await page.getByRole('button', { name: 'Next' }).click();
		await page.getByRole('link', { name: pupil.label, exact: true }).click();
		await pictureButton(page, pupil.pictures[0]).click();
		await expect(page.getByRole('list', { name: 'Your pictures so far' })).toContainText(
			`1st picture: ${pupil.pictures[0]}`
		);
		await page.getByRole('button', { name: 'Start again' }).click();
		await expect(page.getByRole('status')).toHaveText('Tap your 1st picture.');
		for (const name of pupil.pictures) await pictureButton(page, name).click();
		await expect(page).toHaveURL('/me');
		await expect(
			page.getByRole('heading', { level: 1, name: `Hi ${pupil.firstName}` })
		).toBeVisible();
		// No axe here: it runs as a script. These pages are checked with JavaScript above.
	});
});
