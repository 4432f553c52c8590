// Changing classes: creating them, their names and class codes, who teaches them,
// archiving. Reading them is class-lists.ts. Who may do this is access.ts's question;
// this module keeps the rules of the data itself.
import type { Kysely, Transaction } from 'kysely';
import { isAcademicYear, auditTarget, getDb, nowIso, makeClassCode, Refused } from '../platform';
import { signOutClass } from '../auth';
import type { StaffPrincipal } from '../auth';
import type { DB } from '../platform';
import { getClass, type ClassDetail } from './class-lists';

/** Who did it, for the audit log: the signed-in staff member. */
export type Actor = Pick<StaffPrincipal, 'id' | 'schoolId'>;

export const MAX_CLASS_NAME_LENGTH = 40;
export const YEAR_GROUPS = { min: 1, max: 13 } as const;
const CODE_ATTEMPTS = 20;

type Db = Kysely<DB> | Transaction<DB>;

/** The class's own row, for a change to it (here or in pupils.ts); Refused when there is none. */
export async function classOf(db: Db, classId: number) {
	const cls = await db
		.selectFrom('classes')
		.select(['id', 'school_id', 'name', 'code', 'academic_year', 'archived_at'])
		.where('id', '=', classId)
		.executeTakeFirst();
	if (!cls) throw new Refused('There is no such class.');
	return cls;
}

/** An audit entry about a class, filed under the class's school. */
export async function auditClass(
	db: Db,
	actor: Actor | undefined,
	action: string,
	cls: { id: number; school_id: number },
	detail?: Record<string, unknown>
): Promise<void> {
	await auditTarget(db, actor, action, cls.school_id, 'class', cls.id, detail);
}

/** Trims and checks a class name; returns it or throws Refused. */
export function cleanClassName(raw: string): string {
	// NFKC, as for pupils' names: a full-width "Ｗｉｌｌｏｗ" or "６Ｂ" becomes the plain
	// letters it looks like, so it cannot pass as a second class beside "Willow" or "6B".
	const name = raw
		.normalize('NFKC')
		.replace(/\p{Cf}|\p{Cc}/gu, '')
		.replace(/\s+/g, ' ')
		.trim();
	if (name === '')
		throw new Refused('Give the class a name, for example "Willow" or "6B".', 'name');
	if ([...name].length > MAX_CLASS_NAME_LENGTH) {
		throw new Refused(`A class name can be at most ${MAX_CLASS_NAME_LENGTH} characters.`, 'name');
	}
	return name;
}

async function nameTaken(
	db: Db,
	schoolId: number,
	name: string,
	academicYear: string,
	exceptId?: number
): Promise<boolean> {
	let query = db
		.selectFrom('classes')
		.select(['id', 'name'])
		.where('school_id', '=', schoolId)
		.where('academic_year', '=', academicYear);
	if (exceptId !== undefined) query = query.where('id', '<>', exceptId);
	const rows = await query.execute();
	// A name stored before names were NFKC-normalised is compared as it would be now.
	const key = (value: string) => value.normalize('NFKC').toLocaleLowerCase('en-GB');
	return rows.some((r) => key(r.name) === key(name));
}

/** A class code that no class in the borough has; drawn again on the rare collision. */
async function freshCode(db: Db, makeCode: () => string): Promise<string> {
	for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
		const code = makeCode();
		const clash = await db
			.selectFrom('classes')
			.select('id')
			.where('code', '=', code)
			.executeTakeFirst();
		if (!clash) return code;
	}
	throw new Error(`No free class code after ${CODE_ATTEMPTS} attempts.`);
}

async function checkTeachers(db: Db, schoolId: number, teacherIds: number[]): Promise<number[]> {
	const ids = [...new Set(teacherIds)];
	if (ids.length === 0) return ids;
	const found = await db
		.selectFrom('staff_users')
		.select('id')
		.where('id', 'in', ids)
		.where('school_id', '=', schoolId)
		.where('role', 'in', ['teacher', 'lead'])
		.where('disabled_at', 'is', null)
		.execute();
	if (found.length !== ids.length) {
		throw new Refused('Choose teachers from your own school.', 'teacherIds');
	}
	return ids;
}

async function addTeachers(db: Db, classId: number, teacherIds: number[]): Promise<void> {
	if (teacherIds.length === 0) return;
	await db
		.insertInto('class_teachers')
		.values(teacherIds.map((userId) => ({ class_id: classId, user_id: userId })))
		.execute();
}

export interface NewClassInput {
	schoolId: number;
	name: string;
	yearGroup: number;
	academicYear: string;
	teacherIds: number[];
}

