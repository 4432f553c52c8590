import { describe, expect, it } from 'vitest';
import { csvFileName, toCsv } from '../../src/lib/server/platform/csv';

const BOM = '\uFEFF';

describe('toCsv', () => {
	it('starts with a UTF-8 BOM and ends every line with CRLF', () => {
		expect(
			toCsv([
				['School', 'Pupils'],
				['Loddon Vale', 28]
			])
		).toBe(`${BOM}School,Pupils\r\nLoddon Vale,28\r\n`);
	});

	it('writes numbers as numbers and null as an empty cell', () => {
		expect(toCsv([[0.75, -3, null, 12]])).toBe(`${BOM}0.75,-3,,12\r\n`);
	});

	it('quotes commas, quotes and line breaks as RFC 4180 says', () => {
		expect(toCsv([['a,b', 'say "hi"', 'line\nbreak', 'plain']])).toBe(
			`${BOM}"a,b","say ""hi""","line\nbreak",plain\r\n`
		);
	});

	it.each([
		['=HYPERLINK("http://evil.test","x")', `"'=HYPERLINK(""http://evil.test"",""x"")"`],
		['+1+1', "'+1+1"],
		['-2+3', "'-2+3"],
		['@SUM(A1:A2)', "'@SUM(A1:A2)"],
		['\t=1', "'\t=1"],
		['\r=1', `"'\r=1"`]
	])('neutralises the hostile cell %j so no spreadsheet runs it', (hostile, written) => {
		expect(toCsv([[hostile]])).toBe(`${BOM}${written}\r\n`);
	});

	it('leaves a [c] and a percentage as they are', () => {
		expect(toCsv([['[c]', '83%', '+50 points']])).toBe(`${BOM}[c],83%,'+50 points\r\n`);
	});

	it('keeps non-ASCII names intact', () => {
		expect(toCsv([['Zoë', 'Łukasz']])).toBe(`${BOM}Zoë,Łukasz\r\n`);
	});
});

describe('csvFileName', () => {
	it('names a borough download with the date', () => {
		expect(csvFileName('borough', new Date('2026-11-28T13:00:00Z'))).toBe(
			'think-safe-borough-2026-11-28.csv'
		);
	});

	it('makes a safe slug of any kind', () => {
		expect(csvFileName('School / Loddon Vale', new Date('2026-01-05T00:00:00Z'))).toBe(
			'think-safe-school-loddon-vale-2026-01-05.csv'
		);
		expect(csvFileName('../', new Date('2026-01-05T00:00:00Z'))).toBe(
			'think-safe-report-2026-01-05.csv'
		);
	});
});
