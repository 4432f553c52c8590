// A pupil's answer, sent by fetch from the lesson screen (and again, with the same
// client id, after a dropped connection). Graded and stored by answers.ts; a refusal goes
// back as `{ ok: false, message }` with its status, which the pupil's answer queue reads.
import { json } from '@sveltejs/kit';
import { assertPupilClassSession, parseId } from '$lib/server/access';
import { requirePupil } from '$lib/server/auth';
import { refusalJson } from '$lib/server/platform';
import { answerFromRequest } from '$lib/server/screens';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
	const pupil = requirePupil(event);
	const session = await assertPupilClassSession(pupil, parseId(event.params.sid));
	let body: unknown;
	try {
		body = await event.request.json();
	} catch {
		body = undefined;
	}
	try {
		const result = await answerFromRequest(pupil, session, body);
		return json({ ok: true, created: result.created, feedback: result.feedback });
	} catch (caught) {
		return refusalJson(caught);
	}
};
