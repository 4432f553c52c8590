// A fresh SQLite file per test, migrated, with small factories for the domain.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import {
	closeDatabase,
	migrateToLatest,
	nowIso,
	openDatabase,
	useHandle,
	type Handle
} from '../../src/lib/server/platform/db';
import type { StaffPrincipal } from '../../src/lib/server/auth/session';
import type { Role } from '../../src/lib/server/platform/db/schema';
import { makeClassCode, makePicturePassword } from '../../src/lib/server/platform/random';

export interface TestContext {
	handle: Handle;
	dir: string;
	newSchool(input?: { name?: string }): Promise<number>;
	newStaff(input: {
		role: Role;
		schoolId?: number | null;
		email?: string;
		name?: string;
	}): Promise<number>;
	newClass(input: { schoolId: number; name?: string; teacherId?: number }): Promise<number>;
	newPupil(input: { classId: number; firstName?: string; lastInitial?: string }): Promise<number>;
	/** A school with one class and its teacher, signed in: the start of most session tests. */
	newTeacherClass(input?: { className?: string; schoolName?: string }): Promise<TeacherClass>;
}

export interface TeacherClass {
	schoolId: number;
	teacherId: number;
	classId: number;
	teacher: StaffPrincipal;
}

let counter = 0;

/** A signed-in member of staff, as the guards hand it to the domain. */
export function staffPrincipal(id: number, role: Role, schoolId: number | null): StaffPrincipal {
	return {
		kind: 'staff',
		id,
		email: `${role}${id}@example.test`,
		displayName: `${role} ${id}`,
		role,
		schoolId,
		sessionId: ''
	};
}

/** Registers before/after hooks and returns a context whose fields are valid inside tests. */
export function useTestDatabase(): TestContext {
	const ctx = {} as TestContext;
	beforeEach(async () => {
		ctx.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thinksafe-test-'));
		ctx.handle = openDatabase(path.join(ctx.dir, 'test.db'));
		await migrateToLatest(ctx.handle.db);
		useHandle(ctx.handle);
		const db = ctx.handle.db;

		ctx.newSchool = async ({ name } = {}) =>
			(
				await db
					.insertInto('schools')
					.values({ name: name ?? `School ${++counter}`, created_at: nowIso() })
					.returning('id')
					.executeTakeFirstOrThrow()
			).id;

		ctx.newStaff = async ({ role, schoolId = null, email, name }) =>
			(
				await db
					.insertInto('staff_users')
					.values({
						email: email ?? `staff${++counter}@example.test`,
						display_name: name ?? `Staff ${counter}`,
						role,
						school_id: role === 'coordinator' ? null : schoolId,
						created_at: nowIso()
					})
					.returning('id')
					.executeTakeFirstOrThrow()
			).id;

		ctx.newClass = async ({ schoolId, name, teacherId }) => {
			const { id } = await db
				.insertInto('classes')
				.values({
					school_id: schoolId,
					name: name ?? `Class ${++counter}`,
					year_group: 6,
					academic_year: '2026/27',
					code: makeClassCode(),
					created_at: nowIso()
				})
				.returning('id')
				.executeTakeFirstOrThrow();
			if (teacherId)
				await db
					.insertInto('class_teachers')
					.values({ class_id: id, user_id: teacherId })
					.execute();
			return id;
		};

		ctx.newPupil = async ({ classId, firstName, lastInitial }) => {
			const taken = new Set(
				(
					await db
						.selectFrom('pupils')
						.select('picture_password')
						.where('class_id', '=', classId)
						.execute()
				).map((p) => p.picture_password)
			);
			return (
				await db
					.insertInto('pupils')
					.values({
						class_id: classId,
						first_name: firstName ?? `Pupil${++counter}`,
						last_initial: lastInitial ?? 'A',
						picture_password: makePicturePassword(taken).join('-'),
						created_at: nowIso()
					})
					.returning('id')
					.executeTakeFirstOrThrow()
			).id;
		};

		ctx.newTeacherClass = async ({ className, schoolName } = {}) => {
			const schoolId = await ctx.newSchool({ name: schoolName });
			const teacherId = await ctx.newStaff({ role: 'teacher', schoolId });
			const classId = await ctx.newClass({ schoolId, teacherId, name: className });
			return {
				schoolId,
				teacherId,
				classId,
				teacher: staffPrincipal(teacherId, 'teacher', schoolId)
			};
		};
	});
	afterEach(async () => {
		await closeDatabase();
		fs.rmSync(ctx.dir, { recursive: true, force: true });
	});
	return ctx;
}
