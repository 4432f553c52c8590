// The two rules every change to a class's pupils keeps, whether a list is added
// (pupil-import.ts) or one pupil is renamed, restored or moved (pupils.ts): current pupils'
// names are unique in the class, and picture passwords unique among all its pupils.
import type { Transaction } from 'kysely';
import { encodePicturePassword, PICTURES } from '../../pictures';
import { Refused, makePicturePassword } from '../platform';
import type { DB } from '../platform';
import { nameKey, normaliseName, type PupilName } from './pupil-names';

/** Every ordered choice of 3 different pictures out of 12. */
const PICTURE_PASSWORDS = PICTURES.length * (PICTURES.length - 1) * (PICTURES.length - 2);

export type Trx = Transaction<DB>;

/** The same rules whichever way a name arrives: a normalised name comes out unchanged. */
export function checkName(name: PupilName): PupilName {
	const result = normaliseName(`${name.firstName} ${name.lastInitial}`);
	if (!result.ok) throw new Refused(result.message, 'firstName');
	return { firstName: result.firstName, lastInitial: result.lastInitial };
}

/** The name keys of the class's current pupils (all but one, when given). */
export async function currentNameKeys(
	db: Trx,
	classId: number,
	exceptPupilId?: number
): Promise<Set<string>> {
	let query = db
		.selectFrom('pupils')
		.select(['first_name', 'last_initial'])
		.where('class_id', '=', classId)
		.where('archived_at', 'is', null);
	if (exceptPupilId !== undefined) query = query.where('id', '<>', exceptPupilId);
	const rows = await query.execute();
	return new Set(
		rows.map((r) => nameKey({ firstName: r.first_name, lastInitial: r.last_initial }))
	);
}

/** Picture passwords are unique among all of a class's pupils, archived ones too (a database rule). */
export async function takenPictures(db: Trx, classId: number): Promise<Set<string>> {
	const rows = await db
		.selectFrom('pupils')
		.select('picture_password')
		.where('class_id', '=', classId)
		.execute();
	return new Set(rows.map((r) => r.picture_password));
}

/** A fresh picture password for the class, added to `taken`; Refused when none is left. */
export function drawPictures(taken: Set<string>): string {
	if (taken.size >= PICTURE_PASSWORDS) {
		throw new Refused(
			'This class has run out of picture passwords. Archive it and start a new class.'
		);
	}
	const password = encodePicturePassword(makePicturePassword(taken));
	taken.add(password);
	return password;
}
