import { describe, expect, it } from 'vitest';
import type { Lesson, Question } from '../../src/lib/server/lessons';
import { boroughDashboard } from '../../src/lib/server/reports/borough-dashboard';
import { classReport } from '../../src/lib/server/reports/class-report';
import { schoolSummary } from '../../src/lib/server/reports/school-report';
import { isoWeek } from '../../src/lib/server/reports/scope';
import { useTestDatabase } from './context';

const ctx = useTestDatabase();

// Small hand-made lessons so every figure below can be worked out by hand.
function question(
	id: string,
	options: [string, boolean][],
	extra: Partial<Question> = {}
): Question {
	return {
		id,
		type: 'single',
		promptHtml: id,
		options: options.map(([text, correct]) => ({ text, html: text, correct })),
		check: false,
		stepId: 's',
		scored: true,
		...extra
	};
}

const L1 = {
	id: 'l1',
	title: 'Lesson one',
	steps: [{ id: 'a', index: 0, title: 'A', blocks: [] }],
	questions: [
		question(
			'q1',
			[
				['A', true],
				['B', false],
				['C', false]
			],
			{ check: true }
		),
		question('q2', [
			['X', false],
			['Y', true]
		]),
		question(
			'p1',
			[
				['Yes', false],
				['No', false]
			],
			{ type: 'poll', scored: false }
		)
	]
} as unknown as Lesson;
const L2 = {
	id: 'l2',
	title: 'Lesson two',
	steps: [{ id: 'a', index: 0, title: 'A', blocks: [] }],
	questions: [
		question(
			'r1',
			[
				['A', true],
				['B', false]
			],
			{ check: true }
		)
	]
} as unknown as Lesson;
const LESSONS = [L1, L2];

let clientCounter = 0;

function fixtures() {
	const db = ctx.handle.db;
	return {
		async session(classId: number, lessonId: string, createdAt: string, status = 'ended') {
			return (
				await db
					.insertInto('class_sessions')
					.values({
						class_id: classId,
						lesson_id: lessonId,
						lesson_hash: 'h',
						mode: 'live',
						status: status as 'ended',
						current_step: 0,
						revealed_question: null,
						closes_at: null,
						started_by: null,
						created_at: createdAt,
						started_at: createdAt,
						ended_at: status === 'ended' ? createdAt : null
					})
					.returning('id')
					.executeTakeFirstOrThrow()
			).id;
		},
		async mark(sessionId: number, pupilId: number, status: 'present' | 'absent') {
			await db
				.insertInto('attendance')
				.values({
					session_id: sessionId,
					pupil_id: pupilId,
					status,
					source: status === 'present' ? 'joined' : 'teacher',
					marked_by: null,
					updated_at: '2026-11-23T09:00:00.000Z'
				})
				.execute();
		},
		async reachEnd(sessionId: number, pupilId: number, lessonId: string, end = true) {
			await db
				.insertInto('progress')
				.values({
					session_id: sessionId,
					pupil_id: pupilId,
					lesson_id: lessonId,
					current_step: end ? 0 : -1,
					furthest_step: end ? 0 : -1,
					reached_end: end ? 1 : 0,
					updated_at: '2026-11-23T09:00:00.000Z'
				})
				.execute();
		},
		async answer(
			sessionId: number,
			pupilId: number,
			lessonId: string,
			questionId: string,
			phase: 'pre' | 'main',
			selected: number[],
			correct: number | null
		) {
			await db
				.insertInto('answers')
				.values({
					client_id: `c${++clientCounter}`,
					session_id: sessionId,
					pupil_id: pupilId,
					lesson_id: lessonId,
					question_id: questionId,
					phase,
					selected: JSON.stringify(selected),
					correct,
					answered_at: '2026-11-23T09:10:00.000Z'
				})
				.execute();
		}
	};
}

