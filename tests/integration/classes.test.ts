import { describe, expect, it } from 'vitest';
import {
	archiveClass,
	createClass,
	regenerateClassCode,
	renameClass,
	setClassTeachers,
	signClassOut
} from '../../src/lib/server/people/classes';
import {
	getClass,
	listClassesForStaff,
	listTeachersOfSchool
} from '../../src/lib/server/people/class-lists';
import { Refused } from '../../src/lib/server/platform/refusal';
import { addPupils, previewPupilImport } from '../../src/lib/server/people/pupil-import';
import {
	archivePupil,
	listPupils,
	movePupilToClass,
	regeneratePicturePassword,
	renamePupil,
	restorePupil,
	unlockPupil
} from '../../src/lib/server/people/pupils';
import { parsePastedNames, parsePupilCsv } from '../../src/lib/server/people/pupil-names';
import { canMovePupilInto } from '../../src/lib/server/access';
import { createPupilSession, type StaffPrincipal } from '../../src/lib/server/auth/session';
import { CLASS_CODE_ALPHABET } from '../../src/lib/server/platform/random';
import { useTestDatabase } from './context';

const ctx = useTestDatabase();

async function setup() {
	const schoolId = await ctx.newSchool();
	const teacherId = await ctx.newStaff({ role: 'teacher', schoolId, name: 'Ms Willow' });
	const leadId = await ctx.newStaff({ role: 'lead', schoolId, name: 'Mr Lead' });
	const actor = { id: teacherId, schoolId };
	return { schoolId, teacherId, leadId, actor };
}

