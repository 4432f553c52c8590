// The class report's lesson × pupil grid as a spreadsheet. It carries pupils' names, so
// the download is recorded in the audit log.
import { assertCanSeeClass, parseId } from '$lib/server/access';
import { recordAudit } from '$lib/server/audit';
import { requireStaff } from '$lib/server/auth/guards';
import { csvFileName, toCsv } from '$lib/server/csv';
import { getLibrary } from '$lib/server/lessons';
import { classReport } from '$lib/server/reports';
import { cellText } from '../report/view';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const staff = requireStaff(event, 'teacher', 'lead');
	const classId = parseId(event.params.id);
	const scope = await assertCanSeeClass(staff, classId);
	const report = await classReport(classId, getLibrary().lessons);
	const csv = toCsv([
		['Pupil', ...report.lessons.map((l) => l.title)],
		...report.grid.map((row) => [
			row.name,
			...report.lessons.map((l) => cellText(row.lessons[l.id]))
		])
	]);
	await recordAudit({
		actor: { type: 'staff', id: staff.id, schoolId: staff.schoolId },
		action: 'report.exported',
		schoolId: scope.schoolId,
		target: { type: 'class', id: classId }
	});
	return new Response(csv, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${csvFileName(`class-${report.className}`, new Date())}"`,
			'cache-control': 'no-store'
		}
	});
};
