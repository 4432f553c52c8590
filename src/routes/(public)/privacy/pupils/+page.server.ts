// The privacy notice for pupils, in words for age 10–11: public, so that a child can read it
// before signing in and a parent can read what their child reads. Its periods come from
// the same settings as the parents' page and the jobs that delete.
import { allowAnyone } from '$lib/server/auth';
import { getPrivacyNotice } from '$lib/server/records';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	allowAnyone(event);
	const { periods } = await getPrivacyNotice();
	return { periods, signedIn: event.locals.pupil !== null };
};
