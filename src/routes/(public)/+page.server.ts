import { allowAnyone, signedInKind } from '$lib/server/auth';
import { helpContacts } from '$lib/server/lessons';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	allowAnyone(event);
	return {
		help: helpContacts(),
		signedIn: signedInKind(event)
	};
};
