// The pupil's frame: their own first name and class, nothing about anyone else. Not a
// guard on its own: every page and action below checks again with requirePupil.
import { requirePupil } from '$lib/server/auth';
import { getPupilHeader } from '$lib/server/screens';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
	const pupil = requirePupil(event);
	return { pupil: await getPupilHeader(pupil) };
};
