// A pupil in a lesson: the knowledge check, steps with feedback, resuming on another
// device, the summary and the certificate page — and answers that survive going offline.
// The lesson is started the way a teacher starts it, through the teacher's own pages.
import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import { getLibrary, type Lesson, type Question } from '../../src/lib/server/lessons';
import { expectAccessible, waitForHydration } from './helpers';
import { pupilDevice, withServerDb } from './pupil-devices';
import { signInAs } from './staff-auth';

// Tadley Common's Maple class: no other e2e spec uses it, so its sessions are ours.
const TEACHER = 'maple.tadley-common@demo.thinksafe.test';
const lesson: Lesson = getLibrary().getLesson('think-before-you-share')!;
const check = lesson.questions.filter((q) => q.check && q.scored);
const scored = lesson.questions.filter((q) => q.scored);

let classId: number;
let pupilIds: number[];
let sessionId: number;

/** The teacher starts the lesson with the class, through the teacher's own pages. */
async function startLesson(page: Page, mode: 'live' | 'self'): Promise<number> {
	await page.goto(`/classes/${classId}/sessions/new?lesson=${lesson.id}`);
	await waitForHydration(page);
	const note = page.getByLabel('I have read the safeguarding note');
	if (await note.count()) await note.check();
	await page.getByLabel(mode === 'live' ? /Live, together/ : /At their own pace/).check();
	await page.getByRole('button', { name: 'Start the lesson' }).click();
	await expect(page).toHaveURL(/\/sessions\/\d+$/);
	await waitForHydration(page);
	return Number(new URL(page.url()).pathname.split('/').pop());
}

async function teacherDevice(browser: Browser) {
	const context = await browser.newContext();
	const page = await context.newPage();
	await signInAs(page, TEACHER);
	return { context, page };
}

async function openLesson(page: Page, id = sessionId): Promise<void> {
	await page.goto(`/session/${id}`);
	await expect(page.getByRole('heading', { level: 1, name: lesson.title })).toBeVisible();
	await waitForHydration(page);
}

/** The n-th question on the screen, with its options, status and feedback. */
function questionForm(scope: Page | Locator, n = 0): Locator {
	return scope.locator('[data-question]').nth(n);
}

/**
 * A question's options as the pupil meets them: in the knowledge check ('pre') radios or
 * checkboxes sent together; in a step, a button per option (one tap) or checkboxes.
 */
function options(form: Locator, q: Question, phase: 'pre' | 'main' = 'main'): Locator {
	if (q.type === 'multiple') return form.getByRole('checkbox');
	return form.getByRole(phase === 'pre' ? 'radio' : 'button');
}

const right = (q: Question) => q.options.flatMap((o, i) => (o.correct ? [i] : []));
const wrong = (q: Question) => [q.options.findIndex((o) => !o.correct)];

/** Answers a step's question: one tap, or ticks then "Send my answer". */
async function choose(form: Locator, q: Question, selected: number[]): Promise<void> {
	if (q.type !== 'multiple') return options(form, q).nth(selected[0]).click();
	for (const i of selected) await options(form, q).nth(i).check();
	await form.getByRole('button', { name: 'Send my answer' }).click();
}

/** Chooses in the knowledge check, without sending. */
async function tick(form: Locator, q: Question, selected: number[]): Promise<void> {
	for (const i of selected) await options(form, q, 'pre').nth(i).check();
}

/** Answers one question of the knowledge check and sends it with the check's one button. */
async function answerCheck(page: Page, n: number, selected: number[]): Promise<void> {
	await tick(questionForm(page, n), check[n], selected);
	await page.getByRole('button', { name: 'Send my answers' }).click();
}

async function expectNoSidewaysScroll(page: Page): Promise<void> {
	const fits = await page.evaluate(
		() => document.documentElement.scrollWidth <= document.documentElement.clientWidth
	);
	expect(fits, `${page.url()} scrolls sideways`).toBe(true);
}

async function press(page: Page, name: string): Promise<void> {
	await page.getByRole('button', { name, exact: true }).click();
}

test.beforeAll(async ({ browser }) => {
	({ classId, pupilIds } = await withServerDb(async (db) => {
		const maple = await db
			.selectFrom('classes')
			.select('id')
			.where('name', '=', 'Maple')
			.executeTakeFirstOrThrow();
		const pupils = await db
			.selectFrom('pupils')
			.select('id')
			.where('class_id', '=', maple.id)
			.orderBy('id')
			.execute();
		return { classId: maple.id, pupilIds: pupils.map((p) => p.id) };
	}));
	const teacher = await teacherDevice(browser);
	sessionId = await startLesson(teacher.page, 'self');
	await teacher.context.close();
});

