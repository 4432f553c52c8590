// The class report as a spreadsheet: every table of the page. It carries pupils' names,
// so the download is recorded in the audit log.
import { assertCanSeeClass, parseId } from '$lib/server/access';
import { recordAudit } from '$lib/server/audit';
import { requireStaff } from '$lib/server/auth/guards';
import { csvFileName } from '$lib/server/csv';
import { getLibrary } from '$lib/server/lessons';
import { classCsv, csvResponse, loadClassReportTables } from '$lib/server/report-exports';
import { cellText } from '../report/view';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const staff = requireStaff(event, 'teacher', 'lead');
	const classId = parseId(event.params.id);
	const scope = await assertCanSeeClass(staff, classId);
	const tables = await loadClassReportTables(classId, getLibrary().lessons, cellText);
	await recordAudit({
		actor: { type: 'staff', id: staff.id, schoolId: staff.schoolId },
		action: 'report.exported',
		schoolId: scope.schoolId,
		target: { type: 'class', id: classId }
	});
	return csvResponse(classCsv(tables), csvFileName(`class-${tables.className}`, new Date()));
};
