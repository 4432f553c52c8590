// The key scenario of Think Safe: a teacher runs a live lesson with the class. The board
// shows the class code and QR code, pupils join on their own devices and follow the
// teacher step by step, answer, see the class results revealed on the board, and the
// attendance afterwards shows who was there.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { getLibrary, type Question } from '../../src/lib/server/lessons';
import { expectAccessible, waitForHydration } from './helpers';
import { pupilDevice, withServerDb } from './pupil-devices';
import { DEMO, signInAs } from './staff-auth';

// Willow of Loddon Vale, with its demo teacher: the class the README invites people to try.
const lesson = getLibrary().getLesson('think-before-you-share')!;
// The first step with a one-answer question: the class answers it together.
const questionStep = lesson.steps.findIndex((s) =>
	s.blocks.some(
		(b) =>
			b.kind === 'quiz' &&
			['single', 'truefalse'].includes(lesson.questions.find((q) => q.id === b.questionId)!.type)
	)
);
const question: Question = lesson.questions.find((q) =>
	lesson.steps[questionStep].blocks.some((b) => b.kind === 'quiz' && b.questionId === q.id)
)!;
const rightIndex = question.options.findIndex((o) => o.correct);
const wrongIndex = question.options.findIndex((o) => !o.correct);

interface DemoPupil {
	id: number;
	/** As staff see it: first name and last initial, "Amira K." */
	name: string;
}

let classSize: number;
let pupils: DemoPupil[];
let code: string;

test.beforeAll(async () => {
	({ classSize, pupils, code } = await withServerDb(async (db) => {
		const willow = await db
			.selectFrom('classes as c')
			.innerJoin('schools as s', 's.id', 'c.school_id')
			.select(['c.id', 'c.code'])
			.where('c.name', '=', 'Willow')
			.where('s.name', '=', 'Loddon Vale Primary')
			.executeTakeFirstOrThrow();
		const rows = await db
			.selectFrom('pupils')
			.select(['id', 'first_name', 'last_initial'])
			.where('class_id', '=', willow.id)
			.where('archived_at', 'is', null)
			.orderBy('id')
			.execute();
		return {
			classSize: rows.length,
			code: willow.code,
			pupils: rows
				.slice(0, 3)
				.map((r) => ({ id: r.id, name: `${r.first_name} ${r.last_initial}.` }))
		};
	}));
});

function stepHeading(scope: Page, index: number, level: 1 | 2 = 2): Locator {
	return scope.getByRole('heading', { level, name: lesson.steps[index].title, exact: true });
}

