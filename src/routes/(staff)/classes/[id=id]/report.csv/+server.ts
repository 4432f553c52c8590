// The class report as a spreadsheet: every table of the page. It carries pupils' names,
// so the download is recorded in the audit log.
import { recordAudit, staffActor, csvFileName } from '$lib/server/platform';
import { getLibrary } from '$lib/server/lessons';
import { classCsv, csvResponse, loadClassReportTables } from '$lib/server/reports';
import { guardClass } from '../../routes.server';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const { staff, classId, scope } = await guardClass(event);
	const tables = await loadClassReportTables(classId, getLibrary().lessons);
	await recordAudit({
		actor: staffActor(staff),
		action: 'report.exported',
		schoolId: scope.schoolId,
		target: { type: 'class', id: classId }
	});
	return csvResponse(classCsv(tables), csvFileName(`class-${tables.className}`, new Date()));
};
