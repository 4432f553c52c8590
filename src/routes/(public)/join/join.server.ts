// What the join pages share: the class that the code in the address names, and the
// kind words a pupil reads when something stops them.
import { error } from '@sveltejs/kit';
import { lookUpClassCode, type JoinClass, type LockScope } from '$lib/server/auth/pupil-login';
import { clientAddress } from '$lib/server/forms';

export const CODE_NOT_FOUND = "We couldn't find that class code. Check the board and try again.";

function minutes(n: number): string {
	return n === 1 ? '1 minute' : `${n} minutes`;
}

export function codesPausedMessage(n: number): string {
	return `Lots of class codes were tried here just now, so please wait ${minutes(n)} and try again — or ask your teacher.`;
}

export function signInPausedMessage(scope: LockScope, n: number): string {
	if (scope === 'pupil') {
		return `Your sign-in is paused for ${minutes(n)}. Ask your teacher to unlock it.`;
	}
	const where = scope === 'class' ? 'in your class' : 'here';
	return `Lots of pictures were tried ${where} just now, so signing in is paused for ${minutes(n)}. Ask your teacher for help.`;
}

/** The class in /join/CODE/…: 404 for an unknown code, 429 while this address is paused. */
export async function classInAddress(event: {
	params: { code: string };
	getClientAddress(): string;
}): Promise<JoinClass> {
	const lookup = await lookUpClassCode({ code: event.params.code, ip: clientAddress(event) });
	if (lookup.status === 'locked') error(429, codesPausedMessage(lookup.minutes));
	if (lookup.status === 'unknown') error(404, CODE_NOT_FOUND);
	return lookup.class;
}
