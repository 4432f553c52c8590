// The turn of the school year. Closing an academic year archives its classes, so their
// class codes and login cards stop working, signs their pupils out and ends their open
// lessons, while the year's figures stay in every report (reports/facts.ts counts archived
// classes in their own year). From 1 September a school still running last year's classes
// is reminded on its pages. Who may close which year is access.ts's question.
import {
	academicYearOf,
	isAcademicYear,
	recordAudit,
	staffActor,
	Refused,
	getDb,
	publish
} from '../platform';
import { signOutClass, type StaffPrincipal } from '../auth';
import { canCloseAcademicYear, isCoordinator } from '../access';
import { getClassSession, liveState } from '../teaching';
import { getLesson } from '../lessons';

export interface OpenClass {
	id: number;
	name: string;
	/** Pupils who are not archived. */
	pupils: number;
}

export interface SchoolOfYear {
	schoolId: number;
	schoolName: string;
	classes: OpenClass[];
}

export interface YearToClose {
	academicYear: string;
	/** Before this one: a year whose classes should have been closed already. */
	past: boolean;
	schools: SchoolOfYear[];
	classCount: number;
	pupilCount: number;
}

/** Which classes: one school's, or the whole borough's (schools that are not archived). */
export type YearScope = { schoolId: number } | { borough: true };

const byName = (a: string, b: string) => a.localeCompare(b, 'en-GB', { numeric: true });

/**
 * The years that can be closed now, newest first: every year up to this one with classes
 * still open. A year that has not begun (classes set up in the summer for September) is
 * never offered, so closing "last year" cannot take next year's classes with it.
 */
export async function yearsToClose(scope: YearScope, now = new Date()): Promise<YearToClose[]> {
	const current = academicYearOf(now);
	let query = getDb()
		.selectFrom('classes as c')
		.innerJoin('schools as s', 's.id', 'c.school_id')
		.leftJoin('pupils as p', (join) =>
			join
				.onRef('p.class_id', '=', 'c.id')
				.on('p.archived_at', 'is', null)
				.on('p.records_deleted_at', 'is', null)
		)
		.select((eb) => [
			'c.id',
			'c.name',
			'c.academic_year',
			'c.school_id',
			's.name as school_name',
			eb.fn.count<number>('p.id').as('pupils')
		])
		.where('c.archived_at', 'is', null)
		.where('s.archived_at', 'is', null)
		// 'YYYY/YY' sorts as text in the order of the years it names.
		.where('c.academic_year', '<=', current)
		.groupBy(['c.id', 'c.name', 'c.academic_year', 'c.school_id', 's.name']);
	if ('schoolId' in scope) query = query.where('c.school_id', '=', scope.schoolId);
	const rows = await query.execute();
	const years = new Map<string, Map<number, SchoolOfYear>>();
	for (const row of rows) {
		let schools = years.get(row.academic_year);
		if (!schools) years.set(row.academic_year, (schools = new Map()));
		let school = schools.get(row.school_id);
		if (!school) {
			school = { schoolId: row.school_id, schoolName: row.school_name, classes: [] };
			schools.set(row.school_id, school);
		}
		school.classes.push({ id: row.id, name: row.name, pupils: Number(row.pupils) });
	}
	return [...years]
		.sort(([a], [b]) => byName(b, a))
		.map(([academicYear, schools]) => {
			const list = [...schools.values()].sort((a, b) => byName(a.schoolName, b.schoolName));
			for (const school of list) school.classes.sort((a, b) => byName(a.name, b.name));
			const classes = list.flatMap((s) => s.classes);
			return {
				academicYear,
				past: academicYear < current,
				schools: list,
				classCount: classes.length,
				pupilCount: classes.reduce((sum, c) => sum + c.pupils, 0)
			};
		});
}

export interface ClosedYear {
	academicYear: string;
	schools: number;
	classes: number;
	pupils: number;
	/** Live or self-paced lessons that were still open, now ended. */
	lessonsEnded: number;
	/** Login cards that worked until now. */
	cardsRevoked: number;
	/** Pupils' sign-ins ended on their devices. */
	signInsEnded: number;
}

/**
 * Closes an academic year for one school (`schoolId`) or the whole borough (null): its open
 * classes are archived, their pupils' login cards revoked, their open lessons ended, all
 * in one transaction with an audit entry for each school; then their pupils are signed
 * out on every device. Pupils stay on roll: the year's reports are unchanged.
 */
