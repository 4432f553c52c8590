// Live updates for a pupil's device: the session's state (step, status, reveal) as
// Server-Sent Events. Sent first on every (re)connection, so a device lands on the
// current step at once; no names and no answers ever go down this stream. The stream
// ends with the pupil's sign-in, and a pupil has only a few open at once (live.ts).
import { assertPupilClassSession, parseId } from '$lib/server/access';
import { requirePupil, signedInStream } from '$lib/server/auth';
import { liveState } from '$lib/server/teaching';
import { getLesson } from '$lib/server/lessons';
import type { RequestHandler } from './$types';

/**
 * The same guard without a stream: a device whose stream was refused asks this to learn
 * whether its sign-in has ended (401) before trying again (src/lib/live-follow.ts).
 */
export const HEAD: RequestHandler = async (event) => {
	const pupil = requirePupil(event);
	await assertPupilClassSession(pupil, parseId(event.params.sid));
	return new Response(null, { status: 204 });
};

export const GET: RequestHandler = async (event) => {
	const pupil = requirePupil(event);
	const session = await assertPupilClassSession(pupil, parseId(event.params.sid));
	return signedInStream(pupil, session.id, {
		event: 'state',
		data: liveState(session, getLesson(session.lessonId))
	});
};
