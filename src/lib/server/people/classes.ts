// Classes: creating them, their class codes, who teaches them. Who may do this is
// access.ts's question; this module keeps the rules of the data itself.
import type { Kysely, Transaction } from 'kysely';
import { isAcademicYear, auditTarget, getDb, nowIso, makeClassCode, Refused } from '../platform';
import { signOutClass } from '../auth';
import type { StaffPrincipal } from '../auth';
import type { DB, Role } from '../platform';

/** Who did it, for the audit log: the signed-in staff member. */
export type Actor = Pick<StaffPrincipal, 'id' | 'schoolId'>;

export const MAX_CLASS_NAME_LENGTH = 40;
export const YEAR_GROUPS = { min: 1, max: 13 } as const;
const CODE_ATTEMPTS = 20;

export interface ClassSummary {
	id: number;
	name: string;
	yearGroup: number;
	academicYear: string;
	code: string;
	archived: boolean;
	/** Pupils who are not archived. */
	pupilCount: number;
	teachers: string[];
}

export interface ClassDetail {
	id: number;
	schoolId: number;
	name: string;
	yearGroup: number;
	academicYear: string;
	code: string;
	archived: boolean;
	teachers: { id: number; displayName: string }[];
}

export interface SchoolTeacher {
	id: number;
	displayName: string;
	email: string;
	role: Role;
}

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

/** Staff of the school who may teach a class: teachers and leads whose accounts work. */
export async function listTeachersOfSchool(schoolId: number): Promise<SchoolTeacher[]> {
	const rows = await getDb()
		.selectFrom('staff_users')
		.select(['id', 'display_name', 'email', 'role'])
		.where('school_id', '=', schoolId)
		.where('role', 'in', ['teacher', 'lead'])
		.where('disabled_at', 'is', null)
		.orderBy('display_name')
		.execute();
	return rows.map((r) => ({ id: r.id, displayName: r.display_name, email: r.email, role: r.role }));
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

export async function getClass(id: number): Promise<ClassDetail | undefined> {
	const db = getDb();
	const row = await db.selectFrom('classes').selectAll().where('id', '=', id).executeTakeFirst();
	if (!row) return undefined;
	const teachers = await db
		.selectFrom('class_teachers as ct')
		.innerJoin('staff_users as u', 'u.id', 'ct.user_id')
		.select(['u.id', 'u.display_name'])
		.where('ct.class_id', '=', id)
		.orderBy('u.display_name')
		.execute();
	return {
		id: row.id,
		schoolId: row.school_id,
		name: row.name,
		yearGroup: row.year_group,
		academicYear: row.academic_year,
		code: row.code,
		archived: row.archived_at !== null,
		teachers: teachers.map((t) => ({ id: t.id, displayName: t.display_name }))
	};
}

/** The school's classes with pupil counts; only `classIds` when given. */
async function summaries(
	schoolId: number | null,
	options: { classIds?: number[]; includeArchived: boolean }
): Promise<ClassSummary[]> {
	const { classIds, includeArchived } = options;
	if (schoolId === null || classIds?.length === 0) return [];
	const db = getDb();
	let query = db
		.selectFrom('classes as c')
		.leftJoin('pupils as p', (join) =>
			join.onRef('p.class_id', '=', 'c.id').on('p.archived_at', 'is', null)
		)
		.select((eb) => [
			'c.id',
			'c.name',
			'c.year_group',
			'c.academic_year',
			'c.code',
			'c.archived_at',
			eb.fn.count<number>('p.id').as('pupil_count')
		])
		.where('c.school_id', '=', schoolId)
		.groupBy(['c.id', 'c.name', 'c.year_group', 'c.academic_year', 'c.code', 'c.archived_at']);
	if (classIds) query = query.where('c.id', 'in', classIds);
	if (!includeArchived) query = query.where('c.archived_at', 'is', null);
	const rows = await query.execute();
	const ids = rows.map((r) => r.id);
	const teacherRows =
		ids.length === 0
			? []
			: await db
					.selectFrom('class_teachers as ct')
					.innerJoin('staff_users as u', 'u.id', 'ct.user_id')
					.select(['ct.class_id', 'u.display_name'])
					.where('ct.class_id', 'in', ids)
					.execute();
	const byName = (a: string, b: string) => a.localeCompare(b, 'en-GB', { numeric: true });
	return rows
		.map((r): ClassSummary => ({
			id: r.id,
			name: r.name,
			yearGroup: r.year_group,
			academicYear: r.academic_year,
			code: r.code,
			archived: r.archived_at !== null,
			pupilCount: Number(r.pupil_count),
			teachers: teacherRows
				.filter((t) => t.class_id === r.id)
				.map((t) => t.display_name)
				.sort(byName)
		}))
		.sort((a, b) => byName(b.academicYear, a.academicYear) || byName(a.name, b.name));
}

/**
 * The classes a member of staff works with: a teacher's own classes, or every class
 * of a lead's school. A coordinator has none here: they never see pupil lists.
 */
export async function listClassesForStaff(
	user: Pick<StaffPrincipal, 'id' | 'role' | 'schoolId'>,
	options: { includeArchived?: boolean } = {}
): Promise<ClassSummary[]> {
	const includeArchived = options.includeArchived ?? false;
	if (user.role === 'lead') return summaries(user.schoolId, { includeArchived });
	if (user.role !== 'teacher') return [];
	const taught = await getDb()
		.selectFrom('class_teachers')
		.select('class_id')
		.where('user_id', '=', user.id)
		.execute();
	return summaries(user.schoolId, { classIds: taught.map((t) => t.class_id), includeArchived });
}

/** Every current class of a school, e.g. to move a pupil into. */
export async function listClassesOfSchool(schoolId: number): Promise<ClassSummary[]> {
	return summaries(schoolId, { includeArchived: false });
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
