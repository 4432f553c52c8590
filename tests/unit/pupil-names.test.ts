import { describe, expect, it } from 'vitest';
import {
	MAX_IMPORT_BYTES,
	nameKey,
	normaliseName,
	parsePastedNames,
	parsePupilCsv,
	WRONG_ENCODING,
	type NameResult
} from '../../src/lib/server/people/pupil-names';

function name(result: NameResult): string {
	if (!result.ok) throw new Error(`expected a name, got: ${result.message}`);
	return `${result.firstName} ${result.lastInitial}.`;
}

function message(result: NameResult): string {
	if (result.ok) throw new Error(`expected a refusal, got ${result.firstName}`);
	return result.message;
}

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('normaliseName', () => {
	it('keeps the first name and the initial of the last name', () => {
		expect(name(normaliseName('Amira Khan'))).toBe('Amira K.');
		expect(name(normaliseName('Amira K'))).toBe('Amira K.');
		expect(name(normaliseName('amira k.'))).toBe('Amira K.');
		expect(name(normaliseName('Amira Jane Khan'))).toBe('Amira K.');
	});

	it('takes the initial from the last word of the name', () => {
		expect(name(normaliseName('Maria de la Cruz'))).toBe('Maria C.');
		expect(name(normaliseName("Liam O'Neil"))).toBe('Liam O.');
		expect(name(normaliseName('Ella McKenzie'))).toBe('Ella M.');
		expect(name(normaliseName('Ava Smith-Jones'))).toBe('Ava S.');
	});

	it('trims, collapses spaces and turns tabs into spaces', () => {
		expect(name(normaliseName('   Leo    \t Smith  '))).toBe('Leo S.');
		expect(name(normaliseName('Leo\u00a0Smith'))).toBe('Leo S.');
	});

	it('capitalises names typed in lower case or capitals, and leaves mixed case alone', () => {
		expect(name(normaliseName('mary-jane smith'))).toBe('Mary-Jane S.');
		expect(name(normaliseName('AMIRA KHAN'))).toBe('Amira K.');
		expect(name(normaliseName("o'neil baker"))).toBe("O'Neil B.");
		expect(name(normaliseName('McKenzie Ross'))).toBe('McKenzie R.');
		expect(name(normaliseName('DeShawn Ellis'))).toBe('DeShawn E.');
		expect(name(normaliseName('AJ Patel'))).toBe('AJ P.');
	});

	it('accepts accents, hyphens, apostrophes and other scripts', () => {
		expect(name(normaliseName('Zoë Ørsted'))).toBe('Zoë Ø.');
		expect(name(normaliseName('Siân ap Rhys'))).toBe('Siân R.');
		expect(name(normaliseName('D’Arcy Lee'))).toBe("D'Arcy L.");
		expect(name(normaliseName('Анна Петрова'))).toBe('Анна П.');
		expect(name(normaliseName('مريم خان'))).toBe('مريم خ.');
		expect(name(normaliseName('ศิริ ทอง'))).toBe('ศิริ ท.');
	});

	it('NFC-normalises, so a decomposed é is stored as one letter', () => {
		const decomposed = normaliseName('Chloe\u0301 Martin');
		expect(decomposed.ok && decomposed.firstName).toBe('Chloé');
		expect(decomposed.ok && decomposed.firstName.length).toBe(5);
	});

	it('turns full-width and other look-alike letters into ordinary ones (NFKC)', () => {
		expect(name(normaliseName('Ａｌｉ Ｋ'))).toBe('Ali K.');
		expect(name(normaliseName('ａｌｉ ｋｈａｎ'))).toBe('Ali K.');
		expect(name(normaliseName('So\ufb01a Khan'))).toBe('Sofia K.');
		const wide = normaliseName('Ａｌｉ Ｋ');
		expect(wide.ok && nameKey(wide)).toBe(nameKey({ firstName: 'Ali', lastInitial: 'K' }));
		expect(message(normaliseName('＝HYPERLINK("x") K'))).toMatch(/spreadsheet formula/);
		expect(message(normaliseName('ａｍｉｒａ＠school.org'))).toMatch(/email address/);
	});

	it('strips invisible characters that would make two names look alike', () => {
		expect(name(normaliseName('Am\u200bira\u200d K\u2066han\u2069'))).toBe('Amira K.');
		expect(name(normaliseName('\ufeffLeo\u0007 Smith'))).toBe('Leo S.');
		expect(name(normaliseName('Ra\u00adchel Green'))).toBe('Rachel G.');
	});

	it('refuses what is not a name, saying what to change', () => {
		expect(message(normaliseName('   '))).toBe('The name is empty.');
		expect(message(normaliseName('Amira2 Khan'))).toMatch(/cannot contain numbers/);
		expect(message(normaliseName('amira@school.org'))).toMatch(/email address/);
		expect(message(normaliseName('www.example.com'))).toMatch(/web address/);
		expect(message(normaliseName('https://evil.test/x Y'))).toMatch(/web address/);
		expect(message(normaliseName('Amira'))).toBe(
			'Add the first letter of Amira\'s last name, for example "Amira K.".'
		);
		expect(message(normaliseName('Amira Khan, Leo Smith'))).toMatch(/line of their own/);
		expect(message(normaliseName('Amira <b>Khan</b>'))).toMatch(/letters only/);
		expect(message(normaliseName('=HYPERLINK("http://x") K'))).toMatch(/spreadsheet formula/);
		expect(message(normaliseName('-Amira K'))).toMatch(/spreadsheet formula/);
	});

	it('refuses a first name over 30 letters and a line over 60', () => {
		expect(name(normaliseName(`${'A'.repeat(30)} K`))).toBe(`A${'a'.repeat(29)} K.`);
		expect(message(normaliseName(`${'a'.repeat(31)} K`))).toMatch(/too long \(30/);
		expect(message(normaliseName(`Amira ${'b'.repeat(60)}`))).toMatch(/too long for one name/);
	});
});

describe('nameKey', () => {
	it('treats names differing only in case or accents as the same', () => {
		expect(nameKey({ firstName: 'Zoë', lastInitial: 'K' })).toBe(
			nameKey({ firstName: 'zoe', lastInitial: 'k' })
		);
		expect(nameKey({ firstName: 'Zoe', lastInitial: 'K' })).not.toBe(
			nameKey({ firstName: 'Zoe', lastInitial: 'H' })
		);
	});
});

describe('parsePastedNames', () => {
	it('reads one name a line and skips blank lines', () => {
		const result = parsePastedNames('Amira Khan\n\n  \r\nLeo Smith\r\nmia t.\n');
		expect(result.problems).toEqual([]);
		expect(result.rows).toEqual([
			{ row: 1, firstName: 'Amira', lastInitial: 'K' },
			{ row: 4, firstName: 'Leo', lastInitial: 'S' },
			{ row: 5, firstName: 'Mia', lastInitial: 'T' }
		]);
	});

	it('reads two columns copied from a spreadsheet (separated by a tab)', () => {
		expect(parsePastedNames('Amira\tKhan').rows).toEqual([
			{ row: 1, firstName: 'Amira', lastInitial: 'K' }
		]);
	});

	it('gives each bad line a message with its line number', () => {
		const result = parsePastedNames('Amira Khan\nLeo\nMia 3');
		expect(result.rows).toHaveLength(1);
		expect(result.problems).toEqual([
			{
				row: 2,
				message: 'Line 2: add the first letter of Leo\'s last name, for example "Leo K.".'
			},
			{ row: 3, message: 'Line 3: a name cannot contain numbers: "Mia 3".' }
		]);
	});

	it('says so when there is nothing to add', () => {
		expect(parsePastedNames(' \n\n').problems).toEqual([
			{ row: null, message: 'There are no names here yet: paste one name a line.' }
		]);
	});

	it('takes 200 names and refuses 201', () => {
		const names = (n: number) =>
			Array.from({ length: n }, (_, i) => `Pupil ${String.fromCharCode(65 + (i % 26))}`);
		expect(parsePastedNames(names(200).join('\n')).rows).toHaveLength(200);
		const refused = parsePastedNames(names(201).join('\n'));
		expect(refused.rows).toEqual([]);
		expect(refused.problems[0].message).toMatch(/201 names.*up to 200/);
	});
});

describe('parsePupilCsv', () => {
	it('reads a file with a name column', () => {
		const result = parsePupilCsv('name\nAmira Khan\nLeo Smith\n');
		expect(result).toEqual({
			rows: [
				{ row: 2, firstName: 'Amira', lastInitial: 'K' },
				{ row: 3, firstName: 'Leo', lastInitial: 'S' }
			],
			problems: []
		});
	});

	it('reads first_name and last_name columns, in any case and spacing, ignoring other columns', () => {
		const csv =
			'UPN,First Name,LAST_NAME,Date of birth\nA123,Amira,Khan,2015-01-01\nB456,maria,de la Cruz,2015-02-02\n';
		expect(parsePupilCsv(csv).rows).toEqual([
			{ row: 2, firstName: 'Amira', lastInitial: 'K' },
			{ row: 3, firstName: 'Maria', lastInitial: 'C' }
		]);
		expect(parsePupilCsv('Forename,Surname\nLeo,Smith').rows).toEqual([
			{ row: 2, firstName: 'Leo', lastInitial: 'S' }
		]);
	});

	it('reads semicolon-separated files, as Excel saves them in some countries', () => {
		expect(parsePupilCsv('first_name;last_name\nAmira;Khan\nZoë;Ørsted').rows).toEqual([
			{ row: 2, firstName: 'Amira', lastInitial: 'K' },
			{ row: 3, firstName: 'Zoë', lastInitial: 'Ø' }
		]);
	});

	it('reads quoted cells with commas in them', () => {
		const result = parsePupilCsv('name,class\n"Amira Khan","6, Willow"\n"Leo ""Lion"" Smith",6W');
		expect(result.rows).toEqual([{ row: 2, firstName: 'Amira', lastInitial: 'K' }]);
		expect(result.problems).toEqual([
			{
				row: 3,
				message: 'Row 3: use letters only — hyphens and apostrophes are fine: "Leo "Lion" Smith".'
			}
		]);
	});

	it('accepts a UTF-8 byte order mark, as text or as bytes', () => {
		const csv = '\ufeffName\nAmira Khan\n';
		expect(parsePupilCsv(csv).rows).toEqual([{ row: 2, firstName: 'Amira', lastInitial: 'K' }]);
		expect(parsePupilCsv(utf8(csv)).rows).toEqual([
			{ row: 2, firstName: 'Amira', lastInitial: 'K' }
		]);
	});

	it('numbers rows as a spreadsheet does, skipping blank rows', () => {
		const result = parsePupilCsv('name\nAmira Khan\n\n,\nLeo\nMia Jones\n');
		expect(result.rows.map((r) => r.row)).toEqual([2, 6]);
		expect(result.problems).toEqual([
			{ row: 5, message: 'Row 5: add the first letter of Leo\'s last name, for example "Leo K.".' }
		]);
	});

	it('gives each bad row its own message', () => {
		const csv = [
			'first_name,last_name',
			'Amira,Khan',
			',Smith',
			'Leo,',
			'Mia2,Jones',
			'Ella,McKenzie,extra',
			'Sam,"Brown',
			''
		].join('\n');
		const result = parsePupilCsv(csv);
		expect(result.rows).toEqual([{ row: 2, firstName: 'Amira', lastInitial: 'K' }]);
		expect(result.problems.map((p) => p.message)).toEqual([
			'Row 3: the first name is empty.',
			'Row 4: the last name is empty.',
			'Row 5: a name cannot contain numbers: "Mia2 Jones".',
			'Row 6: this row has more cells than the heading row. Is there a comma in the name?',
			'Row 7: a quote mark (") is not closed, so the rest of the file could not be read. Check this row in your spreadsheet.'
		]);
	});

	it('says "Row 7: the name is empty" for an empty name', () => {
		const csv = 'name,note\nA Bee\nC Dee\nE Eff\nG Hay\nI Jay\n,absent\n';
		expect(parsePupilCsv(csv).problems).toEqual([{ row: 7, message: 'Row 7: the name is empty.' }]);
	});

	it('refuses a file without a heading it knows', () => {
		expect(parsePupilCsv('Amira Khan\nLeo Smith').problems).toEqual([
			{
				row: 1,
				message:
					'The first row must be a heading: either "name", or "first_name" and "last_name". Add the heading and try again.'
			}
		]);
		expect(parsePupilCsv('first_name\nAmira').problems[0].message).toMatch(/no last_name column/);
		expect(parsePupilCsv('').problems).toEqual([{ row: null, message: 'The file is empty.' }]);
		expect(parsePupilCsv('name\n\n').problems).toEqual([
			{ row: null, message: 'The file has a heading but no pupils.' }
		]);
	});

	describe('hostile files', () => {
		it('refuses formula cells as names, in any column', () => {
			const csv = [
				'first_name,last_name',
				'"=HYPERLINK(""http://evil.test"",""Click"")",Khan',
				'Leo,+SUM(A1:A2)',
				'-2+3,Smith',
				'@cmd,Jones',
				'Mia,Taylor'
			].join('\n');
			const result = parsePupilCsv(csv);
			expect(result.rows).toEqual([{ row: 6, firstName: 'Mia', lastInitial: 'T' }]);
			expect(result.problems.map((p) => p.row)).toEqual([2, 3, 4, 5]);
			for (const problem of result.problems) expect(problem.message).toMatch(/spreadsheet formula/);
			expect(JSON.stringify(result.problems)).not.toContain('HYPERLINK');
		});

		it('refuses a formula even behind spaces or a tab', () => {
			const result = parsePupilCsv('name\n"  =1+1 K"\n"\t=cmd K"');
			expect(result.rows).toEqual([]);
			expect(result.problems).toHaveLength(2);
		});

		it('refuses a 10 MB file without reading it', () => {
			const big = 'name\n' + 'Amira Khan\n'.repeat(1_000_000);
			const started = performance.now();
			const asText = parsePupilCsv(big);
			const asBytes = parsePupilCsv(new Uint8Array(10 * 1024 * 1024));
			expect(performance.now() - started).toBeLessThan(500);
			for (const result of [asText, asBytes]) {
				expect(result.rows).toEqual([]);
				expect(result.problems).toEqual([
					{
						row: null,
						message:
							'This is too big to be a class list (100 KB at most). Check it is the right file.'
					}
				]);
			}
		});

		it('takes a file of exactly 100 KB and refuses one byte more', () => {
			const header = 'name,note\nAmira Khan,';
			const exact = header + 'x'.repeat(MAX_IMPORT_BYTES - header.length);
			expect(parsePupilCsv(utf8(exact)).rows).toHaveLength(1);
			expect(parsePupilCsv(utf8(exact + 'x')).rows).toHaveLength(0);
		});

		it('refuses 201 rows and takes 200', () => {
			const rows = (n: number) =>
				'name\n' +
				Array.from({ length: n }, (_, i) => `Pupil ${String.fromCharCode(65 + (i % 26))}`).join(
					'\n'
				);
			expect(parsePupilCsv(rows(200)).rows).toHaveLength(200);
			const refused = parsePupilCsv(rows(201));
			expect(refused.rows).toEqual([]);
			expect(refused.problems).toEqual([
				{
					row: null,
					message:
						'There are 201 pupils in the file, but you can add up to 200 at a time. Split the list and add it in parts.'
				}
			]);
		});

		it('refuses a file in the wrong encoding: Windows-1252 bytes', () => {
			// "Zoë" saved as Windows-1252: 0xEB is not valid UTF-8 on its own.
			const bytes = new Uint8Array([...utf8('name\nZo'), 0xeb, ...utf8(' Khan\n')]);
			expect(parsePupilCsv(bytes).problems).toEqual([{ row: null, message: WRONG_ENCODING }]);
			expect(WRONG_ENCODING).toContain('Save the file as CSV UTF-8 and try again');
		});

		it('refuses text that was already decoded wrongly (replacement characters)', () => {
			expect(parsePupilCsv('name\nZo\ufffd Khan').problems).toEqual([
				{ row: null, message: WRONG_ENCODING }
			]);
		});

		it('refuses UTF-16 files, with either byte order', () => {
			const text = 'name\nAmira Khan\n';
			const le = new Uint8Array(2 + text.length * 2);
			le.set([0xff, 0xfe]);
			for (let i = 0; i < text.length; i++) le[2 + i * 2] = text.charCodeAt(i);
			const be = new Uint8Array(le.length);
			be.set([0xfe, 0xff]);
			for (let i = 0; i < text.length; i++) be[3 + i * 2] = text.charCodeAt(i);
			expect(parsePupilCsv(le).problems).toEqual([{ row: null, message: WRONG_ENCODING }]);
			expect(parsePupilCsv(be).problems).toEqual([{ row: null, message: WRONG_ENCODING }]);
			// Without a byte order mark, UTF-16 is full of NUL bytes.
			expect(parsePupilCsv(le.slice(2)).problems).toEqual([{ row: null, message: WRONG_ENCODING }]);
		});

		it('does not read script or markup as a name', () => {
			const result = parsePupilCsv(
				'name\n<script>alert(1)</script> X\n"<img src=x onerror=alert(1)>"'
			);
			expect(result.rows).toEqual([]);
			expect(result.problems).toHaveLength(2);
		});
	});
});
