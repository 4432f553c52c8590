// The end of a lesson for a pupil: what they did, their score in kind words, what they
// learnt and where to get help. There once the session ended or they pressed Finish.
import { error, redirect } from '@sveltejs/kit';
import { assertPupilClassSession, parseId } from '$lib/server/access';
import { requirePupil } from '$lib/server/auth';
import { pupilSummary, sessionHref } from '$lib/server/screens';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const pupil = requirePupil(event);
	const session = await assertPupilClassSession(pupil, parseId(event.params.sid));
	const lessonMissing = 'This lesson is not available at the moment. Please tell your teacher.';
	const summary = await pupilSummary(pupil, session);
	if (!summary) {
		// Not finished yet: back to the lesson (which says so itself if it has gone).
		if (session.status !== 'ended') redirect(303, sessionHref(session.id));
		error(404, lessonMissing);
	}
	return { summary };
};
