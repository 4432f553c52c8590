// Runs before `npm start` and `npm test` so that each works on a fresh clone on its own,
// in either order: when a package the project declares is not installed, it installs them
// (the versions in package-lock.json). Plain Node with no imports beyond its own, because
// it must run before anything is installed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const declared = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
const missing = declared.filter(
	(name) => !fs.existsSync(path.join(root, 'node_modules', name, 'package.json'))
);

if (missing.length > 0) {
	console.log(
		`Installing Think Safe's packages first (${missing.length} of ${declared.length} missing)…`
	);
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
	const result = spawnSync(npm, ['install', '--no-audit', '--no-fund'], {
		cwd: root,
		stdio: 'inherit'
	});
	if (result.status !== 0) {
		console.error(
			'Installing the packages failed: see the messages above, then try `npm install`.'
		);
		process.exit(result.status ?? 1);
	}
}
