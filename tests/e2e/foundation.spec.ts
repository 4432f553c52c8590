import { expect, test } from '@playwright/test';
import { expectAccessible, waitForHydration } from './helpers';

test('the home page loads, names the product and has no accessibility violations', async ({
	page
}) => {
	await page.goto('/');
	await waitForHydration(page);
	await expect(page.getByRole('heading', { level: 1, name: 'Think Safe' })).toBeVisible();
	await expect(page.getByRole('link', { name: 'Skip to main content' })).toBeAttached();
	await expectAccessible(page);
});

test('no page asks another origin for anything', async ({ page, baseURL }) => {
	const origin = new URL(baseURL!).origin;
	const elsewhere: string[] = [];
	page.on('request', (request) => {
		const url = new URL(request.url());
		if (url.protocol !== 'data:' && url.origin !== origin) elsewhere.push(request.url());
	});
	await page.goto('/');
	await waitForHydration(page);
	await page.goto('/lessons');
	await waitForHydration(page);
	expect(elsewhere).toEqual([]);
});

test('responses carry the security headers', async ({ request }) => {
	const response = await request.get('/');
	const headers = response.headers();
	expect(headers['content-security-policy']).toContain("default-src 'self'");
	expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
	expect(headers['content-security-policy']).not.toContain('unsafe-eval');
	expect(headers['x-content-type-options']).toBe('nosniff');
	expect(headers['referrer-policy']).toBe('same-origin');
	expect(headers['permissions-policy']).toContain('geolocation=()');
	expect(headers['permissions-policy']).toContain('camera=()');
	expect(headers['permissions-policy']).toContain('microphone=()');
});

test('/healthz answers ok after a database round trip', async ({ request }) => {
	const response = await request.get('/healthz');
	expect(response.status()).toBe(200);
	expect(await response.json()).toEqual({ status: 'ok' });
});

test('an unknown page answers 404 with a plain message and no stack trace', async ({ page }) => {
	const response = await page.goto('/no-such-page');
	expect(response?.status()).toBe(404);
	await expect(page.getByRole('heading', { level: 1 })).toContainText('Page not found');
	await expect(page.locator('body')).not.toContainText(/\.(js|ts):\d+/);
	await expectAccessible(page);
});
