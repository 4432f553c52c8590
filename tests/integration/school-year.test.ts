// The turn of the school year: closing an academic year stops its class codes and login
// cards, signs its pupils out and ends its open lessons, leaves every figure of that year
// as it was, and a school that has not closed last year is reminded from 1 September.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodePicturePassword } from '../../src/lib/pictures';
import { assertCanHandlePupilRecords, canCloseAcademicYear } from '../../src/lib/server/access';
import { checkPicturePassword } from '../../src/lib/server/auth/picture-passwords';
import {
	findCardPupil,
	issueLoginCardToken,
	signInWithCardToken
} from '../../src/lib/server/auth/login-cards';
import { findClassByCode, lookUpClassCode } from '../../src/lib/server/auth/class-codes';
import { useThrottleWait } from '../../src/lib/server/auth/rate-limit';
import { createPupilSession, validatePupilSession } from '../../src/lib/server/auth/session';
import { restoreClass } from '../../src/lib/server/people/classes';
import { seedDemo } from '../../src/lib/server/demo/borough';
import { getClassSession } from '../../src/lib/server/teaching/class-sessions';
import { createClassSession } from '../../src/lib/server/teaching/class-session-start';
import { getLibrary } from '../../src/lib/server/lessons';
import { openPupilSession } from '../../src/lib/server/screens/pupil-lesson';
import { boroughDashboard } from '../../src/lib/server/reports/borough-dashboard';
import { classReport } from '../../src/lib/server/reports/class-report';
import { schoolSummary } from '../../src/lib/server/reports/school-report';
import {
	closeAcademicYear,
	schoolYearReminder,
	yearsToClose
} from '../../src/lib/server/people/school-year';
import { staffPrincipal, useTestDatabase } from './context';

const ctx = useTestDatabase();
const LAST_YEAR = '2025/26';
const THIS_YEAR = '2026/27';
// The first days of the new year, and the last of the old.
const SEPT_3 = new Date('2026-09-03T08:00:00.000Z');

// Sign-in throttles wait on the server; here the waits are skipped.
let restoreWait: () => void;
beforeEach(() => {
	restoreWait = useThrottleWait(async () => {});
});
afterEach(() => restoreWait());

async function classOfYear(schoolId: number, year: string, name?: string) {
	const teacherId = await ctx.newStaff({ role: 'teacher', schoolId });
	const classId = await ctx.newClass({ schoolId, teacherId, name });
	await ctx.handle.db
		.updateTable('classes')
		.set({ academic_year: year })
		.where('id', '=', classId)
		.execute();
	const { code } = await ctx.handle.db
		.selectFrom('classes')
		.select('code')
		.where('id', '=', classId)
		.executeTakeFirstOrThrow();
	return { classId, code, teacher: staffPrincipal(teacherId, 'teacher', schoolId) };
}

async function picturesOf(pupilId: number): Promise<number[]> {
	const row = await ctx.handle.db
		.selectFrom('pupils')
		.select('picture_password')
		.where('id', '=', pupilId)
		.executeTakeFirstOrThrow();
	return decodePicturePassword(row.picture_password);
}

async function auditOf(action: string) {
	return ctx.handle.db
		.selectFrom('audit_events')
		.selectAll()
		.where('action', '=', action)
		.orderBy('id')
		.execute();
}

