// The board on the projector: every step of every shipped lesson fits the screen at
// 1920×1080 and 1024×768 without scrolling (a long step pages itself, and Next reaches
// every page); the teacher moves the class from the board by keyboard or a presenter
// clicker; reveals the results there; and the board never shows a name.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { getLibrary } from '../../src/lib/server/lessons';
import { expectAccessible, waitForHydration } from './helpers';
import { pupilDevice, withServerDb } from './pupil-devices';
import { DEMO, signInAs } from './staff-auth';

const library = getLibrary();
const SIZES = [
	{ width: 1920, height: 1080 },
	{ width: 1024, height: 768 }
];

// Every piece of a step that must be read whole: if one is cut by the edge of the
// screen on every page, some of the step cannot be seen.
const PIECES = 'h1, h2, h3, p, li, legend, th, td, blockquote, pre, img, figure, .board-question';

/** Indexes of the pieces shown whole on the stage as it is now; and how many there are. */
function piecesInView(page: Page): Promise<{ whole: number[]; count: number }> {
	return page.evaluate((selector) => {
		const stage = document.querySelector('main')!;
		const box = stage.getBoundingClientRect();
		const pieces = [...stage.querySelectorAll(selector)];
		const whole: number[] = [];
		pieces.forEach((piece, i) => {
			const rects = [...piece.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
			const inside = rects.every(
				(r) =>
					r.left >= box.left - 1 &&
					r.right <= box.right + 1 &&
					r.top >= box.top - 1 &&
					r.bottom <= box.bottom + 1
			);
			if (rects.length > 0 && inside) whole.push(i);
		});
		return { whole, count: pieces.length };
	}, PIECES);
}

/** The screen as it is: nothing to scroll, and no piece of it cut off on every page. */
async function expectStepFits(page: Page, where: string): Promise<number> {
	const stage = page.locator('main');
	await expect(stage).toHaveAttribute('data-fitted', 'true');
	const scroll = await page.evaluate(() => ({
		height: document.documentElement.scrollHeight,
		width: document.documentElement.scrollWidth,
		innerHeight,
		innerWidth
	}));
	expect(scroll.height, `${where}: the page scrolls down`).toBeLessThanOrEqual(scroll.innerHeight);
	expect(scroll.width, `${where}: the page scrolls across`).toBeLessThanOrEqual(scroll.innerWidth);
	// Type the back of the classroom can still read: at least 16px, and a fiftieth of
	// the screen's height on a big screen (about 22px at 1080).
	const size = await stage.evaluate((el) =>
		parseFloat(getComputedStyle(el.firstElementChild!).fontSize)
	);
	expect(size, `${where}: type too small`).toBeGreaterThanOrEqual(
		Math.max(16, scroll.innerHeight / 50)
	);

	const pages = Number(await stage.getAttribute('data-pages'));
	const seen = new Set<number>();
	let count = 0;
	for (let p = 1; p <= pages; p++) {
		if (p > 1) {
			await page.keyboard.press('PageDown');
			await expect(stage).toHaveAttribute('data-page', String(p));
			await expect(page.getByText(`Page ${p} of ${pages}`)).toBeVisible();
		}
		const view = await piecesInView(page);
		count = view.count;
		for (const i of view.whole) seen.add(i);
	}
	const missing = [...Array(count).keys()].filter((i) => !seen.has(i));
	expect(missing, `${where}: pieces never shown whole on any of ${pages} page(s)`).toEqual([]);
	return pages;
}

for (const size of SIZES) {
	test(`every step of every shipped lesson fits the board at ${size.width}×${size.height}`, async ({
		page
	}) => {
		test.setTimeout(300_000);
		await page.setViewportSize(size);
		await signInAs(page, DEMO.teacher);
		for (const lesson of library.lessons) {
			await page.goto(`/lessons/${lesson.id}/board/1`);
			await waitForHydration(page);
			for (const [i, step] of lesson.steps.entries()) {
				const where = `${lesson.id} step ${i + 1} at ${size.width}×${size.height}`;
				await expect(
					page.getByRole('heading', { level: 1, name: step.title, exact: true }),
					where
				).toBeVisible();
				await expect(page.getByText(`Step ${i + 1} of ${lesson.steps.length}`)).toBeVisible();
				await expectStepFits(page, where);
				await expectAccessible(page);
				// The clicker's next button: past the step's last page, on to the next step.
				if (i < lesson.steps.length - 1) {
					await page.keyboard.press('PageDown');
					await expect(page).toHaveURL(`/lessons/${lesson.id}/board/${i + 2}`);
				}
			}
		}
	});
}

test('a long step pages itself, and going back lands on its last page', async ({ page }) => {
	// A screen far smaller than a projector's, so that some shipped step needs pages.
	await page.setViewportSize({ width: 800, height: 480 });
	await signInAs(page, DEMO.teacher);
	let found = false;
	for (const lesson of library.lessons) {
		for (let n = 1; n <= lesson.steps.length && !found; n++) {
			await page.goto(`/lessons/${lesson.id}/board/${n}`);
			await waitForHydration(page);
			const stage = page.locator('main');
			await expect(stage).toHaveAttribute('data-fitted', 'true');
			const pages = Number(await stage.getAttribute('data-pages'));
			if (pages < 2 || n === 1) continue;
			found = true;
			await expectStepFits(page, `${lesson.id} step ${n} on a small screen`);
			// On the last page: the next key leaves the step.
			await page.keyboard.press('PageDown');
			await expect(page).toHaveURL(`/lessons/${lesson.id}/board/${n + 1}`);
			// Back again: the step opens on its last page, and the key pages back through it.
			await page.keyboard.press('PageUp');
			await expect(page).toHaveURL(`/lessons/${lesson.id}/board/${n}`);
			await expect(stage).toHaveAttribute('data-page', String(pages));
			await page
				.getByRole('button', { name: 'Previous' })
				.or(page.getByRole('link', { name: 'Previous' }))
				.click();
			await expect(stage).toHaveAttribute('data-page', String(pages - 1));
			await expectAccessible(page);
		}
		if (found) break;
	}
	expect(found, 'no shipped step needed pages on a small screen').toBe(true);
});

// ——— the live board ———

async function startLiveLesson(teacher: Page, classId: number, lessonId: string): Promise<number> {
	await teacher.goto(`/classes/${classId}/sessions/new?lesson=${lessonId}`);
	await waitForHydration(teacher);
	await teacher.getByLabel('I have read the safeguarding note').check();
	await teacher.getByRole('radio', { name: /Live, together/ }).check();
	await teacher.getByRole('button', { name: 'Start the lesson' }).click();
	await expect(teacher).toHaveURL(/\/sessions\/\d+$/);
	return Number(new URL(teacher.url()).pathname.split('/').pop());
}

async function willow() {
	return withServerDb(async (db) => {
		const cls = await db
			.selectFrom('classes as c')
			.innerJoin('schools as s', 's.id', 'c.school_id')
			.select(['c.id'])
			.where('c.name', '=', 'Willow')
			.where('s.name', '=', 'Loddon Vale Primary')
			.executeTakeFirstOrThrow();
		const pupil = await db
			.selectFrom('pupils')
			.select(['id', 'first_name', 'last_initial'])
			.where('class_id', '=', cls.id)
			.where('archived_at', 'is', null)
			.orderBy('id')
			.executeTakeFirstOrThrow();
		return { classId: cls.id, pupil };
	});
}

async function openBoard(browser: Browser, sessionId: number, size = SIZES[1]) {
	const context = await browser.newContext({ viewport: size });
	const board = await context.newPage();
	await signInAs(board, DEMO.teacher);
	await board.goto(`/sessions/${sessionId}/board`);
	await waitForHydration(board);
	return { context, board };
}

test('the teacher moves the class from the board with a presenter clicker, and reveals results there', async ({
	browser
}) => {
	test.setTimeout(180_000);
	const lesson = library.getLesson('think-before-you-share')!;
	const questionStep = lesson.steps.findIndex((s) => s.blocks.some((b) => b.kind === 'quiz'));
	const { classId, pupil } = await willow();
	const pupilName = `${pupil.first_name} ${pupil.last_initial}.`;

	const teacherContext = await browser.newContext();
	const teacher = await teacherContext.newPage();
	await signInAs(teacher, DEMO.teacher);
	const sessionId = await startLiveLesson(teacher, classId, lesson.id);

	const child = await pupilDevice(browser, pupil.id);
	// The control view, mirrored to the projector, shows names only when asked.
	await expect(teacher.getByRole('heading', { name: /^Joined: 1 of / })).toBeVisible();
	await expect(teacher.getByText(pupilName)).toHaveCount(0);
	await teacher.getByRole('button', { name: 'Show names of pupils who have joined' }).click();
	await expect(teacher.getByRole('list', { name: 'Pupils who have joined' })).toContainText(
		pupilName
	);
	await expectAccessible(teacher);
	await teacher.getByRole('button', { name: 'Hide names of pupils who have joined' }).click();
	await expect(teacher.getByText(pupilName)).toHaveCount(0);

	const { context: boardContext, board } = await openBoard(browser, sessionId);
	await expect(board.getByRole('heading', { level: 1, name: /^Join the lesson/ })).toBeVisible();
	await expect(board.getByText('1 pupil has joined')).toBeVisible();
	await expectStepFits(board, 'the lobby at 1024×768');
	await expectAccessible(board);

	// The clicker's "next" starts the lesson; the pupil's device follows.
	await board.keyboard.press('PageDown');
	const stepHeading = (page: Page, i: number, level: 1 | 2) =>
		page.getByRole('heading', { level, name: lesson.steps[i].title, exact: true });
	await expect(stepHeading(board, 0, 1)).toBeVisible();
	await expect(stepHeading(child.page, 0, 2)).toBeVisible({ timeout: 5_000 });
	await expectStepFits(board, 'step 1 live');

	// Arrows and space work as the clicker's buttons do; PageUp goes back.
	await board.keyboard.press('ArrowRight');
	await expect(stepHeading(board, 1, 1)).toBeVisible();
	await expect(stepHeading(child.page, 1, 2)).toBeVisible({ timeout: 5_000 });
	await board.keyboard.press('PageUp');
	await expect(stepHeading(board, 0, 1)).toBeVisible();
	await expect(stepHeading(child.page, 0, 2)).toBeVisible({ timeout: 5_000 });
	// The teacher's control view follows the board.
	await expect(stepHeading(teacher, 0, 2)).toBeVisible({ timeout: 5_000 });

	// The board's own buttons, by keyboard: Next keeps the focus for the next press.
	const next = board.getByRole('button', { name: 'Next', exact: true });
	await next.focus();
	for (let i = 1; i <= questionStep; i++) {
		await board.keyboard.press('Enter');
		await expect(stepHeading(board, i, 1)).toBeVisible();
	}
	await expect(stepHeading(child.page, questionStep, 2)).toBeVisible({ timeout: 5_000 });
	await expect(next).toBeFocused();

	// Who has not answered: a count on the control view, the names only when asked, and
	// hidden again once the class moves on.
	const progress = teacher.getByRole('region', { name: 'Question 1' });
	await expect(progress).toContainText('Not answered yet: 1');
	await expect(teacher.getByText(pupilName)).toHaveCount(0);
	await progress.getByRole('button', { name: /^Show names/ }).click();
	await expect(progress.getByRole('list', { name: 'Not answered yet' })).toContainText(pupilName);
	await expectAccessible(teacher);

	// The pupil answers; the teacher reveals the results from the board.
	// One tap for a single answer; ticks and "Send my answer" for a multiple-choice question.
	const stepQuestion = lesson.questions.find((q) => q.stepId === lesson.steps[questionStep].id)!;
	const form = child.page.locator('[data-question]').first();
	if (stepQuestion.type === 'multiple') {
		await form.getByRole('checkbox').first().check();
		await form.getByRole('button', { name: 'Send my answer' }).click();
	} else {
		await form.getByRole('button').first().click();
	}
	await expect(form.getByText(/your answer is saved/i)).toBeVisible();
	await expect(board.getByRole('table', { name: /Class answers/ })).toHaveCount(0);
	await board
		.getByRole('button', { name: /^Reveal results/ })
		.first()
		.click();
	await expect(board.getByRole('table', { name: /Class answers: 1 pupil answered/ })).toBeVisible();
	await expect(board).toHaveURL(`/sessions/${sessionId}/board`);
	await expectStepFits(board, 'the results');
	await expectAccessible(board);
	const html = await board.content();
	expect(html).not.toContain(pupilName);
	await board.getByRole('button', { name: 'Hide results' }).click();
	await expect(board.getByRole('table', { name: /Class answers/ })).toHaveCount(0);
	await expect(stepHeading(board, questionStep, 1)).toBeVisible();

	// Names asked for on one step hide again on the next.
	await board.keyboard.press('PageDown');
	await expect(stepHeading(teacher, questionStep + 1, 2)).toBeVisible({ timeout: 5_000 });
	await expect(teacher.getByText(pupilName)).toHaveCount(0);

	// End the lesson from the control view so that Willow is free for other tests.
	await teacher.getByText('End session…').click();
	await teacher.getByRole('button', { name: 'Yes, end the session' }).click();
	await expect(
		board.getByRole('heading', { level: 1, name: "That's the end of the lesson" })
	).toBeVisible({ timeout: 5_000 });
	await Promise.all([teacherContext.close(), boardContext.close(), child.context.close()]);
});
