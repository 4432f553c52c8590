import { error, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { canSeeBorough, requireCoordinator } from '$lib/server/access';
import { parseForm } from '$lib/server/platform';
import { getBoroughSettings, updateBoroughSettings } from '$lib/server/people';
import type { Actions, PageServerLoad } from './$types';

function guard(event: RequestEvent) {
	const user = requireCoordinator(event);
	if (!canSeeBorough(user))
		error(403, 'Only a council coordinator changes the borough’s settings.');
	return user;
}

export const load: PageServerLoad = async (event) => {
	guard(event);
	return { settings: await getBoroughSettings() };
};

const Settings = z.object({
	name: z
		.string()
		.trim()
		.min(2, 'Enter the borough’s name.')
		.max(120, 'Use at most 120 characters.'),
	pupilTarget: z.coerce
		.number({ message: 'Enter a whole number of pupils.' })
		.int('Enter a whole number of pupils.')
		.min(1, 'The target must be at least 1.')
		.max(1_000_000, 'That target is larger than any borough.')
});

export const actions: Actions = {
	default: async (event) => {
		const user = guard(event);
		const parsed = parseForm(Settings, await event.request.formData(), ['name', 'pupilTarget']);
		if (!parsed.ok) return parsed.failure;
		await updateBoroughSettings(parsed.data, user);
		return { saved: true };
	}
};