export async function closeAcademicYear(
	input: { academicYear: string; schoolId: number | null },
	actor: Pick<StaffPrincipal, 'id' | 'schoolId'>,
	now = new Date()
): Promise<ClosedYear> {
	const year = input.academicYear;
	if (!isAcademicYear(year))
		throw new Refused('Choose an academic year, for example "2025/26".', 'academicYear');
	if (year > academicYearOf(now))
		throw new Refused(
			`${year} has not begun yet. Its classes stay open: close a year once it has started.`,
			'academicYear'
		);
	const at = now.toISOString();
	const closed = await getDb()
		.transaction()
		.execute(async (trx) => {
			let query = trx
				.selectFrom('classes as c')
				.innerJoin('schools as s', 's.id', 'c.school_id')
				.select(['c.id', 'c.school_id'])
				.where('c.academic_year', '=', year)
				.where('c.archived_at', 'is', null)
				.where('s.archived_at', 'is', null);
			if (input.schoolId !== null) query = query.where('c.school_id', '=', input.schoolId);
			const classes = await query.execute();
			if (classes.length === 0) {
				throw new Refused(
					input.schoolId === null
						? `No school has a class of ${year} still open.`
						: `Your school has no class of ${year} still open.`,
					'academicYear'
				);
			}
			const classIds = classes.map((c) => c.id);
			const pupils = await trx
				.selectFrom('pupils')
				.select(['id', 'class_id'])
				.where('class_id', 'in', classIds)
				.where('archived_at', 'is', null)
				.execute();
			await trx
				.updateTable('classes')
				.set({ archived_at: at })
				.where('id', 'in', classIds)
				.execute();
			// Archiving already stops the cards; revoking them too means a class restored
			// later (say, closed by mistake) does not bring last year's cards back to life.
			const cards = await trx
				.updateTable('pupil_login_tokens')
				.set({ revoked_at: at })
				.where('revoked_at', 'is', null)
				.where('pupil_id', 'in', (eb) =>
					eb.selectFrom('pupils').select('pupils.id').where('pupils.class_id', 'in', classIds)
				)
				.executeTakeFirst();
			const open = await trx
				.selectFrom('class_sessions')
				.select(['id', 'class_id'])
				.where('class_id', 'in', classIds)
				.where('status', '<>', 'ended')
				.execute();
			if (open.length > 0)
				await trx
					.updateTable('class_sessions')
					.set({ status: 'ended', ended_at: at })
					.where(
						'id',
						'in',
						open.map((s) => s.id)
					)
					.execute();
			const schoolIds = [...new Set(classes.map((c) => c.school_id))];
			for (const schoolId of schoolIds) {
				const mine = new Set(classes.filter((c) => c.school_id === schoolId).map((c) => c.id));
				await recordAudit(
					{
						actor: staffActor(actor),
						action: 'academic_year.closed',
						schoolId,
						target: { type: 'academic_year', id: year },
						detail: {
							academicYear: year,
							by: input.schoolId === null ? 'council' : 'school',
							classes: mine.size,
							pupils: pupils.filter((p) => mine.has(p.class_id)).length,
							lessonsEnded: open.filter((s) => mine.has(s.class_id)).length
						}
					},
					trx
				);
			}
			if (input.schoolId === null)
				await recordAudit(
					{
						actor: staffActor(actor),
						action: 'academic_year.closed',
						schoolId: null,
						target: { type: 'academic_year', id: year },
						detail: { academicYear: year, by: 'council', schools: schoolIds.length }
					},
					trx
				);
			return {
				classIds,
				sessionIds: open.map((s) => s.id),
				summary: {
					academicYear: year,
					schools: schoolIds.length,
					classes: classIds.length,
					pupils: pupils.length,
					lessonsEnded: open.length,
					cardsRevoked: Number(cards.numUpdatedRows)
				}
			};
		});
	// After the commit: devices hear that their lesson ended, then lose their sign-in.
	for (const id of closed.sessionIds) {
		const session = await getClassSession(id, now);
		if (session) publish(id, 'state', liveState(session, getLesson(session.lessonId)));
	}
	let signInsEnded = 0;
	for (const classId of closed.classIds) signInsEnded += await signOutClass(classId);
	return { ...closed.summary, signInsEnded };
}

export interface YearReminder {
	/** Earlier academic years the school still has open classes of, oldest first. */
	years: string[];
	classes: number;
	/** A lead closes the year; a teacher is told who does. */
	canClose: boolean;
}

/**
 * For the staff layout: from 1 September, while the viewer's school still has classes of an
 * earlier academic year open, what to remind them of. Null for the council, and for a
 * school that has turned the year.
 */
export async function schoolYearReminder(
	user: Pick<StaffPrincipal, 'role' | 'schoolId'>,
	now = new Date()
): Promise<YearReminder | null> {
	if (isCoordinator(user) || user.schoolId === null) return null;
	const rows = await getDb()
		.selectFrom('classes')
		.select((eb) => ['academic_year', eb.fn.countAll<number>().as('n')])
		.where('school_id', '=', user.schoolId)
		.where('archived_at', 'is', null)
		.where('academic_year', '<', academicYearOf(now))
		.groupBy('academic_year')
		.execute();
	if (rows.length === 0) return null;
	return {
		years: rows.map((r) => r.academic_year).sort(byName),
		classes: rows.reduce((sum, r) => sum + Number(r.n), 0),
		canClose: canCloseAcademicYear(user, user.schoolId)
	};
}
