import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { canSeeBorough, requireCoordinator } from '$lib/server/access';
import { parseForm, orRefusal, wasRefused } from '$lib/server/platform';
import { boroughHelpCounts, schoolsWithoutSafeguardingLead } from '$lib/server/safeguarding';
import { createSchool, getBoroughSettings, listSchools } from '$lib/server/people';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireCoordinator(event);
	if (!canSeeBorough(user)) redirect(303, '/');
	const [schools, settings, help, withoutLead] = await Promise.all([
		listSchools(),
		getBoroughSettings(),
		// Counts only, with small ones hidden: the council never sees who asked or what about.
		boroughHelpCounts({ termKey: event.url.searchParams.get('term') }),
		schoolsWithoutSafeguardingLead()
	]);
	const noLead = new Set(withoutLead);
	return {
		schools: schools.map((s) => ({ ...s, safeguardingLead: !noLead.has(s.id) })),
		settings,
		help
	};
};

const NewSchool = z.object({
	name: z.string().trim().min(3, 'Enter the school’s name.').max(120, 'Use at most 120 characters.')
});

export const actions: Actions = {
	create: async (event) => {
		const user = requireCoordinator(event);
		if (!canSeeBorough(user)) redirect(303, '/');
		const parsed = parseForm(NewSchool, await event.request.formData(), ['name']);
		if (!parsed.ok) return parsed.failure;
		const created = await orRefusal(() => createSchool(parsed.data.name, user), {
			name: parsed.data.name
		});
		if (wasRefused(created)) return created;
		redirect(303, `/borough/schools/${created}?created=1`);
	}
};
