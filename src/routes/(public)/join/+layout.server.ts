// A pupil already signed in on this device has nothing to do here: Back from a lesson, or
// an old bookmark, takes them to their lesson (via /me, which forwards to a live one) rather
// than to "Tap your three pictures". Another child on the device uses "Sign out" first.
// Not a guard for the pages below: each starts with its own.
import { redirect } from '@sveltejs/kit';
import { allowAnyone } from '$lib/server/auth';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
	allowAnyone(event);
	if (!event.locals.pupil) return { signedIn: false };
	// A page load is redirected here. Inside the app (Back is a popstate navigation) the
	// layout moves on instead: SvelteKit keeps the old address when such a load redirects.
	if (!event.isDataRequest) redirect(303, '/me');
	return { signedIn: true };
};
