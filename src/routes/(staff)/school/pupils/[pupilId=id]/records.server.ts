// What every route about one pupil's records starts with: the guard and the access question.
// No role list: anyone but a lead of the pupil's school gets "not found", the council too.
import { error, type RequestEvent } from '@sveltejs/kit';
import { assertCanHandlePupilRecords, helpRequestSchool, parseId } from '$lib/server/access';
import { requireStaff } from '$lib/server/auth';
import type { StaffPrincipal } from '$lib/server/auth';
import { alreadyDeletedMessage, recordsDeletedOn } from '$lib/server/records';

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
	// A former pupil (records deleted at the end of the retention period): nothing to show or erase.
	const deletedAt = await recordsDeletedOn(pupilId);
	// 410, not 404: only the school's lead gets this far, and the page says when and why.
	if (deletedAt) error(410, alreadyDeletedMessage(deletedAt));
	return { staff, pupilId, schoolId, readsHelp: (await helpRequestSchool(staff)) === schoolId };
}
