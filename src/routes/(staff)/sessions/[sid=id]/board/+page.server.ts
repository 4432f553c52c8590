// The board (projector): the step in large type, the class code and QR code in the
// lobby, and a question's class results once revealed. Counts only, never a name.
import { boardView, LIVE_DEPENDENCY } from '$lib/server/screens';
import { guardSession } from '../../routes.server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { session } = await guardSession(event);
	event.depends(LIVE_DEPENDENCY);
	return { board: await boardView(session, event.url.origin) };
};
