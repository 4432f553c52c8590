// Many wrong tries slow a class's sign-in without ever refusing a pupil with the right
// pictures, and the teacher sees the slowdown and lifts it. Over real HTTP, all from one
// address, as a school's tablets are.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { decodePicturePassword, PICTURES } from '../../src/lib/pictures';
import { THROTTLES } from '../../src/lib/server/auth/rate-limit';
import { expectAccessible, waitForHydration } from './helpers';
import { withServerDb } from './pupil-devices';
import { signInAs } from './staff-auth';

// Tadley Common's Birch class: no other spec uses it, so its sign-in counts are ours.
const TEACHER = 'birch.tadley-common@demo.thinksafe.test';
const NOTICE = 'Sign-in is slowed for this class';

interface Pupil {
	id: number;
	firstName: string;
	pictures: number[];
}

let classId: number;
let code: string;
let pupils: Pupil[];

test.beforeAll(async () => {
	({ classId, code, pupils } = await withServerDb(async (db) => {
		const birch = await db
			.selectFrom('classes')
			.select(['id', 'code'])
			.where('name', '=', 'Birch')
			.executeTakeFirstOrThrow();
		const rows = await db
			.selectFrom('pupils')
			.select(['id', 'first_name', 'picture_password'])
			.where('class_id', '=', birch.id)
			.where('archived_at', 'is', null)
			.orderBy('id')
			.execute();
		return {
			classId: birch.id,
			code: birch.code,
			pupils: rows.map((r) => ({
				id: r.id,
				firstName: r.first_name,
				pictures: decodePicturePassword(r.picture_password)
			}))
		};
	}));
});

/** A guess at a pupil's pictures posted as the picture page's form posts it; its time in ms. */
async function guess(request: APIRequestContext, origin: string, pupil: Pupil): Promise<number> {
	const [a, b, c] = pupil.pictures;
	const started = Date.now();
	const response = await request.post(`/join/${code}/${pupil.id}?/pick`, {
		form: { picks: `${a}-${b}`, picture: String((c + 1) % PICTURES.length) },
		// As the page's own script sends it: the answer comes back as JSON.
		headers: { origin, accept: 'application/json', 'x-sveltekit-action': 'true' },
		maxRedirects: 0
	});
	const body = await response.text();
	expect(JSON.parse(body), body).toMatchObject({ type: 'failure', status: 400 });
	return Date.now() - started;
}

async function signInWithPictures(page: Page, pupil: Pupil): Promise<void> {
	await page.goto(`/join/${code}/${pupil.id}`);
	await waitForHydration(page);
	await expect(
		page.getByRole('heading', { level: 1, name: 'Tap your three pictures' })
	).toBeVisible();
	for (const index of pupil.pictures) {
		await page.getByRole('button', { name: PICTURES[index], exact: true }).click();
	}
	await expect(page).toHaveURL(/\/(me|session\/\d+)$/, { timeout: 15_000 });
	await expect(
		page.getByRole('heading', { level: 1, name: `Hi ${pupil.firstName}` })
	).toBeVisible();
}

test('an attacker hammering one class is slowed, its pupils still get in, and the teacher lifts the slowdown', async ({
	browser,
	request,
	baseURL
}) => {
	test.slow();
	// Four wrong tries on each pupil in turn: one fewer than locks a pupil.
	const tries = THROTTLES.pupilClass.free + 16;
	expect(pupils.length).toBeGreaterThan(tries / 4 + 2);
	const times: number[] = [];
	for (const pupil of pupils) {
		for (let i = 0; i < 4 && times.length < tries; i++)
			times.push(await guess(request, baseURL!, pupil));
	}
	expect(times).toHaveLength(tries);
	// The last guess waited (tries - 1 - free) steps on the server before it was checked.
	const expectedWait = (tries - 1 - THROTTLES.pupilClass.free) * THROTTLES.pupilClass.stepMs;
	expect(times.at(-1)!).toBeGreaterThanOrEqual(expectedWait);

	// A pupil of the class with the right pictures still gets in, after a moment.
	const pupil = pupils.at(-1)!;
	const device = await browser.newContext();
	const pupilPage = await device.newPage();
	await signInWithPictures(pupilPage, pupil);
	await expectAccessible(pupilPage);
	await device.close();

	// The teacher sees it on the class page…
	const teacher = await browser.newContext();
	const page = await teacher.newPage();
	await signInAs(page, TEACHER);
	await page.goto(`/classes/${classId}`);
	await expect(page.getByRole('heading', { level: 2, name: NOTICE })).toBeVisible();
	await expect(page.getByText('because of many wrong tries in this class')).toBeVisible();
	await expectAccessible(page);

	// …and on a live lesson's control view, and lifts it there.
	await page.goto(`/classes/${classId}/sessions/new?lesson=think-before-you-share`);
	await waitForHydration(page);
	const note = page.getByLabel('I have read the safeguarding note');
	if (await note.count()) await note.check();
	await page.getByLabel(/Live, together/).check();
	await page.getByRole('button', { name: 'Start the lesson' }).click();
	await expect(page).toHaveURL(/\/sessions\/\d+$/);
	await waitForHydration(page);
	await expect(page.getByRole('heading', { level: 2, name: NOTICE })).toBeVisible();
	await expectAccessible(page);
	await page.getByRole('button', { name: 'Let pupils try again now' }).click();
	await expect(page.getByRole('heading', { level: 2, name: NOTICE })).toHaveCount(0);

	await page.goto(`/classes/${classId}`);
	await expect(page.getByRole('heading', { level: 1, name: 'Birch' })).toBeVisible();
	await expect(page.getByRole('heading', { level: 2, name: NOTICE })).toHaveCount(0);
	await expectAccessible(page);
	await teacher.close();

	// The next guess is no longer held back by the earlier ones.
	expect(await guess(request, baseURL!, pupils.at(-2)!)).toBeLessThan(expectedWait);
});
