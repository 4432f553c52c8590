// Pupils' records and the retention period, with the clock moved forward on a real SQLite
// file: a year after their academic year ended, last year's pupils become former pupils
// (no name, pictures, choices, sign-ins or cards), while every figure of their year stays
// exactly as it was, in every report and export, and nothing of them is left in the file.
import fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { listClassNames } from '../../src/lib/server/auth/class-codes';
import { findCardPupil, issueLoginCardToken } from '../../src/lib/server/auth/login-cards';
import { createPupilSession, type PupilPrincipal } from '../../src/lib/server/auth/session';
import { boroughTotals } from '../../src/lib/server/reports/borough-totals';
import { getClassSession } from '../../src/lib/server/teaching/class-sessions';
import { createClassSession } from '../../src/lib/server/teaching/class-session-start';
import { Refused } from '../../src/lib/server/platform/refusal';
import { getLibrary } from '../../src/lib/server/lessons';
import { markPaperCompletion, sessionRoster } from '../../src/lib/server/teaching/progress';
import { erasePupil, erasurePreview } from '../../src/lib/server/records/erasure';
import { subjectAccess } from '../../src/lib/server/records/subject-access';
import { findPupilsOfSchool } from '../../src/lib/server/records/pupil-search';
import { getPupil, listPupils } from '../../src/lib/server/people/pupils';
import { loadFacts } from '../../src/lib/server/reports/facts';
import { figures, lessonFigures, weeksOf } from '../../src/lib/server/reports/group-figures';
import type { ReportFilter } from '../../src/lib/server/reports/scope';
import { boroughCsv, schoolCsv } from '../../src/lib/server/reports/exports';
import { classReport } from '../../src/lib/server/reports/class-report';
import {
	recordsDeletedInClass,
	recordsDeletedInSchool,
	recordsKeptFor,
	runRetention
} from '../../src/lib/server/records';
import { addHelpNote } from '../../src/lib/server/safeguarding';
import { closeAcademicYear } from '../../src/lib/server/people/school-year';
import { useTestDatabase } from './context';
import * as pupilHistory from './pupil-history';

const ctx = useTestDatabase();
const WORDS = 'Somebody in a game keeps asking where Zebedee lives';
const NOTE = 'Spoke to Zebedee at break; recorded in CPOMS.';
const DOWNLOADED = new Date('2030-01-01T00:00:00Z');

pupilHistory.useNoThrottleWait();
afterEach(() => {
	vi.useRealTimers();
});

/** Moves the clock: every nowIso() and new Date() in the code now reads this time. */
function at(iso: string): Date {
	vi.useFakeTimers({ toFake: ['Date'] });
	const date = new Date(iso);
	vi.setSystemTime(date);
	return date;
}

type Pupil = PupilPrincipal;

/**
 * Loddon Vale in 2025/26: class Willow (Zebedee with a recorded request for help, Amira with
 * an open one, Bartholomew who did not finish, Dorothea who was never there), closed at the end of the year; and in
 * 2026/27, class Rowan with Currentina.
 */
