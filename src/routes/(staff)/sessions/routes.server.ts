// What every session route starts with. (How a session's refusal reaches a form is
// orRefusal's job, in $lib/server/refusal.)
import type { RequestEvent } from '@sveltejs/kit';
import { assertCanRunClassSession, parseId, requireClassStaff } from '$lib/server/access';

type Event = Pick<RequestEvent<{ sid: string }>, 'locals' | 'url' | 'request' | 'params'>;

/** Teachers and leads only, and only a session of a class they may see (else 404). */
export async function guardSession(event: Event) {
	const staff = requireClassStaff(event);
	const session = await assertCanRunClassSession(staff, parseId(event.params.sid));
	return { staff, session };
}
