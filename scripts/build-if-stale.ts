// Rebuilds the server when build/ is missing or older than anything it is made from.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const SOURCES = [
	'src',
	'static',
	'svelte.config.js',
	'vite.config.ts',
	'package.json',
	'package-lock.json',
	'tsconfig.json'
];
export const BUILD_DIR = process.env.BUILD_DIR || 'build';
export const BUILD_MARKER = path.join(BUILD_DIR, 'index.js');

function newestMtime(entry: string): number {
	let stat: fs.Stats;
	try {
		stat = fs.statSync(entry);
	} catch {
		return 0;
	}
	if (!stat.isDirectory()) return stat.mtimeMs;
	let newest = stat.mtimeMs;
	for (const child of fs.readdirSync(entry)) {
		newest = Math.max(newest, newestMtime(path.join(entry, child)));
	}
	return newest;
}

export function buildIsStale(root = process.cwd()): boolean {
	const marker = path.resolve(root, BUILD_MARKER);
	if (!fs.existsSync(marker)) return true;
	const built = fs.statSync(marker).mtimeMs;
	return SOURCES.some((s) => newestMtime(path.join(root, s)) > built);
}

export function buildIfStale(root = process.cwd()): void {
	if (!buildIsStale(root)) return;
	process.stdout.write('Building Think Safe (the sources changed since the last build)… ');
	const started = Date.now();
	// The build's own chatter (adapter advice, chunk notes) is kept back unless it fails:
	// whoever runs `npm start` wants the address and the sign-ins, not Vite's log.
	const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], {
		cwd: root,
		encoding: 'utf8',
		maxBuffer: 64 * 1024 * 1024
	});
	if (result.status !== 0) {
		console.log('failed.');
		process.stdout.write(result.stdout ?? '');
		process.stderr.write(result.stderr ?? '');
		throw new Error('The build failed: see the messages above.');
	}
	console.log(`done in ${Math.round((Date.now() - started) / 1000)} s.`);
	// vite writes index.js early; touching it marks the whole build as complete.
	const now = new Date();
	fs.utimesSync(path.resolve(root, BUILD_MARKER), now, now);
}

if (import.meta.url === `file://${process.argv[1]}`) {
	try {
		buildIfStale();
	} catch (error) {
		console.error((error as Error).message);
		process.exit(1);
	}
}
