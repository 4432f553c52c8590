// Class names are normalised like pupils' names (NFKC): a full-width or ligature look-alike
// becomes the plain letters it shows, so it cannot pass as a second class of the same name.
import { describe, expect, it } from 'vitest';
import { cleanClassName, createClass, renameClass } from '../../src/lib/server/people/classes';
import { nowIso } from '../../src/lib/server/platform/db';
import { useTestDatabase } from './context';

const ctx = useTestDatabase();

async function school() {
	const schoolId = await ctx.newSchool();
	const teacherId = await ctx.newStaff({ role: 'teacher', schoolId });
	const actor = { id: teacherId, schoolId };
	const input = (name: string) => ({
		schoolId,
		name,
		yearGroup: 6,
		academicYear: '2026/27',
		teacherIds: []
	});
	return { schoolId, actor, input };
}

describe('class names', () => {
	it('turn full-width letters, digits and ligatures into the plain ones they look like', () => {
		expect(cleanClassName('Ｗｉｌｌｏｗ')).toBe('Willow');
		expect(cleanClassName('６Ｂ')).toBe('6B');
		expect(cleanClassName('ﬁr\u00a0trees')).toBe('fir trees');
		expect(cleanClassName('Ｏａｋ\u200b ')).toBe('Oak');
	});

	it('refuse a full-width look-alike of a class the school already has', async () => {
		const { actor, input } = await school();
		await createClass(input('Willow'), actor);
		await expect(createClass(input('Ｗｉｌｌｏｗ'), actor)).rejects.toThrow(
			/already has a class called "Willow"/
		);
		const oak = await createClass(input('Oak'), actor);
		await expect(renameClass(oak.id, 'ＷＩＬＬＯＷ', actor)).rejects.toThrow(
			/already has a class called "WILLOW"/
		);
	});

	it('store the plain letters, which a class named before this change is compared as', async () => {
		const { schoolId, actor, input } = await school();
		const made = await createClass(input('６Ｂ'), actor);
		const stored = await ctx.handle.db
			.selectFrom('classes')
			.select('name')
			.where('id', '=', made.id)
			.executeTakeFirstOrThrow();
		expect(stored.name).toBe('6B');
		// A full-width name already in the database, as one could be saved before.
		await ctx.handle.db
			.insertInto('classes')
			.values({
				school_id: schoolId,
				name: 'Ｂｉｒｃｈ',
				year_group: 6,
				academic_year: '2026/27',
				code: 'QQQQQQ',
				created_at: nowIso()
			})
			.execute();
		await expect(createClass(input('Birch'), actor)).rejects.toThrow(/already has a class/);
	});
});