export async function createClass(
	input: NewClassInput,
	actor?: Actor,
	options: { makeCode?: () => string } = {}
): Promise<ClassDetail> {
	const name = cleanClassName(input.name);
	if (
		!Number.isInteger(input.yearGroup) ||
		input.yearGroup < YEAR_GROUPS.min ||
		input.yearGroup > YEAR_GROUPS.max
	) {
		throw new Refused(
			`The year group is a number from ${YEAR_GROUPS.min} to ${YEAR_GROUPS.max}.`,
			'yearGroup'
		);
	}
	if (!isAcademicYear(input.academicYear)) {
		throw new Refused('The academic year looks like "2026/27".', 'academicYear');
	}
	const makeCode = options.makeCode ?? (() => makeClassCode());
	const id = await getDb()
		.transaction()
		.execute(async (trx) => {
			if (await nameTaken(trx, input.schoolId, name, input.academicYear)) {
				throw new Refused(
					`Your school already has a class called "${name}" in ${input.academicYear}. Choose another name.`,
					'name'
				);
			}
			const teacherIds = await checkTeachers(trx, input.schoolId, input.teacherIds);
			const { id } = await trx
				.insertInto('classes')
				.values({
					school_id: input.schoolId,
					name,
					year_group: input.yearGroup,
					academic_year: input.academicYear,
					code: await freshCode(trx, makeCode),
					created_at: nowIso()
				})
				.returning('id')
				.executeTakeFirstOrThrow();
			await addTeachers(trx, id, teacherIds);
			await auditClass(
				trx,
				actor,
				'class.created',
				{ id, school_id: input.schoolId },
				{ name, academicYear: input.academicYear, teacherIds }
			);
			return id;
		});
	return (await getClass(id))!;
}

export async function renameClass(classId: number, rawName: string, actor?: Actor): Promise<void> {
	const name = cleanClassName(rawName);
	await getDb()
		.transaction()
		.execute(async (trx) => {
			const cls = await classOf(trx, classId);
			if (await nameTaken(trx, cls.school_id, name, cls.academic_year, classId)) {
				throw new Refused(
					`Your school already has a class called "${name}" in ${cls.academic_year}. Choose another name.`,
					'name'
				);
			}
			await trx.updateTable('classes').set({ name }).where('id', '=', classId).execute();
			await auditClass(trx, actor, 'class.renamed', cls, { from: cls.name, to: name });
		});
}

/** A new class code, e.g. when the old one was shared too widely. The old code stops working. */
export async function regenerateClassCode(
	classId: number,
	actor?: Actor,
	options: { makeCode?: () => string } = {}
): Promise<string> {
	const makeCode = options.makeCode ?? (() => makeClassCode());
	return getDb()
		.transaction()
		.execute(async (trx) => {
			const cls = await classOf(trx, classId);
			// freshCode never returns the current code: this class already holds it.
			const code = await freshCode(trx, makeCode);
			await trx.updateTable('classes').set({ code }).where('id', '=', classId).execute();
			await auditClass(trx, actor, 'class.code_regenerated', cls);
			return code;
		});
}

/** Archives a class at the end of the year: it leaves the lists and its pupils are signed out. */
export async function archiveClass(classId: number, actor?: Actor): Promise<void> {
	await setArchived(classId, true, actor);
	await signOutClass(classId);
}

export async function restoreClass(classId: number, actor?: Actor): Promise<void> {
	await setArchived(classId, false, actor);
}

async function setArchived(classId: number, archived: boolean, actor?: Actor): Promise<void> {
	await getDb()
		.transaction()
		.execute(async (trx) => {
			const cls = await classOf(trx, classId);
			await trx
				.updateTable('classes')
				.set({ archived_at: archived ? nowIso() : null })
				.where('id', '=', classId)
				.execute();
			await auditClass(trx, actor, archived ? 'class.archived' : 'class.restored', cls);
		});
}

/** Replaces the class's teachers with these staff of its school. */
export async function setClassTeachers(
	classId: number,
	teacherIds: number[],
	actor?: Actor
): Promise<void> {
	await getDb()
		.transaction()
		.execute(async (trx) => {
			const cls = await classOf(trx, classId);
			const ids = await checkTeachers(trx, cls.school_id, teacherIds);
			await trx.deleteFrom('class_teachers').where('class_id', '=', classId).execute();
			await addTeachers(trx, classId, ids);
			await auditClass(trx, actor, 'class.teachers_set', cls, { teacherIds: ids });
		});
}

/** The teacher's "sign the class out", recorded. Returns how many sign-ins ended. */
export async function signClassOut(classId: number, actor?: Actor): Promise<number> {
	const db = getDb();
	const cls = await classOf(db, classId);
	const ended = await signOutClass(classId);
	await auditClass(db, actor, 'class.signed_out', cls, { sessions: ended });
	return ended;
}
