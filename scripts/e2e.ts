// `npm run test:e2e`: find a Chromium, build if needed, then run Playwright against the
// built server. Without any Chromium it stops with one line saying how to get one.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { chromium } from '@playwright/test';
import { buildIfStale } from './build-if-stale';

function findChromium(): string | undefined {
	const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
	for (const candidate of candidates) {
		if (candidate && fs.existsSync(candidate)) return candidate;
	}
	try {
		const own = chromium.executablePath();
		if (own && fs.existsSync(own)) return own;
	} catch {
		// Playwright has no browser of its own installed: fall through to the message.
	}
	return undefined;
}

const browser = findChromium();
if (!browser) {
	console.error(
		'No Chromium found for the end-to-end tests: install one (Debian/Ubuntu: `sudo apt-get install chromium`; elsewhere: `npx playwright install chromium`) or set CHROMIUM_PATH.'
	);
	process.exit(1);
}

try {
	buildIfStale();
} catch (error) {
	console.error((error as Error).message);
	process.exit(1);
}

const result = spawnSync('npx', ['playwright', 'test', ...process.argv.slice(2)], {
	stdio: 'inherit',
	env: { ...process.env, CHROMIUM_PATH: browser, THINKSAFE_SKIP_BUILD: '1' }
});
process.exit(result.status ?? 1);
