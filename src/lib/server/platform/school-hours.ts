// "Acknowledge within N school hours": the time that counts is weekday time inside the
// school day, in UK time (Europe/London, so the clocks changing is handled). Think Safe
// does not know a school's holidays, so a weekday in the holidays counts: erring towards
// a request turning red early rather than late.
import { londonParts } from './uk-dates';

const MINUTE = 60_000;
/** More than any real gap between a request and its acknowledgement; bounds the loop. */
const MAX_DAYS = 120;

export interface SchoolDay {
	/** Minutes after midnight, UK time, that the day starts and ends. */
	start: number;
	end: number;
}

/** "08:30-15:30" → { start: 510, end: 930 }; undefined for anything else. */
export function parseSchoolDay(text: string): SchoolDay | undefined {
	const match = /^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/.exec(text.trim());
	if (!match) return undefined;
	const [h1, m1, h2, m2] = match.slice(1).map(Number);
	const start = h1 * 60 + m1;
	const end = h2 * 60 + m2;
	if (h1 > 23 || h2 > 24 || m1 > 59 || m2 > 59 || end <= start || end > 24 * 60) return undefined;
	return { start, end };
}

/** The instant a UK wall-clock time happens on a UK calendar day. */
function londonInstant(year: number, month: number, day: number, minutes: number): number {
	const guess = Date.UTC(year, month - 1, day, 0, minutes);
	// The offset at the guess is right except within an hour of a clock change: good enough
	// for a school day, which never starts or ends at 01:00.
	return guess - londonParts(new Date(guess)).offset * MINUTE;
}

/** School minutes between two instants (0 when `to` is not after `from`). */
export function schoolMinutesBetween(from: Date, to: Date, day: SchoolDay): number {
	if (to <= from) return 0;
	let total = 0;
	const first = londonParts(from);
	for (let i = 0; i <= MAX_DAYS; i++) {
		const date = new Date(Date.UTC(first.year, first.month - 1, first.day + i));
		const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
		const opens = londonInstant(y, m, d, day.start);
		if (opens >= to.getTime()) break;
		const weekday = londonParts(new Date(opens)).weekday;
		if (weekday === 'Sat' || weekday === 'Sun') continue;
		const closes = londonInstant(y, m, d, day.end);
		const overlap = Math.min(closes, to.getTime()) - Math.max(opens, from.getTime());
		if (overlap > 0) total += overlap / MINUTE;
	}
	return Math.floor(total);
}
