// The staff shell: who is signed in, for the navigation. This is not a guard on its
// own — every page and action below checks again (requireStaff + access.ts).
import { staffSections } from '$lib/server/access';
import { requireStaff } from '$lib/server/auth';
import { councilNotice } from '$lib/server/screens';
import { staffHelpBanner } from '$lib/server/safeguarding';
import { schoolYearReminder } from '$lib/server/people';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
	const staff = requireStaff(event);
	// Read on every navigation, so a new request for help shows on the next page opened.
	void event.url.pathname;
	return {
		help: await staffHelpBanner(staff),
		council: await councilNotice(staff),
		schoolYear: await schoolYearReminder(staff),
		sections: staffSections(staff),
		staff: {
			displayName: staff.displayName,
			role: staff.role,
			schoolId: staff.schoolId
		}
	};
};