async function world() {
	at('2025-10-06T09:00:00Z');
	const { schoolId, teacherId, leadId, teacher, lead, dsl } = await pupilHistory.loddonVale(ctx);
	const oldClass = await ctx.newClass({ schoolId, teacherId, name: 'Willow' });
	await ctx.handle.db
		.updateTable('classes')
		.set({ academic_year: '2025/26' })
		.where('id', '=', oldClass)
		.execute();
	const pupil = async (
		classId: number,
		firstName: string,
		lastInitial: string
	): Promise<Pupil> => ({
		kind: 'pupil',
		id: await ctx.newPupil({ classId, firstName, lastInitial }),
		classId,
		schoolId,
		firstName,
		lastInitial,
		sessionId: ''
	});
	const zebedee = await pupil(oldClass, 'Zebedee', 'Q');
	const amira = await pupil(oldClass, 'Amira', 'K');
	const bartholomew = await pupil(oldClass, 'Bartholomew', 'X');
	// Never there: the class's sessions count her as unmarked.
	const dorothea = await pupil(oldClass, 'Dorothea', 'P');

	const lesson = pupilHistory.ownPace();
	const sessionId = await createClassSession(
		{ classId: oldClass, lessonId: lesson.id, mode: 'self', openUntil: '2026-07-20' },
		teacher
	);
	// Each at their own time, as a child's times are theirs.
	at('2025-10-06T10:12:00Z');
	await pupilHistory.doLesson(zebedee, sessionId, {
		finish: true,
		check: pupilHistory.wrong,
		choose: pupilHistory.right
	});
	at('2025-10-07T13:40:00Z');
	await pupilHistory.doLesson(amira, sessionId, {
		finish: true,
		check: pupilHistory.wrong,
		choose: pupilHistory.wrong
	});
	at('2025-10-08T11:05:00Z');
	await pupilHistory.doLesson(bartholomew, sessionId, {
		finish: false,
		check: pupilHistory.wrong,
		choose: pupilHistory.right
	});
	// Enough of the class for the report to show what they chose (six or more answers).
	const classmates = ['Ezekiel', 'Florentyna', 'Gwendolyn', 'Hephzibah'];
	for (const [i, name] of classmates.entries()) {
		at(`2025-10-09T1${i}:00:00Z`);
		await pupilHistory.doLesson(await pupil(oldClass, name, 'M'), sessionId, {
			finish: true,
			check: pupilHistory.wrong,
			choose: i % 2 ? pupilHistory.right : pupilHistory.wrong
		});
	}
	const onPaper = getLibrary().lessons.find((l) => l.id !== lesson.id)!;
	await markPaperCompletion([zebedee.id, bartholomew.id], onPaper.id, true, teacher);
	const card = await issueLoginCardToken(zebedee.id);
	const recordedRequest = await pupilHistory.askForHelp(zebedee, WORDS);
	await addHelpNote(dsl, schoolId, recordedRequest, {
		clientId: pupilHistory.clientId(),
		kind: 'recorded',
		body: NOTE
	});
	const openRequest = await pupilHistory.askForHelp(amira, 'Amira is worried about a chat');

	at('2026-09-10T09:00:00Z');
	await closeAcademicYear({ academicYear: '2025/26', schoolId }, lead);

	at('2026-10-05T09:00:00Z');
	const currentClass = await ctx.newClass({ schoolId, teacherId: leadId, name: 'Rowan' });
	const currentina = await pupil(currentClass, 'Currentina', 'W');
	const current = await createClassSession(
		{ classId: currentClass, lessonId: lesson.id, mode: 'self', openUntil: '2026-10-09' },
		lead
	);
	await pupilHistory.doLesson(currentina, current, {
		finish: true,
		check: pupilHistory.wrong,
		choose: pupilHistory.right
	});
	await issueLoginCardToken(currentina.id);

	return {
		schoolId,
		teacherId,
		lead,
		dsl,
		oldClass,
		currentClass,
		zebedee,
		amira,
		bartholomew,
		dorothea,
		currentina,
		lesson,
		card,
		recordedRequest,
		openRequest
	};
}

type World = Awaited<ReturnType<typeof world>>;

/**
 * Every figure of every report, as its reader would get it: the facts' figures by group,
 * lesson and week, the borough's kept totals, the class report's totals and its sessions'
 * counts, and the borough and school CSV files, with and without year and date filters.
 */
async function everyFigure(w: World) {
	const lessons = getLibrary().lessons;
	const filters: ReportFilter[] = [
		{},
		{ academicYear: '2025/26' },
		{ academicYear: '2026/27' },
		{ from: '2025-09-01', to: '2026-08-31' },
		{ from: '2025-10-01', to: '2025-10-31', lessonId: w.lesson.id }
	];
	const out: unknown[] = [];
	for (const filter of filters) {
		const facts = await loadFacts({}, filter, lessons);
		const oldClassFacts = await loadFacts({ classId: w.oldClass }, filter, lessons);
		const borough = await boroughTotals(
			{ academicYear: filter.academicYear, lessonId: filter.lessonId },
			lessons
		);
		out.push({
			filter,
			all: figures(facts, { all: true }),
			school: figures(facts, { schoolId: w.schoolId }),
			oldClass: figures(oldClassFacts, { classId: w.oldClass }),
			currentClass: figures(facts, { classId: w.currentClass }),
			byLesson: lessonFigures(facts),
			byWeek: weeksOf(facts),
			borough: {
				totals: borough.totals,
				bySchool: [...borough.bySchool],
				byLesson: borough.byLesson,
				byWeek: borough.byWeek
			},
			boroughCsv: await boroughCsv(filter, lessons, DOWNLOADED),
			schoolCsv: (await schoolCsv(w.schoolId, filter, lessons, DOWNLOADED)).csv
		});
	}
	for (const classId of [w.oldClass, w.currentClass]) {
		const report = await classReport(classId, lessons);
		out.push({
			totals: report.totals,
			gain: report.gain,
			sessions: report.sessions.map((s) => ({
				sessionId: s.sessionId,
				present: s.present,
				absent: s.absent,
				unmarked: s.unmarked,
				questions: s.questions.map((q) => ({
					questionId: q.questionId,
					phase: q.phase,
					answers: q.answers,
					correctRate: q.correctRate,
					spread: q.spread,
					misconception: q.misconception
				}))
			}))
		});
	}
	return out;
}

