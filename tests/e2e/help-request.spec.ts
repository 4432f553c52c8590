// Safe to tell: a pupil on a shared tablet asks for help from a lesson without typing; the
// school's safeguarding lead sees it, acknowledges it, adds a note and prints it; nobody
// else can open it; and nothing of it stays on the pupil's device.
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { createClassSession } from '../../src/lib/server/teaching/class-session-start';
import { getLibrary } from '../../src/lib/server/lessons';
import { expectAccessible, waitForHydration } from './helpers';
import { issueCard, withServerDb } from './pupil-devices';
import { DEMO, signInAs } from './staff-auth';

const TABLET = { viewport: { width: 768, height: 1024 }, hasTouch: true, isMobile: true };
const DSL = 'dsl.loddon-vale@demo.thinksafe.test';
const OTHER_DSL = 'dsl.kempshott-meadow@demo.thinksafe.test';
const OAK_TEACHER = 'oak.loddon-vale@demo.thinksafe.test';

let pupils: { id: number; name: string }[];
let sessionId: number;

test.beforeAll(async () => {
	({ pupils, sessionId } = await withServerDb(async (db) => {
		const oak = await db
			.selectFrom('classes')
			.select(['id', 'school_id'])
			.where('name', '=', 'Oak')
			.executeTakeFirstOrThrow();
		const rows = await db
			.selectFrom('pupils')
			.select(['id', 'first_name', 'last_initial'])
			.where('class_id', '=', oak.id)
			.orderBy('id', 'desc')
			.limit(3)
			.execute();
		const teacher = await db
			.selectFrom('staff_users')
			.select('id')
			.where('email', '=', OAK_TEACHER)
			.executeTakeFirstOrThrow();
		const lesson = getLibrary().lessons[0];
		const id = await createClassSession(
			{
				classId: oak.id,
				lessonId: lesson.id,
				mode: 'self',
				openUntil: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10)
			},
			{
				kind: 'staff',
				id: teacher.id,
				email: OAK_TEACHER,
				displayName: 'Oak teacher',
				role: 'teacher',
				schoolId: oak.school_id,
				sessionId: ''
			}
		);
		return {
			sessionId: id,
			pupils: rows.map((r) => ({ id: r.id, name: `${r.first_name} ${r.last_initial}` }))
		};
	}));
});

/** The pupil's tablet, signed in with their login card. */
async function tablet(
	browser: Browser,
	pupilId: number
): Promise<{ context: BrowserContext; page: Page }> {
	const token = await issueCard(pupilId);
	const context = await browser.newContext(TABLET);
	const page = await context.newPage();
	await page.goto(`/card/${token}`);
	await waitForHydration(page);
	await page.getByRole('button', { name: 'Start' }).click();
	await expect(page).toHaveURL(/\/me$/);
	return { context, page };
}

async function chooseWithoutTyping(page: Page): Promise<void> {
	await page.getByRole('radio', { name: 'Me' }).check();
	await page.getByRole('checkbox', { name: 'Someone online' }).check();
	await page.getByRole('radio', { name: 'Today, please' }).check();
	await page.getByRole('radio', { name: "I don't mind" }).check();
}

async function requestsOf(pupilId: number) {
	return withServerDb((db) =>
		db.selectFrom('help_requests').selectAll().where('pupil_id', '=', pupilId).execute()
	);
}

