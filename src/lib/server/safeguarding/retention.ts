// Letting go on time: the server removes requests' words once they are due, at start and
// then every hour, so the date a safeguarding lead is shown is the date it happens.
import { removeDueHelpText } from './requests';

const HOUR = 60 * 60 * 1000;

/** Starts the hourly removal; returns the function that stops it (at shutdown). */
export function scheduleHelpTextRemoval(): () => void {
	const run = () =>
		removeDueHelpText().catch((error: unknown) =>
			console.error('[help] could not remove due request text:', (error as Error).message)
		);
	void run();
	const timer = setInterval(run, HOUR);
	timer.unref();
	return () => clearInterval(timer);
}
