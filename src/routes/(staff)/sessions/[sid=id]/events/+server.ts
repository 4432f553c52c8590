// The staff stream of a session: the state (step, reveal) and pings when pupils join,
// answer or move on. Pings carry no names: the teacher's page reloads its own data,
// and the board (which uses this stream too) never receives names at all.
import { liveState } from '$lib/server/deliveries';
import { getLesson } from '$lib/server/lessons';
import { eventStream } from '$lib/server/live';
import { guardSession } from '../../routes.server';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const { session } = await guardSession(event);
	return eventStream(session.id, 'staff', {
		event: 'state',
		data: liveState(session, getLesson(session.lessonId))
	});
};
