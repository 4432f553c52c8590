// What the join pages share: the class that the code in the address names, and the
// kind words a pupil reads when something stops them.
import { error } from '@sveltejs/kit';
import { lookUpClassCode, type JoinClass } from '$lib/server/auth';
import { clientAddress } from '$lib/server/platform';

export const CODE_NOT_FOUND = "We couldn't find that class code. Check the board and try again.";

function minutes(n: number): string {
	return n === 1 ? '1 minute' : `${n} minutes`;
}

/** Only a pupil's own sign-in is ever paused; a busy class or school is only slowed. */
export function signInPausedMessage(n: number): string {
	return `Your sign-in is paused for ${minutes(n)}. Ask your teacher to unlock it.`;
}

/** The class in /join/CODE/…: 404 for an unknown code. */
export async function classInAddress(event: {
	params: { code: string };
	getClientAddress(): string;
}): Promise<JoinClass> {
	const lookup = await lookUpClassCode({ code: event.params.code, ip: clientAddress(event) });
	if (lookup.status === 'unknown') error(404, CODE_NOT_FOUND);
	return lookup.class;
}
