// Every UK date the server works out or writes for people: today's date in the UK, days
// `YYYY-MM-DD`, "Thu 5 Dec 2026", the wall clock in Europe/London and the English academic
// year. One definition of each, so that a session's closing day, a report's filter and a
// certificate's date can never disagree. The one date helper browsers need too, formatWhenUk,
// lives in $lib/uk-time (shared code) and is passed on from here for server code.
export { formatWhenUk } from '../../uk-time';

const LONDON = 'Europe/London';
const DAY_MS = 86_400_000;

/** A real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(value: string): boolean {
	const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
	if (!match) return false;
	const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
	const date = new Date(Date.UTC(year, month - 1, day));
	return (
		date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
	);
}

/**
 * The UK date of an instant (today's by default), `YYYY-MM-DD`: what "today", "past its
 * review date" and a certificate's date mean to people here. Computed by hand rather than
 * with a time-zone-aware Intl formatter, which costs tens of milliseconds at start-up.
 */
export function londonDay(now: Date = new Date()): string {
	const year = now.getUTCFullYear();
	// British Summer Time: from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last
	// Sunday of October.
	const bstStart = lastSundayUtc(year, 2);
	const bstEnd = lastSundayUtc(year, 9);
	const inBst = now.getTime() >= bstStart && now.getTime() < bstEnd;
	const local = new Date(now.getTime() + (inBst ? 3_600_000 : 0));
	return local.toISOString().slice(0, 10);
}

function lastSundayUtc(year: number, month: number): number {
	const lastDay = new Date(Date.UTC(year, month + 1, 0, 1));
	return lastDay.getTime() - lastDay.getUTCDay() * DAY_MS;
}

/** The day `days` after (or before, when negative) a `YYYY-MM-DD` day. */
export function addDays(day: string, days: number): string {
	const [y, m, d] = day.split('-').map(Number);
	return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** "Thu 5 Dec 2026" for a `YYYY-MM-DD` day; "5 Dec 2026" with `weekday: false`. */
export function formatDay(day: string, options: { weekday?: boolean } = {}): string {
	return new Intl.DateTimeFormat('en-GB', {
		timeZone: 'UTC',
		...(options.weekday === false ? {} : { weekday: 'short' as const }),
		day: 'numeric',
		month: 'short',
		year: 'numeric'
	}).format(new Date(`${day}T12:00:00Z`));
}

// ——— the wall clock in the UK ———

let partsFormat: Intl.DateTimeFormat | undefined;

export interface LondonParts {
	year: number;
	month: number;
	day: number;
	weekday: string;
	/** Minutes from UTC to UK time at that instant (0 or 60). */
	offset: number;
}

/** The UK calendar date, weekday and clock offset of an instant. */
export function londonParts(at: Date): LondonParts {
	// Made on first use, so that a server that never asks pays nothing at start-up.
	partsFormat ??= new Intl.DateTimeFormat('en-GB', {
		timeZone: LONDON,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		weekday: 'short'
	});
	const parts = Object.fromEntries(partsFormat.formatToParts(at).map((p) => [p.type, p.value]));
	const asUtc = Date.UTC(
		Number(parts.year),
		Number(parts.month) - 1,
		Number(parts.day),
		Number(parts.hour),
		Number(parts.minute)
	);
	const minute = 60_000;
	return {
		year: Number(parts.year),
		month: Number(parts.month),
		day: Number(parts.day),
		weekday: parts.weekday,
		offset: Math.round((asUtc - Math.floor(at.getTime() / minute) * minute) / minute)
	};
}

// ——— the academic year ———

// English schools' academic year runs from September to August: "2026/27".
export function academicYearOf(date: Date): string {
	const year = date.getUTCFullYear();
	const start = date.getUTCMonth() >= 8 ? year : year - 1;
	return `${start}/${String((start + 1) % 100).padStart(2, '0')}`;
}

export const ACADEMIC_YEAR_PATTERN = /^(\d{4})\/(\d{2})$/;

export function isAcademicYear(value: string): boolean {
	const match = ACADEMIC_YEAR_PATTERN.exec(value);
	return !!match && (Number(match[1]) + 1) % 100 === Number(match[2]);
}
