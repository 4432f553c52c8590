import { describe, expect, it } from 'vitest';
import { decodePicturePassword } from '../../src/lib/pictures';
import { LIMITS } from '../../src/lib/server/auth/rate-limit';
import {
	checkPicturePassword,
	findCardPupil,
	findClassByCode,
	getJoinPupil,
	issueLoginCardToken,
	issueLoginCardTokens,
	listClassNames,
	lookUpClassCode,
	MAX_PICTURE_TRIES,
	revokeLoginCards,
	signInWithCardToken,
	unlockPupil
} from '../../src/lib/server/auth/pupil-login';
import { validatePupilSession, type StaffPrincipal } from '../../src/lib/server/auth/session';
import { useTestDatabase } from './context';

const ctx = useTestDatabase();
const IP = '203.0.113.7';

async function classWithCode(code: string) {
	const schoolId = await ctx.newSchool();
	const classId = await ctx.newClass({ schoolId });
	await ctx.handle.db.updateTable('classes').set({ code }).where('id', '=', classId).execute();
	return { schoolId, classId };
}

async function picturesOf(pupilId: number): Promise<number[]> {
	const row = await ctx.handle.db
		.selectFrom('pupils')
		.select('picture_password')
		.where('id', '=', pupilId)
		.executeTakeFirstOrThrow();
	return decodePicturePassword(row.picture_password);
}

/** Three pictures that are certainly not the pupil's. */
async function wrongPicturesFor(pupilId: number): Promise<number[]> {
	const right = await picturesOf(pupilId);
	return [right[1], right[0], right[2]];
}

async function pupilRow(pupilId: number) {
	return ctx.handle.db
		.selectFrom('pupils')
		.select(['failed_attempts', 'locked_until'])
		.where('id', '=', pupilId)
		.executeTakeFirstOrThrow();
}

async function auditActions(): Promise<string[]> {
	const rows = await ctx.handle.db
		.selectFrom('audit_events')
		.select('action')
		.orderBy('id')
		.execute();
	return rows.map((r) => r.action);
}

function teacher(id: number, schoolId: number): StaffPrincipal {
	return {
		kind: 'staff',
		id,
		email: 't@example.test',
		displayName: 'T',
		role: 'teacher',
		schoolId,
		sessionId: 'x'
	};
}

describe('class codes', () => {
	it('finds a class whatever the case and spaces a pupil types', async () => {
		const { classId } = await classWithCode('AC3D4E');
		for (const typed of ['AC3D4E', 'ac3d4e', ' ac3 d4e ', 'Ac3-D4e']) {
			expect((await findClassByCode(typed))?.id, typed).toBe(classId);
		}
		expect((await findClassByCode('ac3d4e'))?.code).toBe('AC3D4E');
	});

	it('refuses a code that does not exist, and an archived class', async () => {
		const { classId } = await classWithCode('AC3D4E');
		expect(await findClassByCode('AC3D4F')).toBeNull();
		expect(await findClassByCode('')).toBeNull();
		await ctx.handle.db
			.updateTable('classes')
			.set({ archived_at: new Date().toISOString() })
			.where('id', '=', classId)
			.execute();
		expect(await findClassByCode('AC3D4E')).toBeNull();
	});

	it('pauses code lookups from an address after too many wrong codes, even for a right one', async () => {
		await classWithCode('AC3D4E');
		for (let i = 0; i < LIMITS.classCode.limit; i++) {
			expect((await lookUpClassCode({ code: 'XXXXXX', ip: IP })).status).toBe('unknown');
		}
		expect(await lookUpClassCode({ code: 'AC3D4E', ip: IP })).toMatchObject({ status: 'locked' });
		expect((await lookUpClassCode({ code: 'AC3D4E', ip: '198.51.100.1' })).status).toBe('found');
		expect(await auditActions()).toContain('class_code.address_limited');
	});

	it('does not count a half-typed code as a guess', async () => {
		for (let i = 0; i < LIMITS.classCode.limit + 5; i++) {
			await lookUpClassCode({ code: 'AC3', ip: IP });
		}
		expect((await lookUpClassCode({ code: 'ZZZZZZ', ip: IP })).status).toBe('unknown');
	});
});

