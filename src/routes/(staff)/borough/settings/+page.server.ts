import { z } from 'zod';
import { requireStaff } from '$lib/server/auth/guards';
import { parseForm } from '$lib/server/forms';
import { getBoroughSettings, updateBoroughSettings } from '$lib/server/schools';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireStaff(event, 'coordinator');
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
		const user = requireStaff(event, 'coordinator');
		const parsed = parseForm(Settings, await event.request.formData(), ['name', 'pupilTarget']);
		if (!parsed.ok) return parsed.failure;
		await updateBoroughSettings(parsed.data, user);
		return { saved: true };
	}
};
