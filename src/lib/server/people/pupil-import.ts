// Adding a class list: a preview that shows which names clash before anything is saved,
// then the whole list in one transaction. Apart from the rest of a class's pupils
// (pupils.ts) because it works on many names at once and explains its clashes.
import { decodePicturePassword } from '../../pictures';
import { Refused, getDb, nowIso } from '../platform';
import { auditClass, classOf, type Actor } from './classes';
import { displayName, MAX_NAMES_PER_IMPORT, nameKey, type PupilName } from './pupil-names';
import { checkName, currentNameKeys, drawPictures, takenPictures, type Trx } from './pupil-rules';

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