test('a pupil does the knowledge check and the steps with feedback, then resumes on another device', async ({
	browser
}) => {
	test.slow();
	const first = await pupilDevice(browser, pupilIds[0]);
	let page = first.page;
	await openLesson(page);

	// The start: "What do you know already?", answered without feedback.
	const checkSection = page.getByRole('region', { name: 'What do you know already?' });
	await expect(checkSection).toBeVisible();
	const firstCheck = questionForm(checkSection);
	await answerCheck(page, 0, right(check[0]));
	await expect(firstCheck.getByText('Thanks — your answer is saved.')).toBeVisible();
	await expect(firstCheck.getByText("Well done — that's right!")).toHaveCount(0);
	await expectAccessible(page);

	await press(page, 'Start the lesson');
	await expect(page.getByText(`Step 1 of ${lesson.steps.length}`, { exact: true })).toBeVisible();
	await expect(page.getByRole('heading', { level: 2, name: lesson.steps[0].title })).toBeVisible();
	await expect(page.getByRole('region', { name: 'What do you know already?' })).toHaveCount(0);

	// Step 1's question, right, with feedback.
	const q1 = lesson.questions.find((q) => q.stepId === lesson.steps[0].id)!;
	await choose(questionForm(page), q1, right(q1));
	await expect(page.getByText("Well done — that's right!")).toBeVisible();
	await expect(page.getByText('Your answer is saved.')).toBeVisible();
	await expectAccessible(page);

	// Step 2's question, not right: kind words and what to remember.
	await press(page, 'Next');
	await expect(page.getByText(`Step 2 of ${lesson.steps.length}`, { exact: true })).toBeVisible();
	const q2 = lesson.questions.find((q) => q.stepId === lesson.steps[1].id)!;
	await choose(questionForm(page), q2, wrong(q2));
	await expect(page.getByText("Good try. Here's what to remember:")).toBeVisible();

	await press(page, 'Next');
	await expect(page.getByText(`Step 3 of ${lesson.steps.length}`, { exact: true })).toBeVisible();

	// Another device: the same pupil lands on the same step, and their answers are there.
	const second = await pupilDevice(browser, pupilIds[0]);
	await first.context.close();
	page = second.page;
	await openLesson(page);
	await expect(page.getByText(`Step 3 of ${lesson.steps.length}`, { exact: true })).toBeVisible();
	await expectAccessible(page);
	// From here on a small phone's width (or 200% zoom on a small laptop): nothing may
	// need sideways scrolling.
	await page.setViewportSize({ width: 320, height: 640 });
	await expectNoSidewaysScroll(page);
	await press(page, 'Previous');
	await expect(page.getByText(`Step 2 of ${lesson.steps.length}`, { exact: true })).toBeVisible();
	await expectNoSidewaysScroll(page);
	const answered = questionForm(page);
	await expect(options(answered, q2).nth(wrong(q2)[0])).toHaveAttribute('aria-pressed', 'true');
	await expect(options(answered, q2).nth(wrong(q2)[0])).toBeDisabled();
	await expect(answered.getByText("Good try. Here's what to remember:")).toBeVisible();
	await expect(answered.getByRole('button', { name: 'Send my answer' })).toHaveCount(0);

	// On to the end, then Finish: the summary.
	for (let step = 3; step <= lesson.steps.length; step++) {
		await press(page, 'Next');
		await expect(
			page.getByText(`Step ${step} of ${lesson.steps.length}`, { exact: true })
		).toBeVisible();
		await expectNoSidewaysScroll(page);
	}
	await press(page, 'Finish');
	await expect(page).toHaveURL(`/session/${sessionId}/summary`);
	await expect(page.getByRole('heading', { level: 1, name: /^Well done/ })).toBeVisible();
	await expect(page.getByText(`You got 1 out of ${scored.length}.`)).toBeVisible();
	await expect(
		page.getByText(`You looked at ${lesson.steps.length} of ${lesson.steps.length} steps.`)
	).toBeVisible();
	for (const objective of lesson.objectives) await expect(page.getByText(objective)).toBeVisible();
	const childline = getLibrary().facts.find((f) => f.name === 'childline-phone')!.text;
	await expect(page.getByText(childline, { exact: true })).toBeVisible();
	await expect(page.getByRole('link', { name: 'Back to my page' })).toHaveAttribute('href', '/me');
	await waitForHydration(page);
	await expectNoSidewaysScroll(page);
	await expectAccessible(page);

	// Not every lesson done yet: the certificate page says what is left, kindly.
	await page.goto('/certificate');
	await expect(
		page.getByRole('heading', { level: 1, name: 'Your certificate is on its way' })
	).toBeVisible();
	await expect(page.getByText(`${getLibrary().lessons.length} lessons to go`)).toBeVisible();
	await waitForHydration(page);
	await expectNoSidewaysScroll(page);
	await expectAccessible(page);
	await second.context.close();
});

