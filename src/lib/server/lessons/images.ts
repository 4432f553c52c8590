// Where a lesson's image may come from: a file beside the lesson, inside the lessons folder,
// of an allowed type. Shared by the checker (which reports) and the renderer (which rewrites).

import path from 'node:path';

export const IMAGE_TYPES: Readonly<Record<string, string>> = {
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	gif: 'image/gif',
	webp: 'image/webp',
	svg: 'image/svg+xml'
};

/** URL prefix of the route that serves lesson images. */
export const ASSET_PREFIX = '/lesson-assets/';

export type ImageTarget =
	| { ok: true; path: string }
	| {
			ok: false;
			reason: 'empty' | 'remote' | 'data' | 'absolute' | 'outside' | 'hidden' | 'type' | 'invalid';
	  };

/** The file an image `href` in `lessonFile` points at, relative to the lessons folder. */
export function imageTarget(href: string, lessonFile: string): ImageTarget {
	const trimmed = href.trim();
	if (!trimmed) return { ok: false, reason: 'empty' };
	if (/^data:/i.test(trimmed)) return { ok: false, reason: 'data' };
	// Any scheme (http:, https:, ftp:, javascript:…) or a protocol-relative //host: the pupil's
	// device would contact someone else, or run something.
	if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed) || /^[\\/]{2}/.test(trimmed)) {
		return { ok: false, reason: 'remote' };
	}
	if (/[?#\\\0]/.test(trimmed)) return { ok: false, reason: 'invalid' };
	let decoded: string;
	try {
		decoded = decodeURIComponent(trimmed);
	} catch {
		return { ok: false, reason: 'invalid' };
	}
	if (/[\\\0]/.test(decoded)) return { ok: false, reason: 'invalid' };
	if (decoded.startsWith('/')) return { ok: false, reason: 'absolute' };
	const joined = path.posix.normalize(path.posix.join(path.posix.dirname(lessonFile), decoded));
	if (joined === '..' || joined.startsWith('../') || path.posix.isAbsolute(joined)) {
		return { ok: false, reason: 'outside' };
	}
	if (joined.split('/').some((segment) => segment.startsWith('.') || segment.startsWith('_'))) {
		return { ok: false, reason: 'hidden' };
	}
	if (!IMAGE_TYPES[extensionOf(joined)]) return { ok: false, reason: 'type' };
	return { ok: true, path: joined };
}

export function extensionOf(file: string): string {
	const base = file.slice(file.lastIndexOf('/') + 1);
	const dot = base.lastIndexOf('.');
	return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

/** The URL an image is served at: each path segment percent-encoded. */
export function assetUrl(relativePath: string): string {
	return ASSET_PREFIX + relativePath.split('/').map(encodeURIComponent).join('/');
}

export function imageProblem(
	href: string,
	reason: Exclude<ImageTarget, { ok: true }>['reason']
): string {
	const shown = href.length > 60 ? `${href.slice(0, 59)}…` : href;
	switch (reason) {
		case 'empty':
			return 'image has no file name — write ![description](picture.png) with a file beside the lesson';
		case 'data':
			return 'embedded data: images are not allowed — save the picture as a file beside the lesson and write ![description](picture.png)';
		case 'remote':
			return `remote image '${shown}' is not allowed: a pupil's device must never contact another website — download the picture (if its licence allows), save it beside the lesson and link to the file`;
		case 'absolute':
			return `image path '${shown}' starts with '/' — write the path relative to the lesson file, e.g. images/phone.png`;
		case 'outside':
			return `image '${shown}' is outside the lessons folder — keep pictures beside the lesson (or in a sub-folder of it)`;
		case 'hidden':
			return `image '${shown}' is in a file or folder whose name starts with '.' or '_', which is never served — rename it`;
		case 'type':
			return `image '${shown}' is not a PNG, JPEG, GIF, WebP or SVG file — use one of the extensions .png .jpg .jpeg .gif .webp .svg`;
		case 'invalid':
			return `image path '${shown}' is not a plain file path — use / between folders and no ? or #`;
	}
}
