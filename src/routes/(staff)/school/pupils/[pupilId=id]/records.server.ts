// What every route about one pupil's records starts with: the guard and the access question.
// No role list: anyone but a lead of the pupil's school gets "not found", the council too.
import type { RequestEvent } from '@sveltejs/kit';
import { assertCanHandlePupilRecords, helpRequestSchool, parseId } from '$lib/server/access';
import { requireStaff } from '$lib/server/auth/guards';
import type { StaffPrincipal } from '$lib/server/auth/session';

export interface RecordsAccess {
	staff: StaffPrincipal;
	pupilId: number;
	schoolId: number;
	/** This lead also reads the school's requests for help, so may see them in full. */
	readsHelp: boolean;
}

export async function guardRecords(
	event: Pick<RequestEvent, 'locals' | 'url' | 'request' | 'params'>
): Promise<RecordsAccess> {
	const staff = requireStaff(event);
	const pupilId = parseId((event.params as { pupilId?: string }).pupilId);
	const { schoolId } = await assertCanHandlePupilRecords(staff, pupilId);
	return { staff, pupilId, schoolId, readsHelp: (await helpRequestSchool(staff)) === schoolId };
}
