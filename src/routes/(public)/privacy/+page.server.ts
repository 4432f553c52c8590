// The privacy notice for parents, carers and staff: public, worded from the same settings
// as the jobs that delete (src/lib/server/records/privacy-notice.ts).
import { allowAnyone, signedInKind } from '$lib/server/auth';
import { getPrivacyNotice } from '$lib/server/records';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	allowAnyone(event);
	return {
		notice: await getPrivacyNotice(),
		signedIn: signedInKind(event)
	};
};
