import { error } from '@sveltejs/kit';
import { isSchoolLead } from '$lib/server/access';
import { loadStaffAdmin, staffAdminActions, type ScopeOf } from '$lib/server/screens';
import { getSchool } from '$lib/server/people';
import type { Actions, PageServerLoad } from './$types';

// A lead manages the staff of their own school; the guard inside checks the role.
const scope: ScopeOf = (_event, user) => {
	if (!isSchoolLead(user)) error(403, 'Only a school lead manages a school’s staff here.');
	return user.schoolId;
};

export const load: PageServerLoad = async (event) => {
	const admin = await loadStaffAdmin(event, scope);
	const school = await getSchool(event.locals.staff!.schoolId!);
	return { ...admin, schoolName: school?.name ?? '' };
};

export const actions: Actions = staffAdminActions(scope);
