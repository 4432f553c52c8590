// The first steps of a pupil's sign-in: a class code typed or scanned, then the class's
// list of first names to choose from. Wrong codes from an address slow it down
// (rate-limit.ts), never refuse it; a pupil whose picture sign-in is paused is shown so.
import { getDb, CLASS_CODE_LENGTH, recordAudit } from '../platform';
import { minutesUntil, recordThrottledFailure, slowDown, THROTTLES } from './rate-limit';
import { signInKeys as keys } from './sign-in-pauses';

export interface JoinClass {
	id: number;
	schoolId: number;
	name: string;
	/** The canonical (upper-case) code, for addresses. */
	code: string;
}

/** "ab3 cd4" → "AB3CD4": pupils may type lower case, spaces or a dash as on the board. */
export function normaliseClassCode(input: string): string {
	return input.replace(/[\s-]+/g, '').toUpperCase();
}

/** Codes are stored upper case (random.ts makes them so), which makes the lookup case-insensitive. */
export async function findClassByCode(code: string): Promise<JoinClass | null> {
	const normal = normaliseClassCode(code);
	if (normal.length === 0 || normal.length > 12) return null;
	const row = await getDb()
		.selectFrom('classes as c')
		.innerJoin('schools as s', 's.id', 'c.school_id')
		.select(['c.id', 'c.school_id', 'c.name', 'c.code'])
		.where('c.code', '=', normal)
		.where('c.archived_at', 'is', null)
		.where('s.archived_at', 'is', null)
		.executeTakeFirst();
	return row ? { id: row.id, schoolId: row.school_id, name: row.name, code: row.code } : null;
}

export type CodeLookup = { status: 'found'; class: JoinClass } | { status: 'unknown' };

/**
 * A class code typed or scanned by someone at `ip`. Wrong codes from an address slow every
 * lookup from it, right or wrong alike (so the wait is no oracle), but never refuse one.
 */
export async function lookUpClassCode(input: {
	code: string;
	ip: string | null;
	now?: Date;
}): Promise<CodeLookup> {
	const now = input.now ?? new Date();
	const key = keys.classCode(input.ip);
	await slowDown([[key, THROTTLES.classCode]], now);
	const found = await findClassByCode(input.code);
	if (found) return { status: 'found', class: found };
	// Only something shaped like a code can be a guess; a child's half-typed code is not.
	const normal = normaliseClassCode(input.code);
	if (normal.length === CLASS_CODE_LENGTH && /^[A-Z0-9]+$/.test(normal)) {
		const failures = await recordThrottledFailure(key, THROTTLES.classCode, now);
		if (failures === THROTTLES.classCode.free + 1) {
			await recordAudit({
				actor: { type: 'anonymous' },
				action: 'class_code.address_slowed',
				detail: { failures },
				ip: input.ip
			});
		}
	}
	return { status: 'unknown' };
}

export interface ClassName {
	pupilId: number;
	label: string;
}

/** The class's current pupils by first name; "Amira K." only where two share "Amira". */
export async function listClassNames(classId: number): Promise<ClassName[]> {
	const rows = await getDb()
		.selectFrom('pupils')
		.select(['id', 'first_name', 'last_initial'])
		.where('class_id', '=', classId)
		.where('archived_at', 'is', null)
		.where('records_deleted_at', 'is', null)
		.execute();
	const key = (name: string) => name.trim().toLocaleLowerCase('en-GB');
	const counts = new Map<string, number>();
	for (const row of rows)
		counts.set(key(row.first_name), (counts.get(key(row.first_name)) ?? 0) + 1);
	// Sorted here rather than in SQL so the order is the same on SQLite and PostgreSQL.
	const collator = new Intl.Collator('en-GB', { sensitivity: 'base' });
	return rows
		.sort(
			(a, b) =>
				collator.compare(a.first_name, b.first_name) ||
				collator.compare(a.last_initial, b.last_initial) ||
				a.id - b.id
		)
		.map((row) => ({
			pupilId: row.id,
			label:
				counts.get(key(row.first_name))! > 1
					? `${row.first_name.trim()} ${row.last_initial.trim()}.`
					: row.first_name.trim()
		}));
}

export interface JoinPupil extends ClassName {
	/** Minutes left while the pupil's sign-in is paused, else null. */
	lockedMinutes: number | null;
}

/** A current pupil of the class, as the picture page shows them; null when not in it. */
export async function getJoinPupil(
	classId: number,
	pupilId: number,
	now = new Date()
): Promise<JoinPupil | null> {
	const name = (await listClassNames(classId)).find((n) => n.pupilId === pupilId);
	if (!name) return null;
	const row = await getDb()
		.selectFrom('pupils')
		.select('locked_until')
		.where('id', '=', pupilId)
		.executeTakeFirstOrThrow();
	const until = row.locked_until ? new Date(row.locked_until) : null;
	return { ...name, lockedMinutes: until && until > now ? minutesUntil(until, now) : null };
}