test('a teacher runs a live lesson: board, three pupils follow, answer, reveal, end and attendance', async ({
	browser
}) => {
	test.setTimeout(240_000); // four browsers, axe on every kind of page

	// ——— The teacher starts a live lesson for Willow ———
	const teacherContext = await browser.newContext();
	const teacher = await teacherContext.newPage();
	await signInAs(teacher, DEMO.teacher);
	await teacher.goto('/classes');
	await teacher.getByRole('link', { name: 'Willow', exact: true }).click();
	await expect(teacher.getByRole('heading', { level: 1, name: 'Willow' })).toBeVisible();
	await waitForHydration(teacher);
	await teacher.getByRole('link', { name: 'Start a lesson' }).click();
	await expect(
		teacher.getByRole('heading', { level: 1, name: 'Start a lesson with Willow' })
	).toBeVisible();
	await waitForHydration(teacher);
	await expectAccessible(teacher);
	await teacher.getByRole('link', { name: lesson.title, exact: true }).click();
	await expect(teacher.getByRole('heading', { level: 2, name: lesson.title })).toBeVisible();
	await expect(teacher.getByRole('region', { name: /Safeguarding note/ })).toContainText(
		'If a pupil discloses'
	);
	await waitForHydration(teacher);
	await expectAccessible(teacher);

	// Not without confirming the safeguarding note.
	await expect(teacher.getByRole('radio', { name: /Live, together/ })).toBeChecked();
	const confirm = teacher.getByLabel('I have read the safeguarding note');
	await expect(confirm).toHaveAttribute('required', '');
	await confirm.check();
	await teacher.getByRole('button', { name: 'Start the lesson' }).click();
	await expect(teacher).toHaveURL(/\/sessions\/\d+$/);
	const sessionId = Number(new URL(teacher.url()).pathname.split('/').pop());
	await expect(teacher.getByRole('heading', { level: 1, name: lesson.title })).toBeVisible();
	await expect(teacher.getByText('Waiting for pupils to join')).toBeVisible();
	await expect(teacher.getByRole('region', { name: 'How pupils join' })).toContainText(code);
	await expect(
		teacher.getByRole('link', {
			name: `http://127.0.0.1:${new URL(teacher.url()).port}/join/${code}`
		})
	).toBeVisible();
	await expect(teacher.getByRole('heading', { name: `Joined: 0 of ${classSize}` })).toBeVisible();
	await waitForHydration(teacher);
	await expectAccessible(teacher);

	// ——— The board, in a second window for the projector ———
	const [board] = await Promise.all([
		teacherContext.waitForEvent('page'),
		teacher.getByRole('link', { name: /Open the board/ }).click()
	]);
	await expect(board).toHaveURL(`/sessions/${sessionId}/board`);
	await expect(board.getByRole('heading', { level: 1, name: /^Join the lesson/ })).toBeVisible();
	await expect(board.getByText(code, { exact: true })).toBeVisible();
	await expect(board.locator('.qr svg')).toBeVisible();
	await expect(board.getByRole('navigation')).toHaveCount(0);
	await waitForHydration(board);
	await expectAccessible(board);

	// ——— Three pupils join on their own devices and appear in the lobby ———
	const devices = [];
	for (const pupil of pupils) {
		const device = await pupilDevice(browser, pupil.id);
		// Signing in while the lesson runs lands the pupil in it.
		await expect(device.page).toHaveURL(`/session/${sessionId}`);
		await expect(device.page.getByRole('heading', { level: 1, name: lesson.title })).toBeVisible();
		await expect(device.page.getByText('Wait for your teacher to start.')).toBeVisible();
		await waitForHydration(device.page);
		devices.push(device);
	}
	await expectAccessible(devices[0].page);
	// Names only when the teacher asks (the laptop may be mirrored to the projector).
	const joined = teacher.getByRole('list', { name: 'Pupils who have joined' });
	await expect(joined).toHaveCount(0);
	await teacher.getByRole('button', { name: 'Show names of pupils who have joined' }).click();
	for (const pupil of pupils) await expect(joined).toContainText(pupil.name);
	await expect(teacher.getByRole('heading', { name: `Joined: 3 of ${classSize}` })).toBeVisible();
	await expect(board.getByText('3 pupils have joined')).toBeVisible();

	// ——— The teacher starts; every pupil and the board follow within seconds ———
	await teacher.getByRole('button', { name: 'Start lesson' }).click();
	await expect(teacher.getByText(`Step 1 of ${lesson.steps.length}`).first()).toBeVisible();
	for (const { page } of devices)
		await expect(stepHeading(page, 0)).toBeVisible({ timeout: 5_000 });
	await expect(stepHeading(board, 0, 1)).toBeVisible({ timeout: 5_000 });

	for (let step = 1; step <= questionStep; step++) {
		await teacher.getByRole('button', { name: 'Next', exact: true }).click();
		await expect(stepHeading(teacher, step)).toBeVisible();
		for (const { page } of devices)
			await expect(stepHeading(page, step)).toBeVisible({ timeout: 5_000 });
		await expect(stepHeading(board, step, 1)).toBeVisible({ timeout: 5_000 });
	}
	// The Next button keeps the focus, for a teacher moving on by keyboard.
	await expect(teacher.getByRole('button', { name: 'Next', exact: true })).toBeFocused();
	await expectAccessible(teacher);

	// ——— Pupils answer: two right, one not ———
	const answers = [rightIndex, rightIndex, wrongIndex];
	for (const [i, { page }] of devices.entries()) {
		// One tap on an option answers a one-answer question.
		const form = page.locator(`[data-question="${question.id}"]`);
		await form.getByRole('button').nth(answers[i]).click();
		await expect(form.getByText(/your answer is saved/i)).toBeVisible();
	}
	await expectAccessible(devices[0].page);

	// The teacher sees the count live, and who is still to answer (nobody).
	const progress = teacher.getByRole('region', { name: 'Question 1' });
	await expect(progress).toContainText('3 of 3 answered');
	await expect(progress).toContainText('Everyone here has answered.');
	// Nothing is on the board before the teacher reveals it.
	await expect(board.getByRole('table', { name: /Class answers/ })).toHaveCount(0);
	await expect(board.getByText('✓ Right answer')).toHaveCount(0);

	// ——— Reveal: the board shows the class's answers as a chart ———
	await progress.getByRole('button', { name: 'Reveal results' }).click();
	const chart = board.getByRole('table', { name: /Class answers: 3 pupils answered/ });
	await expect(chart).toBeVisible({ timeout: 5_000 });
	const rows = chart.getByRole('row');
	// A header row, then one row per option with its count written out.
	await expect(rows.nth(rightIndex + 1)).toContainText('✓ Right answer');
	await expect(rows.nth(rightIndex + 1)).toContainText('2 (67%)');
	await expect(rows.nth(wrongIndex + 1)).toContainText('1 (33%)');
	await expect(rows.nth(wrongIndex + 1)).not.toContainText('Right answer');
	await expectAccessible(board);
	// Never a pupil's name on the board: not on the screen, not in the page's data.
	const boardHtml = await board.content();
	for (const pupil of pupils) expect(boardHtml).not.toContain(pupil.name);
	await expectAccessible(teacher);
	// Hiding the results brings the step back to the board.
	await progress.getByRole('button', { name: 'Hide results' }).click();
	await expect(chart).toHaveCount(0, { timeout: 5_000 });
	await expect(stepHeading(board, questionStep, 1)).toBeVisible();
	await expect(progress.getByRole('button', { name: 'Reveal results' })).toBeVisible();

	// ——— The teacher ends the session ———
	await teacher.getByText('End session…').click();
	await teacher.getByRole('button', { name: 'Yes, end the session' }).click();
	await expect(teacher.getByText(/This lesson has ended/)).toBeVisible();
	await expect(
		board.getByRole('heading', { level: 1, name: "That's the end of the lesson" })
	).toBeVisible({
		timeout: 5_000
	});
	for (const { page } of devices)
		await expect(page).toHaveURL(`/session/${sessionId}/summary`, { timeout: 10_000 });

	// ——— Attendance: the three who joined are present; the rest marked absent at once ———
	await teacher.getByRole('link', { name: 'Attendance' }).first().click();
	await expect(teacher.getByRole('heading', { level: 1, name: 'Attendance' })).toBeVisible();
	await waitForHydration(teacher);
	for (const pupil of pupils) {
		const row = teacher.getByRole('row').filter({ hasText: pupil.name });
		await expect(row).toContainText('Joined the lesson');
		await expect(
			teacher.getByRole('group', { name: pupil.name }).getByRole('radio', { name: 'Present' })
		).toBeChecked();
	}
	await expect(teacher.getByText(`${classSize - 3} not marked`)).toBeVisible();
	await expectAccessible(teacher);
	await teacher.getByRole('button', { name: 'Mark everyone else absent' }).click();
	await expect(teacher.getByText(`${classSize - 3} pupils marked absent.`)).toBeVisible();
	await expect(teacher.getByText('0 not marked')).toBeVisible();

	// The class's list of lessons shows it, with three present.
	await teacher.goto('/classes');
	await teacher.getByRole('link', { name: 'Willow', exact: true }).click();
	await teacher.getByRole('link', { name: 'Lessons with Willow' }).click();
	// Newest first: other specs may have run this lesson with Willow earlier on this server.
	const listed = teacher.getByRole('row').filter({ hasText: lesson.title }).first();
	await expect(listed).toContainText('Ended');
	await expect(listed).toContainText(`3 (${classSize - 3} absent)`);
	await waitForHydration(teacher);
	await expectAccessible(teacher);

	for (const { context } of devices) await context.close();
	await teacherContext.close();
});

