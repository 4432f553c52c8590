// The pupil's side of a request for help: store it once, then alert the school's readers
// (by email when configured) without holding the pupil up. A refused request (Refused,
// from requests.ts) is thrown on to the route before anyone is alerted.
import type { PupilPrincipal } from '../auth';
import { describeError, logEvent } from '../platform';
import { alertHelpReaders } from './alerts';
import { submitHelpRequest, type SubmitResult } from './requests';

export async function askForHelp(
	pupil: Pick<PupilPrincipal, 'id' | 'classId' | 'schoolId'>,
	input: unknown,
	now = new Date()
): Promise<SubmitResult> {
	const result = await submitHelpRequest(pupil, input, now);
	if (result.created) {
		// Stored already: an email that fails is logged, and the in-app banner still shows it.
		alertHelpReaders(result.schoolId).catch((error: unknown) =>
			logEvent('error', 'help.alert_failed', 'alert failed', { error: describeError(error) })
		);
	}
	return result;
}

/** A request as the pupil's form posts it (works without JavaScript). */
export function helpInputFromForm(form: FormData): Record<string, unknown> {
	const text = (name: string) => {
		const value = form.get(name);
		return typeof value === 'string' && value !== '' ? value : undefined;
	};
	return {
		clientId: text('clientId'),
		about: text('about'),
		topics: form.getAll('topics').filter((t): t is string => typeof t === 'string'),
		message: text('message'),
		urgency: text('urgency'),
		talkTo: text('talkTo')
	};
}
