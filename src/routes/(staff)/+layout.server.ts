// The staff shell: who is signed in, for the navigation. This is not a guard on its
// own — every page and action below checks again (requireStaff + access.ts).
import { requireStaff } from '$lib/server/auth/guards';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
	const staff = requireStaff(event);
	return {
		staff: {
			displayName: staff.displayName,
			role: staff.role,
			schoolId: staff.schoolId
		}
	};
};