test('a pupil asks for help from a lesson, and only the school’s safeguarding lead can read it', async ({
	browser
}) => {
	test.slow();
	const pupil = pupils[0];
	const { context, page } = await tablet(browser, pupil.id);

	// From the lesson page, without typing a word.
	await page.goto(`/session/${sessionId}`);
	await waitForHydration(page);
	await page.getByRole('link', { name: "I'm worried about something" }).tap();
	await expect(
		page.getByRole('heading', { level: 1, name: "I'm worried about something" })
	).toBeVisible();
	await waitForHydration(page);
	await expectAccessible(page);
	await chooseWithoutTyping(page);
	await page.getByRole('button', { name: 'Send' }).tap();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Thank you for telling us' })
	).toBeVisible();
	await expect(page.getByText('It is not your fault.')).toBeVisible();
	await expect(page.getByText(/0800 1111/)).toBeVisible();
	await expectAccessible(page);

	const [stored] = await requestsOf(pupil.id);
	expect(stored).toMatchObject({ about: 'me', urgency: 'today', talk_to: 'anyone', message: null });

	// Nothing of it stays on the shared tablet: not by Back, not on reload, not at home, not stored.
	await page.goBack();
	await expect(page).toHaveURL(new RegExp(`/session/${sessionId}$`));
	await expect(page.getByRole('radio', { name: 'Me' })).toHaveCount(0);
	await page.reload();
	await expect(page.getByText('Someone online')).toHaveCount(0);
	await page.goto('/me?stay');
	await expect(page.getByRole('heading', { level: 1, name: /^Hi / })).toBeVisible();
	await expect(page.getByText('Someone online')).toHaveCount(0);
	const stash = await page.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage }));
	expect(stash).not.toContain('someone-online');
	await context.close();

	// The school's DSL: the banner on every staff page, the request, acknowledge, a note, print.
	const dslContext = await browser.newContext();
	const dsl = await dslContext.newPage();
	await signInAs(dsl, DSL);
	await expect(dsl.getByText('A pupil has asked for help')).toBeVisible();
	await dsl.getByRole('link', { name: 'Open Concerns' }).click();
	await expect(dsl.getByRole('heading', { level: 1, name: 'Concerns' })).toBeVisible();
	await expectAccessible(dsl);
	await dsl.getByRole('link', { name: pupil.name }).first().click();
	await expect(dsl).toHaveURL(`/concerns/${stored.id}`);
	await expect(dsl.getByText('Someone online')).toBeVisible();
	await expect(dsl.getByText('Today, please')).toBeVisible();
	await waitForHydration(dsl);
	await expectAccessible(dsl);
	await dsl.getByRole('button', { name: /Acknowledge/ }).click();
	await expect(dsl.getByText(/^Acknowledged /)).toBeVisible();
	await dsl.getByLabel('What happened').selectOption('spoke');
	await dsl.getByLabel(/^Note/).fill('Spoke to the pupil at break; they are safe.');
	await dsl.getByRole('button', { name: 'Add to the record' }).click();
	const chronology = dsl.getByRole('region', { name: 'Chronology' });
	await expect(chronology).toContainText('Spoke to the pupil at break; they are safe.');
	await expect(chronology).toContainText('Acknowledged');
	await expectAccessible(dsl);
	// Printed for CPOMS or MyConcern: the chronology, without buttons or forms.
	await dsl.emulateMedia({ media: 'print' });
	await expect(chronology).toBeVisible();
	await expect(dsl.getByRole('button', { name: 'Add to the record' })).toBeHidden();
	await expect(dsl.getByRole('button', { name: 'Print this request' })).toBeHidden();
	await dsl.emulateMedia({ media: 'screen' });
	// Nothing waits now: no banner, and Concerns is still one click away on every page.
	await dsl.goto('/lessons');
	await expect(dsl.getByText('A pupil has asked for help')).toHaveCount(0);
	await expect(dsl.getByRole('link', { name: 'Concerns', exact: true })).toBeVisible();
	await dslContext.close();

	const audit = await withServerDb((db) =>
		db
			.selectFrom('audit_events')
			.select('action')
			.where('target_type', '=', 'help_request')
			.where('target_id', '=', String(stored.id))
			.execute()
	);
	expect(audit.map((a) => a.action)).toEqual(
		expect.arrayContaining(['help.requested', 'help.viewed', 'help.acknowledged', 'help.spoke'])
	);

	// Everyone else: not found, and never the pupil's name.
	for (const email of [OAK_TEACHER, DEMO.lead, OTHER_DSL, DEMO.coordinator]) {
		const context = await browser.newContext();
		const page = await context.newPage();
		await signInAs(page, email);
		const response = await page.goto(`/concerns/${stored.id}`);
		expect(response?.status(), email).toBe(404);
		await expect(page.getByText(pupil.name)).toHaveCount(0);
		// Another school's DSL has a Concerns page of their own school's requests only.
		const list = await page.goto('/concerns');
		expect(list?.status(), email).toBe(email === OTHER_DSL ? 200 : 404);
		await expect(page.getByText(pupil.name)).toHaveCount(0);
		await expect(page.getByText('A pupil has asked for help')).toHaveCount(0);
		await context.close();
	}
});

test('“Hide this” replaces the form at once with the pupil’s home', async ({ browser }) => {
	const pupil = pupils[1];
	const { context, page } = await tablet(browser, pupil.id);
	await page.goto('/help');
	await waitForHydration(page);
	await chooseWithoutTyping(page);
	await page.getByLabel(/Do you want to tell us what happened/).fill('a secret that must go');
	await page.getByRole('button', { name: 'Hide this' }).tap();
	await expect(page).toHaveURL('/me?stay');
	await expect(page.getByText('a secret that must go')).toHaveCount(0);
	await page.goBack();
	await expect(page.getByRole('radio', { name: 'Me', checked: true })).toHaveCount(0);
	await expect(page.getByText('a secret that must go')).toHaveCount(0);
	expect(await requestsOf(pupil.id)).toEqual([]);
	await context.close();
});

test('a request made offline waits on the device, says so, and is sent once when the network is back', async ({
	browser
}) => {
	const pupil = pupils[2];
	const { context, page } = await tablet(browser, pupil.id);
	await page.goto('/help');
	await waitForHydration(page);
	await chooseWithoutTyping(page);
	await context.setOffline(true);
	await page.getByRole('button', { name: 'Send' }).tap();
	await expect(page.getByRole('heading', { name: 'Not sent yet' })).toBeVisible();
	await expect(page.getByText('Please tell an adult near you now, in person.')).toBeVisible();
	await expect(page.getByRole('radio', { name: 'Me' })).toHaveCount(0);
	await expectAccessible(page);
	expect(await requestsOf(pupil.id)).toEqual([]);

	await context.setOffline(false);
	await expect(
		page.getByRole('heading', { level: 1, name: 'Thank you for telling us' })
	).toBeVisible({
		timeout: 40_000
	});
	expect(await requestsOf(pupil.id)).toHaveLength(1);
	const stash = await page.evaluate(() => JSON.stringify({ ...sessionStorage }));
	expect(stash).not.toContain('someone-online');
	await context.close();
});
