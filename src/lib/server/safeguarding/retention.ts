// Letting go on time: the server removes requests' words once they are due, at start and
// then every hour, so the date a safeguarding lead is shown is the date it happens.
import { describeError, logEvent } from '../platform';
import { removeDueHelpText } from './text-removal';

const HOUR = 60 * 60 * 1000;

/** Starts the hourly removal; returns the function that stops it (at shutdown). */
export function scheduleHelpTextRemoval(): () => void {
	const run = () =>
		removeDueHelpText().catch((error: unknown) =>
			logEvent('error', 'help.removal_failed', 'could not remove due request text', {
				error: describeError(error)
			})
		);
	void run();
	const timer = setInterval(run, HOUR);
	timer.unref();
	return () => clearInterval(timer);
}
