// The borough dashboard is remembered between requests: these tests prove that any
// change to what it counts shows on the very next request, through the app's own write
// paths (group-committed answers, joining, attendance, paper) and through plain SQL.
import { describe, expect, it } from 'vitest';
import { submitAnswer } from '../../src/lib/server/teaching/answers';
import { getClassSession } from '../../src/lib/server/teaching/class-sessions';
import { setLiveStep } from '../../src/lib/server/teaching/live-state';
import { createClassSession } from '../../src/lib/server/teaching/class-session-start';
import { getLibrary, type Lesson } from '../../src/lib/server/lessons';
import {
	joinSession,
	markAttendance,
	markPaperCompletion,
	recordStep
} from '../../src/lib/server/teaching/progress';
import { boroughDashboard } from '../../src/lib/server/reports/borough-dashboard';
import { useTestDatabase } from './context';

const ctx = useTestDatabase();
const lesson = getLibrary().lessons[0];
const scored = lesson.questions.filter((q) => q.scored);
const right = (q: Lesson['questions'][number]) =>
	q.options.flatMap((o, i) => (o.correct ? [i] : []));

let n = 0;
const clientId = () => `memo-${++n}-${Math.random().toString(36).slice(2, 10)}`;

/** A class of eight in a running live session of the first lesson; nobody has joined. */
async function setUp() {
	const { schoolId, classId, teacher } = await ctx.newTeacherClass({ schoolName: 'Memo Primary' });
	const pupils: number[] = [];
	for (let i = 0; i < 8; i++) pupils.push(await ctx.newPupil({ classId }));
	const sessionId = await createClassSession(
		{ classId, lessonId: lesson.id, mode: 'live' },
		teacher
	);
	// On the last step: every question is open.
	await setLiveStep((await getClassSession(sessionId))!, lesson.steps.length - 1);
	const session = (await getClassSession(sessionId))!;
	return { schoolId, classId, pupils, teacher, session };
}

/** A pupil's answer to a question in the session, through the app's own write path. */
async function answer(
	session: { id: number; classId: number },
	pupilId: number,
	question: Lesson['questions'][number],
	selected: number[]
) {
	return submitAnswer({
		pupil: { id: pupilId, classId: session.classId },
		session: (await getClassSession(session.id))!,
		clientId: clientId(),
		questionId: question.id,
		phase: 'main',
		selected
	});
}

async function dashboard() {
	return boroughDashboard({}, getLibrary().lessons);
}

