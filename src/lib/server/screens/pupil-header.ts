// The signed-in pupil's name and class for the header of their pages, nothing about anyone
// else. (A page model, so it lives outside auth/, which only signs people in.)
import type { PupilPrincipal } from '../auth';
import { getDb } from '../platform';

export interface PupilHeader {
	firstName: string;
	className: string;
}

/** Only the signed-in pupil's own name and class: nothing about anyone else. */
export async function getPupilHeader(pupil: PupilPrincipal): Promise<PupilHeader> {
	const row = await getDb()
		.selectFrom('classes')
		.select('name')
		.where('id', '=', pupil.classId)
		.executeTakeFirstOrThrow();
	return { firstName: pupil.firstName, className: row.name };
}