/** Every row a pupil has, in every table that holds pupils' rows. */
async function rowsOf(pupilId: number) {
	const db = ctx.handle.db;
	const of = (table: 'answers' | 'attendance' | 'progress' | 'paper_completions') =>
		db.selectFrom(table).selectAll().where('pupil_id', '=', pupilId).execute();
	return {
		pupil: await db.selectFrom('pupils').selectAll().where('id', '=', pupilId).executeTakeFirst(),
		answers: await db
			.selectFrom('answers')
			.selectAll()
			.where('pupil_id', '=', pupilId)
			.orderBy('id')
			.execute(),
		attendance: await of('attendance'),
		progress: await of('progress'),
		paper: await of('paper_completions'),
		signIns: await db
			.selectFrom('pupil_sessions')
			.selectAll()
			.where('pupil_id', '=', pupilId)
			.execute(),
		cards: await db
			.selectFrom('pupil_login_tokens')
			.selectAll()
			.where('pupil_id', '=', pupilId)
			.execute(),
		help: await db.selectFrom('help_requests').selectAll().where('pupil_id', '=', pupilId).execute()
	};
}

/** Every row of every table but the audit log, as text. */
function wholeDatabase(): string {
	const tables = ctx.handle.sqlite
		.prepare(
			"select name from sqlite_schema where type = 'table' and name not like 'sqlite_%' and name <> 'audit_events' order by name"
		)
		.all() as { name: string }[];
	return tables
		.map((t) => JSON.stringify(ctx.handle.sqlite.prepare(`select * from "${t.name}"`).all()))
		.join('\n');
}

/** The database file and its -wal as they are on disk, after SQLite has written. */
function fileBytes(): Buffer {
	const wal = `${ctx.handle.path}-wal`;
	return Buffer.concat([
		fs.readFileSync(ctx.handle.path),
		fs.existsSync(wal) ? fs.readFileSync(wal) : Buffer.alloc(0)
	]);
}