async function countPupils(): Promise<number> {
	const row = await ctx.handle.db
		.selectFrom('pupils')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

async function auditActions(): Promise<string[]> {
	const rows = await ctx.handle.db
		.selectFrom('audit_events')
		.select('action')
		.orderBy('id')
		.execute();
	return rows.map((r) => r.action);
}

const names = (...list: string[]) =>
	list.map((n) => {
		const [firstName, lastInitial] = n.split(' ');
		return { firstName, lastInitial };
	});

describe('classes', () => {
	it('creates a class with a six-character code, its teachers and an audit entry', async () => {
		const { schoolId, teacherId, actor } = await setup();
		const cls = await createClass(
			{
				schoolId,
				name: '  Willow ',
				yearGroup: 6,
				academicYear: '2026/27',
				teacherIds: [teacherId]
			},
			actor
		);
		expect(cls).toMatchObject({
			schoolId,
			name: 'Willow',
			yearGroup: 6,
			academicYear: '2026/27',
			archived: false,
			teachers: [{ id: teacherId, displayName: 'Ms Willow' }]
		});
		expect(cls.code).toMatch(new RegExp(`^[${CLASS_CODE_ALPHABET}]{6}$`));
		expect(await auditActions()).toEqual(['class.created']);
	});

	it('draws another class code when the first one is already used in the borough', async () => {
		const { schoolId, actor } = await setup();
		const otherSchool = await ctx.newSchool();
		const codes = ['AAAAAA', 'AAAAAA', 'CCCCCC'];
		const makeCode = () => codes.shift()!;
		await createClass(
			{ schoolId: otherSchool, name: 'Oak', yearGroup: 6, academicYear: '2026/27', teacherIds: [] },
			undefined,
			{ makeCode }
		);
		const second = await createClass(
			{ schoolId, name: 'Willow', yearGroup: 6, academicYear: '2026/27', teacherIds: [] },
			actor,
			{ makeCode }
		);
		expect(second.code).toBe('CCCCCC');
	});

	it('gives every class of the borough a different code', async () => {
		const { schoolId } = await setup();
		const codes = new Set<string>();
		for (let i = 0; i < 40; i++) {
			const cls = await createClass({
				schoolId,
				name: `Class ${i}`,
				yearGroup: 6,
				academicYear: '2026/27',
				teacherIds: []
			});
			codes.add(cls.code);
		}
		expect(codes.size).toBe(40);
	});

	it('refuses a second class with the same name in the same year, and teachers of another school', async () => {
		const { schoolId, actor } = await setup();
		const input = {
			schoolId,
			name: 'Willow',
			yearGroup: 6,
			academicYear: '2026/27',
			teacherIds: []
		};
		await createClass(input, actor);
		await expect(createClass({ ...input, name: 'willow' }, actor)).rejects.toThrow(
			/already has a class called "willow"/
		);
		await createClass({ ...input, academicYear: '2027/28' }, actor);
		const otherSchool = await ctx.newSchool();
		const stranger = await ctx.newStaff({ role: 'teacher', schoolId: otherSchool });
		await expect(
			createClass({ ...input, name: 'Oak', teacherIds: [stranger] }, actor)
		).rejects.toThrow(Refused);
		await expect(createClass({ ...input, name: 'Oak', academicYear: '2026/28' })).rejects.toThrow(
			/academic year/
		);
	});

	it('lists a teacher their own classes and a lead every class of the school, with pupil counts', async () => {
		const { schoolId, teacherId, leadId } = await setup();
		const mine = await ctx.newClass({ schoolId, name: 'Willow', teacherId });
		const other = await ctx.newClass({ schoolId, name: 'Oak' });
		await ctx.newClass({ schoolId: await ctx.newSchool(), name: 'Elsewhere' });
		await ctx.newPupil({ classId: mine });
		await ctx.newPupil({ classId: mine });
		await archivePupil(await ctx.newPupil({ classId: mine }));

		const teacher = { id: teacherId, role: 'teacher' as const, schoolId };
		expect(await listClassesForStaff(teacher)).toMatchObject([
			{ id: mine, name: 'Willow', pupilCount: 2, teachers: ['Ms Willow'] }
		]);
		const lead = { id: leadId, role: 'lead' as const, schoolId };
		expect((await listClassesForStaff(lead)).map((c) => c.id)).toEqual([other, mine]);
		expect(await listClassesForStaff({ id: 1, role: 'coordinator', schoolId: null })).toEqual([]);

		await archiveClass(other);
		expect((await listClassesForStaff(lead)).map((c) => c.id)).toEqual([mine]);
		expect(await listClassesForStaff(lead, { includeArchived: true })).toHaveLength(2);
	});

	it('renames a class, makes a new code and sets its teachers', async () => {
		const { schoolId, teacherId, leadId, actor } = await setup();
		const classId = await ctx.newClass({ schoolId, name: 'Willow', teacherId });
		await ctx.newClass({ schoolId, name: 'Oak' });
		const before = (await getClass(classId))!.code;

		await renameClass(classId, 'Willow 6W', actor);
		await expect(renameClass(classId, 'oak', actor)).rejects.toThrow(/already has a class/);
		const code = await regenerateClassCode(classId, actor);
		expect(code).not.toBe(before);
		await setClassTeachers(classId, [teacherId, leadId], actor);

		const cls = (await getClass(classId))!;
		expect(cls.name).toBe('Willow 6W');
		expect(cls.code).toBe(code);
		expect(cls.teachers.map((t) => t.id).sort()).toEqual([teacherId, leadId].sort());
		expect((await listTeachersOfSchool(schoolId)).map((t) => t.displayName)).toEqual([
			'Mr Lead',
			'Ms Willow'
		]);
		expect(await auditActions()).toEqual([
			'class.renamed',
			'class.code_regenerated',
			'class.teachers_set'
		]);
	});

	it('signs every pupil of the class out', async () => {
		const { schoolId, actor } = await setup();
		const classId = await ctx.newClass({ schoolId });
		await createPupilSession(await ctx.newPupil({ classId }));
		await createPupilSession(await ctx.newPupil({ classId }));
		expect(await signClassOut(classId, actor)).toBe(2);
		expect(await auditActions()).toEqual(['class.signed_out']);
	});
});

describe('adding pupils', () => {
	it('adds a clean list in one go, each pupil with three different pictures unique in the class', async () => {
		const { schoolId, actor } = await setup();
		const classId = await ctx.newClass({ schoolId });
		const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
		const list = [...letters]
			.map((l) => `Pupil ${l}`)
			.concat(['Child A', 'Child B', 'Child C', 'Child D']);
		const parsed = parsePastedNames(list.join('\n'));
		expect(parsed.problems).toEqual([]);
		const added = await addPupils(classId, parsed.rows, actor);
		expect(added).toHaveLength(30);
		const pupils = await listPupils(classId);
		expect(pupils).toHaveLength(30);
		const passwords = new Set(pupils.map((p) => p.pictures.join('-')));
		expect(passwords.size).toBe(30);
		for (const p of pupils) {
			expect(new Set(p.pictures).size).toBe(3);
			for (const i of p.pictures) expect(i).toBeGreaterThanOrEqual(0);
		}
		expect(await auditActions()).toEqual(['pupils.added']);
		const audit = await ctx.handle.db
			.selectFrom('audit_events')
			.selectAll()
			.executeTakeFirstOrThrow();
		expect(audit.detail).toBe('{"count":30}');
	});

	it('saves nothing from a CSV with one bad row', async () => {
		const { schoolId } = await setup();
		const classId = await ctx.newClass({ schoolId });
		const csv = 'name\nAmira Khan\nLeo Smith\n=HYPERLINK("x") Y\nMia Jones\n';
		const before = await countPupils();
		const parsed = parsePupilCsv(csv);
		expect(parsed.problems).toHaveLength(1);
		// The route refuses to save while there are problems; the domain saves all or nothing.
		await expect(
			addPupils(classId, [...parsed.rows, { firstName: 'Ella', lastInitial: '1' }])
		).rejects.toThrow(Refused);
		expect(await countPupils()).toBe(before);
	});

	it('leaves no pupil behind when saving fails halfway through the list', async () => {
		const { schoolId } = await setup();
		const classId = await ctx.newClass({ schoolId });
		ctx.handle.sqlite.exec(
			`create trigger fail_on_third before insert on pupils when new.first_name = 'Third'
			 begin select raise(abort, 'disk full'); end`
		);
		await expect(
			addPupils(classId, names('First A', 'Second B', 'Third C', 'Fourth D'))
		).rejects.toThrow(/disk full/);
		expect(await countPupils()).toBe(0);
		expect(await auditActions()).toEqual([]);
	});

	it('flags names that repeat a pupil of the class or each other, before anything is saved', async () => {
		const { schoolId } = await setup();
		const classId = await ctx.newClass({ schoolId });
		await ctx.newPupil({ classId, firstName: 'Amira', lastInitial: 'K' });
		await archivePupil(await ctx.newPupil({ classId, firstName: 'Leo', lastInitial: 'S' }));

		const preview = await previewPupilImport(
			classId,
			names('amira K', 'Zoë T', 'Zoe t', 'Leo S', 'Mia J')
		);
		expect(preview.clean).toBe(false);
		expect(preview.rows.map((r) => r.clash)).toEqual(['class', 'list', 'list', null, null]);
		expect(await countPupils()).toBe(2);

		await expect(addPupils(classId, names('Amira K', 'Mia J'))).rejects.toThrow(
			/cannot have the same name \(Amira K\.\)/
		);
		expect(await countPupils()).toBe(2);

		const resolved = names('Amira H', 'Zoë T', 'Zoe R', 'Leo S', 'Mia J');
		expect((await previewPupilImport(classId, resolved)).clean).toBe(true);
		await addPupils(classId, resolved);
		expect(await countPupils()).toBe(7);
	});

	it('refuses more than 200 pupils at once and an archived class', async () => {
		const { schoolId } = await setup();
		const classId = await ctx.newClass({ schoolId });
		const many = Array.from({ length: 201 }, (_, i) => ({
			firstName: `P${'abcdefghij'[i % 10]}`,
			lastInitial: 'K'
		}));
		await expect(addPupils(classId, many)).rejects.toThrow(/up to 200/);
		await archiveClass(classId);
		await expect(addPupils(classId, names('Amira K'))).rejects.toThrow(/archived/);
		expect(await countPupils()).toBe(0);
	});
});

describe('changing pupils', () => {
	it('renames a pupil, but not to the name of another pupil in the class', async () => {
		const { schoolId, actor } = await setup();
		const classId = await ctx.newClass({ schoolId });
		const amira = await ctx.newPupil({ classId, firstName: 'Amira', lastInitial: 'K' });
		await ctx.newPupil({ classId, firstName: 'Leo', lastInitial: 'S' });

		expect(await renamePupil(amira, { firstName: 'amira', lastInitial: 'h' }, actor)).toEqual({
			firstName: 'Amira',
			lastInitial: 'H'
		});
		await expect(renamePupil(amira, { firstName: 'Leo', lastInitial: 'S' }, actor)).rejects.toThrow(
			/already a Leo S\./
		);
		await expect(renamePupil(amira, { firstName: 'L3o', lastInitial: 'S' }, actor)).rejects.toThrow(
			/numbers/
		);
		expect((await listPupils(classId)).map((p) => p.name)).toEqual(['Amira H.', 'Leo S.']);
	});

	it('archives and restores a pupil, signing them out, and keeps them out of the list meanwhile', async () => {
		const { schoolId, actor } = await setup();
		const classId = await ctx.newClass({ schoolId });
		const amira = await ctx.newPupil({ classId, firstName: 'Amira', lastInitial: 'K' });
		await createPupilSession(amira);

		await archivePupil(amira, actor);
		expect(await listPupils(classId)).toEqual([]);
		expect(await listPupils(classId, { includeArchived: true })).toMatchObject([
			{ id: amira, archived: true }
		]);
		const sessions = await ctx.handle.db.selectFrom('pupil_sessions').selectAll().execute();
		expect(sessions).toEqual([]);

		await restorePupil(amira, actor);
		expect(await listPupils(classId)).toMatchObject([{ id: amira, archived: false }]);
		expect(await auditActions()).toEqual(['pupil.archived', 'pupil.restored']);
	});

	it('does not restore a pupil whose name has been given to someone else meanwhile', async () => {
		const { schoolId } = await setup();
		const classId = await ctx.newClass({ schoolId });
		const first = await ctx.newPupil({ classId, firstName: 'Amira', lastInitial: 'K' });
		await archivePupil(first);
		await addPupils(classId, names('Amira K'));
		await expect(restorePupil(first)).rejects.toThrow(/already a Amira K\./);
	});

	it('moves a pupil to another class of the same school, drawing new pictures only on a clash', async () => {
		const { schoolId, actor } = await setup();
		const from = await ctx.newClass({ schoolId, name: 'Willow' });
		const to = await ctx.newClass({ schoolId, name: 'Oak' });
		const amira = await ctx.newPupil({ classId: from, firstName: 'Amira', lastInitial: 'K' });
		const leo = await ctx.newPupil({ classId: from, firstName: 'Leo', lastInitial: 'S' });
		const amiraPictures = (await listPupils(from)).find((p) => p.id === amira)!.pictures;

		// Someone in the new class already has Amira's pictures.
		await ctx.handle.db
			.insertInto('pupils')
			.values({
				class_id: to,
				first_name: 'Mia',
				last_initial: 'J',
				picture_password: amiraPictures.join('-'),
				created_at: new Date().toISOString()
			})
			.execute();

		const moved = await movePupilToClass(amira, to, actor);
		expect(moved.picturesChanged).toBe(true);
		expect(moved.pictures.join('-')).not.toBe(amiraPictures.join('-'));
		await movePupilToClass(leo, to, actor);
		const inOak = await listPupils(to);
		expect(inOak.map((p) => p.name)).toEqual(['Amira K.', 'Leo S.', 'Mia J.']);
		expect(new Set(inOak.map((p) => p.pictures.join('-'))).size).toBe(3);
		expect(await listPupils(from)).toEqual([]);
		expect((await auditActions()).filter((a) => a === 'pupil.moved')).toHaveLength(2);
	});

	it('refuses to move a pupil to another school, or into a class that has their name', async () => {
		const { schoolId } = await setup();
		const from = await ctx.newClass({ schoolId });
		const sameSchool = await ctx.newClass({ schoolId });
		const elsewhere = await ctx.newClass({ schoolId: await ctx.newSchool() });
		const amira = await ctx.newPupil({ classId: from, firstName: 'Amira', lastInitial: 'K' });
		await ctx.newPupil({ classId: sameSchool, firstName: 'Amira', lastInitial: 'K' });

		await expect(movePupilToClass(amira, elsewhere)).rejects.toThrow(/same school/);
		await expect(movePupilToClass(amira, sameSchool)).rejects.toThrow(/already has a Amira K\./);
		await expect(movePupilToClass(amira, from)).rejects.toThrow(/already in that class/);
		expect((await listPupils(from)).map((p) => p.id)).toEqual([amira]);
	});

	it('gives new pictures that differ from every other pupil in the class', async () => {
		const { schoolId, actor } = await setup();
		const classId = await ctx.newClass({ schoolId });
		const ids = [];
		for (let i = 0; i < 25; i++) ids.push(await ctx.newPupil({ classId }));
		for (const id of ids) {
			const before = (await listPupils(classId)).find((p) => p.id === id)!.pictures.join('-');
			const after = (await regeneratePicturePassword(id, actor)).join('-');
			expect(after).not.toBe(before);
		}
		const pupils = await listPupils(classId);
		expect(new Set(pupils.map((p) => p.pictures.join('-'))).size).toBe(25);
	});

	it('unlocks a locked pupil and records it', async () => {
		const { schoolId, actor } = await setup();
		const classId = await ctx.newClass({ schoolId });
		const amira = await ctx.newPupil({ classId });
		const until = new Date(Date.now() + 10 * 60_000).toISOString();
		await ctx.handle.db
			.updateTable('pupils')
			.set({ failed_attempts: 5, locked_until: until })
			.where('id', '=', amira)
			.execute();
		expect(await listPupils(classId)).toMatchObject([{ lockedUntil: until, failedAttempts: 5 }]);

		await unlockPupil(amira, actor);
		expect(await listPupils(classId)).toMatchObject([{ lockedUntil: null, failedAttempts: 0 }]);
		const audit = await ctx.handle.db
			.selectFrom('audit_events')
			.selectAll()
			.executeTakeFirstOrThrow();
		expect(audit).toMatchObject({
			action: 'pupil.unlocked',
			actor_type: 'staff',
			actor_id: actor.id,
			school_id: schoolId,
			target_type: 'pupil',
			target_id: String(amira)
		});
	});

	it('shows a lock that has run out as unlocked', async () => {
		const { schoolId } = await setup();
		const classId = await ctx.newClass({ schoolId });
		const amira = await ctx.newPupil({ classId });
		await ctx.handle.db
			.updateTable('pupils')
			.set({ locked_until: new Date(Date.now() - 1000).toISOString() })
			.where('id', '=', amira)
			.execute();
		expect(await listPupils(classId)).toMatchObject([{ lockedUntil: null }]);
	});

	it('never writes a pupil name into the audit log, which the coordinator can read', async () => {
		const { schoolId, actor } = await setup();
		const classId = await ctx.newClass({ schoolId });
		const other = await ctx.newClass({ schoolId });
		const [amira] = await addPupils(classId, names('Amira K'), actor);
		await renamePupil(amira.id, { firstName: 'Amirah', lastInitial: 'K' }, actor);
		await regeneratePicturePassword(amira.id, actor);
		await movePupilToClass(amira.id, other, actor);
		await archivePupil(amira.id, actor);
		await restorePupil(amira.id, actor);
		await unlockPupil(amira.id, actor);
		const rows = await ctx.handle.db.selectFrom('audit_events').selectAll().execute();
		expect(rows).toHaveLength(7);
		expect(JSON.stringify(rows)).not.toMatch(/Amira/);
	});
});

describe('who may move a pupil where', () => {
	const principal = (id: number, role: StaffPrincipal['role'], schoolId: number | null) =>
		({
			kind: 'staff',
			id,
			role,
			schoolId,
			email: '',
			displayName: '',
			sessionId: ''
		}) as StaffPrincipal;

	it('lets a teacher or lead move a pupil into any current class of their own school only', async () => {
		const { schoolId, teacherId, leadId } = await setup();
		const notTheirs = await ctx.newClass({ schoolId });
		const archived = await ctx.newClass({ schoolId });
		await archiveClass(archived);
		const elsewhere = await ctx.newClass({ schoolId: await ctx.newSchool() });

		expect(await canMovePupilInto(principal(teacherId, 'teacher', schoolId), notTheirs)).toBe(true);
		expect(await canMovePupilInto(principal(leadId, 'lead', schoolId), notTheirs)).toBe(true);
		expect(await canMovePupilInto(principal(teacherId, 'teacher', schoolId), archived)).toBe(false);
		expect(await canMovePupilInto(principal(teacherId, 'teacher', schoolId), elsewhere)).toBe(
			false
		);
		expect(await canMovePupilInto(principal(1, 'coordinator', null), notTheirs)).toBe(false);
		expect(await canMovePupilInto(principal(teacherId, 'teacher', schoolId), 999_999)).toBe(false);
	});
});
