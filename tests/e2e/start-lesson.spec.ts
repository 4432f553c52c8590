// Starting a lesson from the class page in three clicks, the warning before a lesson the
// class has had runs again, and a pupil who was moved past the questions finishing them.
// Popley Brook's Rowan class: no other e2e spec uses it, so its sessions are ours.
import { expect, test, type Page } from '@playwright/test';
import { getLibrary } from '../../src/lib/server/lessons';
import { expectAccessible, waitForHydration } from './helpers';
import { pupilDevice, withServerDb } from './pupil-devices';
import { signInAs } from './staff-auth';

test.describe.configure({ mode: 'serial' });

const TEACHER = 'rowan.popley-brook@demo.thinksafe.test';
const programme = getLibrary().lessons;

let classId = 0;
let sessionId = 0;
let pupilId = 0;

async function openClassPage(page: Page) {
	await page.goto('/classes');
	await page.getByRole('link', { name: 'Rowan', exact: true }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Rowan' })).toBeVisible();
	await waitForHydration(page);
	classId = Number(new URL(page.url()).pathname.split('/').pop());
}

test('from the class page, the next lesson starts live and its lobby is on the board in three clicks', async ({
	browser
}) => {
	const context = await browser.newContext();
	const page = await context.newPage();
	await signInAs(page, TEACHER);
	await openClassPage(page);

	// The demo's Rowan has had the first two lessons: the third is next.
	const next = programme[2];
	const panel = page.getByRole('region', { name: `Next lesson: ${next.title}` });
	await expect(panel).toBeVisible();
	await expectAccessible(page);

	let clicks = 0;
	if (next.safeguardingHtml) {
		await expect(panel.getByRole('heading', { name: 'Safeguarding note' })).toBeVisible();
		await panel.getByLabel('I have read the safeguarding note').check();
		clicks++;
	}
	await panel.getByRole('button', { name: 'Start live' }).click();
	clicks++;
	await expect(page).toHaveURL(/\/sessions\/\d+$/);
	sessionId = Number(new URL(page.url()).pathname.split('/').pop());
	await expect(page.getByRole('heading', { level: 1, name: next.title })).toBeVisible();
	await expect(page.getByText('Waiting for pupils to join')).toBeVisible();
	await waitForHydration(page);
	await expectAccessible(page);

	const [board] = await Promise.all([
		context.waitForEvent('page'),
		page.getByRole('link', { name: /Open the board/ }).click()
	]);
	clicks++;
	await expect(board).toHaveURL(`/sessions/${sessionId}/board`);
	const code = await withServerDb(async (db) => {
		const cls = await db
			.selectFrom('classes')
			.select('code')
			.where('id', '=', classId)
			.executeTakeFirstOrThrow();
		return cls.code;
	});
	await expect(board.getByText(code, { exact: true })).toBeVisible();
	await waitForHydration(board);
	await expectAccessible(board);
	expect(clicks).toBeLessThanOrEqual(3);

	// The panel now offers to go back to the lesson that is running.
	await openClassPage(page);
	await expect(page.getByRole('region', { name: 'Live now' })).toContainText(next.title);
	await context.close();
});

test('a pupil moved past the questions is told how many are left, and can finish them once the teacher opens it', async ({
	browser
}) => {
	expect(sessionId).toBeGreaterThan(0);
	const lesson = programme[2];
	pupilId = await withServerDb(async (db) => {
		const p = await db
			.selectFrom('pupils')
			.select('id')
			.where('class_id', '=', classId)
			.orderBy('id')
			.executeTakeFirstOrThrow();
		return p.id;
	});
	// The pupil joins the live lesson on their device.
	const pupil = await pupilDevice(browser, pupilId);
	await expect(pupil.page).toHaveURL(`/session/${sessionId}`);

	// The teacher moves the class through to the end without the pupil answering, then ends it.
	const teacher = await browser.newContext();
	const page = await teacher.newPage();
	await signInAs(page, TEACHER);
	await page.goto(`/sessions/${sessionId}`);
	await waitForHydration(page);
	await page.getByRole('button', { name: 'Start lesson' }).click();
	for (let step = 1; step < lesson.steps.length; step++) {
		await expect(page.getByText(`Step ${step} of ${lesson.steps.length}`).first()).toBeVisible();
		await page.getByRole('button', { name: 'Next' }).click();
	}
	await expect(
		page.getByText(`Step ${lesson.steps.length} of ${lesson.steps.length}`).first()
	).toBeVisible();
	// The pupil's screen follows to the last step.
	await pupil.page.reload();
	await waitForHydration(pupil.page);
	await page.getByText('End session…').click();
	await page.getByRole('button', { name: 'Yes, end the session' }).click();
	await expect(page.getByText(/This lesson has ended/)).toBeVisible();

	const scored = lesson.questions.filter((q) => q.scored).length;
	await pupil.page.goto(`/session/${sessionId}/summary`);
	await expect(pupil.page.getByText(`You have ${scored} questions left`)).toBeVisible();
	await expect(pupil.page.getByText(/You've finished/)).toHaveCount(0);
	await expect(pupil.page.getByText('Your teacher can open it again')).toBeVisible();
	await waitForHydration(pupil.page);
	await expectAccessible(pupil.page);

	// Starting the lesson again warns first, and offers a catch-up for those who have not completed it.
	await page.goto(`/classes/${classId}/sessions/new?lesson=${lesson.id}`);
	await waitForHydration(page);
	await expect(page.getByRole('region', { name: /^Rowan had this lesson on / })).toBeVisible();
	await expect(page.getByRole('button', { name: 'Start the lesson again' })).toBeVisible();
	await expectAccessible(page);
	await page.getByRole('button', { name: /^Open a catch-up for the \d+ pupils?$/ }).click();
	await expect(page).toHaveURL(/\/sessions\/\d+$/);
	expect(new URL(page.url()).pathname).not.toBe(`/sessions/${sessionId}`);
	await expect(page.getByRole('heading', { level: 1, name: lesson.title })).toBeVisible();
	await teacher.close();

	// The pupil's summary now says where to finish, and the way in opens the lesson.
	await pupil.page.reload();
	await expect(pupil.page.getByText(/You can finish .+ at your own pace until/)).toBeVisible();
	await waitForHydration(pupil.page);
	await expectAccessible(pupil.page);
	await pupil.page.getByRole('link', { name: /Finish the lesson/ }).click();
	await expect(pupil.page).toHaveURL(/\/session\/\d+$/);
	await expect(pupil.page.getByRole('heading', { level: 1, name: lesson.title })).toBeVisible();
	await pupil.context.close();
});

test('a lesson taught live only offers no self-paced start, and a live catch-up', async ({
	page
}) => {
	const led = programme.find((l) => l.delivery === 'teacher-led')!;
	await signInAs(page, TEACHER);
	await openClassPage(page);
	await page.goto(`/classes/${classId}/sessions/new?lesson=${led.id}`);
	await expect(page.getByRole('heading', { level: 2, name: led.title })).toBeVisible();
	await expect(
		page.getByText(/This lesson is taught live only, with you in the room/)
	).toBeVisible();
	await expect(page.getByRole('radio', { name: /Live, together/ })).toBeChecked();
	await expect(page.getByRole('radio', { name: /At their own pace/ })).toHaveCount(0);
	await expect(page.getByLabel('Open until')).toBeHidden();
	// Rowan has had it (the demo's first two lessons): a catch-up, if anyone missed it, is live,
	// with no closing day (integration/catch-up.test.ts starts one).
	await expect(page.getByRole('heading', { name: /Rowan had this lesson on/ })).toBeVisible();
	await expect(page.getByLabel('Catch-up open until')).toHaveCount(0);
	await expect(page.getByRole('button', { name: /^Open a catch-up/ })).toHaveCount(0);
	await expectAccessible(page);

	// The library says so too, and lists the lesson's versions.
	await page.goto(`/lessons/${led.id}`);
	await expect(page.getByText(/taught live only, with the teacher in the room/)).toBeVisible();
	const revisions = page.getByRole('region', { name: 'Revisions' });
	await expect(revisions.getByText('In use now')).toBeVisible();
	await expectAccessible(page);
	await page.goto('/lessons');
	await expect(
		page
			.getByRole('listitem')
			.filter({ has: page.getByRole('link', { name: led.title }) })
			.getByText('Taught live only')
	).toBeVisible();
});

test('running a lesson again afresh: a pupil answers again, and the teacher sees the same', async ({
	browser
}) => {
	const lesson = programme[0];
	const step = lesson.steps.findIndex((s) =>
		s.blocks.some(
			(b) =>
				b.kind === 'quiz' &&
				['single', 'truefalse'].includes(lesson.questions.find((q) => q.id === b.questionId)!.type)
		)
	);
	const block = lesson.steps[step].blocks.find((b) => b.kind === 'quiz')!;
	const question = lesson.questions.find(
		(q) => block.kind === 'quiz' && q.id === block.questionId
	)!;
	// A Rowan pupil who answered it when the class had the lesson (the demo's history).
	const before = await withServerDb((db) =>
		db
			.selectFrom('answers as a')
			.innerJoin('pupils as p', 'p.id', 'a.pupil_id')
			.select(['a.pupil_id', 'a.selected'])
			.where('p.class_id', '=', classId)
			.where('a.question_id', '=', question.id)
			.where('a.phase', '=', 'main')
			.orderBy('a.id')
			.executeTakeFirstOrThrow()
	);

	const teacher = await browser.newContext();
	const page = await teacher.newPage();
	await signInAs(page, TEACHER);
	await page.goto(`/classes/${classId}/sessions/new?lesson=${lesson.id}`);
	await waitForHydration(page);
	await expect(
		page.getByText(/Running it again with the whole class is a fresh start/)
	).toBeVisible();
	const note = page.getByLabel('I have read the safeguarding note');
	if (lesson.safeguardingHtml) await note.check();
	await page.getByRole('button', { name: 'Start the lesson again' }).click();
	await expect(page).toHaveURL(/\/sessions\/\d+$/);
	const againId = Number(new URL(page.url()).pathname.split('/').pop());
	await waitForHydration(page);
	await page.getByRole('button', { name: 'Start lesson' }).click();
	for (let n = 1; n <= step; n++) {
		await expect(page.getByText(`Step ${n} of ${lesson.steps.length}`).first()).toBeVisible();
		await page.getByRole('button', { name: 'Next', exact: true }).click();
	}

	// The pupil's screen shows the question unanswered, as the teacher's does.
	const pupil = await pupilDevice(browser, before.pupil_id);
	await expect(pupil.page).toHaveURL(`/session/${againId}`);
	const form = pupil.page.locator(`[data-question="${question.id}"]`);
	await expect(form.getByRole('button').first()).toBeVisible();
	await expect(form.getByText(/your answer is saved/i)).toHaveCount(0);
	const progress = page.getByRole('region', { name: 'Question 1' });
	await expect(progress).toContainText('0 of 1 answered');

	// They answer again, and both screens agree.
	const earlier = (JSON.parse(before.selected) as number[])[0];
	const other = question.options.findIndex((_, i) => i !== earlier);
	await form.getByRole('button').nth(other).click();
	await expect(form.getByText(/your answer is saved/i)).toBeVisible();
	await expect(progress).toContainText('1 of 1 answered');
	await expectAccessible(pupil.page);
	await pupil.context.close();
	await teacher.close();
});