describe('pupils’ records after the retention period', () => {
	it('deletes nothing until a year after their academic year ended', async () => {
		const w = await world();
		const before = {
			zebedee: await rowsOf(w.zebedee.id),
			amira: await rowsOf(w.amira.id),
			bartholomew: await rowsOf(w.bartholomew.id)
		};
		// 31 August 2027: the last day of the twelve months after 2025/26 ended.
		at('2027-08-31T22:00:00Z');
		const run = await runRetention();
		expect(run).toMatchObject({ pupilsDeleted: 0, pupilsKept: 0 });
		expect({
			zebedee: await rowsOf(w.zebedee.id),
			amira: await rowsOf(w.amira.id),
			bartholomew: await rowsOf(w.bartholomew.id)
		}).toEqual(before);
		expect(await recordsDeletedInClass(w.oldClass)).toBeNull();
		expect(await recordsKeptFor(w.openRequest)).toBeNull();
	});

	it('deletes names, pictures, choices, steps, sign-ins and cards, and keeps every figure of the year', async () => {
		const w = await world();
		at('2027-09-01T08:00:00Z');
		// A sign-in still running: closing the year ended Zebedee's, but a school may never close it.
		await createPupilSession(w.zebedee.id);
		const figuresBefore = await everyFigure(w);
		// Dorothea is the class's unmarked pupil, and stays counted as one; the report shows
		// what the class chose, which must stay too.
		expect(figuresBefore).toContainEqual(
			expect.objectContaining({
				sessions: [
					expect.objectContaining({
						unmarked: 1,
						questions: expect.arrayContaining([
							expect.objectContaining({ spread: expect.any(Array) })
						])
					})
				]
			})
		);
		const zebedeeBefore = await rowsOf(w.zebedee.id);
		const bartholomewBefore = await rowsOf(w.bartholomew.id);
		expect(zebedeeBefore.answers.length).toBeGreaterThan(2);
		expect(zebedeeBefore.cards).toHaveLength(1);
		expect(zebedeeBefore.signIns).toHaveLength(1);
		expect(bartholomewBefore.progress).toHaveLength(1);
		expect(bartholomewBefore.progress[0].reached_end).toBe(0);
		expect(fileBytes().includes('Zebedee')).toBe(true);

		const run = await runRetention();
		expect(run).toMatchObject({ pupilsDeleted: 7, pupilsKept: 1, flushed: true });

		// The figures of the year, and of this year, are exactly as they were.
		expect(await everyFigure(w)).toEqual(figuresBefore);

		const zebedee = await rowsOf(w.zebedee.id);
		expect(zebedee.pupil).toMatchObject({
			first_name: '',
			last_initial: '',
			failed_attempts: 0,
			locked_until: null,
			records_deleted_at: '2027-09-01T08:00:00.000Z',
			// Still on roll in their year's figures.
			archived_at: null,
			class_id: w.oldClass
		});
		expect(zebedee.pupil!.picture_password).not.toBe(zebedeeBefore.pupil!.picture_password);
		expect(zebedee.pupil!.picture_password).not.toMatch(/^\d+-\d+-\d+$/);
		expect(zebedee.signIns).toEqual([]);
		const sessionStart = (
			await ctx.handle.db
				.selectFrom('class_sessions')
				.select('created_at')
				.where('class_id', '=', w.oldClass)
				.executeTakeFirstOrThrow()
		).created_at;
		expect(zebedee.cards).toEqual([]);
		expect(await findCardPupil(w.card)).toBeNull();
		// Each answer keeps what the figures read; the choice, the device's id and the time go.
		expect(zebedee.answers).toHaveLength(zebedeeBefore.answers.length);
		zebedee.answers.forEach((answer, i) => {
			const was = zebedeeBefore.answers[i];
			expect(answer).toMatchObject({
				id: was.id,
				session_id: was.session_id,
				question_id: was.question_id,
				phase: was.phase,
				correct: was.correct,
				run: was.run,
				counts: was.counts,
				selected: '[]'
			});
			expect(answer.client_id).not.toBe(was.client_id);
			expect(was.answered_at).not.toBe(sessionStart);
			expect(answer.answered_at).toBe(sessionStart);
		});
		// A lesson finished stays finished, with no steps; one left part-way goes.
		expect(zebedee.progress).toMatchObject([{ reached_end: 1, current_step: 0, furthest_step: 0 }]);
		expect((await rowsOf(w.bartholomew.id)).progress).toEqual([]);
		// Done on paper still counts; who marked it is no longer needed.
		expect(zebedee.paper).toMatchObject([{ marked_by: null }]);
		expect(zebedee.attendance).toHaveLength(zebedeeBefore.attendance.length);
		// The recorded request keeps what the council counts, without the child or their words.
		await pupilHistory.expectRequestWithoutChild(ctx, w.recordedRequest, w.schoolId);

		// Nothing names them in any table, nor in the file's free pages or its log.
		const everything = wholeDatabase();
		for (const text of ['Zebedee', 'Bartholomew', 'Dorothea', 'Hephzibah', WORDS, NOTE])
			expect(everything).not.toContain(text);
		const bytes = fileBytes();
		for (const text of [
			'Zebedee',
			'Bartholomew',
			'Dorothea',
			'Hephzibah',
			WORDS.slice(0, 24),
			NOTE.slice(0, 24)
		])
			expect(bytes.includes(text), text).toBe(false);
		// The audit log says how many, by class, never who.
		const entries = await ctx.handle.db
			.selectFrom('audit_events')
			.selectAll()
			.where('action', '=', 'pupils.records_deleted')
			.execute();
		expect(entries).toMatchObject([
			{
				actor_type: 'system',
				school_id: w.schoolId,
				target_type: 'class',
				target_id: String(w.oldClass)
			}
		]);
		expect(JSON.parse(entries[0].detail!)).toEqual({ pupils: 7, kept: 1, months: 12 });
	});

	it('keeps the pupil whose request for help is still open, tells the safeguarding lead, and lets them go once it is recorded', async () => {
		const w = await world();
		at('2027-09-01T08:00:00Z');
		const amiraBefore = await rowsOf(w.amira.id);
		expect((await runRetention()).pupilsKept).toBe(1);
		expect(await rowsOf(w.amira.id)).toEqual(amiraBefore);
		expect(wholeDatabase()).toContain('Amira');
		expect(await recordsKeptFor(w.openRequest)).toMatch(/were due to be deleted on 1 Sept? 2027/);
		// Said once in the school's audit log, against the request, not every day.
		await runRetention();
		const told = await ctx.handle.db
			.selectFrom('audit_events')
			.selectAll()
			.where('action', '=', 'help.keeps_pupil_records')
			.execute();
		expect(told).toMatchObject([
			{
				school_id: w.schoolId,
				target_type: 'help_request',
				target_id: String(w.openRequest)
			}
		]);

		at('2027-09-03T08:00:00Z');
		await addHelpNote(w.dsl, w.schoolId, w.openRequest, {
			clientId: pupilHistory.clientId(),
			kind: 'recorded',
			body: 'On CPOMS.'
		});
		expect(await runRetention()).toMatchObject({ pupilsDeleted: 1, pupilsKept: 0 });
		expect((await rowsOf(w.amira.id)).pupil).toMatchObject({ first_name: '' });
		expect(await recordsKeptFor(w.openRequest)).toBeNull();
		expect(fileBytes().includes('Amira')).toBe(false);
	});

	it('leaves this year’s pupils as they were, and a second run changes nothing', async () => {
		const w = await world();
		at('2027-09-01T08:00:00Z');
		await createPupilSession(w.currentina.id);
		const currentBefore = await rowsOf(w.currentina.id);
		expect(currentBefore.cards).toHaveLength(1);
		expect(currentBefore.signIns).toHaveLength(1);
		await runRetention();
		expect(await rowsOf(w.currentina.id)).toEqual(currentBefore);

		const afterFirst = wholeDatabase();
		at('2027-09-02T08:00:00Z');
		expect(await runRetention()).toMatchObject({ pupilsDeleted: 0, pupilsKept: 1 });
		expect(wholeDatabase()).toEqual(afterFirst);
		expect(await pupilHistory.auditEntries(ctx, 'pupils.records_deleted')).toHaveLength(1);
	});

	it('lists former pupils nowhere by name, and says when their records were deleted', async () => {
		const w = await world();
		at('2027-09-01T08:00:00Z');
		await runRetention();
		const lessons = getLibrary().lessons;

		// Only Amira (kept while her request is open) is left to name.
		expect((await listPupils(w.oldClass, { includeArchived: true })).map((p) => p.id)).toEqual([
			w.amira.id
		]);
		expect(await getPupil(w.zebedee.id)).toBeUndefined();
		const report = await classReport(w.oldClass, lessons);
		expect(report.grid.map((g) => g.pupilId)).toEqual([w.amira.id]);
		expect(report.catchUp.flatMap((c) => c.pupils.map((p) => p.pupilId))).not.toContain(
			w.bartholomew.id
		);
		const session = (await getClassSession(
			(
				await ctx.handle.db
					.selectFrom('class_sessions')
					.select('id')
					.where('class_id', '=', w.oldClass)
					.executeTakeFirstOrThrow()
			).id
		))!;
		expect((await sessionRoster(session)).map((r) => r.pupilId)).toEqual([w.amira.id]);
		expect((await listClassNames(w.oldClass)).map((n) => n.pupilId)).toEqual([w.amira.id]);
		expect(await findPupilsOfSchool(w.schoolId, 'Zeb')).toEqual([]);
		expect(await findPupilsOfSchool(w.schoolId, 'Amira')).toHaveLength(1);

		// Where a list is shorter, the page says why and when.
		expect(await recordsDeletedInClass(w.oldClass)).toMatch(
			/^The records of 7 pupils were deleted on 1 Sept? 2027, when the period Think Safe keeps pupils' records after their school year ended was over\./
		);
		expect(await recordsDeletedInClass(w.currentClass)).toBeNull();
		expect(await recordsDeletedInSchool(w.schoolId)).toMatchObject([{ academicYear: '2025/26' }]);
	});

	it('refuses to show or erase a former pupil’s records: they are already deleted', async () => {
		const w = await world();
		at('2027-09-01T08:00:00Z');
		await runRetention();
		const already = /records were deleted on 1 Sept? 2027/;
		await expect(subjectAccess(w.zebedee.id, { showHelp: true })).rejects.toThrow(already);
		await expect(erasurePreview(w.zebedee.id)).rejects.toThrow(Refused);
		await expect(erasePupil(w.zebedee.id, w.lead)).rejects.toThrow(already);
		// Nothing was erased: the year's rows are still there for its figures.
		expect((await rowsOf(w.zebedee.id)).answers.length).toBeGreaterThan(2);
	});

	it('lets the account that marked their lessons on paper be deleted once they are former pupils', async () => {
		const w = await world();
		// Ms Oak stops signing in; twelve months on she is turned off, twelve more and she goes.
		at('2027-09-01T08:00:00Z');
		expect(await runRetention()).toMatchObject({ pupilsDeleted: 7, staffTurnedOff: 3 });
		at('2028-09-02T08:00:00Z');
		const run = await runRetention();
		expect(run.staffKept).toBe(0);
		expect(
			await ctx.handle.db
				.selectFrom('staff_users')
				.select('id')
				.where('id', '=', w.teacherId)
				.executeTakeFirst()
		).toBeUndefined();
		// Her paper marks still count, naming nobody.
		expect((await rowsOf(w.zebedee.id)).paper).toMatchObject([{ marked_by: null }]);
	});
});