describe('closing an academic year', () => {
	it('stops its class codes, login cards and pictures, signs its pupils out and ends its open lessons', async () => {
		const schoolId = await ctx.newSchool();
		const leadId = await ctx.newStaff({ role: 'lead', schoolId });
		const lead = staffPrincipal(leadId, 'lead', schoolId);
		const old = await classOfYear(schoolId, LAST_YEAR, 'Willow');
		const fresh = await classOfYear(schoolId, THIS_YEAR, 'Willow');
		const pupilId = await ctx.newPupil({ classId: old.classId, firstName: 'Amira' });
		const newPupilId = await ctx.newPupil({ classId: fresh.classId, firstName: 'Noah' });
		const card = await issueLoginCardToken(pupilId);
		const newCard = await issueLoginCardToken(newPupilId);
		const signIn = await createPupilSession(pupilId);
		const [lesson, ...rest] = getLibrary().lessons;
		const ownPace = rest.find((l) => l.delivery !== 'teacher-led')!;
		const live = await createClassSession(
			{ classId: old.classId, lessonId: lesson.id, mode: 'live' },
			old.teacher
		);
		const selfPaced = await createClassSession(
			{
				classId: old.classId,
				lessonId: ownPace.id,
				mode: 'self',
				openUntil: '2099-07-20'
			},
			old.teacher
		);
		// Everything works before.
		expect(await findClassByCode(old.code)).not.toBeNull();
		expect(await findCardPupil(card)).toMatchObject({ id: pupilId });
		expect(await validatePupilSession(signIn.token)).toMatchObject({ id: pupilId });

		const closed = await closeAcademicYear({ academicYear: LAST_YEAR, schoolId }, lead, SEPT_3);
		expect(closed).toEqual({
			academicYear: LAST_YEAR,
			schools: 1,
			classes: 1,
			pupils: 1,
			lessonsEnded: 2,
			cardsRevoked: 1,
			signInsEnded: 1
		});

		// The class code, the card and the pictures no longer sign anyone in.
		expect(await findClassByCode(old.code)).toBeNull();
		expect(await lookUpClassCode({ code: old.code, ip: '203.0.113.9' })).toEqual({
			status: 'unknown'
		});
		expect(await signInWithCardToken(card)).toBeNull();
		const pictures = await checkPicturePassword({
			classId: old.classId,
			pupilId,
			pictures: await picturesOf(pupilId),
			ip: '203.0.113.9'
		});
		expect(pictures.status).toBe('unknown');
		expect(await validatePupilSession(signIn.token)).toBeNull();
		for (const id of [live, selfPaced]) expect((await getClassSession(id))?.status).toBe('ended');

		// This year's class of the same name is untouched.
		expect(await findClassByCode(fresh.code)).toMatchObject({ id: fresh.classId });
		expect(await findCardPupil(newCard)).toMatchObject({ id: newPupilId });

		// Restoring a class closed by mistake brings its code back, not last year's cards.
		await restoreClass(old.classId, lead);
		expect(await findClassByCode(old.code)).not.toBeNull();
		expect(await findCardPupil(card)).toBeNull();

		const [entry] = await auditOf('academic_year.closed');
		expect(entry).toMatchObject({
			actor_type: 'staff',
			actor_id: leadId,
			school_id: schoolId,
			target_type: 'academic_year',
			target_id: LAST_YEAR
		});
		expect(JSON.parse(entry.detail!)).toEqual({
			academicYear: LAST_YEAR,
			by: 'school',
			classes: 1,
			pupils: 1,
			lessonsEnded: 2
		});
	});

	it('is for one school when a lead closes it, and for every school when the coordinator does', async () => {
		const north = await ctx.newSchool({ name: 'North' });
		const south = await ctx.newSchool({ name: 'South' });
		const lead = staffPrincipal(
			await ctx.newStaff({ role: 'lead', schoolId: north }),
			'lead',
			north
		);
		const coordinator = staffPrincipal(
			await ctx.newStaff({ role: 'coordinator' }),
			'coordinator',
			null
		);
		const northOld = await classOfYear(north, LAST_YEAR);
		const southOld = await classOfYear(south, LAST_YEAR);
		const southOlder = await classOfYear(south, '2024/25');
		await ctx.newPupil({ classId: southOld.classId });

		expect(await yearsToClose({ borough: true }, SEPT_3)).toMatchObject([
			{ academicYear: LAST_YEAR, past: true, classCount: 2, pupilCount: 1 },
			{ academicYear: '2024/25', past: true, classCount: 1 }
		]);
		await closeAcademicYear({ academicYear: LAST_YEAR, schoolId: north }, lead, SEPT_3);
		expect(await findClassByCode(northOld.code)).toBeNull();
		expect(await findClassByCode(southOld.code)).not.toBeNull();
		expect(await yearsToClose({ schoolId: north }, SEPT_3)).toEqual([]);

		await closeAcademicYear({ academicYear: LAST_YEAR, schoolId: null }, coordinator, SEPT_3);
		expect(await findClassByCode(southOld.code)).toBeNull();
		// Another year is closed on its own.
		expect(await findClassByCode(southOlder.code)).not.toBeNull();

		const entries = await auditOf('academic_year.closed');
		expect(entries.map((e) => [e.school_id, JSON.parse(e.detail!).by])).toEqual([
			[north, 'school'],
			[south, 'council'],
			[null, 'council']
		]);
	});

	it('refuses a year that has not begun, one with nothing open, and one that is not a year', async () => {
		const schoolId = await ctx.newSchool();
		const lead = staffPrincipal(await ctx.newStaff({ role: 'lead', schoolId }), 'lead', schoolId);
		const next = await classOfYear(schoolId, '2027/28');
		await expect(
			closeAcademicYear({ academicYear: '2027/28', schoolId }, lead, SEPT_3)
		).rejects.toThrow(/has not begun/);
		expect(await findClassByCode(next.code)).not.toBeNull();
		await expect(
			closeAcademicYear({ academicYear: LAST_YEAR, schoolId }, lead, SEPT_3)
		).rejects.toThrow(/no class of 2025\/26 still open/);
		await expect(
			closeAcademicYear({ academicYear: '2025-26', schoolId }, lead, SEPT_3)
		).rejects.toThrow(/Choose an academic year/);
		expect(await auditOf('academic_year.closed')).toEqual([]);
	});

	it('is for the coordinator (the whole borough) and each school’s lead (their school) only', () => {
		const lead = staffPrincipal(1, 'lead', 7);
		const teacher = staffPrincipal(2, 'teacher', 7);
		const coordinator = staffPrincipal(3, 'coordinator', null);
		expect(canCloseAcademicYear(lead, 7)).toBe(true);
		expect(canCloseAcademicYear(lead, 8)).toBe(false);
		expect(canCloseAcademicYear(lead, null)).toBe(false);
		expect(canCloseAcademicYear(teacher, 7)).toBe(false);
		expect(canCloseAcademicYear(coordinator, null)).toBe(true);
		expect(canCloseAcademicYear(coordinator, 7)).toBe(false);
	});
});

