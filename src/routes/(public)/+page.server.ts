import { allowAnyone, signedInKind } from '$lib/server/auth/guards';
import { helpContacts } from '$lib/server/help';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	allowAnyone(event);
	return {
		help: helpContacts(),
		signedIn: signedInKind(event)
	};
};
