// The request for help as the page's outbox sends it (JSON, and again with the same
// client id after a dropped connection: stored once).
import { json } from '@sveltejs/kit';
import { requirePupil } from '$lib/server/auth';
import { askForHelp } from '$lib/server/safeguarding';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
	const pupil = requirePupil(event);
	let body: unknown;
	try {
		body = await event.request.json();
	} catch {
		body = undefined;
	}
	const result = await askForHelp(pupil, body);
	if (!result.ok) return json({ ok: false, message: result.message }, { status: result.status });
	return json({ ok: true });
};
