import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { canSeeBorough } from '$lib/server/access';
import { requireStaff } from '$lib/server/auth/guards';
import { failWith, parseForm } from '$lib/server/forms';
import { boroughHelpCounts, schoolsWithoutSafeguardingLead } from '$lib/server/safeguarding';
import { createSchool, getBoroughSettings, listSchools } from '$lib/server/schools';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireStaff(event, 'coordinator');
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
		const user = requireStaff(event, 'coordinator');
		if (!canSeeBorough(user)) redirect(303, '/');
		const parsed = parseForm(NewSchool, await event.request.formData(), ['name']);
		if (!parsed.ok) return parsed.failure;
		const result = await createSchool(parsed.data.name, user);
		if (!result.ok)
			return failWith(result.message, { name: result.message }, 400, { name: parsed.data.name });
		redirect(303, `/borough/schools/${result.id}?created=1`);
	}
};
