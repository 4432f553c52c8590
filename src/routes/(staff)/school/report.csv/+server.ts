// The school report as a spreadsheet, with the page's filter. Written to the audit log.
import { error } from '@sveltejs/kit';
import { canSeeSchoolAggregates, requireSchoolLead } from '$lib/server/access';
import { recordAudit, staffActor, csvFileName } from '$lib/server/platform';
import { getLibrary } from '$lib/server/lessons';
import { csvResponse, parseReportFilter, schoolCsv } from '$lib/server/reports';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const staff = requireSchoolLead(event);
	const schoolId = staff.schoolId;
	if (schoolId === null || !canSeeSchoolAggregates(staff, schoolId)) error(404, 'Not found');
	const lessons = getLibrary().lessons;
	const { filter } = parseReportFilter(event.url.searchParams, lessons);
	const { name, csv } = await schoolCsv(schoolId, filter, lessons);
	await recordAudit({
		actor: staffActor(staff),
		action: 'report.exported',
		schoolId,
		target: { type: 'school', id: schoolId },
		detail: { ...filter }
	});
	return csvResponse(csv, csvFileName(`school-${name}`, new Date()));
};
