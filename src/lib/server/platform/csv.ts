// CSV downloads of reports: RFC 4180, UTF-8 with a BOM (so Excel reads it as UTF-8) and
// CRLF line ends. Cells that a spreadsheet would run as a formula are neutralised.

export type CsvCell = string | number | null;

const BOM = '\uFEFF';
// A leading = + - @ makes Excel, LibreOffice and Sheets evaluate a formula (CSV
// injection); tab and carriage return are also read as formula prefixes by some.
const FORMULA_START = /^[=+\-@\t\r]/;

function cell(value: CsvCell): string {
	if (value === null) return '';
	if (typeof value === 'number') {
		// Numbers stay numbers (a negative number is data, not a formula).
		return Number.isFinite(value) ? String(value) : '';
	}
	const text = FORMULA_START.test(value) ? `'${value}` : value;
	return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(rows: CsvCell[][]): string {
	return BOM + rows.map((row) => row.map(cell).join(',') + '\r\n').join('');
}

/** e.g. `think-safe-borough-2026-11-28.csv` (the date in UTC). */
export function csvFileName(kind: string, date: Date): string {
	const slug = kind
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
	return `think-safe-${slug || 'report'}-${date.toISOString().slice(0, 10)}.csv`;
}