describe('names in a class', () => {
	it('lists first names in order, adding the initial only where a first name is shared', async () => {
		const { classId } = await classWithCode('AC3D4E');
		const ids = {
			amiraK: await ctx.newPupil({ classId, firstName: 'Amira', lastInitial: 'K' }),
			leo: await ctx.newPupil({ classId, firstName: 'Leo', lastInitial: 'B' }),
			amiraB: await ctx.newPupil({ classId, firstName: 'Amira', lastInitial: 'B' }),
			zara: await ctx.newPupil({ classId, firstName: 'Zara', lastInitial: 'T' }),
			gone: await ctx.newPupil({ classId, firstName: 'Zara', lastInitial: 'P' })
		};
		await ctx.handle.db
			.updateTable('pupils')
			.set({ archived_at: new Date().toISOString() })
			.where('id', '=', ids.gone)
			.execute();
		const other = await ctx.newClass({ schoolId: await ctx.newSchool() });
		await ctx.newPupil({ classId: other, firstName: 'Leo', lastInitial: 'Q' });

		expect(await listClassNames(classId)).toEqual([
			{ pupilId: ids.amiraB, label: 'Amira B.' },
			{ pupilId: ids.amiraK, label: 'Amira K.' },
			{ pupilId: ids.leo, label: 'Leo' },
			{ pupilId: ids.zara, label: 'Zara' }
		]);
	});

	it('finds a pupil only in their own class', async () => {
		const { classId } = await classWithCode('AC3D4E');
		const pupilId = await ctx.newPupil({ classId, firstName: 'Leo' });
		const other = await ctx.newClass({ schoolId: await ctx.newSchool() });
		expect(await getJoinPupil(classId, pupilId)).toEqual({
			pupilId,
			label: 'Leo',
			lockedMinutes: null
		});
		expect(await getJoinPupil(other, pupilId)).toBeNull();
	});
});

