// The council's dashboard: borough totals, schools and lessons side by side, and weeks.
// Coordinators see aggregates only: the page data holds tables of counts and disclosed
// rates, never a pupil's name or id.
import { error } from '@sveltejs/kit';
import { canSeeBorough, requireCoordinator } from '$lib/server/access';
import { getLibrary } from '$lib/server/lessons';
import { loadBoroughReport, withReportControls } from '$lib/server/reports';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const staff = requireCoordinator(event);
	if (!canSeeBorough(staff)) error(403, 'Your account cannot open the borough report.');
	const lessons = getLibrary().lessons;
	const { report, controls } = await withReportControls(event.url.searchParams, lessons, (filter) =>
		loadBoroughReport(filter, lessons)
	);
	const d = report.dashboard;
	return {
		controls,
		totals: report.tables[0],
		tables: report.tables.slice(1),
		charts: report.charts,
		legend: report.legend,
		target: d.pupilTarget,
		schools: { takingPart: d.schoolsTakingPart, registered: d.schoolsRegistered }
	};
};
