// Step 2: "Tap your name". Also where the QR code on the board points.
import { redirect } from '@sveltejs/kit';
import { allowAnyone, listClassNames } from '$lib/server/auth';
import { classInAddress } from '../join.server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	allowAnyone(event);
	const joining = await classInAddress(event);
	if (event.params.code !== joining.code) redirect(307, `/join/${joining.code}`);
	return {
		class: { name: joining.name, code: joining.code },
		names: await listClassNames(joining.id)
	};
};
