// A school lead's view: every class of the school side by side, and the school's totals.
// Class names appear (they are the lead's own classes); pupils' names do not.
import { error } from '@sveltejs/kit';
import { canSeeSchoolAggregates, requireSchoolLead } from '$lib/server/access';
import { getLibrary } from '$lib/server/lessons';
import { loadSchoolReport, withReportControls } from '$lib/server/reports';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const staff = requireSchoolLead(event);
	const schoolId = staff.schoolId;
	if (schoolId === null || !canSeeSchoolAggregates(staff, schoolId)) error(404, 'Not found');
	const lessons = getLibrary().lessons;
	const { report, controls } = await withReportControls(event.url.searchParams, lessons, (filter) =>
		loadSchoolReport(schoolId, filter, lessons)
	);
	return {
		name: report.name,
		controls,
		tables: report.tables,
		charts: report.charts,
		legend: report.legend
	};
};
