// What the council did to the school's staff accounts, for the people told of it (its
// leads, or all its staff while it has none: access.ts); "not found" for anyone else.
import { error, redirect } from '@sveltejs/kit';
import { councilNoticeSchool, isSchoolLead } from '$lib/server/access';
import { requireStaff } from '$lib/server/auth';
import { councilNotice, markCouncilNoticeSeen } from '$lib/server/screens';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const staff = requireStaff(event);
	const notice = await councilNotice(staff);
	if (!notice) error(404, 'Not found.');
	return { steps: notice.steps, lead: isSchoolLead(staff) };
};

/** Back to the page the notice was read on: a path of this site, never another's. */
function backTo(from: FormDataEntryValue | null, origin: string): string {
	const fallback = '/school/staff/council';
	if (typeof from !== 'string' || !from.startsWith('/') || from.startsWith('//')) return fallback;
	const url = new URL(from, origin);
	return url.origin === origin ? url.pathname + url.search : fallback;
}

export const actions: Actions = {
	seen: async (event) => {
		const staff = requireStaff(event);
		if (!(await councilNoticeSchool(staff))) error(404, 'Not found.');
		const form = await event.request.formData();
		await markCouncilNoticeSeen(staff);
		redirect(303, backTo(form.get('from'), event.url.origin));
	}
};
