// The pupil's Think Safe certificate, once every lesson of the programme is done
// (in class, self-paced or on paper); until then, the lessons still to do.
import { requirePupil } from '$lib/server/auth';
import { certificateStatus } from '$lib/server/screens';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const pupil = requirePupil(event);
	return { certificate: await certificateStatus(pupil) };
};
