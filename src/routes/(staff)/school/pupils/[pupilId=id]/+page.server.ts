// Everything Think Safe holds about one pupil, for their family (subject access): a page
// to print, beside the same as a file (data.json). Every look is written to the audit log.
import { auditSubjectAccess, subjectAccess } from '$lib/server/records';
import { guardRecords } from './records.server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { staff, pupilId, schoolId, readsHelp } = await guardRecords(event);
	const record = await subjectAccess(pupilId, { showHelp: readsHelp });
	await auditSubjectAccess(staff, {
		pupilId,
		schoolId,
		download: false,
		helpIds: record.helpRequests.shown ? record.helpRequests.records.map((r) => r.id) : []
	});
	return { record, lead: staff.displayName };
};