test('a coordinator cannot open a class session, and a teacher of another school gets a 404', async ({
	browser
}) => {
	// A session of Willow to ask about: started as the demo teacher would.
	const sessionId = await withServerDb(async (db) => {
		const row = await db
			.selectFrom('class_sessions as s')
			.innerJoin('classes as c', 'c.id', 's.class_id')
			.select('s.id')
			.where('c.name', '=', 'Willow')
			.orderBy('s.id', 'desc')
			.executeTakeFirst();
		return row?.id;
	});
	expect(sessionId, 'the Willow session started by the test above').toBeDefined();

	const coordinator = await browser.newContext();
	const page = await coordinator.newPage();
	await signInAs(page, DEMO.coordinator);
	for (const suffix of ['', '/board', '/attendance', '/completion']) {
		const response = await page.goto(`/sessions/${sessionId}${suffix}`);
		expect(response?.status()).toBe(403);
	}
	await coordinator.close();

	const stranger = await browser.newContext();
	const other = await stranger.newPage();
	await signInAs(other, DEMO.otherTeacher);
	for (const suffix of ['', '/board', '/attendance', '/completion']) {
		const response = await other.goto(`/sessions/${sessionId}${suffix}`);
		expect(response?.status()).toBe(404);
	}
	await stranger.close();
});