describe('the year’s figures', () => {
	it('are the same in the borough, school and class reports before and after the year is closed', async () => {
		// The demo borough as it stood last summer: a term of lessons in 2025/26.
		await seedDemo(ctx.handle.db, new Date('2026-06-15T12:00:00.000Z'));
		const lessons = getLibrary().lessons;
		const db = ctx.handle.db;
		const classes = await db
			.selectFrom('classes')
			.select(['id', 'school_id'])
			.where('academic_year', '=', LAST_YEAR)
			.execute();
		expect(classes.length).toBeGreaterThan(5);
		// A lesson still open to one class at the close, with a pupil in it.
		const first = classes[0];
		const teacherId = (
			await db
				.selectFrom('class_teachers')
				.select('user_id')
				.where('class_id', '=', first.id)
				.executeTakeFirstOrThrow()
		).user_id;
		const teacher = staffPrincipal(teacherId, 'teacher', first.school_id);
		const open = await createClassSession(
			{
				classId: first.id,
				lessonId: lessons.find((l) => l.delivery !== 'teacher-led')!.id,
				mode: 'self',
				openUntil: '2099-07-20'
			},
			teacher
		);
		const pupil = await db
			.selectFrom('pupils')
			.select('id')
			.where('class_id', '=', first.id)
			.executeTakeFirstOrThrow();
		await openPupilSession({ id: pupil.id, classId: first.id }, (await getClassSession(open))!);
		const schools = [...new Set(classes.map((c) => c.school_id))];
		const everything = async () => ({
			year: await boroughDashboard({ academicYear: LAST_YEAR }, lessons),
			all: await boroughDashboard({}, lessons),
			byDates: await boroughDashboard(
				{ academicYear: LAST_YEAR, from: '2025-09-01', to: '2026-07-31' },
				lessons
			),
			schools: await Promise.all(
				schools.map((id) => schoolSummary(id, { academicYear: LAST_YEAR }, lessons))
			),
			classes: await Promise.all(
				classes.map(async (c) => (await classReport(c.id, lessons)).totals)
			)
		});
		const before = await everything();
		expect(before.year.totals.pupils).toBeGreaterThan(200);
		expect(before.year.totals.sessionsDelivered).toBeGreaterThan(20);

		const coordinator = await db
			.selectFrom('staff_users')
			.select('id')
			.where('role', '=', 'coordinator')
			.executeTakeFirstOrThrow();
		const closed = await closeAcademicYear(
			{ academicYear: LAST_YEAR, schoolId: null },
			staffPrincipal(coordinator.id, 'coordinator', null)
		);
		expect(closed.classes).toBe(classes.length);
		expect(closed.lessonsEnded).toBe(1);

		const after = await everything();
		expect(after.year.totals).toEqual(before.year.totals);
		expect(after.year.bySchool).toEqual(before.year.bySchool);
		expect(after.year.byLesson).toEqual(before.year.byLesson);
		expect(after.year.byWeek).toEqual(before.year.byWeek);
		expect(after.all.totals).toEqual(before.all.totals);
		expect(after.byDates.totals).toEqual(before.byDates.totals);
		expect(after.classes).toEqual(before.classes);
		// The school report keeps each closed class's row beside the same totals.
		after.schools.forEach((school, i) => {
			expect(school.totals).toEqual(before.schools[i].totals);
			expect(school.byLesson).toEqual(before.schools[i].byLesson);
			expect(school.classes.map(({ name: _n, ...figures }) => figures)).toEqual(
				before.schools[i].classes.map(({ name: _n, ...figures }) => figures)
			);
			for (const c of school.classes) expect(c.name).toMatch(/\(2025\/26, archived\)$/);
		});
	});
});

