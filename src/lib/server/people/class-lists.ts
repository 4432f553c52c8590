// Reading classes: one class with its teachers, the lists of classes a member of staff
// works with, and the staff who may teach. Apart from the changes to classes (classes.ts)
// so that the module that writes is small enough to check its rules at a glance.
import { classesListedFor } from '../access';
import { getDb } from '../platform';
import type { StaffPrincipal } from '../auth';
import type { Role } from '../platform';

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
	const listed = classesListedFor(user);
	if (listed === 'school') return summaries(user.schoolId, { includeArchived });
	if (listed === 'none') return [];
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
