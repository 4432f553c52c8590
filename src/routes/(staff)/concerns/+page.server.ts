// Concerns: the school's requests for help, for its safeguarding leads only (access.ts
// decides who; anyone else gets "not found", so nobody learns that requests exist).
import { assertCanReadHelpRequests } from '$lib/server/access';
import { requireStaff } from '$lib/server/auth';
import { listHelpRequests } from '$lib/server/safeguarding';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	// No role list: anyone who is not a reader, the coordinator included, gets "not found".
	const staff = requireStaff(event);
	const schoolId = await assertCanReadHelpRequests(staff);
	return { requests: await listHelpRequests(schoolId) };
};
