import { error } from '@sveltejs/kit';
import { isCoordinator } from '$lib/server/access';
import { loadStaffAdmin, staffAdminActions, type ScopeOf } from '$lib/server/screens';
import type { Actions, PageServerLoad } from './$types';

// The council team: coordinators, who belong to no school. Only a coordinator may manage it.
const scope: ScopeOf = (_event, user) => {
	if (!isCoordinator(user)) error(403, 'Only a council coordinator manages the council team.');
	return null;
};

export const load: PageServerLoad = async (event) => loadStaffAdmin(event, scope);

export const actions: Actions = staffAdminActions(scope);