/**
 * Class "Willow", eight pupils (first names start "Canary" so leaks are easy to spot),
 * one ended session of l1 on Monday 23 November 2026:
 *
 * pupil | attendance               | end | q1 pre | q1 main | q2 main | note
 * P1    | present                  | yes | B ✗    | A ✓     | Y ✓     |
 * P2    | present                  | yes | A ✓    | A ✓     | X ✗     |
 * P3    | present                  | yes | B ✗    | B ✗     | Y ✓     |
 * P4    | present                  | yes | A ✓    | B ✗     | X ✗     |
 * P5    | present                  | no  | B ✗    | C ✗     | —       | + a ✓ answer to a removed question
 * P6    | joined, edited to absent | no  | A ✓    | —       | —       | pre only: no gain pair
 * P7    | unmarked                 | —   | —      | —       | —       | completed on paper
 * P8    | present                  | yes | B ✗    | A ✓     | Y ✓     |
 */
async function bigClass(schoolId: number, teacherId: number) {
	const f = fixtures();
	const classId = await ctx.newClass({ schoolId, name: 'Willow', teacherId });
	const p: number[] = [];
	for (let i = 1; i <= 8; i++)
		p.push(await ctx.newPupil({ classId, firstName: `Canary${i}`, lastInitial: 'Z' }));
	const [P1, P2, P3, P4, P5, P6, P7, P8] = p;
	const s1 = await f.session(classId, 'l1', '2026-11-23T09:00:00.000Z');
	for (const id of [P1, P2, P3, P4, P5, P6, P8]) await f.mark(s1, id, 'present');
	// The teacher corrected P6's mark afterwards.
	await ctx.handle.db
		.updateTable('attendance')
		.set({ status: 'absent', source: 'teacher', marked_by: teacherId })
		.where('session_id', '=', s1)
		.where('pupil_id', '=', P6)
		.execute();
	for (const id of [P1, P2, P3, P4, P8]) await f.reachEnd(s1, id, 'l1');
	await f.reachEnd(s1, P5, 'l1', false);
	const pre: [number, number][] = [
		[P1, 1],
		[P2, 0],
		[P3, 1],
		[P4, 0],
		[P5, 1],
		[P6, 0],
		[P8, 1]
	];
	for (const [id, option] of pre)
		await f.answer(s1, id, 'l1', 'q1', 'pre', [option], option === 0 ? 1 : 0);
	const q1: [number, number][] = [
		[P1, 0],
		[P2, 0],
		[P3, 1],
		[P4, 1],
		[P5, 2],
		[P8, 0]
	];
	for (const [id, option] of q1)
		await f.answer(s1, id, 'l1', 'q1', 'main', [option], option === 0 ? 1 : 0);
	const q2: [number, number][] = [
		[P1, 1],
		[P2, 0],
		[P3, 1],
		[P4, 0],
		[P8, 1]
	];
	for (const [id, option] of q2)
		await f.answer(s1, id, 'l1', 'q2', 'main', [option], option === 1 ? 1 : 0);
	await f.answer(s1, P1, 'l1', 'p1', 'main', [0], null);
	// A question since removed from the lesson file: it must count for nothing.
	await f.answer(s1, P5, 'l1', 'gone', 'main', [0], 1);
	await ctx.handle.db
		.insertInto('paper_completions')
		.values({
			pupil_id: P7,
			lesson_id: 'l1',
			marked_by: teacherId,
			marked_at: '2026-11-24T10:00:00.000Z'
		})
		.execute();
	return { classId, s1, pupils: p };
}

