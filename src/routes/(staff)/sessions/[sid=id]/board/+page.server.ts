// The board (projector): the step in large type, the class code and QR code in the
// lobby, and a question's class results once revealed. Counts only, never a name.
import { assertCanRunSession, parseId } from '$lib/server/access';
import { requireStaff } from '$lib/server/auth/guards';
import { boardView, LIVE_DEPENDENCY } from '$lib/server/teacher-session';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const staff = requireStaff(event, 'teacher', 'lead');
	const session = await assertCanRunSession(staff, parseId(event.params.sid));
	event.depends(LIVE_DEPENDENCY);
	return { board: await boardView(session, event.url.origin) };
};
