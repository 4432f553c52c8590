// Images that lessons use, served from the lessons folder. The lesson engine refuses
// traversal, symlinks out of the folder, drafts and any type but the image types.
import fs from 'node:fs/promises';
import { error } from '@sveltejs/kit';
import { getLibrary, resolveLessonAsset } from '$lib/server/lessons';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ locals, params }) => {
	// Lesson images are for people in a lesson: signed-in staff and pupils.
	if (!locals.staff && !locals.pupil) error(401, 'Please sign in to see lesson pictures.');
	const result = resolveLessonAsset(getLibrary().dir, params.path);
	if (!result.ok) error(result.status, result.reason);
	let body: Buffer;
	try {
		body = await fs.readFile(result.file);
	} catch {
		error(404, 'That picture is missing from the lessons folder.');
	}
	return new Response(new Uint8Array(body), {
		headers: {
			'Content-Type': result.contentType,
			'Cache-Control': 'private, max-age=300',
			// An SVG opened on its own must not run script or load anything.
			'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
			'X-Content-Type-Options': 'nosniff'
		}
	});
};
