// Calendar arithmetic for retention periods: "12 months" means the same date a year
// earlier, not 360 days, so a period a person reads is the period the server keeps.

/**
 * The moment `months` calendar months before `now`. A day the earlier month lacks
 * (31 March less one month) becomes its last day (28 or 29 February).
 */
export function monthsBefore(now: Date, months: number): Date {
	const year = now.getUTCFullYear();
	const month = now.getUTCMonth() - months;
	const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
	return new Date(
		Date.UTC(
			year,
			month,
			Math.min(now.getUTCDate(), lastDay),
			now.getUTCHours(),
			now.getUTCMinutes(),
			now.getUTCSeconds(),
			now.getUTCMilliseconds()
		)
	);
}

export function daysBefore(now: Date, days: number): Date {
	return new Date(now.getTime() - days * 24 * 60 * 60 * 1000);
}