test('answers given offline are kept on the device, sent when back online, and stored once', async ({
	browser
}) => {
	test.slow();
	const pupilId = pupilIds[1];
	const { context, page } = await pupilDevice(browser, pupilId);
	await openLesson(page);
	const sent: { clientId: string; questionId: string }[] = [];
	page.on('request', (request) => {
		if (request.method() === 'POST' && request.url().endsWith(`/session/${sessionId}/answer`)) {
			sent.push(request.postDataJSON());
		}
	});

	// Offline: the answer waits on the device, and the pupil is told so plainly.
	await context.setOffline(true);
	const q0 = questionForm(page, 0);
	await answerCheck(page, 0, right(check[0]));
	await expect(
		q0.getByText('Saved on this device — it will be sent when the internet is back.')
	).toBeVisible();
	await expectAccessible(page);
	await context.setOffline(false);
	await expect(q0.getByText('Thanks — your answer is saved.')).toBeVisible();

	// The server stores an answer but the reply is lost: the device sends it again, with
	// the same id, when it is back online — and it is still stored once.
	await page.route(
		`**/session/${sessionId}/answer`,
		async (route) => {
			await route.fetch();
			await route.abort('internetdisconnected');
		},
		{ times: 1 }
	);
	const q1 = questionForm(page, 1);
	await answerCheck(page, 1, wrong(check[1]));
	await expect(
		q1.getByText('Saved on this device — it will be sent when the internet is back.')
	).toBeVisible();
	await context.setOffline(true);
	await context.setOffline(false);
	await expect(q1.getByText('Thanks — your answer is saved.')).toBeVisible();
	const q1Sends = sent.filter((s) => s.questionId === check[1].id);
	expect(q1Sends).toHaveLength(2);
	expect(q1Sends[1].clientId).toBe(q1Sends[0].clientId);

	// Offline, and the tab is closed: the next time the lesson opens, the answer goes.
	await context.setOffline(true);
	const q2 = questionForm(page, 2);
	await answerCheck(page, 2, right(check[2]));
	await expect(
		q2.getByText('Saved on this device — it will be sent when the internet is back.')
	).toBeVisible();
	await page.close();
	await context.setOffline(false);
	const again = await context.newPage();
	await openLesson(again);
	await expect(questionForm(again, 2).getByText('Thanks — your answer is saved.')).toBeVisible();

	// After a reload every answer shows as given, and the server holds each exactly once.
	await again.reload();
	await waitForHydration(again);
	for (const [n, selected] of [right(check[0]), wrong(check[1]), right(check[2])].entries()) {
		const form = questionForm(again, n);
		for (const i of selected) await expect(options(form, check[n], 'pre').nth(i)).toBeChecked();
		await expect(form.getByText('Thanks — your answer is saved.')).toBeVisible();
	}
	await expectAccessible(again);
	const rows = await withServerDb((db) =>
		db
			.selectFrom('answers')
			.select(['question_id', 'phase', 'selected'])
			.where('pupil_id', '=', pupilId)
			.orderBy('question_id')
			.execute()
	);
	expect(rows).toEqual(
		[
			{ question_id: check[0].id, phase: 'pre', selected: JSON.stringify(right(check[0])) },
			{ question_id: check[1].id, phase: 'pre', selected: JSON.stringify(wrong(check[1])) },
			{ question_id: check[2].id, phase: 'pre', selected: JSON.stringify(right(check[2])) }
		].sort((a, b) => (a.question_id < b.question_id ? -1 : 1))
	);
	await context.close();
});

