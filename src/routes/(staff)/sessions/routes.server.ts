// What every session route starts with, and how a session's refusal reaches a form.
import { isActionFailure, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import { assertCanRunSession, parseId } from '$lib/server/access';
import { requireStaff } from '$lib/server/auth/guards';
import { SessionRefused } from '$lib/server/deliveries';
import { failWith, type FormFailure } from '$lib/server/forms';

type Event = Pick<RequestEvent<{ sid: string }>, 'locals' | 'url' | 'request' | 'params'>;

/** Teachers and leads only, and only a session of a class they may see (else 404). */
export async function guardSession(event: Event) {
	const staff = requireStaff(event, 'teacher', 'lead');
	const session = await assertCanRunSession(staff, parseId(event.params.sid));
	return { staff, session };
}

/**
 * Runs a task the domain may refuse: a SessionRefused comes back as the form's 400 (with
 * what was typed, when given) for the action to return; anything else is a real error.
 */
export async function orRefusal<T>(
	task: () => Promise<T>,
	values?: Record<string, string>
): Promise<T | ActionFailure<FormFailure>> {
	try {
		return await task();
	} catch (caught) {
		if (caught instanceof SessionRefused) return failWith(caught.message, {}, 400, values);
		throw caught;
	}
}

/** Whether orRefusal's result is the refusal (typed, unlike kit's own isActionFailure). */
export function isRefusal<T>(
	result: T | ActionFailure<FormFailure>
): result is ActionFailure<FormFailure> {
	return isActionFailure(result);
}
