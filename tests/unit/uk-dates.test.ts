import { describe, expect, it } from 'vitest';
import {
	academicYearOf,
	addDays,
	formatDay,
	isAcademicYear,
	isIsoDate,
	londonDay,
	londonParts
} from '../../src/lib/server/platform/uk-dates';

/** The UK date of an instant as the time-zone database has it, to check londonDay's own rule. */
const intlLondonDay = (at: Date) =>
	new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(at);

describe('UK dates', () => {
	it('gives the UK date of an instant, either side of the clocks changing', () => {
		// 2026: BST from 01:00 UTC on 29 March to 01:00 UTC on 25 October.
		const cases: [string, string][] = [
			['2026-03-29T00:59:59Z', '2026-03-29'],
			['2026-03-28T23:30:00Z', '2026-03-28'],
			['2026-06-30T23:30:00Z', '2026-07-01'],
			['2026-10-24T23:30:00Z', '2026-10-25'],
			['2026-10-25T23:30:00Z', '2026-10-25'],
			['2026-12-31T23:59:59Z', '2026-12-31']
		];
		for (const [iso, day] of cases) {
			expect(londonDay(new Date(iso))).toBe(day);
			expect(intlLondonDay(new Date(iso))).toBe(day);
		}
	});

	it('agrees with the time-zone database every half hour of a year', () => {
		const start = Date.UTC(2027, 0, 1);
		for (let t = start; t < start + 365 * 86_400_000; t += 30 * 60_000) {
			const at = new Date(t);
			if (londonDay(at) !== intlLondonDay(at)) expect(londonDay(at)).toBe(intlLondonDay(at));
		}
	});

	it('reads the UK wall clock and its offset from UTC', () => {
		expect(londonParts(new Date('2026-07-01T08:00:00Z'))).toEqual({
			year: 2026,
			month: 7,
			day: 1,
			weekday: 'Wed',
			offset: 60
		});
		expect(londonParts(new Date('2026-12-31T23:30:00Z')).offset).toBe(0);
	});

	it('checks, moves and writes days', () => {
		expect(isIsoDate('2028-02-29')).toBe(true);
		for (const bad of ['2027-02-29', '2026-13-01', '2026-1-01', '', '0099-01-01'])
			expect(isIsoDate(bad)).toBe(false);
		expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
		expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
		// ICU writes "Thu, 3 Dec 2026" or "Thu 3 Dec 2026", depending on its version.
		expect(formatDay('2026-12-03')).toMatch(/^Thu,? 3 Dec 2026$/);
		expect(formatDay('2026-09-01', { weekday: false })).toMatch(/^1 Sept? 2026$/);
	});

	it('knows the English academic year', () => {
		expect(academicYearOf(new Date('2026-08-31T12:00:00Z'))).toBe('2025/26');
		expect(academicYearOf(new Date('2026-09-01T12:00:00Z'))).toBe('2026/27');
		expect(isAcademicYear('2099/00')).toBe(true);
		expect(isAcademicYear('2026/28')).toBe(false);
	});
});
