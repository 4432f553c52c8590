// Who is already signed in on this device, so that a pupil can carry on or sign out.
// Not a guard: each page below starts with its own.
import { allowAnyone } from '$lib/server/auth/guards';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
	allowAnyone(event);
	return { signedInAs: event.locals.pupil?.firstName ?? null };
};
