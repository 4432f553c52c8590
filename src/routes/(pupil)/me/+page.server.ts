// The pupil's home: lessons open to them now, and help. A live lesson running for
// their class takes them straight in (a pupil who signs in mid-lesson lands in it).
import { redirect } from '@sveltejs/kit';
import { allowAnyone, requirePupil, endPupilSessionOnDevice } from '$lib/server/auth';
import { helpContacts } from '$lib/server/lessons';
import { certificateStatus, pupilHomeSessions } from '$lib/server/screens';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const pupil = requirePupil(event);
	const home = await pupilHomeSessions(pupil);
	// ?stay lets a pupil look at their page during a live lesson without being sent back.
	if (home.live && !event.url.searchParams.has('stay')) redirect(303, home.live.href);
	const certificate = await certificateStatus(pupil);
	return {
		lessons: home.sessions.map((s) => ({
			href: s.href,
			title: s.title,
			summary: s.summary,
			action: s.action,
			mode: s.mode,
			closesAt: s.closesAt,
			progress: s.progress
		})),
		certificate: { earned: certificate.complete },
		help: helpContacts()
	};
};

export const actions: Actions = {
	signOut: async (event) => {
		// Anyone may end their own session on this device; an expired one needs no error.
		allowAnyone(event);
		await endPupilSessionOnDevice(event);
		redirect(303, '/join');
	}
};
