// The pupil's home: their lessons (from the lesson engine, later) and help.
import { redirect } from '@sveltejs/kit';
import { allowAnyone, requirePupil } from '$lib/server/auth/guards';
import { endPupilSessionOnDevice } from '$lib/server/auth/pupil-login';
import type { Actions, PageServerLoad } from './$types';

/** A lesson the pupil can open now; the lesson engine will fill this in. */
export interface PupilLessonLink {
	href: string;
	title: string;
}

export const load: PageServerLoad = async (event) => {
	requirePupil(event);
	const lessons: PupilLessonLink[] = [];
	return { lessons };
};

export const actions: Actions = {
	signOut: async (event) => {
		// Anyone may end their own session on this device; an expired one needs no error.
		allowAnyone(event);
		await endPupilSessionOnDevice(event);
		redirect(303, '/join');
	}
};
