// A family's rights: a school lead finds a pupil (last year's too), produces everything
// Think Safe holds about them, and erases them now. An open request for help stops the
// erasure until the school's safeguarding lead has recorded it.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { issueLoginCardToken } from '../../src/lib/server/auth/login-cards';
import { unlockPupil } from '../../src/lib/server/auth/picture-passwords';
import { createPupilSession, type PupilPrincipal } from '../../src/lib/server/auth/session';
import { createClassSession } from '../../src/lib/server/teaching/class-session-start';
import { getLibrary } from '../../src/lib/server/lessons';
import { markPaperCompletion } from '../../src/lib/server/teaching/progress';
import { erasePupil, erasurePreview } from '../../src/lib/server/records/erasure';
import { auditSubjectAccess, subjectAccess } from '../../src/lib/server/records/subject-access';
import { findPupilsOfSchool } from '../../src/lib/server/records/pupil-search';
import { schoolSummary } from '../../src/lib/server/reports/school-report';
import { closeAcademicYear } from '../../src/lib/server/people/school-year';
import { acknowledgeHelpRequest, addHelpNote } from '../../src/lib/server/safeguarding';
import { useTestDatabase } from './context';
import * as pupilHistory from './pupil-history';

const ctx = useTestDatabase();
const WORDS = 'Someone in a game keeps asking for my address';
const NOTE = 'Spoke to Zebedee at break; parents called.';

pupilHistory.useNoThrottleWait();

/** A school with a DSL, a class and Zebedee Q, who has done a lesson and asked for help. */
async function world() {
	const { schoolId, teacherId, teacher, lead, dsl } = await pupilHistory.loddonVale(ctx);
	const classId = await ctx.newClass({ schoolId, teacherId, name: 'Willow' });
	const pupilId = await ctx.newPupil({ classId, firstName: 'Zebedee', lastInitial: 'Q' });
	const classmate = await ctx.newPupil({ classId, firstName: 'Amira', lastInitial: 'K' });
	const pupil: PupilPrincipal = {
		kind: 'pupil',
		id: pupilId,
		classId,
		schoolId,
		firstName: 'Zebedee',
		lastInitial: 'Q',
		sessionId: ''
	};
	return {
		schoolId,
		classId,
		pupilId,
		classmate,
		pupil,
		teacher,
		lead,
		dsl
	};
}

/** Zebedee does a self-paced lesson (check, steps, answers), one on paper, and asks for help. */
async function history(w: Awaited<ReturnType<typeof world>>) {
	const lesson = pupilHistory.ownPace();
	const sessionId = await createClassSession(
		{ classId: w.classId, lessonId: lesson.id, mode: 'self', openUntil: '2099-07-20' },
		w.teacher
	);
	for (const who of [w.pupil, { ...w.pupil, id: w.classmate, firstName: 'Amira' }])
		await pupilHistory.doLesson(who, sessionId, {
			finish: true,
			check: pupilHistory.right,
			choose: pupilHistory.right
		});
	const onPaper = getLibrary().lessons.find((l) => l.id !== lesson.id)!;
	await markPaperCompletion([w.pupilId], onPaper.id, true, w.teacher);
	const card = await issueLoginCardToken(w.pupilId);
	const signIn = await createPupilSession(w.pupilId);
	await unlockPupil(w.pupilId, w.teacher);
	const requestId = await pupilHistory.askForHelp(w.pupil, WORDS);
	return { lesson, onPaper, sessionId, card, signIn, requestId };
}

async function pupilRowsEverywhere(pupilId: number): Promise<Record<string, number>> {
	const db = ctx.handle.db;
	const counts: Record<string, number> = {};
	for (const table of [
		'answers',
		'attendance',
		'progress',
		'paper_completions',
		'class_session_pupils',
		'pupil_sessions',
		'pupil_login_tokens',
		'help_requests'
	] as const) {
		const rows = await db
			.selectFrom(table)
			.select('pupil_id')
			.where('pupil_id', '=', pupilId)
			.execute();
		counts[table] = rows.length;
	}
	counts.pupils = (
		await db.selectFrom('pupils').select('id').where('id', '=', pupilId).execute()
	).length;
	return counts;
}

