// Shared e2e helpers: accessibility checks and waiting for hydration.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Runs axe on the page as it is now and fails with the rule ids and targets it finds. */
export async function expectAccessible(page: Page): Promise<void> {
	const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
	const summary = results.violations.map(
		(v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`
	);
	expect(summary).toEqual([]);
}

/** SvelteKit marks the body once the app has hydrated; click only after that. */
export async function waitForHydration(page: Page): Promise<void> {
	await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
}
