// The reports read answers as one row per pupil and lesson, with one bit per scored
// question (30 to a pass). These tests check the figures against a plain count for a
// lesson longer than one pass, with sessions filtered, and after the lesson file changes.
import { describe, expect, it } from 'vitest';
import type { Lesson, Question } from '../../src/lib/server/lessons';
import { boroughDashboard } from '../../src/lib/server/reports/borough-dashboard';
import { classReport } from '../../src/lib/server/reports/class-report';
import { schoolSummary } from '../../src/lib/server/reports/school-report';
import { useTestDatabase } from './context';

const ctx = useTestDatabase();

const QUESTIONS = 40;

function question(i: number): Question {
	return {
		id: `q${i}`,
		type: 'single',
		promptHtml: `Question ${i}`,
		options: [
			{ text: 'Right', html: 'Right', correct: true },
			{ text: 'Wrong', html: 'Wrong', correct: false }
		],
		// Every third question is also in the knowledge check; every seventh is a poll.
		check: i % 3 === 0,
		stepId: 'a',
		scored: i % 7 !== 6
	} as Question;
}

const LONG = {
	id: 'long',
	title: 'A long lesson',
	steps: [{ id: 'a', index: 0, title: 'A', blocks: [] }],
	questions: Array.from({ length: QUESTIONS }, (_, i) => question(i))
} as unknown as Lesson;

/** Who answers what, and rightly: a fixed pattern that differs by pupil and question. */
const answersMain = (p: number, i: number) => (p + i) % 5 !== 4;
const rightMain = (p: number, i: number) => (p * 3 + i) % 4 !== 0;
const answersPre = (p: number, i: number) => (p + i) % 4 !== 1;
const rightPre = (p: number, i: number) => (p + 2 * i) % 3 === 0;

let clientCounter = 0;

async function deliver(pupils = 12) {
	const db = ctx.handle.db;
	const schoolId = await ctx.newSchool({ name: 'Long Lane' });
	const classId = await ctx.newClass({ schoolId, name: 'Beech' });
	const ids: number[] = [];
	for (let p = 0; p < pupils; p++) ids.push(await ctx.newPupil({ classId }));
	const session = async (createdAt: string) =>
		(
			await db
				.insertInto('class_sessions')
				.values({
					class_id: classId,
					lesson_id: LONG.id,
					lesson_hash: 'h',
					mode: 'live',
					status: 'ended',
					current_step: 0,
					revealed_question: null,
					closes_at: null,
					started_by: null,
					created_at: createdAt,
					started_at: createdAt,
					ended_at: createdAt
				})
				.returning('id')
				.executeTakeFirstOrThrow()
		).id;
	// The first half of the class in a November session, the rest in a December one.
	const november = await session('2026-11-23T09:00:00.000Z');
	const december = await session('2026-12-07T09:00:00.000Z');
	// One transaction: hundreds of answers, one commit.
	await db.transaction().execute(async (trx) => {
		for (const [p, pupilId] of ids.entries()) {
			const sessionId = p < pupils / 2 ? november : december;
			await trx
				.insertInto('attendance')
				.values({
					session_id: sessionId,
					pupil_id: pupilId,
					status: 'present',
					source: 'joined',
					marked_by: null,
					updated_at: '2026-11-23T09:00:00.000Z'
				})
				.execute();
			for (const q of LONG.questions) {
				const i = Number(q.id.slice(1));
				const rows: { phase: 'pre' | 'main'; right: boolean }[] = [];
				if (q.check && q.scored && answersPre(p, i))
					rows.push({ phase: 'pre', right: rightPre(p, i) });
				if (answersMain(p, i)) rows.push({ phase: 'main', right: rightMain(p, i) });
				for (const row of rows)
					await trx
						.insertInto('answers')
						.values({
							client_id: `facts-${++clientCounter}`,
							session_id: sessionId,
							pupil_id: pupilId,
							lesson_id: LONG.id,
							question_id: q.id,
							phase: row.phase,
							selected: JSON.stringify([row.right ? 0 : 1]),
							correct: q.scored ? (row.right ? 1 : 0) : null,
							answered_at: '2026-11-23T09:10:00.000Z'
						})
						.execute();
			}
		}
	});
	return { schoolId, classId };
}

/** The same figures counted the plain way, question by question, for the given pupils. */
function expected(lesson: Lesson, pupils: number[]) {
	const scored = lesson.questions.filter((q) => q.scored);
	let scoreSum = 0;
	let scoreCount = 0;
	let pairs = 0;
	let before = 0;
	let after = 0;
	for (const p of pupils) {
		let answered = 0;
		let correct = 0;
		for (const q of scored) {
			const i = Number(q.id.slice(1));
			if (answersMain(p, i)) {
				answered++;
				if (rightMain(p, i)) correct++;
				if (q.check && answersPre(p, i)) {
					pairs++;
					if (rightPre(p, i)) before++;
					if (rightMain(p, i)) after++;
				}
			}
		}
		if (answered > 0) {
			scoreSum += correct / scored.length;
			scoreCount++;
		}
	}
	return { average: scoreSum / scoreCount, before: before / pairs, after: after / pairs };
}

const everyone = Array.from({ length: 12 }, (_, p) => p);

describe('answer figures for a lesson longer than one pass of thirty questions', () => {
	it('match a plain count on the dashboard, the school summary and the class report', async () => {
		const { schoolId, classId } = await deliver();
		const want = expected(LONG, everyone);
		expect(LONG.questions.filter((q) => q.scored).length).toBeGreaterThan(30);
		const d = await boroughDashboard({}, [LONG]);
		const school = await schoolSummary(schoolId, {}, [LONG]);
		const cls = await classReport(classId, [LONG]);
		for (const totals of [d.totals, school.totals, cls.totals]) {
			expect(totals.averageScore.value).toBeCloseTo(want.average, 12);
			expect(totals.gain.before.value).toBeCloseTo(want.before, 12);
			expect(totals.gain.after.value).toBeCloseTo(want.after, 12);
		}
	});

	it('count only the sessions a date filter keeps', async () => {
		await deliver();
		const d = await boroughDashboard({ to: '2026-11-30' }, [LONG]);
		// Pupils 0–5 were in November; 6–11 in December.
		const want = expected(LONG, [0, 1, 2, 3, 4, 5]);
		expect(want.average).not.toBeCloseTo(expected(LONG, everyone).average, 6);
		expect(d.totals.averageScore.value).toBeCloseTo(want.average, 12);
		expect(d.totals.gain.before.value).toBeCloseTo(want.before, 12);
		expect(d.totals.gain.after.value).toBeCloseTo(want.after, 12);
	});

	it('follow the lesson file as it is now when questions are removed or change role', async () => {
		await deliver();
		// Remove two questions past the first thirty, make one a poll and one not a check.
		const edited = {
			...LONG,
			questions: LONG.questions
				.filter((q) => q.id !== 'q31' && q.id !== 'q3')
				.map((q) =>
					q.id === 'q33' ? { ...q, scored: false } : q.id === 'q36' ? { ...q, check: false } : q
				)
		} as Lesson;
		const want = expected(edited, everyone);
		const wantBefore = expected(LONG, everyone);
		expect(want.average).not.toBeCloseTo(wantBefore.average, 6);
		const d = await boroughDashboard({}, [edited]);
		expect(d.totals.averageScore.value).toBeCloseTo(want.average, 12);
		expect(d.totals.gain.before.value).toBeCloseTo(want.before, 12);
		expect(d.totals.gain.after.value).toBeCloseTo(want.after, 12);
	});
});
