// UK wall-clock time for people, the same on the server and in the browser.

/** "Mon 7 Dec 2026, 09:15" in UK time, for an ISO timestamp. */
export function formatWhenUk(iso: string): string {
	return new Intl.DateTimeFormat('en-GB', {
		timeZone: 'Europe/London',
		weekday: 'short',
		day: 'numeric',
		month: 'short',
		year: 'numeric',
		hour: '2-digit',
		minute: '2-digit'
	}).format(new Date(iso));
}
