import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodePicturePassword } from '../../src/lib/pictures';
import { THROTTLES, useThrottleWait } from '../../src/lib/server/auth/rate-limit';
import { getSignInPause, liftSignInPause } from '../../src/lib/server/auth/sign-in-pauses';
import {
	checkPicturePassword,
	MAX_PICTURE_TRIES,
	unlockPupil
} from '../../src/lib/server/auth/picture-passwords';
import {
	findCardPupil,
	issueLoginCardToken,
	issueLoginCardTokens,
	revokeLoginCards,
	signInWithCardToken
} from '../../src/lib/server/auth/login-cards';
import {
	findClassByCode,
	getJoinPupil,
	listClassNames,
	lookUpClassCode
} from '../../src/lib/server/auth/class-codes';
import { validatePupilSession, type StaffPrincipal } from '../../src/lib/server/auth/session';
import { useTestDatabase } from './context';

const ctx = useTestDatabase();
const IP = '203.0.113.7';

// The throttles' waits, recorded instead of slept through.
let waits: number[] = [];
let restoreWait: () => void;
beforeEach(() => {
	waits = [];
	restoreWait = useThrottleWait(async (ms) => {
		waits.push(ms);
	});
});
afterEach(() => restoreWait());

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

	it('slows code lookups from an address after many wrong codes, but still finds a right one', async () => {
		await classWithCode('AC3D4E');
		const wrong = THROTTLES.classCode.free + 40;
		for (let i = 0; i < wrong; i++) {
			expect((await lookUpClassCode({ code: 'XXXXXX', ip: IP })).status).toBe('unknown');
		}
		// Free at first, then each wrong code makes the next lookup wait longer, to the cap.
		expect(waits).toHaveLength(wrong - THROTTLES.classCode.free - 1);
		expect(waits[0]).toBe(THROTTLES.classCode.stepMs);
		expect(waits.at(-1)).toBe(THROTTLES.classCode.maxMs);
		waits = [];
		expect((await lookUpClassCode({ code: 'AC3D4E', ip: IP })).status).toBe('found');
		expect(waits).toEqual([THROTTLES.classCode.maxMs]);
		waits = [];
		expect((await lookUpClassCode({ code: 'AC3D4E', ip: '198.51.100.1' })).status).toBe('found');
		expect(waits).toEqual([]);
		expect(await auditActions()).toContain('class_code.address_slowed');
	});

	it('does not count a half-typed code as a guess', async () => {
		for (let i = 0; i < THROTTLES.classCode.free + 5; i++) {
			await lookUpClassCode({ code: 'AC3', ip: IP });
		}
		expect((await lookUpClassCode({ code: 'ZZZZZZ', ip: IP })).status).toBe('unknown');
		expect(waits).toEqual([]);
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
		expect(results[4]).toEqual({ status: 'locked', minutes: 15 });

		const right = await picturesOf(pupilId);
		const later = new Date(now.getTime() + 14 * 60_000);
		expect(
			await checkPicturePassword({ classId, pupilId, pictures: right, ip: IP, now: later })
		).toEqual({ status: 'locked', minutes: 1 });
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

	it('lets three classes of 30 behind one address all sign in, each pupil mistyping twice', async () => {
		const schoolId = await ctx.newSchool();
		const classes = [];
		for (let c = 0; c < 3; c++) {
			const classId = await ctx.newClass({ schoolId });
			const pupils = [];
			for (let p = 0; p < 30; p++) pupils.push(await ctx.newPupil({ classId }));
			classes.push({ classId, pupils });
		}
		// The worst order: every mistake in the school comes before anyone gets it right.
		for (const { classId, pupils } of classes) {
			for (const pupilId of pupils) {
				const wrong = await wrongPicturesFor(pupilId);
				for (let i = 0; i < 2; i++) {
					expect(
						(await checkPicturePassword({ classId, pupilId, pictures: wrong, ip: IP })).status
					).toBe('wrong');
				}
			}
		}
		for (const { classId, pupils } of classes) {
			for (const pupilId of pupils) {
				const right = await picturesOf(pupilId);
				const result = await checkPicturePassword({ classId, pupilId, pictures: right, ip: IP });
				expect(result.status).toBe('ok');
			}
		}
		// An ordinary first lesson: nobody waited at all.
		expect(waits).toEqual([]);
		for (const { classId } of classes) expect(await getSignInPause(classId)).toBeNull();
	});

	/** Four wrong tries on each pupil in turn (one fewer than locks them): a guesser's best. */
	async function hammer(classId: number, pupils: number[], ip: string, tries: number) {
		let done = 0;
		for (const pupilId of pupils) {
			const wrong = await wrongPicturesFor(pupilId);
			for (let i = 0; i < MAX_PICTURE_TRIES - 1 && done < tries; i++, done++) {
				await checkPicturePassword({ classId, pupilId, pictures: wrong, ip });
			}
		}
		expect(done).toBe(tries);
	}

	it('slows an attacker hammering one class while its pupils with the right pictures still get in', async () => {
		const { schoolId, classId } = await classWithCode('AC3D4E');
		const pupils = [];
		for (let p = 0; p < 30; p++) pupils.push(await ctx.newPupil({ classId }));
		const attacker = '192.0.2.66';
		await hammer(classId, pupils.slice(0, 25), attacker, 100);

		// Free for an ordinary lesson's worth of mistakes, then longer and longer, to the cap.
		expect(waits).toHaveLength(100 - THROTTLES.pupilClass.free - 1);
		expect(waits[0]).toBe(THROTTLES.pupilClass.stepMs);
		expect(waits).toEqual([...waits].sort((a, b) => a - b));
		expect(waits.at(-1)).toBe(THROTTLES.pupilClass.maxMs);
		expect(await auditActions()).toContain('pupil_sign_in.class_slowed');

		// Each pupil's own lock still holds against the attacker.
		const target = pupils[0];
		const fifth = await checkPicturePassword({
			classId,
			pupilId: target,
			pictures: await wrongPicturesFor(target),
			ip: attacker
		});
		expect(fifth.status).toBe('locked');

		// The class's own pupils, at school, wait a moment and get in.
		waits = [];
		for (const pupilId of pupils.slice(25)) {
			const right = await picturesOf(pupilId);
			const result = await checkPicturePassword({ classId, pupilId, pictures: right, ip: IP });
			expect(result.status).toBe('ok');
		}
		expect(waits).toEqual(Array(5).fill(THROTTLES.pupilClass.maxMs));

		// Another class, even in the same school, is not slowed at all.
		waits = [];
		const otherClass = await ctx.newClass({ schoolId });
		const elsewhere = await ctx.newPupil({ classId: otherClass });
		const result = await checkPicturePassword({
			classId: otherClass,
			pupilId: elsewhere,
			pictures: await picturesOf(elsewhere),
			ip: IP
		});
		expect(result.status).toBe('ok');
		expect(waits).toEqual([]);
	});

	it('shows the teacher a slowed class, and lets them lift it, on the record', async () => {
		const schoolId = await ctx.newSchool();
		const teacherId = await ctx.newStaff({ role: 'teacher', schoolId });
		const classId = await ctx.newClass({ schoolId, teacherId });
		const pupils = [];
		for (let p = 0; p < 25; p++) pupils.push(await ctx.newPupil({ classId }));
		expect(await getSignInPause(classId)).toBeNull();
		await hammer(classId, pupils, IP, 100);
		expect(await getSignInPause(classId)).toEqual({
			seconds: THROTTLES.pupilClass.maxMs / 1000,
			byClass: true,
			byAddress: false
		});

		await liftSignInPause(classId, { id: teacherId, schoolId }, '10.9.9.9');
		expect(await getSignInPause(classId)).toBeNull();
		const lifted = await ctx.handle.db
			.selectFrom('audit_events')
			.selectAll()
			.where('action', '=', 'pupil_sign_in.slowdown_lifted')
			.executeTakeFirstOrThrow();
		expect(lifted).toMatchObject({
			actor_type: 'staff',
			actor_id: teacherId,
			school_id: schoolId,
			target_type: 'class',
			target_id: String(classId),
			ip: '10.9.9.9'
		});
		waits = [];
		const pupilId = pupils[24];
		const right = await picturesOf(pupilId);
		expect((await checkPicturePassword({ classId, pupilId, pictures: right, ip: IP })).status).toBe(
			'ok'
		);
		expect(waits).toEqual([]);
	});

	it('shows a class slowed by wrong tries from its school’s address, and lifts that too', async () => {
		const schoolId = await ctx.newSchool();
		const teacherId = await ctx.newStaff({ role: 'teacher', schoolId });
		const mine = await ctx.newClass({ schoolId, teacherId });
		const myPupil = await ctx.newPupil({ classId: mine });
		await checkPicturePassword({
			classId: mine,
			pupilId: myPupil,
			pictures: await picturesOf(myPupil),
			ip: IP
		});
		// Other classes behind the same address, each under its own class's free tries.
		let tries = 0;
		const needed = THROTTLES.pupilAddress.free + 20;
		while (tries < needed) {
			const classId = await ctx.newClass({ schoolId });
			const pupils = [];
			for (let p = 0; p < 10; p++) pupils.push(await ctx.newPupil({ classId }));
			const batch = Math.min(40, needed - tries);
			await hammer(classId, pupils, IP, batch);
			tries += batch;
		}
		expect(await getSignInPause(mine)).toMatchObject({ byClass: false, byAddress: true });
		expect(await auditActions()).toContain('pupil_sign_in.address_slowed');

		await liftSignInPause(mine, { id: teacherId, schoolId });
		expect(await getSignInPause(mine)).toBeNull();
		waits = [];
		expect(
			(
				await checkPicturePassword({
					classId: mine,
					pupilId: myPupil,
					pictures: await picturesOf(myPupil),
					ip: IP
				})
			).status
		).toBe('ok');
		expect(waits).toEqual([]);
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
