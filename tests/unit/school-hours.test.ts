import { describe, expect, it } from 'vitest';
import { parseSchoolDay, schoolMinutesBetween } from '../../src/lib/server/platform/school-hours';

const day = parseSchoolDay('08:30-15:30')!;
const at = (iso: string) => new Date(iso);

describe('school hours', () => {
	it('reads a school day and refuses nonsense', () => {
		expect(day).toEqual({ start: 510, end: 930 });
		expect(parseSchoolDay('9:00 - 15:00')).toEqual({ start: 540, end: 900 });
		for (const bad of ['', '15:30-08:30', '25:00-26:00', '08:30', 'morning']) {
			expect(parseSchoolDay(bad)).toBeUndefined();
		}
	});

	it('counts only the school day on weekdays, in UK time', () => {
		// Winter (GMT): Friday 4 Dec 2026 15:00 to Monday 7 Dec 09:30 is 30 + 60 minutes.
		expect(schoolMinutesBetween(at('2026-12-04T15:00:00Z'), at('2026-12-07T09:30:00Z'), day)).toBe(
			90
		);
		// A request on Saturday waits until Monday morning.
		expect(schoolMinutesBetween(at('2026-12-05T10:00:00Z'), at('2026-12-06T16:00:00Z'), day)).toBe(
			0
		);
		// After school to before school the next day: nothing.
		expect(schoolMinutesBetween(at('2026-12-07T17:00:00Z'), at('2026-12-08T08:00:00Z'), day)).toBe(
			0
		);
	});

	it('follows British Summer Time', () => {
		// Monday 15 June 2026, 08:30 BST is 07:30 UTC; to 10:30 BST is two school hours.
		expect(schoolMinutesBetween(at('2026-06-15T07:30:00Z'), at('2026-06-15T09:30:00Z'), day)).toBe(
			120
		);
		// 07:00 UTC is 08:00 BST, before school: only the half hour from 08:30 counts.
		expect(schoolMinutesBetween(at('2026-06-15T07:00:00Z'), at('2026-06-15T08:00:00Z'), day)).toBe(
			30
		);
	});

	it('counts nothing when the end is not after the start', () => {
		expect(schoolMinutesBetween(at('2026-12-07T10:00:00Z'), at('2026-12-07T10:00:00Z'), day)).toBe(
			0
		);
		expect(schoolMinutesBetween(at('2026-12-07T11:00:00Z'), at('2026-12-07T10:00:00Z'), day)).toBe(
			0
		);
	});
});