/** Four pupils, three present and one absent in a session of l1 on 1 December 2026. */
async function smallClass(schoolId: number) {
	const f = fixtures();
	const classId = await ctx.newClass({ schoolId, name: 'Oak' });
	const p: number[] = [];
	for (let i = 1; i <= 4; i++)
		p.push(await ctx.newPupil({ classId, firstName: `Canarysmall${i}`, lastInitial: 'Q' }));
	const s2 = await f.session(classId, 'l1', '2026-12-01T09:00:00.000Z');
	for (const id of p.slice(0, 3)) {
		await f.mark(s2, id, 'present');
		await f.reachEnd(s2, id, 'l1');
		await f.answer(s2, id, 'l1', 'q1', 'pre', [1], 0);
		await f.answer(s2, id, 'l1', 'q1', 'main', [0], 1);
		await f.answer(s2, id, 'l1', 'q2', 'main', [1], 1);
	}
	await f.mark(s2, p[3], 'absent');
	return { classId, s2, pupils: p };
}

async function setUp() {
	const schoolId = await ctx.newSchool({ name: 'Loddon Vale' });
	const teacherId = await ctx.newStaff({ role: 'teacher', schoolId });
	const big = await bigClass(schoolId, teacherId);
	return { schoolId, teacherId, big };
}

describe('class report', () => {
	it('shows each pupil’s state and score per lesson, with paper work and removed questions', async () => {
		const { big } = await setUp();
		const report = await classReport(big.classId, LESSONS);
		const states = report.grid.map((r) => [r.name, r.lessons.l1.state, r.lessons.l1.score]);
		expect(states).toEqual([
			['Canary1 Z.', 'completed', 1],
			['Canary2 Z.', 'completed', 0.5],
			['Canary3 Z.', 'completed', 0.5],
			['Canary4 Z.', 'completed', 0],
			['Canary5 Z.', 'started', 0],
			['Canary6 Z.', 'not-started', null],
			['Canary7 Z.', 'paper', null],
			['Canary8 Z.', 'completed', 1]
		]);
		expect(report.grid.every((r) => r.lessons.l2.state === 'not-started')).toBe(true);
	});

	it('counts present, absent (after an edit) and unmarked pupils per session', async () => {
		const { big } = await setUp();
		const [session] = (await classReport(big.classId, LESSONS)).sessions;
		expect(session).toMatchObject({ sessionId: big.s1, present: 6, absent: 1, unmarked: 1 });
	});

	it('gives each question its correct rate, spread and most common wrong answer', async () => {
		const { big } = await setUp();
		const [session] = (await classReport(big.classId, LESSONS)).sessions;
		const q1 = session.questions.find((q) => q.questionId === 'q1' && q.phase === 'main')!;
		expect(q1.answers).toBe(6);
		expect(q1.correctRate?.display).toBe('50%');
		expect(q1.spread).toEqual([
			{ option: 'A', count: 3 },
			{ option: 'B', count: 2 },
			{ option: 'C', count: 1 }
		]);
		expect(q1.misconception).toEqual({ options: ['B'], count: 2 });
		const pre = session.questions.find((q) => q.questionId === 'q1' && q.phase === 'pre')!;
		expect(pre.correctRate?.display).toBe('43%'); // 3 of 7, P6 included: rates need no pair
	});

	it('hides a question answered by fewer than six pupils, and ignores removed questions', async () => {
		const { big } = await setUp();
		const [session] = (await classReport(big.classId, LESSONS)).sessions;
		const q2 = session.questions.find((q) => q.questionId === 'q2')!;
		expect(q2.answers).toBe(5);
		expect(q2.correctRate).toMatchObject({ display: '[c]', suppressed: true, value: null });
		expect(q2.spread).toBeNull();
		expect(q2.misconception).toBeNull();
		const poll = session.questions.find((q) => q.questionId === 'p1')!;
		expect(poll.correctRate).toBeNull();
		expect(session.questions.map((q) => q.questionId)).not.toContain('gone');
	});

	it('measures knowledge gain only on pupils who answered both before and after', async () => {
		const { big } = await setUp();
		const { gain } = await classReport(big.classId, LESSONS);
		const l1 = gain.find((g) => g.lessonId === 'l1')!.gain;
		// Pairs: P1 ✗→✓, P2 ✓→✓, P3 ✗→✗, P4 ✓→✗, P5 ✗→✗, P8 ✗→✓ (P6 has no after).
		expect(l1.pupils).toBe(6);
		expect(l1.before.display).toBe('33%');
		expect(l1.after.display).toBe('50%');
		expect(l1.change.display).toBe('+17 points');
		expect(gain.find((g) => g.lessonId === 'l2')!.gain.before.display).toBe('–');
	});

	it('lists for catch-up every pupil who has not completed a lesson the class has had', async () => {
		const { big } = await setUp();
		const { catchUp } = await classReport(big.classId, LESSONS);
		// Canary5 was there but did not finish; Canary6 was marked absent.
		expect(catchUp).toEqual([
			{
				lessonId: 'l1',
				pupils: [
					{ pupilId: big.pupils[4], name: 'Canary5 Z.' },
					{ pupilId: big.pupils[5], name: 'Canary6 Z.' }
				]
			}
		]);
	});

	it('totals attendance, completion and average score for the class', async () => {
		const { big } = await setUp();
		const { totals } = await classReport(big.classId, LESSONS);
		expect(totals.pupils).toBe(8);
		expect(totals.reached).toBe(6);
		expect(totals.sessionsDelivered).toBe(1);
		expect(totals.attendance.display).toBe('86%'); // 6 present of 7 marks
		expect(totals.completion.display).toBe('86%'); // 5 completed + 1 paper of 7
		expect(totals.averageScore.display).toBe('50%'); // (1 + .5 + .5 + 0 + 0 + 1) / 6
	});

	it('hides every rate of a class of four as [c]', async () => {
		const schoolId = await ctx.newSchool();
		const small = await smallClass(schoolId);
		const report = await classReport(small.classId, LESSONS);
		for (const rate of [
			report.totals.attendance,
			report.totals.completion,
			report.totals.averageScore,
			report.totals.gain.change,
			report.sessions[0].questions[0].correctRate!
		])
			expect(rate).toMatchObject({ display: '[c]', value: null, suppressed: true });
		expect(report.legend).toContain('[c] = fewer than 6 pupils');
	});
});

