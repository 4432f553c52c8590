// Pupil names as Think Safe keeps them: a first name and the initial of the last name
// ("Amira K."), never more (ICO Children's Code: data minimisation). Pure functions
// that turn what a teacher types, pastes or uploads into that, or say what is wrong.
//
// The rule, so that every screen agrees:
// - the FIRST word is the first name ("Mary Jane Khan" keeps "Mary"; hyphens join
//   words, so "Mary-Jane" stays whole);
// - the initial is the first letter of the LAST word, in capitals ("Maria de la
//   Cruz" → "C", "Liam O'Neil" → "O", "Amira k." → "K");
// - a first name typed all in lower case, or in capitals (as registers are often
//   exported), is capitalised word part by word part ("mary-jane" → "Mary-Jane",
//   "KHAN" → "Khan"); any other mix is kept as typed ("McKenzie", "DeShawn", "AJ").
import Papa from 'papaparse';

export const MAX_FIRST_NAME_LENGTH = 30;
/** A whole line longer than this is not one pupil's name. */
export const MAX_FULL_NAME_LENGTH = 60;
export const MAX_NAMES_PER_IMPORT = 200;
export const MAX_IMPORT_BYTES = 100 * 1024;

export interface PupilName {
	firstName: string;
	lastInitial: string;
}

export type NameResult = ({ ok: true } & PupilName) | { ok: false; message: string };

/** One name ready to add, with the line or spreadsheet row it came from. */
export interface ImportRow extends PupilName {
	row: number;
}

/** `row` is null when the problem is with the whole file or text. */
export interface ImportProblem {
	row: number | null;
	message: string;
}

export interface ImportResult {
	rows: ImportRow[];
	problems: ImportProblem[];
}

export const WRONG_ENCODING =
	'This file is not saved as CSV UTF-8, so some letters would come out wrong. Save the file as CSV UTF-8 and try again.';

