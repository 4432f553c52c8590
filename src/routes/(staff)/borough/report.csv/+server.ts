// The borough report as a spreadsheet: the same tables as the dashboard, with its filter.
// Every download is written to the audit log.
import { error } from '@sveltejs/kit';
import { canSeeBorough, requireCoordinator } from '$lib/server/access';
import { recordAudit, staffActor, csvFileName } from '$lib/server/platform';
import { getLibrary } from '$lib/server/lessons';
import { boroughCsv, csvResponse, parseReportFilter } from '$lib/server/reports';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const staff = requireCoordinator(event);
	if (!canSeeBorough(staff)) error(403, 'Your account cannot open the borough report.');
	const lessons = getLibrary().lessons;
	const { filter } = parseReportFilter(event.url.searchParams, lessons);
	const csv = await boroughCsv(filter, lessons);
	await recordAudit({
		actor: staffActor(staff),
		action: 'report.exported',
		schoolId: null,
		target: { type: 'borough', id: 'borough' },
		detail: { ...filter }
	});
	return csvResponse(csv, csvFileName('borough', new Date()));
};