describe('class report and school report', () => {
	it('give a class the very same figures, also for a pupil who moved class with their work', async () => {
		const { schoolId, big } = await setUp();
		const oak = await smallClass(schoolId);
		// A pupil of Oak who did l1 there moves to Willow, bringing that work.
		await ctx.handle.db
			.updateTable('pupils')
			.set({ class_id: big.classId })
			.where('id', '=', oak.pupils[0])
			.execute();
		const school = await schoolSummary(schoolId, {}, LESSONS);
		for (const classId of [big.classId, oak.classId]) {
			const { classId: id, name, ...row } = school.classes.find((c) => c.classId === classId)!;
			expect({ id, name }).toMatchObject({ id: classId });
			expect((await classReport(classId, LESSONS)).totals).toEqual(row);
		}
		const willow = (await classReport(big.classId, LESSONS)).totals;
		expect(willow.reached).toBe(7);
		expect(willow.sessionsDelivered).toBe(1);
	});
});

describe('school summary', () => {
	it('sets classes side by side, hides the small class’s rates and totals the school', async () => {
		const { schoolId } = await setUp();
		await smallClass(schoolId);
		const summary = await schoolSummary(schoolId, {}, LESSONS);
		expect(summary.classes.map((c) => [c.name, c.reached, c.attendance.display])).toEqual([
			['Oak', 3, '[c]'],
			['Willow', 6, '86%']
		]);
		expect(summary.totals.pupils).toBe(12);
		expect(summary.totals.reached).toBe(9);
		expect(summary.totals.attendance.display).toBe('82%'); // 9 of 11 marks
		expect(JSON.stringify(summary)).not.toMatch(/Canary|pupilId|pupil_id/);
	});
});