describe('picture passwords', () => {
	it('signs a pupil in with the right three pictures and starts a session', async () => {
		const { classId, schoolId } = await classWithCode('AC3D4E');
		const pupilId = await ctx.newPupil({ classId, firstName: 'Amira', lastInitial: 'K' });
		const result = await checkPicturePassword({
			classId,
			pupilId,
			pictures: await picturesOf(pupilId),
			ip: IP
		});
		expect(result.status).toBe('ok');
		if (result.status !== 'ok') return;
		const principal = await validatePupilSession(result.session.token);
		expect(principal).toMatchObject({ id: pupilId, classId, schoolId, firstName: 'Amira' });
	});

	it('says how many tries are left after wrong pictures', async () => {
		const { classId } = await classWithCode('AC3D4E');
		const pupilId = await ctx.newPupil({ classId });
		const wrong = await wrongPicturesFor(pupilId);
		expect(await checkPicturePassword({ classId, pupilId, pictures: wrong, ip: IP })).toEqual({
			status: 'wrong',
			attemptsLeft: MAX_PICTURE_TRIES - 1
		});
		expect(await checkPicturePassword({ classId, pupilId, pictures: wrong, ip: IP })).toEqual({
			status: 'wrong',
			attemptsLeft: MAX_PICTURE_TRIES - 2
		});
	});

	it('pauses a pupil for 15 minutes after five wrong tries, even against the right pictures', async () => {
		const { classId, schoolId } = await classWithCode('AC3D4E');
		const pupilId = await ctx.newPupil({ classId });
		const wrong = await wrongPicturesFor(pupilId);
		const now = new Date('2026-11-28T10:00:00Z');
		const results = [];
		for (let i = 0; i < 5; i++) {
			results.push(await checkPicturePassword({ classId, pupilId, pictures: wrong, ip: IP, now }));
		}
		expect(results.map((r) => r.status)).toEqual(['wrong', 'wrong', 'wrong', 'wrong', 'locked']);
		expect(results[4]).toEqual({ status: 'locked', minutes: 15, scope: 'pupil' });

		const right = await picturesOf(pupilId);
		const later = new Date(now.getTime() + 14 * 60_000);
		expect(
			await checkPicturePassword({ classId, pupilId, pictures: right, ip: IP, now: later })
		).toEqual({ status: 'locked', minutes: 1, scope: 'pupil' });
		expect((await getJoinPupil(classId, pupilId, later))?.lockedMinutes).toBe(1);

		const lockout = await ctx.handle.db
			.selectFrom('audit_events')
			.selectAll()
			.where('action', '=', 'pupil.locked')
			.executeTakeFirstOrThrow();
		expect(lockout).toMatchObject({
			actor_type: 'anonymous',
			school_id: schoolId,
			target_type: 'pupil',
			target_id: String(pupilId),
			ip: IP
		});

		const afterwards = new Date(now.getTime() + 15 * 60_000 + 1);
		expect(
			(await checkPicturePassword({ classId, pupilId, pictures: right, ip: IP, now: afterwards }))
				.status
		).toBe('ok');
	});

	it('gives a fresh five tries once a pause has run out', async () => {
		const { classId } = await classWithCode('AC3D4E');
		const pupilId = await ctx.newPupil({ classId });
		const wrong = await wrongPicturesFor(pupilId);
		const now = new Date('2026-11-28T10:00:00Z');
		for (let i = 0; i < 5; i++) {
			await checkPicturePassword({ classId, pupilId, pictures: wrong, ip: IP, now });
		}
		const afterwards = new Date(now.getTime() + 16 * 60_000);
		expect(
			await checkPicturePassword({ classId, pupilId, pictures: wrong, ip: IP, now: afterwards })
		).toEqual({ status: 'wrong', attemptsLeft: 4 });
	});

	it('lets a teacher unlock a paused pupil, and records who did', async () => {
		const schoolId = await ctx.newSchool();
		const teacherId = await ctx.newStaff({ role: 'teacher', schoolId });
		const classId = await ctx.newClass({ schoolId, teacherId });
		const pupilId = await ctx.newPupil({ classId });
		const wrong = await wrongPicturesFor(pupilId);
		for (let i = 0; i < 5; i++) {
			await checkPicturePassword({ classId, pupilId, pictures: wrong, ip: IP });
		}
		expect(await unlockPupil(pupilId, teacher(teacherId, schoolId))).toBe(true);
		expect(await pupilRow(pupilId)).toEqual({ failed_attempts: 0, locked_until: null });
		const unlock = await ctx.handle.db
			.selectFrom('audit_events')
			.selectAll()
			.where('action', '=', 'pupil.unlocked')
			.executeTakeFirstOrThrow();
		expect(unlock).toMatchObject({
			actor_type: 'staff',
			actor_id: teacherId,
			school_id: schoolId,
			target_id: String(pupilId)
		});
		const right = await picturesOf(pupilId);
		expect((await checkPicturePassword({ classId, pupilId, pictures: right, ip: IP })).status).toBe(
			'ok'
		);
	});

	it('resets the count of wrong tries after a successful sign-in', async () => {
		const { classId } = await classWithCode('AC3D4E');
		const pupilId = await ctx.newPupil({ classId });
		const wrong = await wrongPicturesFor(pupilId);
		for (let i = 0; i < 4; i++) {
			await checkPicturePassword({ classId, pupilId, pictures: wrong, ip: IP });
		}
		expect((await pupilRow(pupilId)).failed_attempts).toBe(4);
		await checkPicturePassword({ classId, pupilId, pictures: await picturesOf(pupilId), ip: IP });
		expect((await pupilRow(pupilId)).failed_attempts).toBe(0);
		expect(await checkPicturePassword({ classId, pupilId, pictures: wrong, ip: IP })).toEqual({
			status: 'wrong',
			attemptsLeft: 4
		});
	});

	it('refuses a pupil of another class or an archived pupil without a session', async () => {
		const { classId } = await classWithCode('AC3D4E');
		const other = await ctx.newClass({ schoolId: await ctx.newSchool() });
		const pupilId = await ctx.newPupil({ classId: other });
		const right = await picturesOf(pupilId);
		expect((await checkPicturePassword({ classId, pupilId, pictures: right, ip: IP })).status).toBe(
			'unknown'
		);
		await ctx.handle.db
			.updateTable('pupils')
			.set({ archived_at: new Date().toISOString() })
			.where('id', '=', pupilId)
			.execute();
		expect(
			(await checkPicturePassword({ classId: other, pupilId, pictures: right, ip: IP })).status
		).toBe('unknown');
		const sessions = await ctx.handle.db.selectFrom('pupil_sessions').selectAll().execute();
		expect(sessions).toEqual([]);
	});

	it('pauses a whole class once too many wrong tries are made across its pupils', async () => {
		const { classId } = await classWithCode('AC3D4E');
		const pupils = [];
		for (let i = 0; i < 16; i++) pupils.push(await ctx.newPupil({ classId }));
		let tries = 0;
		// Spread over pupils (under each pupil's own limit) and addresses (under theirs).
		for (const pupilId of pupils) {
			const wrong = await wrongPicturesFor(pupilId);
			for (let i = 0; i < 4 && tries < LIMITS.pupilClass.limit; i++, tries++) {
				const ip = `198.51.100.${tries % 10}`;
				await checkPicturePassword({ classId, pupilId, pictures: wrong, ip });
			}
		}
		expect(tries).toBe(LIMITS.pupilClass.limit);
		const fresh = pupils[pupils.length - 1];
		const result = await checkPicturePassword({
			classId,
			pupilId: fresh,
			pictures: await picturesOf(fresh),
			ip: '192.0.2.1'
		});
		expect(result).toMatchObject({ status: 'locked', scope: 'class' });
		const limited = await ctx.handle.db
			.selectFrom('audit_events')
			.selectAll()
			.where('action', '=', 'pupil_sign_in.class_limited')
			.executeTakeFirstOrThrow();
		expect(limited).toMatchObject({ target_type: 'class', target_id: String(classId) });

		const otherClass = await ctx.newClass({ schoolId: await ctx.newSchool() });
		const elsewhere = await ctx.newPupil({ classId: otherClass });
		expect(
			(
				await checkPicturePassword({
					classId: otherClass,
					pupilId: elsewhere,
					pictures: await picturesOf(elsewhere),
					ip: '192.0.2.1'
				})
			).status
		).toBe('ok');
	});

	it('pauses an address once too many wrong tries come from it, across classes', async () => {
		const schoolId = await ctx.newSchool();
		let tries = 0;
		const classes = [];
		// Enough classes that no class reaches its own limit first.
		while (tries < LIMITS.pupilAddress.limit) {
			const classId = await ctx.newClass({ schoolId });
			classes.push(classId);
			for (let p = 0; p < 10 && tries < LIMITS.pupilAddress.limit; p++) {
				const pupilId = await ctx.newPupil({ classId });
				const wrong = await wrongPicturesFor(pupilId);
				for (let i = 0; i < 4 && tries < LIMITS.pupilAddress.limit; i++, tries++) {
					await checkPicturePassword({ classId, pupilId, pictures: wrong, ip: IP });
				}
			}
		}
		const classId = await ctx.newClass({ schoolId });
		const pupilId = await ctx.newPupil({ classId });
		const right = await picturesOf(pupilId);
		expect(await checkPicturePassword({ classId, pupilId, pictures: right, ip: IP })).toMatchObject(
			{ status: 'locked', scope: 'address' }
		);
		expect(
			(await checkPicturePassword({ classId, pupilId, pictures: right, ip: '192.0.2.1' })).status
		).toBe('ok');
		expect(await auditActions()).toContain('pupil_sign_in.address_limited');
	});

	it('never stores or logs the pictures tried', async () => {
		const { classId } = await classWithCode('AC3D4E');
		const pupilId = await ctx.newPupil({ classId });
		const wrong = await wrongPicturesFor(pupilId);
		for (let i = 0; i < 5; i++) {
			await checkPicturePassword({ classId, pupilId, pictures: wrong, ip: IP });
		}
		const details = await ctx.handle.db.selectFrom('audit_events').select('detail').execute();
		const tried = wrong.join('-');
		for (const { detail } of details) expect(detail ?? '').not.toContain(tried);
	});
});

