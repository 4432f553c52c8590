import { describe, expect, it } from 'vitest';
import { createClassSession } from '../../src/lib/server/teaching/class-session-start';
import { Refused } from '../../src/lib/server/platform/refusal';
import { getLibrary } from '../../src/lib/server/lessons';
import { useTestDatabase } from './context';

const ctx = useTestDatabase();

describe('starting a live session', () => {
	it('lets only one of two simultaneous starts for a class through', async () => {
		const { classId, teacher } = await ctx.newTeacherClass();
		const lessonId = getLibrary().lessons[0].id;
		const results = await Promise.allSettled([
			createClassSession({ classId, lessonId, mode: 'live' }, teacher),
			createClassSession({ classId, lessonId, mode: 'live' }, teacher)
		]);
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
		expect(refused.reason).toBeInstanceOf(Refused);
		const rows = await ctx.handle.db.selectFrom('class_sessions').select('id').execute();
		expect(rows).toHaveLength(1);
	});

	it('is held by the database too: a second open live row for a class is refused', async () => {
		const schoolId = await ctx.newSchool();
		const classId = await ctx.newClass({ schoolId });
		const row = {
			class_id: classId,
			lesson_id: 'x',
			lesson_hash: 'h',
			mode: 'live' as const,
			status: 'lobby' as const,
			current_step: -1,
			created_at: '2026-11-28T10:00:00Z'
		};
		await ctx.handle.db.insertInto('class_sessions').values(row).execute();
		await expect(ctx.handle.db.insertInto('class_sessions').values(row).execute()).rejects.toThrow(
			/UNIQUE/
		);
		await ctx.handle.db
			.insertInto('class_sessions')
			.values({ ...row, mode: 'self', status: 'running' })
			.execute();
	});
});
