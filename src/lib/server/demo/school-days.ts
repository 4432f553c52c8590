// The demo's calendar: the school days of the autumn term its history falls on, and the
// time arithmetic (in UTC milliseconds) the history and its request for help share. Apart
// because both the term's lessons and the request for help are placed on these days.
export const DAY = 86_400_000;
export const MINUTE = 60_000;

export const iso = (ms: number) => new Date(ms).toISOString();
const utcDay = (ms: number) => Math.floor(ms / DAY) * DAY;
const weekday = (ms: number) => (new Date(ms).getUTCDay() + 6) % 7; // Monday = 0

/**
 * The school days lessons may fall on: Monday to Friday from the first Monday on or after
 * 3 September of `now`'s academic year to a week before `now` (autumn term only, half-term
 * week off). Early in the term the timeline is compressed into the days before today.
 */
export function schoolDays(now: Date): number[] {
	const year = now.getUTCMonth() >= 8 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
	const sep3 = Date.UTC(year, 8, 3);
	const termStart = sep3 + ((7 - weekday(sep3)) % 7) * DAY; // first Monday on or after 3 Sep
	const endOfTerm = Date.UTC(year, 11, 18);
	const lastDay = Math.min(utcDay(now.getTime()) - 7 * DAY, endOfTerm);
	// Half-term: the week of the last Monday in October.
	const oct31 = Date.UTC(year, 9, 31);
	const halfTerm = oct31 - weekday(oct31) * DAY;
	const days: number[] = [];
	for (let d = termStart; d <= lastDay; d += DAY) {
		if (weekday(d) < 5 && (d < halfTerm || d >= halfTerm + 7 * DAY)) days.push(d);
	}
	if (days.length >= 15) return days;
	// Too early in the term for a week's margin: the fifteen school days before today.
	const compressed: number[] = [];
	for (let d = utcDay(now.getTime()) - DAY; compressed.length < 15; d -= DAY) {
		if (weekday(d) < 5) compressed.unshift(d);
	}
	return compressed;
}