/** Every row of every table, as text, to look for a name anywhere in the database. */
async function wholeDatabase(): Promise<string> {
	const tables = ctx.handle.sqlite
		.prepare("select name from sqlite_schema where type = 'table' and name not like 'sqlite_%'")
		.all() as { name: string }[];
	return tables
		.map((t) => JSON.stringify(ctx.handle.sqlite.prepare(`select * from "${t.name}"`).all()))
		.join('\n');
}

describe('finding a pupil', () => {
	it('finds the school’s pupils by the start of the first name and the initial, last year’s too', async () => {
		const w = await world();
		const lastYear = await ctx.newClass({ schoolId: w.schoolId, name: 'Oak' });
		await ctx.handle.db
			.updateTable('classes')
			.set({ academic_year: '2025/26' })
			.where('id', '=', lastYear)
			.execute();
		const leaver = await ctx.newPupil({ classId: lastYear, firstName: 'Zeb', lastInitial: 'A' });
		await closeAcademicYear({ academicYear: '2025/26', schoolId: w.schoolId }, w.lead);
		const elsewhere = await ctx.newSchool();
		await ctx.newPupil({
			classId: await ctx.newClass({ schoolId: elsewhere }),
			firstName: 'Zebedee',
			lastInitial: 'Q'
		});

		expect(await findPupilsOfSchool(w.schoolId, '  ZEB ')).toEqual([
			{
				id: w.pupilId,
				name: 'Zebedee Q.',
				className: 'Willow',
				academicYear: '2026/27',
				archived: false
			},
			{ id: leaver, name: 'Zeb A.', className: 'Oak', academicYear: '2025/26', archived: true }
		]);
		expect((await findPupilsOfSchool(w.schoolId, 'zeb q.')).map((p) => p.id)).toEqual([w.pupilId]);
		expect(await findPupilsOfSchool(w.schoolId, 'Ｚｅｂｅｄｅｅ')).toHaveLength(1);
		expect(await findPupilsOfSchool(w.schoolId, '   ')).toEqual([]);
		expect(await findPupilsOfSchool(w.schoolId, 'Nobody')).toEqual([]);
	});
});

