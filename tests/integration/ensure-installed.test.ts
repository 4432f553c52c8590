// `npm test` and `npm start` each run scripts/ensure-installed.mjs first, so that either works
// on a fresh clone before `npm install`. Here it runs in a scratch project whose one
// dependency is a local folder, so that the real `npm install` needs no network.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const SCRIPT = path.resolve('scripts/ensure-installed.mjs');
let dir: string;

function run() {
	return spawnSync(process.execPath, [path.join(dir, 'scripts', 'ensure-installed.mjs')], {
		cwd: dir,
		encoding: 'utf8'
	});
}

beforeEach(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thinksafe-fresh-clone-'));
	fs.mkdirSync(path.join(dir, 'scripts'));
	fs.copyFileSync(SCRIPT, path.join(dir, 'scripts', 'ensure-installed.mjs'));
	fs.mkdirSync(path.join(dir, 'local-dep'));
	fs.writeFileSync(
		path.join(dir, 'local-dep', 'package.json'),
		JSON.stringify({ name: 'local-dep', version: '1.0.0' })
	);
	fs.writeFileSync(
		path.join(dir, 'package.json'),
		JSON.stringify({
			name: 'fresh-clone',
			version: '1.0.0',
			private: true,
			devDependencies: { 'local-dep': 'file:./local-dep' }
		})
	);
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('ensure-installed', () => {
	it('installs the declared packages on a fresh clone, then does nothing once they are there', () => {
		expect(fs.existsSync(path.join(dir, 'node_modules'))).toBe(false);

		const first = run();
		expect(first.status).toBe(0);
		expect(first.stdout).toContain("Installing Think Safe's packages first (1 of 1 missing)");
		expect(fs.existsSync(path.join(dir, 'node_modules', 'local-dep', 'package.json'))).toBe(true);

		const second = run();
		expect(second.status).toBe(0);
		expect(second.stdout).toBe('');
	});
});
