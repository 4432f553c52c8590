// What every session route starts with. (How a session's refusal reaches a form is
// orRefusal's job, in $lib/server/forms.)
import type { RequestEvent } from '@sveltejs/kit';
import { assertCanRunSession, parseId } from '$lib/server/access';
import { requireStaff } from '$lib/server/auth/guards';

type Event = Pick<RequestEvent<{ sid: string }>, 'locals' | 'url' | 'request' | 'params'>;

/** Teachers and leads only, and only a session of a class they may see (else 404). */
export async function guardSession(event: Event) {
	const staff = requireStaff(event, 'teacher', 'lead');
	const session = await assertCanRunSession(staff, parseId(event.params.sid));
	return { staff, session };
}
