// The pupil's lesson screen. Live: the teacher's step. Self-paced: Previous, Next and
// Finish as form actions, so they work without JavaScript and resume on any device.
import { error, fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { assertPupilClassSession, parseId } from '$lib/server/access';
import { requirePupil } from '$lib/server/auth';
import { refusalOf } from '$lib/server/platform';
import {
	moveSchema,
	movePupil,
	openPupilSession,
	sessionHref,
	summaryHref
} from '$lib/server/screens';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const pupil = requirePupil(event);
	const session = await assertPupilClassSession(pupil, parseId(event.params.sid));
	// The page reloads this when the live stream says the teacher moved on.
	event.depends('thinksafe:pupil-session');
	if (session.status === 'ended') redirect(303, summaryHref(session.id));
	const view = await openPupilSession(pupil, session);
	if (!view) error(404, 'This lesson is not available at the moment. Please tell your teacher.');
	// The pupil's own id keys answers kept on this device while offline, so that on a
	// shared device one child's saved answers are never sent as another's.
	return { ...view, pupilId: pupil.id };
};

function move(direction: 'previous' | 'next' | 'finish') {
	return async (event: RequestEvent<{ sid: string }>) => {
		const pupil = requirePupil(event);
		const session = await assertPupilClassSession(pupil, parseId(event.params.sid));
		if (session.status === 'ended') redirect(303, summaryHref(session.id));
		const parsed = moveSchema.safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) return fail(400, { message: 'Please reload the page and try again.' });
		let finished: boolean;
		try {
			({ finished } = await movePupil(pupil, session, parsed.data.step, direction));
		} catch (caught) {
			// The page shows only the message: the same failure as before the refusal convention.
			const refused = refusalOf(caught);
			return fail(refused.status, { message: refused.message });
		}
		redirect(303, finished ? summaryHref(session.id) : sessionHref(session.id));
	};
}

export const actions: Actions = {
	previous: move('previous'),
	next: move('next'),
	finish: move('finish')
};