describe('borough dashboard', () => {
	async function borough() {
		const { schoolId, big } = await setUp();
		const other = await ctx.newSchool({ name: 'Popley Brook' });
		const small = await smallClass(other);
		await ctx.newSchool({ name: 'Tadley Common' }); // registered, no sessions yet
		await ctx.handle.db
			.insertInto('borough_settings')
			.values({
				id: 1,
				name: 'Test borough',
				pupil_target: 1900,
				updated_at: '2026-01-01T00:00:00.000Z'
			})
			.onConflict((oc) => oc.column('id').doUpdateSet({ pupil_target: 1900 }))
			.execute();
		return { schoolId, other, big, small };
	}

	it('gives borough totals against the target', async () => {
		await borough();
		const d = await boroughDashboard({}, LESSONS);
		expect(d.pupilTarget).toBe(1900);
		expect(d.totals.reached).toBe(9);
		expect([d.schoolsTakingPart, d.schoolsRegistered]).toEqual([2, 3]);
		expect(d.totals.sessionsDelivered).toBe(2);
		expect(d.totals.attendance.display).toBe('82%');
		// Completion: 5 + 1 paper of 7 (Willow) and 3 of 3 (Oak) = 9 of 10.
		expect(d.totals.completion.display).toBe('90%');
		// Gain pairs: Willow 2→3 of 6, Oak 0→3 of 3: 22% → 67%.
		expect(d.totals.gain.before.display).toBe('22%');
		expect(d.totals.gain.after.display).toBe('67%');
	});

	it('hides a small school’s pupils reached and the one that would give it away', async () => {
		await borough();
		const d = await boroughDashboard({}, LESSONS);
		const rows = d.bySchool.map((s) => [s.name, s.reached.display, s.attendance.display]);
		expect(rows).toEqual([
			['Loddon Vale', '[c]', '86%'],
			['Popley Brook', '[c]', '[c]'],
			['Tadley Common', '0', '–']
		]);
		expect(d.bySchool.every((s) => s.reached.value === null || s.reached.value === 0)).toBe(true);
	});

	it('reports by lesson and by ISO week', async () => {
		await borough();
		const d = await boroughDashboard({}, LESSONS);
		expect(d.byLesson.map((l) => [l.lessonId, l.sessionsDelivered, l.reached])).toEqual([
			['l1', 2, 9],
			['l2', 0, 0]
		]);
		expect(d.byWeek).toEqual([
			{ week: '2026-W48', sessions: 1, pupilsReached: 6 },
			{ week: '2026-W49', sessions: 1, pupilsReached: 3 }
		]);
	});

	it('filters by date and lesson', async () => {
		await borough();
		const november = await boroughDashboard({ to: '2026-11-30' }, LESSONS);
		expect(november.totals.reached).toBe(6);
		expect(november.totals.sessionsDelivered).toBe(1);
		const l2 = await boroughDashboard({ lessonId: 'l2' }, LESSONS);
		expect(l2.totals.reached).toBe(0);
		expect(l2.byLesson.map((l) => l.lessonId)).toEqual(['l2']);
	});

	it('never contains a pupil’s name or a pupil id field', async () => {
		await borough();
		const json = JSON.stringify(await boroughDashboard({}, LESSONS));
		expect(json).not.toContain('Canary');
		expect(json).not.toMatch(/pupilId|pupil_id/);
	});

	it('does not count a session still in the lobby as delivered', async () => {
		const { big } = await borough();
		const f = fixtures();
		const lobby = await f.session(big.classId, 'l2', '2026-12-02T09:00:00.000Z', 'lobby');
		await f.mark(lobby, big.pupils[0], 'present');
		const d = await boroughDashboard({}, LESSONS);
		expect(d.totals.sessionsDelivered).toBe(2);
	});
});

describe('isoWeek', () => {
	it('puts the turn of the year in the right ISO week', () => {
		expect(isoWeek('2026-11-23T09:00:00Z')).toBe('2026-W48');
		expect(isoWeek('2027-01-01T09:00:00Z')).toBe('2026-W53');
		expect(isoWeek('2024-12-30T09:00:00Z')).toBe('2025-W01');
	});
});
