import { error } from '@sveltejs/kit';
import { isCoordinator, parseId, requireCoordinator, activeLeadsOf } from '$lib/server/access';
import { loadStaffAdmin, staffAdminActions, type ScopeOf } from '$lib/server/screens';
import { getSchool } from '$lib/server/people';
import type { Actions, PageServerLoad } from './$types';

// The coordinator manages any school's staff; a lead is sent to their own page.
const scope: ScopeOf = (event, user) => {
	if (!isCoordinator(user)) error(403, 'Only a council coordinator manages schools.');
	return parseId(event.params.id);
};

export const load: PageServerLoad = async (event) => {
	requireCoordinator(event);
	const admin = await loadStaffAdmin(event, scope);
	const school = await getSchool(parseId(event.params.id));
	if (!school) error(404, 'There is no such school.');
	const leads = await activeLeadsOf(school.id);
	return { ...admin, school, leads: leads.map((l) => ({ name: l.displayName, email: l.email })) };
};

export const actions: Actions = staffAdminActions(scope);