describe('the reminder from 1 September', () => {
	it('shows on the lead’s and teachers’ pages while last year’s classes are open, and goes once the year is closed', async () => {
		const schoolId = await ctx.newSchool();
		const leadId = await ctx.newStaff({ role: 'lead', schoolId });
		const lead = staffPrincipal(leadId, 'lead', schoolId);
		const teacher = staffPrincipal(
			await ctx.newStaff({ role: 'teacher', schoolId }),
			'teacher',
			schoolId
		);
		const coordinator = staffPrincipal(
			await ctx.newStaff({ role: 'coordinator' }),
			'coordinator',
			null
		);
		await classOfYear(schoolId, LAST_YEAR);
		await classOfYear(schoolId, LAST_YEAR);
		const other = await ctx.newSchool();
		const otherLead = staffPrincipal(
			await ctx.newStaff({ role: 'lead', schoolId: other }),
			'lead',
			other
		);

		// Until the end of August the year is not over.
		expect(await schoolYearReminder(lead, new Date('2026-08-31T22:00:00.000Z'))).toBeNull();
		const september = new Date('2026-09-01T07:00:00.000Z');
		expect(await schoolYearReminder(lead, september)).toEqual({
			years: [LAST_YEAR],
			classes: 2,
			canClose: true
		});
		expect(await schoolYearReminder(teacher, september)).toMatchObject({ canClose: false });
		expect(await schoolYearReminder(coordinator, september)).toBeNull();
		expect(await schoolYearReminder(otherLead, september)).toBeNull();

		await closeAcademicYear({ academicYear: LAST_YEAR, schoolId }, lead, september);
		expect(await schoolYearReminder(lead, september)).toBeNull();
		expect(await schoolYearReminder(teacher, september)).toBeNull();
	});
});

