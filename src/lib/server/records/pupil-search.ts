// Finding a pupil of the school for a family's request (subject access or erasure): by the
// name the lead typed, from every class the school has had, archived ones too. Apart from
// subject-access.ts because the search page uses it before any record is gathered.
import { getDb } from '../platform';
import { displayName } from '../people';

export const MAX_SEARCH_RESULTS = 50;

export interface PupilMatch {
	id: number;
	name: string;
	className: string;
	academicYear: string;
	/** The pupil's class was archived (a closed year) or the pupil was. */
	archived: boolean;
}

const fold = (text: string) =>
	text.normalize('NFKC').toLocaleLowerCase('en-GB').replace(/\s+/g, ' ').trim();

/**
 * The school's pupils whose name matches what the lead typed ("amira", "Amira K", "ami"),
 * from every class the school has had, archived ones too: a parent may ask about last
 * year. The first word matches the start of the first name; a second, the initial.
 */
export async function findPupilsOfSchool(schoolId: number, query: string): Promise<PupilMatch[]> {
	const words = fold(query).replace(/\./g, '').split(' ').filter(Boolean);
	if (words.length === 0) return [];
	const rows = await getDb()
		.selectFrom('pupils as p')
		.innerJoin('classes as c', 'c.id', 'p.class_id')
		.select([
			'p.id',
			'p.first_name',
			'p.last_initial',
			'p.archived_at',
			'c.name as class_name',
			'c.academic_year',
			'c.archived_at as class_archived_at'
		])
		.where('c.school_id', '=', schoolId)
		.where('p.records_deleted_at', 'is', null)
		.execute();
	// Matched here rather than in SQL so that Unicode case folding is the same everywhere.
	const [first, initial] = words;
	const byName = new Intl.Collator('en-GB', { sensitivity: 'base', numeric: true });
	return rows
		.filter(
			(r) =>
				fold(r.first_name).startsWith(first) &&
				(initial === undefined || fold(r.last_initial).startsWith(initial.slice(0, 1)))
		)
		.sort(
			(a, b) =>
				byName.compare(b.academic_year, a.academic_year) ||
				byName.compare(a.first_name, b.first_name) ||
				byName.compare(a.last_initial, b.last_initial) ||
				a.id - b.id
		)
		.slice(0, MAX_SEARCH_RESULTS)
		.map((r) => ({
			id: r.id,
			name: displayName({ firstName: r.first_name, lastInitial: r.last_initial }),
			className: r.class_name,
			academicYear: r.academic_year,
			archived: r.archived_at !== null || r.class_archived_at !== null
		}));
}
