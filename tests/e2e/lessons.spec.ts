import { expect, test } from '@playwright/test';
import { loadLessons } from '../../src/lib/server/lessons';
import { expectAccessible, waitForHydration } from './helpers';
import { DEMO, signInAs } from './staff-auth';

const library = loadLessons('lessons');

/** A run of plain words from some HTML, long enough to be unique to it. */
function phrase(html: string): string | null {
	const text = html
		.replace(/<[^>]+>/g, ' ')
		.replace(/&[a-z#0-9]+;/gi, ' ')
		.replace(/\s+/g, ' ');
	const runs = text.match(/[A-Za-z][A-Za-z ,]{24,}/g) ?? [];
	const longest = runs.sort((a, b) => b.length - a.length)[0];
	return longest ? longest.trim().slice(0, 40) : null;
}

test('the shipped programme loads with no errors', () => {
	expect(library.errorCount).toBe(0);
	expect(library.lessons.length).toBeGreaterThanOrEqual(6);
});

test('the library lists every lesson in programme order and passes axe', async ({ page }) => {
	await signInAs(page, DEMO.teacher);
	await page.goto('/lessons');
	await waitForHydration(page);
	const titles = await page.getByRole('heading', { level: 2 }).allTextContents();
	expect(titles).toEqual(library.lessons.map((l) => l.title));
	await expectAccessible(page);
});

test('a lesson page shows the steps with teacher notes, and its print views carry the answers', async ({
	page
}) => {
	const lesson = library.lessons[1];
	await signInAs(page, DEMO.teacher);
	await page.goto(`/lessons/${lesson.id}`);
	await waitForHydration(page);
	await expect(page.getByRole('heading', { level: 1, name: lesson.title })).toBeVisible();
	await expect(page.getByRole('complementary', { name: 'Teacher notes for step 1' })).toBeVisible();
	await expectAccessible(page);

	await page.getByRole('link', { name: 'Lesson plan (print)' }).click();
	await expect(page.getByRole('heading', { name: 'Questions and answers' })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Sources of the facts used' })).toBeVisible();
	await expect(page.getByText('✓ Right:').first()).toBeVisible();
	await expectAccessible(page);

	await page.goto(`/lessons/${lesson.id}/home`);
	await expect(page.getByRole('heading', { level: 1 })).toContainText(lesson.title);
	await expectAccessible(page);
});

test('no pupil-facing step of any shipped lesson holds an answer key, feedback or teacher note', async ({
	page
}) => {
	test.setTimeout(240_000);
	await signInAs(page, DEMO.teacher);
	for (const lesson of library.lessons) {
		const secrets: string[] = [];
		for (const q of lesson.questions) {
			for (const option of q.options) if (option.feedbackHtml) secrets.push(option.feedbackHtml);
			if (q.explainHtml) secrets.push(q.explainHtml);
		}
		for (const step of lesson.steps) {
			for (const block of step.blocks) if (block.kind === 'teacher') secrets.push(block.html);
		}
		secrets.push(lesson.homeHtml);
		const phrases = secrets.map(phrase).filter((p): p is string => !!p);
		// Without phrases to look for, the checks below would pass on any page.
		expect(phrases.length, `${lesson.id} has secrets to look for`).toBeGreaterThan(0);

		for (const step of lesson.steps) {
			const url = `/lessons/${lesson.id}/preview/${step.index + 1}`;
			await page.goto(url);
			await waitForHydration(page);
			await expect(page.getByRole('heading', { level: 2, name: step.title })).toBeVisible();
			const html = await page.content();
			const data = await (await page.request.get(`${url}/__data.json`)).text();
			for (const p of phrases) {
				expect(html, `${url} shows "${p}"`).not.toContain(p);
				expect(data, `${url} data holds "${p}"`).not.toContain(p);
			}
			expect(data).not.toMatch(/"correct"|"feedbackHtml"|"explainHtml"|"answer"/);
			// axe on every lesson's first step with a question: the widest mix of elements.
			if (step === lesson.steps.find((s) => s.blocks.some((b) => b.kind === 'quiz'))) {
				await expectAccessible(page);
			}
		}
	}
});

test('lesson pictures are served only inside the lessons folder', async ({ page, request }) => {
	expect((await request.get('/lesson-assets/facts.yml')).status()).toBe(401);
	await signInAs(page, DEMO.teacher);
	for (const path of [
		'/lesson-assets/facts.yml',
		'/lesson-assets/..%2Fpackage.json',
		'/lesson-assets/01-think-before-you-share.md'
	]) {
		const response = await page.request.get(path);
		expect([400, 403, 404], path).toContain(response.status());
	}
});
