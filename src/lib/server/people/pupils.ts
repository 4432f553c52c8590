// Pupils of a class: reading the list, and changing one pupil: their name, picture
// password, archiving, moving and unlocking, and the class's login cards. Adding a list
// is pupil-import.ts. Names are first name + last initial only (see pupil-names.ts), and
// audit entries name pupils by id only, because the coordinator reads the audit log.
import { decodePicturePassword } from '../../pictures';
import { auditTarget, Refused, getDb, nowIso } from '../platform';
import { issueLoginCardsIn, signOutPupil } from '../auth';
import { auditClass, classOf, type Actor } from './classes';
import { displayName, nameKey, type PupilName } from './pupil-names';
import { checkName, currentNameKeys, drawPictures, takenPictures, type Trx } from './pupil-rules';

export interface PupilRow extends PupilName {
	id: number;
	classId: number;
	/** "Amira K." */
	name: string;
	/** Picture indexes in order, see $lib/pictures. */
	pictures: number[];
	archived: boolean;
	/** ISO time while the pupil is locked out after too many wrong tries, else null. */
	lockedUntil: string | null;
	failedAttempts: number;
}

async function pupilOf(db: Trx, pupilId: number) {
	const pupil = await db
		.selectFrom('pupils as p')
		.innerJoin('classes as c', 'c.id', 'p.class_id')
		.select([
			'p.id',
			'p.class_id',
			'p.first_name',
			'p.last_initial',
			'p.picture_password',
			'p.archived_at',
			'c.school_id'
		])
		.where('p.id', '=', pupilId)
		.executeTakeFirst();
	if (!pupil) throw new Refused('There is no such pupil.');
	return pupil;
}

/** An audit entry about a pupil, by id only (the coordinator reads the log), under their school. */
async function auditPupil(
	db: Trx,
	actor: Actor | undefined,
	action: string,
	pupil: { id: number; school_id: number },
	detail?: Record<string, unknown>
): Promise<void> {
	await auditTarget(db, actor, action, pupil.school_id, 'pupil', pupil.id, detail);
}

function toRow(
	r: {
		id: number;
		class_id: number;
		first_name: string;
		last_initial: string;
		picture_password: string;
		archived_at: string | null;
		locked_until: string | null;
		failed_attempts: number;
	},
	now: Date
): PupilRow {
	const name = { firstName: r.first_name, lastInitial: r.last_initial };
	const locked = r.locked_until !== null && Date.parse(r.locked_until) > now.getTime();
	return {
		id: r.id,
		classId: r.class_id,
		...name,
		name: displayName(name),
		pictures: decodePicturePassword(r.picture_password),
		archived: r.archived_at !== null,
		lockedUntil: locked ? r.locked_until : null,
		failedAttempts: r.failed_attempts
	};
}

const PUPIL_COLUMNS = [
	'id',
	'class_id',
	'first_name',
	'last_initial',
	'picture_password',
	'archived_at',
	'locked_until',
	'failed_attempts'
] as const;

function byName(a: PupilRow, b: PupilRow): number {
	return (
		a.firstName.localeCompare(b.firstName, 'en-GB') ||
		a.lastInitial.localeCompare(b.lastInitial, 'en-GB') ||
		a.id - b.id
	);
}

/** The class's pupils by first name, current ones first; archived ones only when asked. */
export async function listPupils(
	classId: number,
	options: { includeArchived?: boolean; now?: Date } = {}
): Promise<PupilRow[]> {
	let query = getDb()
		.selectFrom('pupils')
		.select(PUPIL_COLUMNS)
		.where('class_id', '=', classId)
		// A former pupil (records deleted at the end of the retention period) has no name to list.
		.where('records_deleted_at', 'is', null);
	if (!options.includeArchived) query = query.where('archived_at', 'is', null);
	const now = options.now ?? new Date();
	const rows = (await query.execute()).map((r) => toRow(r, now));
	return rows.sort((a, b) => Number(a.archived) - Number(b.archived) || byName(a, b));
}

export async function getPupil(pupilId: number, now = new Date()): Promise<PupilRow | undefined> {
	const row = await getDb()
		.selectFrom('pupils')
		.select(PUPIL_COLUMNS)
		.where('id', '=', pupilId)
		.where('records_deleted_at', 'is', null)
		.executeTakeFirst();
	return row && toRow(row, now);
}

