// The pupil's records as a JSON file for their family: the same object the printable page
// shows. Written to the audit log.
import { auditSubjectAccess, subjectAccess } from '$lib/server/records';
import { guardRecords } from '../records.server';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const { staff, pupilId, schoolId, readsHelp } = await guardRecords(event);
	const record = await subjectAccess(pupilId, { showHelp: readsHelp });
	await auditSubjectAccess(staff, {
		pupilId,
		schoolId,
		download: true,
		helpIds: record.helpRequests.shown ? record.helpRequests.records.map((r) => r.id) : []
	});
	const file = {
		about: 'Everything Think Safe holds about one pupil (a subject access request).',
		...record
	};
	// Named by number and date, not by the child's name, which would stay in a downloads folder.
	const name = `think-safe-pupil-${pupilId}-${record.producedAt.slice(0, 10)}.json`;
	return new Response(JSON.stringify(file, null, 2), {
		headers: {
			'content-type': 'application/json; charset=utf-8',
			'content-disposition': `attachment; filename="${name}"`
		}
	});
};