describe('the remembered borough dashboard', () => {
	it('shows a pupil who joins a session on the very next request', async () => {
		const { pupils, session } = await setUp();
		expect((await dashboard()).totals.reached).toBe(0);
		expect((await dashboard()).totals.reached).toBe(0);
		await joinSession(session, pupils[0]);
		expect((await dashboard()).totals.reached).toBe(1);
		await joinSession(session, pupils[1]);
		expect((await dashboard()).totals.reached).toBe(2);
	});

	it('shows new answers, sent together and committed as one group, at once', async () => {
		const { pupils, session } = await setUp();
		for (const id of pupils) await joinSession(session, id);
		const before = await dashboard();
		expect(before.totals.averageScore.display).toBe('–');
		// Every pupil answers the first scored question right, all at the same moment.
		const results = await Promise.all(
			pupils.map((id) => answer(session, id, scored[0], right(scored[0])))
		);
		expect(results.every((r) => r.ok && r.created)).toBe(true);
		const after = await dashboard();
		expect(after.totals.averageScore.value).toBeCloseTo(1 / scored.length);
		// One pupil gets the second one wrong: it is taken and graded wrong, and adds
		// nothing to the average, which stays where it was.
		expect(
			await answer(
				session,
				pupils[0],
				scored[1],
				scored[1].options.flatMap((o, i) => (o.correct ? [] : [i])).slice(0, 1)
			)
		).toMatchObject({ ok: true, created: true, feedback: { correct: false } });
		expect((await dashboard()).totals.averageScore.value).toBeCloseTo(1 / scored.length);
		// Another gets it right: the average moves at once.
		expect(await answer(session, pupils[1], scored[1], right(scored[1]))).toMatchObject({
			ok: true,
			created: true,
			feedback: { correct: true }
		});
		expect((await dashboard()).totals.averageScore.value).toBeCloseTo(
			(8 + 1) / (8 * scored.length)
		);
	});

	it('shows an attendance mark changed by the teacher at once', async () => {
		const { pupils, session, teacher } = await setUp();
		for (const id of pupils) await joinSession(session, id);
		expect((await dashboard()).totals.attendance.display).toBe('100%');
		await markAttendance(session, [{ pupilId: pupils[0], status: 'absent' }], teacher);
		const d = await dashboard();
		expect(d.totals.attendance.display).toBe('88%'); // 7 of 8
		expect(d.totals.reached).toBe(7);
	});

	it('shows completion as pupils reach the end, and paper completions, at once', async () => {
		const { pupils, session, teacher } = await setUp();
		for (const id of pupils.slice(0, 7)) await joinSession(session, id);
		expect((await dashboard()).totals.completion.display).toBe('0%');
		await markPaperCompletion([pupils[7]], lesson.id, true, teacher);
		expect((await dashboard()).totals.completion.display).toBe('13%'); // 1 of 8
		// Reaching the end is not enough without every scored answer, so nothing moves…
		await recordStep(session, lesson, pupils[0], lesson.steps.length - 1);
		expect((await dashboard()).totals.completion.display).toBe('13%');
		// …until the last scored answer is in.
		for (const q of scored) await answer(session, pupils[0], q, right(q));
		expect((await dashboard()).totals.completion.display).toBe('25%'); // 2 of 8
	});

	it('sees a change written with plain SQL, outside the app’s modules', async () => {
		const { pupils, session } = await setUp();
		for (const id of pupils) await joinSession(session, id);
		expect((await dashboard()).totals.reached).toBe(8);
		await ctx.handle.db
			.updateTable('attendance')
			.set({ status: 'absent' })
			.where('pupil_id', '=', pupils[3])
			.execute();
		expect((await dashboard()).totals.reached).toBe(7);
		await ctx.handle.db.updateTable('schools').set({ name: 'Renamed Primary' }).execute();
		expect((await dashboard()).bySchool.map((s) => s.name)).toEqual(['Renamed Primary']);
	});

	it('follows a revised library at once, counting each session on its own revision', async () => {
		const { pupils, session } = await setUp();
		for (const id of pupils) await joinSession(session, id);
		for (const id of pupils) await answer(session, id, scored[0], right(scored[0]));
		const now = await dashboard();
		expect(now.totals.averageScore.value).toBeCloseTo(1 / scored.length);
		// A revision of the lesson, with nothing written in between: its first scored question
		// taken out and a new title. The session ran the old revision, so its score stands…
		const edited = {
			...lesson,
			hash: 'a-later-revision',
			title: 'Revised title',
			questions: lesson.questions.filter((q) => q !== scored[0])
		};
		const lessons = getLibrary().lessons.map((l) => (l === lesson ? edited : l));
		const after = await boroughDashboard({}, lessons);
		expect(after.totals.averageScore.value).toBeCloseTo(1 / scored.length);
		// …while the dashboard names the lesson as the library does now.
		expect(after.byLesson.map((l) => l.title)).toContain('Revised title');
		expect((await dashboard()).byLesson.map((l) => l.title)).not.toContain('Revised title');
	});

	it('cannot be changed by one caller for the next, and gives each its own filter', async () => {
		await setUp();
		const first = await dashboard();
		expect(() => {
			first.bySchool[0].name = 'Changed by a caller';
		}).toThrow(TypeError);
		expect(() => {
			first.totals.reached = 999;
		}).toThrow(TypeError);
		const second = await dashboard();
		expect(second.bySchool[0].name).toBe('Memo Primary');
		expect(second.totals.reached).toBe(0);
		const filter = { to: '2099-12-31' };
		expect((await boroughDashboard(filter, getLibrary().lessons)).filter).toBe(filter);
		const again = { to: '2099-12-31' };
		expect((await boroughDashboard(again, getLibrary().lessons)).filter).toBe(again);
		// The filters stay the callers' own to change.
		expect(Object.isFrozen(filter) || Object.isFrozen(again)).toBe(false);
	});
});
