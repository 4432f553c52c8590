// The kind confirmation after a request for help. It shows nothing of what was sent.
import { requirePupil } from '$lib/server/auth';
import { helpContacts } from '$lib/server/lessons';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requirePupil(event);
	return { help: helpContacts() };
};