describe('login cards', () => {
	async function pupil() {
		const { classId } = await classWithCode('AC3D4E');
		const pupilId = await ctx.newPupil({ classId, firstName: 'Amira', lastInitial: 'K' });
		return { classId, pupilId };
	}

	it('signs the pupil in with a fresh card and starts a session', async () => {
		const { pupilId } = await pupil();
		const token = await issueLoginCardToken(pupilId);
		expect(token.length).toBeGreaterThanOrEqual(26); // ≥128 bits of base32
		expect((await findCardPupil(token))?.firstName).toBe('Amira');
		const signedIn = await signInWithCardToken(token);
		expect(signedIn).toMatchObject({ id: pupilId, firstName: 'Amira' });
		expect((await validatePupilSession(signedIn!.session.token))?.id).toBe(pupilId);
		// A card is reusable until it is replaced or revoked.
		expect(await signInWithCardToken(token)).not.toBeNull();
	});

	it('stores only the hash of a card token, never the token', async () => {
		const { pupilId } = await pupil();
		const token = await issueLoginCardToken(pupilId);
		const rows = await ctx.handle.db.selectFrom('pupil_login_tokens').selectAll().execute();
		expect(rows).toHaveLength(1);
		expect(rows[0].id).toMatch(/^[0-9a-f]{64}$/);
		const everything = ctx.handle.sqlite
			.prepare("select name from sqlite_schema where type = 'table'")
			.all()
			.map((t) => (t as { name: string }).name)
			.flatMap((table) => ctx.handle.sqlite.prepare(`select * from "${table}"`).all());
		expect(JSON.stringify(everything)).not.toContain(token);
	});

	it('replaces the old card when a card is reprinted', async () => {
		const { pupilId } = await pupil();
		const old = await issueLoginCardToken(pupilId);
		const reprinted = await issueLoginCardToken(pupilId);
		expect(await signInWithCardToken(old)).toBeNull();
		expect(await signInWithCardToken(reprinted)).not.toBeNull();
	});

	it('issues cards for a whole class at once, replacing earlier ones', async () => {
		const { classId, pupilId } = await pupil();
		const old = await issueLoginCardToken(pupilId);
		const second = await ctx.newPupil({ classId, firstName: 'Leo' });
		const archived = await ctx.newPupil({ classId, firstName: 'Zara' });
		await ctx.handle.db
			.updateTable('pupils')
			.set({ archived_at: new Date().toISOString() })
			.where('id', '=', archived)
			.execute();
		const cards = await issueLoginCardTokens(classId);
		expect([...cards.keys()].sort()).toEqual([pupilId, second].sort());
		expect(new Set(cards.values()).size).toBe(2);
		expect((await findCardPupil(cards.get(second)!))?.firstName).toBe('Leo');
		expect(await findCardPupil(old)).toBeNull();
	});

	it('refuses a revoked card, an unknown one and an archived pupil’s card', async () => {
		const { pupilId } = await pupil();
		const token = await issueLoginCardToken(pupilId);
		expect(await signInWithCardToken('a'.repeat(32))).toBeNull();
		expect(await signInWithCardToken('not a token')).toBeNull();
		expect(await revokeLoginCards(pupilId)).toBe(1);
		expect(await signInWithCardToken(token)).toBeNull();

		const again = await issueLoginCardToken(pupilId);
		await ctx.handle.db
			.updateTable('pupils')
			.set({ archived_at: new Date().toISOString() })
			.where('id', '=', pupilId)
			.execute();
		expect(await signInWithCardToken(again)).toBeNull();
		expect(await ctx.handle.db.selectFrom('pupil_sessions').selectAll().execute()).toEqual([]);
	});
});