describe('who handles a family’s request about a pupil', () => {
	it('is a lead of the pupil’s school only: never a teacher, another school or the council', async () => {
		const schoolId = await ctx.newSchool();
		const { classId } = await classOfYear(schoolId, LAST_YEAR);
		const pupilId = await ctx.newPupil({ classId });
		const other = await ctx.newSchool();
		const lead = staffPrincipal(await ctx.newStaff({ role: 'lead', schoolId }), 'lead', schoolId);
		expect(await assertCanHandlePupilRecords(lead, pupilId)).toEqual({ pupilId, schoolId });
		for (const who of [
			staffPrincipal(await ctx.newStaff({ role: 'teacher', schoolId }), 'teacher', schoolId),
			staffPrincipal(await ctx.newStaff({ role: 'lead', schoolId: other }), 'lead', other),
			staffPrincipal(await ctx.newStaff({ role: 'coordinator' }), 'coordinator', null)
		])
			await expect(assertCanHandlePupilRecords(who, pupilId)).rejects.toMatchObject({
				status: 404
			});
		await expect(assertCanHandlePupilRecords(lead, pupilId + 100)).rejects.toMatchObject({
			status: 404
		});
	});
});

describe('the demo borough’s last year', () => {
	it('is one closed class at Whitchurch Fields with its lessons, beside this year’s classes as they were', async () => {
		const now = new Date('2026-11-28T14:00:00.000Z');
		await seedDemo(ctx.handle.db, now);
		const db = ctx.handle.db;
		const classes = await db
			.selectFrom('classes as c')
			.innerJoin('schools as s', 's.id', 'c.school_id')
			.select([
				'c.id',
				'c.name',
				'c.academic_year',
				'c.archived_at',
				's.name as school',
				's.id as schoolId'
			])
			.execute();
		const open = classes.filter((c) => c.archived_at === null);
		expect(open).toHaveLength(11);
		expect(new Set(open.map((c) => c.academic_year))).toEqual(new Set([THIS_YEAR]));
		const closed = classes.filter((c) => c.archived_at !== null);
		expect(closed).toMatchObject([
			{ name: 'Year 6', academic_year: LAST_YEAR, school: 'Whitchurch Fields Primary' }
		]);
		expect(closed[0].archived_at! < '2026-09-01').toBe(true);
		const [past] = closed;
		// Nothing of an earlier year left open, so no school is reminded.
		expect((await yearsToClose({ borough: true }, now)).map((y) => y.academicYear)).toEqual([
			THIS_YEAR
		]);
		const lead = await db
			.selectFrom('staff_users')
			.select(['id', 'school_id'])
			.where('email', '=', 'lead.whitchurch-fields@demo.thinksafe.test')
			.executeTakeFirstOrThrow();
		expect(await schoolYearReminder({ role: 'lead', schoolId: lead.school_id }, now)).toBeNull();
		// Its lessons are in last year's figures and its row in the school report.
		const report = await schoolSummary(past.schoolId, { academicYear: LAST_YEAR });
		expect(report.classes).toMatchObject([{ name: 'Year 6 (2025/26, archived)', pupils: 24 }]);
		expect(report.totals.sessionsDelivered).toBe(4);
		expect(report.totals.attendance.suppressed).toBe(false);
		const thisYear = await boroughDashboard({ academicYear: THIS_YEAR });
		expect(thisYear.totals.pupils).toBe(280);
		const [closing] = await auditOf('academic_year.closed');
		expect(closing).toMatchObject({
			actor_id: lead.id,
			school_id: past.schoolId,
			target_id: LAST_YEAR
		});
	});
});