export async function countArchivedPupils(classId: number): Promise<number> {
	const row = await getDb()
		.selectFrom('pupils')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('class_id', '=', classId)
		.where('archived_at', 'is not', null)
		.where('records_deleted_at', 'is', null)
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

export async function renamePupil(
	pupilId: number,
	name: PupilName,
	actor?: Actor
): Promise<PupilName> {
	const checked = checkName(name);
	return getDb()
		.transaction()
		.execute(async (trx) => {
			const pupil = await pupilOf(trx, pupilId);
			const others = await currentNameKeys(trx, pupil.class_id, pupilId);
			if (!pupil.archived_at && others.has(nameKey(checked))) {
				throw new Refused(
					`There is already a ${displayName(checked)} in this class. Use a different last initial.`,
					'lastInitial'
				);
			}
			await trx
				.updateTable('pupils')
				.set({ first_name: checked.firstName, last_initial: checked.lastInitial })
				.where('id', '=', pupilId)
				.execute();
			await auditPupil(trx, actor, 'pupil.renamed', pupil);
			return checked;
		});
}

/** Archived pupils cannot sign in and leave the class list; their answers stay for reports. */
export async function archivePupil(pupilId: number, actor?: Actor): Promise<void> {
	await getDb()
		.transaction()
		.execute(async (trx) => {
			const pupil = await pupilOf(trx, pupilId);
			if (pupil.archived_at) return;
			await trx
				.updateTable('pupils')
				.set({ archived_at: nowIso() })
				.where('id', '=', pupilId)
				.execute();
			await auditPupil(trx, actor, 'pupil.archived', pupil);
		});
	await signOutPupil(pupilId);
}

export async function restorePupil(pupilId: number, actor?: Actor): Promise<void> {
	await getDb()
		.transaction()
		.execute(async (trx) => {
			const pupil = await pupilOf(trx, pupilId);
			if (!pupil.archived_at) return;
			const name = { firstName: pupil.first_name, lastInitial: pupil.last_initial };
			if ((await currentNameKeys(trx, pupil.class_id)).has(nameKey(name))) {
				throw new Refused(
					`There is already a ${displayName(name)} in this class. Rename one of them first.`
				);
			}
			await trx
				.updateTable('pupils')
				.set({ archived_at: null })
				.where('id', '=', pupilId)
				.execute();
			await auditPupil(trx, actor, 'pupil.restored', pupil);
		});
}

export interface ClassMoveResult {
	/** True when the pupil's pictures were taken in the new class and had to change. */
	picturesChanged: boolean;
	pictures: number[];
}

/** Moves a pupil to another class of the same school, keeping their pictures if they are free there. */
export async function movePupilToClass(
	pupilId: number,
	toClassId: number,
	actor?: Actor
): Promise<ClassMoveResult> {
	const result = await getDb()
		.transaction()
		.execute(async (trx) => {
			const pupil = await pupilOf(trx, pupilId);
			const target = await classOf(trx, toClassId);
			if (target.school_id !== pupil.school_id) {
				throw new Refused('A pupil can only move to another class of the same school.');
			}
			if (target.id === pupil.class_id) throw new Refused('The pupil is already in that class.');
			if (target.archived_at) throw new Refused('That class is archived.');
			const name = { firstName: pupil.first_name, lastInitial: pupil.last_initial };
			if (!pupil.archived_at && (await currentNameKeys(trx, toClassId)).has(nameKey(name))) {
				throw new Refused(
					`That class already has a ${displayName(name)}. Rename the pupil first, then move them.`
				);
			}
			const taken = await takenPictures(trx, toClassId);
			const picturesChanged = taken.has(pupil.picture_password);
			const picturePassword = picturesChanged ? drawPictures(taken) : pupil.picture_password;
			await trx
				.updateTable('pupils')
				.set({ class_id: toClassId, picture_password: picturePassword })
				.where('id', '=', pupilId)
				.execute();
			await auditPupil(trx, actor, 'pupil.moved', pupil, {
				fromClassId: pupil.class_id,
				toClassId,
				picturesChanged
			});
			return { picturesChanged, pictures: decodePicturePassword(picturePassword) };
		});
	// Signed in to the old class's lessons: sign in again with the new class's code.
	await signOutPupil(pupilId);
	return result;
}

/** New pictures, different from the old ones and from everyone else's in the class. */
export async function regeneratePicturePassword(pupilId: number, actor?: Actor): Promise<number[]> {
	return getDb()
		.transaction()
		.execute(async (trx) => {
			const pupil = await pupilOf(trx, pupilId);
			const password = drawPictures(await takenPictures(trx, pupil.class_id));
			await trx
				.updateTable('pupils')
				.set({ picture_password: password })
				.where('id', '=', pupilId)
				.execute();
			await auditPupil(trx, actor, 'pupil.pictures_changed', pupil);
			return decodePicturePassword(password);
		});
}

/** Lets a pupil who tried the wrong pictures too often try again straight away. */
// Unlocking belongs with the sign-in rules that lock; one function serves both.
export { unlockPupil } from '../auth';

/**
 * New login cards for every current pupil of the class: each pupil's old card stops
 * working. Returns the tokens (pupil id → token) to print; only their hashes are kept.
 */
export async function issueClassLoginCards(
	classId: number,
	actor?: Actor
): Promise<Map<number, string>> {
	// Cards and their audit entry in one transaction: printed cards are always on the record.
	return getDb()
		.transaction()
		.execute(async (trx) => {
			const cls = await classOf(trx, classId);
			if (cls.archived_at) throw new Refused('This class is archived: restore it first.');
			const tokens = await issueLoginCardsIn(trx, classId, new Date());
			await auditClass(trx, actor, 'login_cards.issued', cls, { count: tokens.size });
			return tokens;
		});
}
