// Pupils of a class: adding a class list, names, picture passwords, archiving, moving
// and unlocking. Names are first name + last initial only (see pupil-names.ts), and
// audit entries name pupils by id only, because the coordinator reads the audit log.
import type { Transaction } from 'kysely';
import { decodePicturePassword, encodePicturePassword, PICTURES } from '../../pictures';
import { auditTarget, Refused, getDb, nowIso, makePicturePassword } from '../platform';
import { issueLoginCardsIn, signOutPupil } from '../auth';
import { auditClass, classOf, type Actor } from './classes';
import type { DB } from '../platform';
import {
	displayName,
	MAX_NAMES_PER_IMPORT,
	nameKey,
	normaliseName,
	type PupilName
} from './pupil-names';

/** Every ordered choice of 3 different pictures out of 12. */
const PICTURE_PASSWORDS = PICTURES.length * (PICTURES.length - 1) * (PICTURES.length - 2);

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

export type Clash = 'class' | 'list' | null;

export interface PreviewRow extends PupilName {
	/** 'class': a current pupil of the class has this name; 'list': so does another row. */
	clash: Clash;
}

export interface ImportPreview {
	rows: PreviewRow[];
	clean: boolean;
}

export interface AddedPupil extends PupilName {
	id: number;
	pictures: number[];
}

type Trx = Transaction<DB>;

/** The same rules whichever way a name arrives: a normalised name comes out unchanged. */
function checkName(name: PupilName): PupilName {
	const result = normaliseName(`${name.firstName} ${name.lastInitial}`);
	if (!result.ok) throw new Refused(result.message, 'firstName');
	return { firstName: result.firstName, lastInitial: result.lastInitial };
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

async function currentNameKeys(
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
async function takenPictures(db: Trx, classId: number): Promise<Set<string>> {
	const rows = await db
		.selectFrom('pupils')
		.select('picture_password')
		.where('class_id', '=', classId)
		.execute();
	return new Set(rows.map((r) => r.picture_password));
}

function drawPictures(taken: Set<string>): string {
	if (taken.size >= PICTURE_PASSWORDS) {
		throw new Refused(
			'This class has run out of picture passwords. Archive it and start a new class.'
		);
	}
	const password = encodePicturePassword(makePicturePassword(taken));
	taken.add(password);
	return password;
}

function clashes(names: PupilName[], existing: Set<string>): PreviewRow[] {
	const counts = new Map<string, number>();
	for (const name of names) counts.set(nameKey(name), (counts.get(nameKey(name)) ?? 0) + 1);
	return names.map((name) => {
		const key = nameKey(name);
		const clash: Clash = existing.has(key) ? 'class' : counts.get(key)! > 1 ? 'list' : null;
		return { firstName: name.firstName, lastInitial: name.lastInitial, clash };
	});
}

function describeClashes(rows: PreviewRow[]): string {
	const names = [...new Set(rows.filter((r) => r.clash).map((r) => displayName(r)))];
	return `Two pupils in a class cannot have the same name (${names.join(', ')}). Change a last initial, or leave a name out.`;
}

async function preview(db: Trx, classId: number, names: PupilName[]): Promise<ImportPreview> {
	const rows = clashes(names, await currentNameKeys(db, classId));
	return { rows, clean: rows.every((r) => r.clash === null) };
}

/**
 * Which of these names would repeat a current pupil of the class, or each other,
 * so the teacher can resolve them before anything is saved. Reads only.
 */
export async function previewPupilImport(
	classId: number,
	names: PupilName[]
): Promise<ImportPreview> {
	return getDb()
		.transaction()
		.execute((trx) => preview(trx, classId, names));
}

/** Adds a clean list in one go, each pupil with their own pictures; nothing if any name clashes. */
export async function addPupils(
	classId: number,
	names: PupilName[],
	actor?: Actor
): Promise<AddedPupil[]> {
	if (names.length === 0) throw new Refused('There are no names to add.');
	if (names.length > MAX_NAMES_PER_IMPORT) {
		throw new Refused(`Add up to ${MAX_NAMES_PER_IMPORT} pupils at a time.`);
	}
	const checked = names.map(checkName);
	return getDb()
		.transaction()
		.execute(async (trx) => {
			const cls = await classOf(trx, classId);
			if (cls.archived_at) throw new Refused('This class is archived: restore it first.');
			// Checked again inside the transaction: the list may have changed since the preview.
			const result = await preview(trx, classId, checked);
			if (!result.clean) throw new Refused(describeClashes(result.rows));
			const taken = await takenPictures(trx, classId);
			const createdAt = nowIso();
			const added: AddedPupil[] = [];
			for (const name of checked) {
				const picturePassword = drawPictures(taken);
				const { id } = await trx
					.insertInto('pupils')
					.values({
						class_id: classId,
						first_name: name.firstName,
						last_initial: name.lastInitial,
						picture_password: picturePassword,
						created_at: createdAt
					})
					.returning('id')
					.executeTakeFirstOrThrow();
				added.push({ id, ...name, pictures: decodePicturePassword(picturePassword) });
			}
			await auditClass(trx, actor, 'pupils.added', cls, { count: added.length });
			return added;
		});
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
