// The request for help as the page's outbox sends it (JSON, and again with the same
// client id after a dropped connection: stored once). A refusal goes back as
// `{ ok: false, message }` with its status: the outbox waits and retries on a 5xx or 429 only.
import { json } from '@sveltejs/kit';
import { requirePupil } from '$lib/server/auth';
import { refusalJson } from '$lib/server/platform';
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
	try {
		await askForHelp(pupil, body);
	} catch (caught) {
		return refusalJson(caught);
	}
	return json({ ok: true });
};
