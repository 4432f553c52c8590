// The staff stream of a session: the state (step, reveal) and pings when pupils join,
// answer or move on. Pings carry no names: the teacher's page reloads its own data,
// and the board (which uses this stream too) never receives names at all. The stream
// ends with the sign-in that opened it (live-sign-ins.ts).
import { signedInStream } from '$lib/server/auth';
import { liveState } from '$lib/server/teaching';
import { getLesson } from '$lib/server/lessons';
import { guardSession } from '../../routes.server';
import type { RequestHandler } from './$types';

/** The same guard without a stream, for a page whose stream was refused (live-updates.ts). */
export const HEAD: RequestHandler = async (event) => {
	await guardSession(event);
	return new Response(null, { status: 204 });
};

export const GET: RequestHandler = async (event) => {
	const { staff, session } = await guardSession(event);
	return signedInStream(staff, session.id, {
		event: 'state',
		data: liveState(session, getLesson(session.lessonId))
	});
};