describe('everything Think Safe holds about a pupil', () => {
	it('holds their class, attendance, progress, answers with the questions, paper, cards, sign-ins, requests for help and audit entries', async () => {
		const w = await world();
		const h = await history(w);
		await acknowledgeHelpRequest(w.dsl, w.schoolId, h.requestId);
		await addHelpNote(w.dsl, w.schoolId, h.requestId, {
			clientId: pupilHistory.clientId(),
			kind: 'spoke',
			body: NOTE
		});

		const all = await subjectAccess(w.pupilId, { showHelp: true });
		expect(all.school).toBe('Loddon Vale');
		expect(all.pupil).toMatchObject({ id: w.pupilId, firstName: 'Zebedee', lastInitial: 'Q' });
		expect(all.classes).toEqual([
			{ name: 'Willow', academicYear: '2026/27', yearGroup: 6, current: true, archivedAt: null }
		]);
		expect(all.attendance).toEqual([
			expect.objectContaining({
				sessionId: h.sessionId,
				lesson: h.lesson.title,
				className: 'Willow',
				status: 'present',
				markedBy: 'joined',
				mode: 'self'
			})
		]);
		expect(all.progress).toEqual([
			expect.objectContaining({
				lesson: h.lesson.title,
				reachedEnd: true,
				furthestStep: h.lesson.steps.length - 1,
				steps: h.lesson.steps.length
			})
		]);
		// Every answer, each with its question's words and the options chosen, in words.
		const stored = await ctx.handle.db
			.selectFrom('answers')
			.selectAll()
			.where('pupil_id', '=', w.pupilId)
			.execute();
		expect(all.answers).toHaveLength(stored.length);
		expect(all.answers.length).toBeGreaterThan(2);
		const check = all.answers.find((a) => a.when === 'before')!;
		const question = h.lesson.questions.find((q) => q.check && q.scored)!;
		expect(check.question).toBe(
			question.promptHtml
				.replace(/<[^>]+>/g, '')
				.replace(/\s+/g, ' ')
				.trim()
		);
		expect(check.chosen).toEqual(pupilHistory.right(question).map((i) => question.options[i].text));
		expect(all.answers.filter((a) => a.when === 'during').every((a) => a.correct !== false)).toBe(
			true
		);
		expect(all.onPaper).toEqual([expect.objectContaining({ lesson: h.onPaper.title })]);
		expect(all.loginCards).toEqual([expect.objectContaining({ revokedAt: null })]);
		expect(all.signIns).toHaveLength(1);
		expect(all.helpRequests.shown).toBe(true);
		expect(all.helpRequests.records).toEqual([
			expect.objectContaining({
				id: h.requestId,
				message: WORDS,
				about: 'Me',
				topics: ['Someone online'],
				notes: [
					expect.objectContaining({ kind: 'acknowledged', by: 'Mrs Safe' }),
					expect.objectContaining({ kind: 'spoke', text: NOTE, by: 'Mrs Safe' })
				]
			})
		]);
		expect(all.audit.map((a) => a.action)).toEqual(['pupil.unlocked', 'help.requested']);
		expect(all.audit[0].by).toBe('Ms Oak');

		// Never a credential: not the pictures, not the card's token, not a sign-in's token.
		const json = JSON.stringify(all);
		const { picture_password } = await ctx.handle.db
			.selectFrom('pupils')
			.select('picture_password')
			.where('id', '=', w.pupilId)
			.executeTakeFirstOrThrow();
		expect(json).not.toContain(`"${picture_password}"`);
		expect(json).not.toContain(h.card);
		expect(json).not.toContain(h.signIn.token);
		// Nothing about the classmate.
		expect(json).not.toContain('Amira');
	});

	it('withholds the requests for help from a lead who does not read them, and says they exist', async () => {
		const w = await world();
		await history(w);
		const seen = await subjectAccess(w.pupilId, { showHelp: false });
		expect(seen.helpRequests).toEqual({
			shown: false,
			records: [expect.objectContaining({ open: true })]
		});
		const json = JSON.stringify(seen);
		expect(json).not.toContain(WORDS);
		expect(json).not.toContain('someone-online');
		expect(seen.audit.map((a) => a.action)).toEqual(['pupil.unlocked']);
	});

	it('writes each look to the audit log, and a look at a request for help as Step 7 asks', async () => {
		const w = await world();
		const h = await history(w);
		await auditSubjectAccess(w.lead, {
			pupilId: w.pupilId,
			schoolId: w.schoolId,
			download: true,
			helpIds: [h.requestId]
		});
		const rows = await ctx.handle.db
			.selectFrom('audit_events')
			.select(['action', 'target_type', 'target_id', 'actor_id'])
			.where('actor_id', '=', w.lead.id)
			.orderBy('id')
			.execute();
		expect(rows).toEqual([
			{
				action: 'pupil.records_downloaded',
				target_type: 'pupil',
				target_id: String(w.pupilId),
				actor_id: w.lead.id
			},
			{
				action: 'help.viewed',
				target_type: 'help_request',
				target_id: String(h.requestId),
				actor_id: w.lead.id
			}
		]);
	});
});