test('a pupil in a live lesson follows the teacher step by step, and sees the summary when it ends', async ({
	browser
}) => {
	test.slow();
	const teacher = await teacherDevice(browser);
	const liveId = await startLesson(teacher.page, 'live');
	const { context, page } = await pupilDevice(browser, pupilIds[2]);
	await openLesson(page, liveId);

	// Before the teacher starts: the check, then wait.
	await expect(page.getByText('Wait for your teacher to start.')).toBeVisible();
	const firstCheck = questionForm(page.getByRole('region', { name: 'What do you know already?' }));
	await answerCheck(page, 0, right(check[0]));
	await expect(firstCheck.getByText('Thanks — your answer is saved.')).toBeVisible();
	await expectAccessible(page);

	// The teacher moves the class on: the pupil's screen follows without a reload.
	// (Well within a second in practice; the margin is for a busy test machine.)
	await teacher.page.getByRole('button', { name: 'Start lesson' }).click();
	await expect(page.getByText(`Step 1 of ${lesson.steps.length}`, { exact: true })).toBeVisible({
		timeout: 5_000
	});
	await expect(page.getByText('Wait for your teacher to start.')).toHaveCount(0);
	await expect(page.getByRole('button', { name: 'Next', exact: true })).toHaveCount(0);
	const q1 = lesson.questions.find((q) => q.stepId === lesson.steps[0].id)!;
	await choose(questionForm(page), q1, right(q1));
	await expect(page.getByText("Well done — that's right!")).toBeVisible();
	await expectAccessible(page);

	await teacher.page.getByRole('button', { name: 'Next', exact: true }).click();
	await expect(page.getByText(`Step 2 of ${lesson.steps.length}`, { exact: true })).toBeVisible();

	// A reload (or a dropped connection) lands on the class's step.
	await page.reload();
	await expect(page.getByText(`Step 2 of ${lesson.steps.length}`, { exact: true })).toBeVisible();
	await waitForHydration(page);

	// The teacher ends the lesson: the pupil is taken to their summary.
	await teacher.page.getByText('End session…').click();
	await teacher.page.getByRole('button', { name: 'Yes, end the session' }).click();
	await expect(page).toHaveURL(`/session/${liveId}/summary`);
	await expect(page.getByText(`You got 1 out of ${scored.length}.`)).toBeVisible();
	await expect(page.getByRole('link', { name: 'Look at the lesson again' })).toHaveCount(0);
	await waitForHydration(page);
	await expectAccessible(page);
	await context.close();
	await teacher.context.close();
});

test('a pupil who has done every lesson gets a printable certificate with their name', async ({
	browser
}) => {
	const pupilId = pupilIds[3];
	// Every lesson marked done on paper by the teacher, straight into the server's database.
	const firstName = await withServerDb(async (db) => {
		const teacher = await db
			.selectFrom('staff_users')
			.select('id')
			.where('email', '=', TEACHER)
			.executeTakeFirstOrThrow();
		await db
			.insertInto('paper_completions')
			.values(
				getLibrary().lessons.map((l) => ({
					pupil_id: pupilId,
					lesson_id: l.id,
					marked_by: teacher.id,
					marked_at: new Date().toISOString()
				}))
			)
			.execute();
		const pupil = await db
			.selectFrom('pupils')
			.select(['first_name', 'last_initial'])
			.where('id', '=', pupilId)
			.executeTakeFirstOrThrow();
		return `${pupil.first_name} ${pupil.last_initial}.`;
	});
	const { context, page } = await pupilDevice(browser, pupilId);
	await page.goto('/certificate');
	await waitForHydration(page);
	await expect(page.getByRole('heading', { level: 1, name: 'Your certificate' })).toBeVisible();
	const certificate = page.getByRole('article', { name: 'Certificate of achievement' });
	await expect(certificate.getByText(firstName, { exact: true })).toBeVisible();
	await expect(certificate.getByText('Think Safe', { exact: true })).toBeVisible();
	for (const l of getLibrary().lessons) await expect(certificate.getByText(l.title)).toBeVisible();
	await expect(page.getByRole('button', { name: 'Print my certificate' })).toBeVisible();
	await expectAccessible(page);

	// On paper only the certificate: no header, no buttons.
	await page.emulateMedia({ media: 'print' });
	await expect(certificate).toBeVisible();
	await expect(page.getByRole('button', { name: 'Print my certificate' })).toBeHidden();
	await expect(page.getByRole('banner')).toBeHidden();
	await context.close();
});

