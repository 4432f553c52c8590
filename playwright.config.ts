import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';

// Each run serves the built app on its own fresh database with the demo borough.
const port = Number(process.env.E2E_PORT ?? 4173);
// Workers load this file again: the environment hands them the runner's folder, so a
// test can open the server's database (e.g. to issue a login card) instead of a new one.
const runDir = process.env.E2E_RUN_DIR || fs.mkdtempSync(path.join(os.tmpdir(), 'thinksafe-e2e-'));
process.env.E2E_RUN_DIR = runDir;

export default defineConfig({
	testDir: 'tests/e2e',
	outputDir: process.env.BUILD_DIR ? `${process.env.BUILD_DIR}-results` : 'test-results',
	fullyParallel: false,
	workers: 1,
	forbidOnly: !!process.env.CI,
	retries: 0,
	reporter: process.env.CI ? [['list']] : [['list']],
	timeout: 60_000,
	expect: { timeout: 10_000 },
	use: {
		baseURL: `http://127.0.0.1:${port}`,
		trace: 'retain-on-failure',
		launchOptions: {
			executablePath: process.env.CHROMIUM_PATH || undefined,
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--no-first-run',
				'--disable-quic'
			]
		}
	},
	webServer: {
		command: 'node --import tsx scripts/start.ts',
		url: `http://127.0.0.1:${port}/healthz`,
		reuseExistingServer: false,
		timeout: 180_000,
		stdout: 'ignore',
		stderr: 'pipe',
		env: {
			PORT: String(port),
			HOST: '127.0.0.1',
			DATABASE_PATH: path.join(runDir, 'e2e.db'),
			DEMO: '1'
		}
	}
});
