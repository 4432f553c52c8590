// Who is signed in on this device, if anyone: lets a page that was offline check that
// its session survived before it sends what it kept. Says nothing about anyone else.
import { json } from '@sveltejs/kit';
import { allowAnyone } from '$lib/server/auth';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	allowAnyone(event);
	const { staff, pupil } = event.locals;
	const body = staff
		? { signedIn: 'staff' as const, role: staff.role }
		: pupil
			? { signedIn: 'pupil' as const, classId: pupil.classId }
			: { signedIn: null };
	return json(body, { headers: { 'Cache-Control': 'no-store' } });
};