/** The pupil's stored answers in this lesson, as (phase, question) → choices, from the server. */
async function storedAnswers(pupilId: number): Promise<string[]> {
	const rows = await withServerDb((db) =>
		db
			.selectFrom('answers')
			.select(['phase', 'question_id', 'selected'])
			.where('pupil_id', '=', pupilId)
			.where('lesson_id', '=', lesson.id)
			.orderBy('phase')
			.orderBy('question_id')
			.execute()
	);
	return rows.map((r) => `${r.phase}:${r.question_id}:${r.selected}`);
}

const stepText = (step: number) => `Step ${step + 1} of ${lesson.steps.length}`;
const stepOf = (q: Question) => lesson.steps.findIndex((s) => s.id === q.stepId);
const firstOfType = (type: Question['type']) => lesson.questions.find((q) => q.type === type)!;

test('the knowledge check is sent with one button, and choices not sent go when the lesson starts', async ({
	browser
}) => {
	test.slow();
	const { context, page } = await pupilDevice(browser, pupilIds[6]);
	await openLesson(page);
	// One button for the whole check, none per question.
	await expect(page.getByRole('button', { name: /^Send my answer/ })).toHaveCount(1);
	await expect(page.getByRole('button', { name: 'Send my answers' })).toBeDisabled();
	for (const [n, q] of check.entries()) await tick(questionForm(page, n), q, right(q));
	await expectAccessible(page);
	await page.getByRole('button', { name: 'Send my answers' }).click();
	for (const n of check.keys())
		await expect(questionForm(page, n).getByText('Thanks — your answer is saved.')).toBeVisible();
	await expect(page.getByRole('button', { name: 'Send my answers' })).toHaveCount(0);
	expect(await storedAnswers(pupilIds[6])).toEqual(
		check.map((q) => `pre:${q.id}:${JSON.stringify(right(q))}`).sort()
	);
	await context.close();

	// Another pupil chooses two answers and goes straight to the lesson: both are kept.
	const other = await pupilDevice(browser, pupilIds[7]);
	await openLesson(other.page);
	await tick(questionForm(other.page, 0), check[0], right(check[0]));
	await tick(questionForm(other.page, 1), check[1], wrong(check[1]));
	await press(other.page, 'Start the lesson');
	await expect(
		other.page.getByText(`Step 1 of ${lesson.steps.length}`, { exact: true })
	).toBeVisible();
	await expect(other.page.getByText('We sent the 2 answers you had chosen.')).toBeVisible();
	await expectAccessible(other.page);
	expect(await storedAnswers(pupilIds[7])).toEqual(
		[
			`pre:${check[0].id}:${JSON.stringify(right(check[0]))}`,
			`pre:${check[1].id}:${JSON.stringify(wrong(check[1]))}`
		].sort()
	);
	await other.context.close();
});

test('one tap answers a one-answer question, by mouse or keyboard, and a double tap stores it once', async ({
	browser
}) => {
	test.slow();
	const pupilId = pupilIds[8];
	const single = firstOfType('single');
	const multiple = firstOfType('multiple');
	const { context, page } = await pupilDevice(browser, pupilId);
	await openLesson(page);
	await press(page, 'Start the lesson');
	for (let step = 0; step < stepOf(single); step++) {
		await expect(
			page.getByText(`Step ${step + 1} of ${lesson.steps.length}`, { exact: true })
		).toBeVisible();
		if (step === stepOf(multiple)) {
			// Ticked but not sent, then Next: the answer goes, and the pupil is told.
			await tick(questionForm(page), multiple, right(multiple));
			await press(page, 'Next');
			await expect(page.getByText('We sent the answer you had chosen.')).toBeVisible();
		} else await press(page, 'Next');
	}
	const form = page.locator(`[data-question="${single.id}"]`);
	await expect(form.getByRole('group')).toBeVisible();
	await expect(form.getByRole('button', { name: 'Send my answer' })).toHaveCount(0);
	await options(form, single).nth(right(single)[0]).dblclick();
	await expect(form.getByText("Well done — that's right!")).toBeVisible();
	await expect(options(form, single).nth(right(single)[0])).toHaveAttribute('aria-pressed', 'true');
	await expectAccessible(page);

	// By keyboard: Tab to an option of the next one-answer question and press Enter.
	const next = lesson.questions.find((q) => q.type !== 'multiple' && stepOf(q) > stepOf(single))!;
	// One step at a time, each seen before the next press, so a slow step never gets skipped.
	for (let step = stepOf(single) + 1; step <= stepOf(next); step++) {
		await press(page, 'Next');
		await expect(page.getByText(stepText(step), { exact: true })).toBeVisible();
	}
	const nextForm = page.locator(`[data-question="${next.id}"]`);
	await options(nextForm, next).first().focus();
	await page.keyboard.press('Enter');
	await expect(nextForm.getByText(/Well done|Good try|Thanks for sharing/)).toBeVisible();
	await expect(nextForm.locator('.result')).toBeFocused();

	expect(await storedAnswers(pupilId)).toEqual(
		[
			`main:${multiple.id}:${JSON.stringify(right(multiple))}`,
			`main:${single.id}:${JSON.stringify(right(single))}`,
			`main:${next.id}:[0]`
		].sort()
	);
	await context.close();
});

