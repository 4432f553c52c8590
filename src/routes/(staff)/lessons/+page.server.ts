import { requireStaff } from '$lib/server/auth';
import { libraryOverview } from '$lib/server/screens';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	// Any member of staff may read the programme; none of it is about a child.
	requireStaff(event);
	return libraryOverview();
};
