// Decides which file, if any, the /lesson-assets/[...path] route may send. Only images that
// really live inside the lessons folder, whatever tricks the requested path plays.

import fs from 'node:fs';
import path from 'node:path';
import { IMAGE_TYPES, extensionOf } from './images';

export type AssetResult =
	| { ok: true; file: string; contentType: string }
	| { ok: false; status: 400 | 403 | 404; reason: string };

const refuse = (status: 400 | 403 | 404, reason: string): AssetResult => ({
	ok: false,
	status,
	reason
});

/**
 * `requested` is the path below /lesson-assets/ (decoded or not: it is decoded once more if it
 * still holds %-escapes). Symbolic links are followed, but the real file must be inside the real
 * lessons folder.
 */
export function resolveLessonAsset(dir: string, requested: string): AssetResult {
	try {
		return resolve(dir, requested);
	} catch {
		return refuse(404, 'not found');
	}
}

function resolve(dir: string, requested: string): AssetResult {
	if (typeof requested !== 'string' || requested.length === 0 || requested.length > 1024) {
		return refuse(400, 'bad path');
	}
	let wanted = requested;
	if (wanted.includes('%')) {
		try {
			wanted = decodeURIComponent(wanted);
		} catch {
			return refuse(400, 'bad escape');
		}
	}
	// Control characters (NUL above all) and backslashes have no place in an image path.
	// eslint-disable-next-line no-control-regex
	if (/[\0-\x1f\x7f\\]/.test(wanted)) return refuse(400, 'bad character');
	if (wanted.startsWith('/') || /^[a-z]:/i.test(wanted)) return refuse(400, 'absolute path');
	const segments = wanted.split('/');
	if (segments.some((s) => s === '' || s === '.' || s === '..')) return refuse(400, 'bad path');
	const problem = refusal(segments);
	if (problem) return problem;

	let realDir: string;
	let realFile: string;
	try {
		realDir = fs.realpathSync(dir);
		realFile = fs.realpathSync(path.join(realDir, ...segments));
	} catch {
		return refuse(404, 'not found');
	}
	const relative = path.relative(realDir, realFile);
	if (!relative || relative.startsWith('..') || path.isAbsolute(relative)) {
		return refuse(403, 'outside the lessons folder');
	}
	// A link inside the folder could still point at a draft, a dotfile or a lesson's source.
	const realProblem = refusal(relative.split(path.sep));
	if (realProblem) return realProblem;
	if (!fs.statSync(realFile).isFile()) return refuse(404, 'not a file');
	return {
		ok: true,
		file: realFile,
		contentType: IMAGE_TYPES[extensionOf(relative.split(path.sep).join('/'))]
	};
}

function refusal(segments: string[]): AssetResult | undefined {
	if (segments.some((s) => s.startsWith('.') || s.startsWith('_'))) {
		return refuse(403, 'hidden or draft file');
	}
	if (!IMAGE_TYPES[extensionOf(segments[segments.length - 1])]) {
		return refuse(403, 'not an image type');
	}
	return undefined;
}

/** Whether the asset route would serve `relativePath`: the checker's test for image files. */
export function assetExists(dir: string, relativePath: string): boolean {
	return resolveLessonAsset(dir, relativePath).ok;
}