test('a multiple-choice answer chosen but not sent is sent when the teacher moves the class on', async ({
	browser
}) => {
	test.slow();
	const pupilId = pupilIds[9];
	const multiple = firstOfType('multiple');
	const teacher = await teacherDevice(browser);
	const liveId = await startLesson(teacher.page, 'live');
	const { context, page } = await pupilDevice(browser, pupilId);
	await openLesson(page, liveId);
	await teacher.page.getByRole('button', { name: 'Start lesson' }).click();
	for (let step = 1; step <= stepOf(multiple); step++) {
		await expect(page.getByText(stepText(step - 1), { exact: true })).toBeVisible();
		await teacher.page.getByRole('button', { name: 'Next', exact: true }).click();
	}
	await expect(page.getByText(stepText(stepOf(multiple)), { exact: true })).toBeVisible();
	await tick(questionForm(page), multiple, wrong(multiple));
	await teacher.page.getByRole('button', { name: 'Next', exact: true }).click();
	await expect(page.getByText(stepText(stepOf(multiple) + 1), { exact: true })).toBeVisible();
	await expect(page.getByText('We sent the answer you had chosen.')).toBeVisible();
	await expectAccessible(page);
	expect(await storedAnswers(pupilId)).toEqual([
		`main:${multiple.id}:${JSON.stringify(wrong(multiple))}`
	]);
	await teacher.page.getByText('End session…').click();
	await teacher.page.getByRole('button', { name: 'Yes, end the session' }).click();
	await context.close();
	await teacher.context.close();
});

test('a device signed out by the teacher goes to the class-code page, online or back from offline', async ({
	browser
}) => {
	test.slow();
	const teacher = await teacherDevice(browser);
	const liveId = await startLesson(teacher.page, 'live');
	const watching = await pupilDevice(browser, pupilIds[10]);
	const away = await pupilDevice(browser, pupilIds[11]);
	for (const device of [watching, away]) await openLesson(device.page, liveId);
	await teacher.page.getByRole('button', { name: 'Start lesson' }).click();
	for (const device of [watching, away])
		await expect(device.page.getByText(stepText(0), { exact: true })).toBeVisible();
	// One tablet is off the Wi-Fi when the teacher signs the class out.
	await away.context.setOffline(true);

	await teacher.page.goto(`/classes/${classId}`);
	await waitForHydration(teacher.page);
	await teacher.page.getByText('Sign the class out…').click();
	await teacher.page.getByRole('button', { name: 'Yes, sign everyone out' }).click();
	await expect(teacher.page.getByText(/Signed the class out: \d+ sign-ins? ended/)).toBeVisible();

	// The stream's last words take the watching tablet to sign in again, well before any
	// background check, and it does not keep knocking on the lesson.
	await expect(watching.page).toHaveURL(/\/join$/, { timeout: 5_000 });
	await expect(watching.page.getByLabel('Class code')).toBeVisible();
	// The other finds out when its reconnection is refused, back on the network.
	await away.context.setOffline(false);
	await expect(away.page).toHaveURL(/\/join$/, { timeout: 20_000 });
	await expectAccessible(away.page);

	await teacher.page.goto(`/sessions/${liveId}`);
	await teacher.page.getByText('End session…').click();
	await teacher.page.getByRole('button', { name: 'Yes, end the session' }).click();
	for (const device of [watching, away, teacher]) await device.context.close();
});