const FORMULA_START = /^[=+\-@]/;
const WORD = /^\p{L}[\p{L}\p{M}]*(?:['-]\p{L}[\p{L}\p{M}]*)*\.?$/u;
// Bidi controls, zero-width characters, soft hyphens, BOMs (format characters) and
// other control characters are invisible and can make two names look alike.
const INVISIBLE_FORMAT = /\p{Cf}/gu;
const CONTROL = /\p{Cc}/gu;

/** Display form used everywhere a pupil is named: "Amira K." */
export function displayName(name: PupilName): string {
	return `${name.firstName} ${name.lastInitial}.`;
}

/** Trims, collapses spaces and normalises; a name a teacher would recognise as the same. */
function clean(raw: string): string {
	// NFKC, not NFC: full-width "Ａｌｉ" and ligatures such as "ﬁ" become the plain letters
	// they look like, so a look-alike cannot pass as a second pupil of the same name, and a
	// full-width "＝" or "＠" is caught as a formula or an email address.
	return raw
		.normalize('NFKC')
		.replace(INVISIBLE_FORMAT, '')
		.replace(/\s+/gu, ' ') // tabs and newlines too, before other controls go
		.replace(CONTROL, '')
		.replace(/[\u2018\u2019]/g, "'")
		.replace(/[\u2010\u2011]/g, '-')
		.replace(/ +/g, ' ')
		.trim();
}

function codePoints(value: string): number {
	return [...value].length;
}

function capitalise(word: string): string {
	const upper = word.toLocaleUpperCase('en-GB');
	const lower = word.toLocaleLowerCase('en-GB');
	const allLower = word === lower;
	const allUpper = word === upper && codePoints(word) > 2;
	if (word === upper && word === lower) return word; // a script without capitals
	if (!allLower && !allUpper) return word;
	return lower.replace(
		/(^|['-])(\p{L})/gu,
		(_, before: string, letter: string) => before + letter.toLocaleUpperCase('en-GB')
	);
}

function firstGrapheme(word: string): string {
	const segments = new Intl.Segmenter('en-GB', { granularity: 'grapheme' }).segment(word);
	for (const { segment } of segments) return segment;
	return '';
}

/**
 * Turns one typed name into a first name and last initial, or explains what to change.
 * Messages are whole sentences for the teacher; see `rowMessage` for "Row 7: …".
 */
export function normaliseName(raw: string): NameResult {
	const name = clean(raw);
	if (name === '') return { ok: false, message: 'The name is empty.' };
	if (FORMULA_START.test(name)) {
		return {
			ok: false,
			message: `A name cannot start with =, +, - or @ (this looks like a spreadsheet formula): "${shorten(name)}".`
		};
	}
	if (/@/.test(name)) {
		return { ok: false, message: 'This looks like an email address, not a name.' };
	}
	if (/:\/\/|\bwww\.|\.(com|org|net|uk|io)\b/i.test(name)) {
		return { ok: false, message: 'This looks like a web address, not a name.' };
	}
	if (/\p{N}/u.test(name)) {
		return { ok: false, message: `A name cannot contain numbers: "${shorten(name)}".` };
	}
	if (/[,;|]/.test(name)) {
		return { ok: false, message: 'Put each pupil on a line of their own.' };
	}
	if (codePoints(name) > MAX_FULL_NAME_LENGTH) {
		return {
			ok: false,
			message: `This is too long for one name (${MAX_FULL_NAME_LENGTH} letters at most): "${shorten(name)}".`
		};
	}
	const words = name.split(' ');
	const bad = words.find((word) => !WORD.test(word));
	if (bad !== undefined) {
		return {
			ok: false,
			message: `Use letters only — hyphens and apostrophes are fine: "${shorten(name)}".`
		};
	}
	const firstName = capitalise(words[0].replace(/\.$/, ''));
	if (words.length < 2) {
		return {
			ok: false,
			message: `Add the first letter of ${firstName}'s last name, for example "${firstName} K.".`
		};
	}
	if (codePoints(firstName) > MAX_FIRST_NAME_LENGTH) {
		return {
			ok: false,
			message: `The first name is too long (${MAX_FIRST_NAME_LENGTH} letters at most).`
		};
	}
	const lastWord = words[words.length - 1].replace(/\.$/, '');
	const lastInitial = firstGrapheme(lastWord).toLocaleUpperCase('en-GB');
	return { ok: true, firstName, lastInitial };
}

function shorten(value: string): string {
	return codePoints(value) > 40 ? [...value].slice(0, 40).join('') + '…' : value;
}

/** "Row 7: the name is empty." */
export function rowMessage(label: 'Row' | 'Line', row: number, message: string): string {
	return `${label} ${row}: ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
}

function tooMany(count: number, what: string): ImportProblem {
	return {
		row: null,
		message: `There are ${count} ${what}, but you can add up to ${MAX_NAMES_PER_IMPORT} at a time. Split the list and add it in parts.`
	};
}

/** Also for the upload form, to refuse a big file before reading it. */
export function tooBig(): ImportProblem {
	return {
		row: null,
		message: `This is too big to be a class list (${MAX_IMPORT_BYTES / 1024} KB at most). Check it is the right file.`
	};
}

/** One name a line, as pasted from a register or a spreadsheet column; blank lines are skipped. */
export function parsePastedNames(text: string): ImportResult {
	if (new TextEncoder().encode(text).length > MAX_IMPORT_BYTES) {
		return { rows: [], problems: [tooBig()] };
	}
	// A tab comes from copying two spreadsheet columns (first name, last name): a space.
	const lines = text.split(/\r\n|\r|\n/).map((line, index) => ({ line, row: index + 1 }));
	const filled = lines.filter(({ line }) => clean(line) !== '');
	if (filled.length > MAX_NAMES_PER_IMPORT) {
		return { rows: [], problems: [tooMany(filled.length, 'names')] };
	}
	const rows: ImportRow[] = [];
	const problems: ImportProblem[] = [];
	for (const { line, row } of filled) {
		const result = normaliseName(line);
		if (result.ok) rows.push({ row, firstName: result.firstName, lastInitial: result.lastInitial });
		else problems.push({ row, message: rowMessage('Line', row, result.message) });
	}
	if (rows.length === 0 && problems.length === 0) {
		problems.push({ row: null, message: 'There are no names here yet: paste one name a line.' });
	}
	return { rows, problems };
}

type Columns = { kind: 'name'; name: number } | { kind: 'split'; first: number; last: number };

const NAME_HEADINGS = new Set(['name', 'fullname', 'pupilname', 'pupil', 'childname']);
const FIRST_HEADINGS = new Set(['firstname', 'forename', 'givenname', 'firstnames']);
const LAST_HEADINGS = new Set(['lastname', 'surname', 'familyname']);

function headingKey(cell: string): string {
	return clean(cell)
		.toLocaleLowerCase('en-GB')
		.replace(/[^a-z]/g, '');
}

function findColumns(header: string[]): Columns | { problem: string } {
	const keys = header.map(headingKey);
	const first = keys.findIndex((k) => FIRST_HEADINGS.has(k));
	const last = keys.findIndex((k) => LAST_HEADINGS.has(k));
	if (first >= 0 && last >= 0) return { kind: 'split', first, last };
	if (first >= 0) return { problem: 'The file has a first_name column but no last_name column.' };
	if (last >= 0) return { problem: 'The file has a last_name column but no first_name column.' };
	const name = keys.findIndex((k) => NAME_HEADINGS.has(k));
	if (name >= 0) return { kind: 'name', name };
	return {
		problem:
			'The first row must be a heading: either "name", or "first_name" and "last_name". Add the heading and try again.'
	};
}

/** Decodes an uploaded file, refusing anything that is not UTF-8 rather than guessing. */
function decode(input: string | Uint8Array): { text: string } | { problem: ImportProblem } {
	if (typeof input !== 'string') {
		if (input.length > MAX_IMPORT_BYTES) return { problem: tooBig() };
		const utf16 =
			input.length >= 2 &&
			((input[0] === 0xff && input[1] === 0xfe) || (input[0] === 0xfe && input[1] === 0xff));
		if (utf16) return { problem: { row: null, message: WRONG_ENCODING } };
		try {
			// TextDecoder drops a UTF-8 BOM by itself.
			input = new TextDecoder('utf-8', { fatal: true }).decode(input);
		} catch {
			return { problem: { row: null, message: WRONG_ENCODING } };
		}
	} else if (
		input.length > MAX_IMPORT_BYTES ||
		new TextEncoder().encode(input).length > MAX_IMPORT_BYTES
	) {
		return { problem: tooBig() };
	}
	// U+FFFD means the file was already read with the wrong encoding; NULs mean UTF-16.
	if (input.includes('\uFFFD') || input.includes('\u0000')) {
		return { problem: { row: null, message: WRONG_ENCODING } };
	}
	return { text: input.replace(/^\uFEFF/, '') };
}

function filled(cell: string | undefined): boolean {
	return cell !== undefined && clean(cell) !== '';
}

/**
 * A class list exported from a spreadsheet or the school's MIS. Headings are found in
 * any case and spacing ("First Name", "first_name", "FORENAME"); other columns (date
 * of birth, UPN…) are ignored and never kept. Row numbers are the spreadsheet's, with
 * the heading as row 1, so a teacher can find the row in Excel.
 */
export function parsePupilCsv(input: string | Uint8Array): ImportResult {
	const decoded = decode(input);
	if ('problem' in decoded) return { rows: [], problems: [decoded.problem] };
	const parsed = Papa.parse<string[]>(decoded.text, {
		header: false,
		skipEmptyLines: false,
		delimitersToGuess: [',', ';', '\t']
	});
	const table = parsed.data;
	const headerIndex = table.findIndex((cells) => cells.some(filled));
	if (headerIndex < 0) {
		return { rows: [], problems: [{ row: null, message: 'The file is empty.' }] };
	}
	const columns = findColumns(table[headerIndex]);
	if ('problem' in columns) return { rows: [], problems: [{ row: 1, message: columns.problem }] };

	const dataRows = table
		.map((cells, index) => ({ cells, row: index + 1 }))
		.filter(({ cells, row }) => row > headerIndex + 1 && cells.some(filled));
	if (dataRows.length > MAX_NAMES_PER_IMPORT) {
		return { rows: [], problems: [tooMany(dataRows.length, 'pupils in the file')] };
	}

	const problems: ImportProblem[] = [];
	const quoteRows = new Set(
		parsed.errors.filter((e) => e.type === 'Quotes' && e.row !== undefined).map((e) => e.row! + 1)
	);
	const width = table[headerIndex].length;
	const rows: ImportRow[] = [];
	for (const { cells, row } of dataRows) {
		const fail = (message: string) =>
			problems.push({ row, message: rowMessage('Row', row, message) });
		if (quoteRows.has(row)) {
			fail(
				'A quote mark (") is not closed, so the rest of the file could not be read. Check this row in your spreadsheet.'
			);
			continue;
		}
		if (cells.slice(width).some(filled)) {
			fail('This row has more cells than the heading row. Is there a comma in the name?');
			continue;
		}
		const parts =
			columns.kind === 'name'
				? [{ cell: cells[columns.name] ?? '', empty: 'The name is empty.' }]
				: [
						{ cell: cells[columns.first] ?? '', empty: 'The first name is empty.' },
						{ cell: cells[columns.last] ?? '', empty: 'The last name is empty.' }
					];
		const missing = parts.find((p) => clean(p.cell) === '');
		if (missing) {
			fail(missing.empty);
			continue;
		}
		// Refused before anything else, so a hostile cell never reaches the page as a name.
		const formula = parts.find((p) => FORMULA_START.test(clean(p.cell)));
		if (formula) {
			fail(
				'A name cannot start with =, +, - or @ (this looks like a spreadsheet formula), so this row was not read.'
			);
			continue;
		}
		const result = normaliseName(parts.map((p) => p.cell).join(' '));
		if (result.ok) rows.push({ row, firstName: result.firstName, lastInitial: result.lastInitial });
		else fail(result.message);
	}
	if (rows.length === 0 && problems.length === 0) {
		problems.push({ row: null, message: 'The file has a heading but no pupils.' });
	}
	return { rows, problems };
}

/**
 * The key two names are compared by: "Zoë K." and "zoe k" are the same pupil to a
 * teacher reading a list, so case and accents do not count.
 */
export function nameKey(name: PupilName): string {
	const fold = (value: string) =>
		value.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase('en-GB');
	return `${fold(name.firstName)} ${fold(name.lastInitial)}`;
}
