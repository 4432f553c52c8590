import { allowAnyone } from '$lib/server/auth/guards';
import { helpContacts } from '$lib/server/help';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	allowAnyone(event);
	return {
		help: helpContacts(),
		signedIn: event.locals.staff ? 'staff' : event.locals.pupil ? 'pupil' : null
	};
};