describe('erasing a pupil', () => {
	it('waits, erasing nothing, while a request for help is not yet recorded in the school’s system', async () => {
		const w = await world();
		const h = await history(w);
		const before = await pupilRowsEverywhere(w.pupilId);
		const preview = await erasurePreview(w.pupilId);
		expect(preview).toMatchObject({
			name: 'Zebedee Q.',
			openHelp: 1,
			safeguardingLeads: ['Mrs Safe']
		});

		expect(await erasePupil(w.pupilId, w.lead)).toEqual({
			erased: false,
			openHelp: 1,
			safeguardingLeads: ['Mrs Safe']
		});
		// Acknowledged and closed is still open here: only the DSL's "recorded" lets it go.
		await acknowledgeHelpRequest(w.dsl, w.schoolId, h.requestId);
		await addHelpNote(w.dsl, w.schoolId, h.requestId, {
			clientId: pupilHistory.clientId(),
			kind: 'closed',
			body: 'Talked it through.'
		});
		expect((await erasePupil(w.pupilId, w.lead)).erased).toBe(false);
		expect(await pupilRowsEverywhere(w.pupilId)).toEqual(before);
		expect(await pupilHistory.auditEntries(ctx, 'pupil.erased')).toEqual([]);
	});

	it('deletes every row of theirs, unlinks the log and the recorded request, names nobody, and leaves the classmates’ figures', async () => {
		const w = await world();
		const h = await history(w);
		await addHelpNote(w.dsl, w.schoolId, h.requestId, {
			clientId: pupilHistory.clientId(),
			kind: 'recorded',
			body: `Recorded in CPOMS. ${NOTE}`
		});
		const classFigures = async () =>
			(await schoolSummary(w.schoolId, {}, getLibrary().lessons)).classes[0];
		const before = await classFigures();
		expect(before).toMatchObject({ pupils: 2, reached: 2 });
		const preview = await erasurePreview(w.pupilId);
		expect(preview.openHelp).toBe(0);
		expect(preview.counts).toMatchObject({
			attendance: 1,
			progress: 1,
			onPaper: 1,
			loginCards: 1,
			signIns: 1,
			recordedHelp: 1
		});

		const result = await erasePupil(w.pupilId, w.lead);
		expect(result).toEqual({ erased: true, counts: preview.counts });
		expect(await pupilRowsEverywhere(w.pupilId)).toEqual({
			answers: 0,
			attendance: 0,
			progress: 0,
			paper_completions: 0,
			class_session_pupils: 0,
			pupil_sessions: 0,
			pupil_login_tokens: 0,
			help_requests: 0,
			pupils: 0
		});
		// The request stays for the council's counts, without the child or a word of it.
		const request = await pupilHistory.expectRequestWithoutChild(ctx, h.requestId, w.schoolId);
		expect(request.text_removed_at).not.toBeNull();
		// No audit entry points at the child any more; the erasure's own names only the class.
		const pointing = await ctx.handle.db
			.selectFrom('audit_events')
			.select('action')
			.where((eb) =>
				eb.or([
					eb.and([eb('target_type', '=', 'pupil'), eb('target_id', '=', String(w.pupilId))]),
					eb.and([eb('actor_type', '=', 'pupil'), eb('actor_id', '=', w.pupilId)])
				])
			)
			.execute();
		expect(pointing).toEqual([]);
		const erased = await ctx.handle.db
			.selectFrom('audit_events')
			.selectAll()
			.where('action', '=', 'pupil.erased')
			.executeTakeFirstOrThrow();
		expect(erased).toMatchObject({
			actor_id: w.lead.id,
			school_id: w.schoolId,
			target_type: 'class',
			target_id: String(w.classId)
		});
		// The child's name, and every word they or the DSL wrote, are nowhere in the tables.
		const everything = await wholeDatabase();
		for (const text of ['Zebedee', WORDS, NOTE]) expect(everything).not.toContain(text);
		// Nor in the file's free pages or the log beside it.
		for (const file of [ctx.handle.path, `${ctx.handle.path}-wal`]) {
			const bytes = fs.existsSync(file) ? fs.readFileSync(file) : Buffer.alloc(0);
			for (const text of ['Zebedee', WORDS.slice(0, 20)])
				expect(bytes.includes(Buffer.from(text)), `${text} in ${file}`).toBe(false);
		}

		// The class now counts its other pupil; the classmate's own figures are theirs still.
		const after = await classFigures();
		expect(after).toMatchObject({
			pupils: 1,
			reached: 1,
			sessionsDelivered: before.sessionsDelivered
		});
		const classmate = await subjectAccess(w.classmate, { showHelp: true });
		expect(classmate.answers.length).toBeGreaterThan(2);
	});
});
