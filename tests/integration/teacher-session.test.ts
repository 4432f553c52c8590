// The teacher's side of class sessions: starting, moving the class, revealing results,
// ending, attendance, completion on paper, and who may do any of it.
import { lessonCompletion } from '../../src/lib/server/reports/pupil-completion';
import { isHttpError } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { assertCanRunClassSession } from '../../src/lib/server/access';
import { answersOfPupil, submitAnswer } from '../../src/lib/server/teaching/answers';
import { requireStaff } from '../../src/lib/server/auth/guards';
import { getClassSession } from '../../src/lib/server/teaching/class-sessions';
import {
	endClassSession,
	revealQuestion,
	setLiveStep
} from '../../src/lib/server/teaching/live-state';
import { Refused } from '../../src/lib/server/platform/refusal';
import { getLibrary } from '../../src/lib/server/lessons';
import { openPupilSession } from '../../src/lib/server/screens/pupil-lesson';
import { pupilHomeSessions } from '../../src/lib/server/screens/pupil-home';
import {
	attendanceCounts,
	hasSeenLesson,
	joinSession,
	markRestAbsent,
	recordStep
} from '../../src/lib/server/teaching/progress';
import {
	attendanceView,
	completionView,
	saveAttendance,
	savePaperCompletion
} from '../../src/lib/server/screens/register';
import { boardView } from '../../src/lib/server/screens/board';
import {
	classSessionRows,
	nextLessonFor,
	startCatchUp,
	startClassSession,
	startClassSessionSchema
} from '../../src/lib/server/screens/lesson-choices';
import { controlView, revealOnCurrentStep } from '../../src/lib/server/screens/control';
import { londonDay, addDays } from '../../src/lib/server/platform/uk-dates';
import { staffPrincipal, useTestDatabase } from './context';

const ctx = useTestDatabase();
const lesson = getLibrary().lessons[0];
const ORIGIN = 'https://thinksafe.example.gov.uk';

/** A school with a class of four pupils and its teacher. */
async function setUp() {
	const { schoolId, classId, teacher } = await ctx.newTeacherClass({ className: 'Willow' });
	const names = ['Amira', 'Leo', 'Mia', 'Zara'];
	const pupils: number[] = [];
	for (const firstName of names)
		pupils.push(await ctx.newPupil({ classId, firstName, lastInitial: 'K' }));
	return { schoolId, classId, pupils, teacher };
}

const live = { lessonId: lesson.id, mode: 'live' as const, openUntil: '' };

async function startLive() {
	const base = await setUp();
	const sessionId = await startClassSession(base.teacher, base.classId, live);
	return { ...base, sessionId, session: async () => (await getClassSession(sessionId))! };
}

/** The first step with a question, and that question. */
function stepWithQuestion() {
	const step = lesson.steps.find((s) => s.blocks.some((b) => b.kind === 'quiz'))!;
	const block = step.blocks.find((b) => b.kind === 'quiz') as { questionId: string };
	return { step: step.index, question: lesson.questions.find((q) => q.id === block.questionId)! };
}

let n = 0;
const clientId = () => `teacher-test-${++n}-${Math.random().toString(36).slice(2, 8)}`;

async function expect404(promise: Promise<unknown>) {
	const caught = await promise.then(
		() => null,
		(e: unknown) => e
	);
	expect(isHttpError(caught) && caught.status).toBe(404);
}

describe('starting a session', () => {
	it('refuses a second live session for the same class, kindly', async () => {
		const { teacher, classId, sessionId } = await startLive();
		await expect(startClassSession(teacher, classId, live)).rejects.toThrow(Refused);
		await expect(startClassSession(teacher, classId, live)).rejects.toThrow(
			'This class already has a live lesson running. End it before starting another.'
		);
		// A self-paced lesson can still be set, and a new live one once the first has ended.
		const self = await startClassSession(teacher, classId, {
			lessonId: lesson.id,
			mode: 'self',
			openUntil: addDays(londonDay(), 7)
		});
		expect((await getClassSession(self))?.status).toBe('running');
		await endClassSession((await getClassSession(sessionId))!, teacher);
		await expect(
			startClassSession(teacher, classId, { ...live, again: 'yes' })
		).resolves.toBeGreaterThan(0);
	});

	it('starts only one live session when two starts arrive at once', async () => {
		const { teacher, classId } = await setUp();
		const results = await Promise.allSettled([
			startClassSession(teacher, classId, live),
			startClassSession(teacher, classId, live)
		]);
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
	});

	it('asks the teacher to confirm the safeguarding note and a day from today', () => {
		const withNote = getLibrary().lessons.find((l) => l.safeguardingHtml)!;
		const schema = startClassSessionSchema();
		const issues = (input: Record<string, string>) => {
			const result = schema.safeParse(input);
			return result.success
				? {}
				: Object.fromEntries(result.error.issues.map((i) => [i.path[0], i.message]));
		};
		expect(issues({ lessonId: withNote.id, mode: 'live' })).toEqual({
			safeguarding: 'Tick the box to confirm you have read the safeguarding note.'
		});
		expect(issues({ lessonId: withNote.id, mode: 'live', safeguarding: 'yes' })).toEqual({});
		expect(
			issues({
				lessonId: withNote.id,
				mode: 'self',
				safeguarding: 'yes',
				openUntil: addDays(londonDay(), -1)
			})
		).toEqual({ openUntil: 'Choose today or a later day.' });
		expect(
			issues({ lessonId: withNote.id, mode: 'self', safeguarding: 'yes', openUntil: '2026-02-30' })
		).toEqual({ openUntil: 'Give the last day pupils can work on it.' });
		expect(
			issues({ lessonId: withNote.id, mode: 'self', safeguarding: 'yes', openUntil: londonDay() })
		).toEqual({});
		expect(issues({ lessonId: 'no-such-lesson', mode: 'live' })).toEqual({
			lessonId: 'That lesson is not in the library (or has problems to fix first).'
		});
	});

	it('refuses to start a lesson with an archived class', async () => {
		const { teacher, classId } = await setUp();
		await ctx.handle.db
			.updateTable('classes')
			.set({ archived_at: new Date().toISOString() })
			.where('id', '=', classId)
			.execute();
		await expect(startClassSession(teacher, classId, live)).rejects.toThrow(/archived/);
	});

	it("lists the class's sessions with how many were present", async () => {
		const { classId, pupils, session, sessionId } = await startLive();
		await joinSession(await session(), pupils[0]);
		const rows = await classSessionRows(classId);
		expect(rows).toEqual([
			expect.objectContaining({
				id: sessionId,
				lessonTitle: lesson.title,
				modeLabel: 'Live',
				statusLabel: 'Waiting to start',
				present: 1,
				absent: 0
			})
		]);
		expect((await attendanceCounts([sessionId])).get(sessionId)).toEqual({ present: 1, absent: 0 });
	});
});

describe('running a live session', () => {
	it('moves from the lobby to the first step, and clamps to the lesson', async () => {
		const { session } = await startLive();
		expect((await session()).status).toBe('lobby');
		await setLiveStep(await session(), 0);
		expect(await session()).toMatchObject({ status: 'running', currentStep: 0 });
		await setLiveStep(await session(), 999);
		expect((await session()).currentStep).toBe(lesson.steps.length - 1);
		await setLiveStep(await session(), -7);
		expect(await session()).toMatchObject({ status: 'running', currentStep: -1 });
	});

	it('reveals only a question of the lesson, on the step the class is on', async () => {
		const { session } = await startLive();
		const { step, question } = stepWithQuestion();
		await expect(revealQuestion(await session(), 'no-such-question')).rejects.toThrow(
			'That question is not in this lesson.'
		);
		// In the lobby, the question's step is not showing yet.
		await expect(revealOnCurrentStep(await session(), question.id)).rejects.toThrow(
			'That question is not on the step the class is looking at.'
		);
		await setLiveStep(await session(), step);
		await revealOnCurrentStep(await session(), question.id);
		expect((await session()).revealedQuestion).toBe(question.id);
		await revealQuestion(await session(), null);
		expect((await session()).revealedQuestion).toBeNull();
		// Moving on hides the results again.
		await revealOnCurrentStep(await session(), question.id);
		await setLiveStep(await session(), step + 1);
		expect((await session()).revealedQuestion).toBeNull();
	});

	it('ends, after which the class can no longer be moved', async () => {
		const { session, teacher } = await startLive();
		await endClassSession(await session(), teacher);
		expect((await session()).status).toBe('ended');
		await expect(setLiveStep(await session(), 0)).rejects.toThrow('This session has ended.');
		await expect(revealQuestion(await session(), null)).rejects.toThrow('This session has ended.');
	});

	it("shows the teacher who joined, who answered and who has not, with the step's notes", async () => {
		const { session, pupils, classId } = await startLive();
		for (const p of pupils.slice(0, 3)) await joinSession(await session(), p);
		let view = await controlView(await session(), ORIGIN);
		expect(view.live?.joined.map((j) => j.name)).toEqual(['Amira K.', 'Leo K.', 'Mia K.']);
		expect(view.live?.rosterSize).toBe(4);
		expect(view.live?.joinUrl).toMatch(new RegExp(`^${ORIGIN}/join/[A-Z0-9]{6}$`));

		const { step, question } = stepWithQuestion();
		await setLiveStep(await session(), step);
		const right = question.options.flatMap((o, i) => (o.correct ? [i] : []));
		for (const p of pupils.slice(0, 2)) {
			const result = await submitAnswer({
				pupil: { id: p, classId },
				session: (await getClassSession((await session()).id))!,
				clientId: clientId(),
				questionId: question.id,
				phase: 'main',
				selected: right
			});
			expect(result.ok).toBe(true);
		}
		view = await controlView(await session(), ORIGIN);
		const status = view.live!.questions.find((q) => q.id === question.id)!;
		expect(status).toMatchObject({ answered: 2, expected: 3, notAnswered: ['Mia K.'] });
		expect(status.chart).toBeNull();
		expect(view.live!.teacherHtml).toEqual(
			lesson.steps[step].blocks.flatMap((b) => (b.kind === 'teacher' ? [b.html] : []))
		);

		await revealOnCurrentStep(await session(), question.id);
		view = await controlView(await session(), ORIGIN);
		const chart = view.live!.questions.find((q) => q.id === question.id)!.chart!;
		expect(chart.answered).toBe(2);
		expect(chart.options.filter((o) => o.correct).length).toBe(right.length);
	});

	it('never puts a pupil name on the board, and the answer key only after reveal', async () => {
		const { session, pupils, classId } = await startLive();
		for (const p of pupils) await joinSession(await session(), p);
		const lobby = await boardView(await session(), ORIGIN);
		expect(lobby.lobby).toMatchObject({ joined: 4, joinHost: 'thinksafe.example.gov.uk/join' });
		expect(lobby.lobby?.qrSvg).toMatch(/^<svg aria-hidden="true"/);

		const { step, question } = stepWithQuestion();
		await setLiveStep(await session(), step);
		await submitAnswer({
			pupil: { id: pupils[0], classId },
			session: (await getClassSession((await session()).id))!,
			clientId: clientId(),
			questionId: question.id,
			phase: 'main',
			selected: [0]
		});
		const before = await boardView(await session(), ORIGIN);
		expect(before.lobby).toBeNull();
		expect(before.chart).toBeNull();
		await revealOnCurrentStep(await session(), question.id);
		const after = await boardView(await session(), ORIGIN);
		expect(after.chart?.answered).toBe(1);
		expect(after.chart?.options[0].count).toBe(1);
		expect(after.chart?.options.some((o) => o.correct)).toBe(true);

		for (const view of [lobby, before, after]) {
			const json = JSON.stringify(view);
			for (const name of ['Amira', 'Leo', 'Mia', 'Zara']) expect(json).not.toContain(name);
		}
	});
});

describe('attendance', () => {
	it('counts pupils who joined as present and lets the teacher mark the rest', async () => {
		const { session, pupils, teacher } = await startLive();
		await joinSession(await session(), pupils[0]);
		let view = await attendanceView(await session());
		expect(view).toMatchObject({ present: 1, absent: 0, unmarked: 3 });
		expect(view.rows.find((r) => r.id === pupils[0])).toMatchObject({
			status: 'present',
			joined: true
		});

		// The teacher marks one present (on paper) and sends the joined pupil's mark unchanged.
		const changed = await saveAttendance(
			await session(),
			new Map([
				[pupils[0], 'present'],
				[pupils[1], 'present']
			]),
			teacher
		);
		expect(changed).toBe(1);
		view = await attendanceView(await session());
		expect(view.rows.find((r) => r.id === pupils[0])?.joined).toBe(true);
		expect(view.rows.find((r) => r.id === pupils[1])).toMatchObject({
			status: 'present',
			joined: false
		});

		expect(await markRestAbsent(await session(), teacher)).toBe(2);
		view = await attendanceView(await session());
		expect(view).toMatchObject({ present: 2, absent: 2, unmarked: 0 });
	});

	it('can be corrected after the session has ended', async () => {
		const { session, pupils, teacher } = await startLive();
		await joinSession(await session(), pupils[0]);
		await markRestAbsent(await session(), teacher);
		await endClassSession(await session(), teacher);
		await saveAttendance(await session(), new Map([[pupils[3], 'present']]), teacher);
		const view = await attendanceView(await session());
		expect(view).toMatchObject({ present: 2, absent: 2 });
		expect(view.rows.find((r) => r.id === pupils[3])?.status).toBe('present');
	});

	it('refuses marks for a pupil of another class', async () => {
		const { session, teacher, schoolId } = await startLive();
		const otherClass = await ctx.newClass({ schoolId });
		const outsider = await ctx.newPupil({ classId: otherClass });
		await expect(
			saveAttendance(await session(), new Map([[outsider, 'present']]), teacher)
		).rejects.toThrow(Refused);
	});

	it('never lists staff: only the pupils of the class are on the roster', async () => {
		const { session, pupils } = await startLive();
		const view = await attendanceView(await session());
		expect(view.rows.map((r) => r.id).sort()).toEqual([...pupils].sort());
	});
});

describe('completion on paper', () => {
	it('marks and unmarks pupils, leaving those who completed on screen alone', async () => {
		const { session, pupils, teacher, classId } = await startLive();
		// Mia completes on screen: reaches the end and answers every scored question.
		await joinSession(await session(), pupils[2]);
		await recordStep(await session(), lesson, pupils[2], lesson.steps.length - 1);
		for (const q of lesson.questions.filter((x) => x.scored)) {
			await submitAnswer({
				pupil: { id: pupils[2], classId },
				session: (await getClassSession((await session()).id))!,
				clientId: clientId(),
				questionId: q.id,
				phase: 'main',
				selected: [0]
			});
		}
		let result = await savePaperCompletion(
			await session(),
			lesson,
			new Set([pupils[0], pupils[1], pupils[2]]),
			teacher
		);
		expect(result).toEqual({ marked: 2, unmarked: 0 });
		let rows = (await completionView(await session(), lesson)).rows;
		expect(rows.map((r) => [r.name, r.state])).toEqual([
			['Amira K.', 'paper'],
			['Leo K.', 'paper'],
			['Mia K.', 'completed'],
			['Zara K.', 'not-started']
		]);

		result = await savePaperCompletion(await session(), lesson, new Set([pupils[0]]), teacher);
		expect(result).toEqual({ marked: 0, unmarked: 1 });
		const completion = await lessonCompletion(pupils, lesson);
		expect(completion.get(pupils[1])?.state).toBe('not-started');
		expect(completion.get(pupils[0])?.state).toBe('paper');
		rows = (await completionView(await session(), lesson)).rows;
		expect(rows.find((r) => r.id === pupils[0])?.label).toBe('Completed on paper');
	});

	it('refuses a pupil who is not in the session', async () => {
		const { session, teacher, schoolId } = await startLive();
		const outsider = await ctx.newPupil({ classId: await ctx.newClass({ schoolId }) });
		await expect(
			savePaperCompletion(await session(), lesson, new Set([outsider]), teacher)
		).rejects.toThrow(Refused);
	});
});

describe('who may run a session', () => {
	it('is the class teacher and their school lead, and nobody else (404)', async () => {
		const { sessionId, schoolId, teacher } = await startLive();
		await expect(assertCanRunClassSession(teacher, sessionId)).resolves.toMatchObject({
			id: sessionId
		});
		const lead = staffPrincipal(await ctx.newStaff({ role: 'lead', schoolId }), 'lead', schoolId);
		await expect(assertCanRunClassSession(lead, sessionId)).resolves.toBeTruthy();

		const colleague = staffPrincipal(
			await ctx.newStaff({ role: 'teacher', schoolId }),
			'teacher',
			schoolId
		);
		await expect404(assertCanRunClassSession(colleague, sessionId));

		const otherSchool = await ctx.newSchool();
		const stranger = staffPrincipal(
			await ctx.newStaff({ role: 'teacher', schoolId: otherSchool }),
			'teacher',
			otherSchool
		);
		await ctx.newClass({ schoolId: otherSchool, teacherId: stranger.id });
		await expect404(assertCanRunClassSession(stranger, sessionId));
		const otherLead = staffPrincipal(
			await ctx.newStaff({ role: 'lead', schoolId: otherSchool }),
			'lead',
			otherSchool
		);
		await expect404(assertCanRunClassSession(otherLead, sessionId));
		await expect404(assertCanRunClassSession(teacher, sessionId + 1000));
	});

	it('refuses a coordinator, who never sees pupil names', async () => {
		const { sessionId } = await startLive();
		const coordinator = staffPrincipal(
			await ctx.newStaff({ role: 'coordinator' }),
			'coordinator',
			null
		);
		await expect404(assertCanRunClassSession(coordinator, sessionId));
		// The routes' first line refuses the role before anything is looked up.
		const event = {
			locals: { staff: coordinator, pupil: null },
			url: new URL(`http://localhost/sessions/${sessionId}`),
			request: new Request(`http://localhost/sessions/${sessionId}`)
		} as unknown as Parameters<typeof requireStaff>[0];
		let caught: unknown;
		try {
			requireStaff(event, 'teacher', 'lead');
		} catch (e) {
			caught = e;
		}
		expect(isHttpError(caught) && caught.status).toBe(403);
	});
});

describe('running a lesson the class has had again', () => {
	it('warns first, then runs it afresh: pupils answer again, and teacher and pupils agree', async () => {
		const { session, pupils, classId, teacher } = await startLive();
		const { step, question } = stepWithQuestion();
		const right = question.options.flatMap((o, i) => (o.correct ? [i] : []));
		const wrong = [question.options.findIndex((o) => !o.correct)];
		const amira = { id: pupils[0], classId };
		await joinSession(await session(), pupils[0]);
		await setLiveStep(await session(), step);
		const first = await submitAnswer({
			pupil: amira,
			session: (await getClassSession((await session()).id))!,
			clientId: clientId(),
			questionId: question.id,
			phase: 'main',
			selected: right
		});
		expect(first.ok).toBe(true);
		await endClassSession(await session(), teacher);

		await expect(startClassSession(teacher, classId, live)).rejects.toThrow(
			/^This class had .+ on .+\. Choose to run it again with everyone, or a catch-up/
		);
		const againId = await startClassSession(teacher, classId, { ...live, again: 'yes' });
		const again = async () => (await getClassSession(againId))!;
		expect((await again()).run).toBe(againId);
		await setLiveStep(await again(), step);

		// A fresh start: Amira's earlier answer is on neither screen…
		const seen = (await openPupilSession(amira, await again()))!;
		expect(seen.answers[question.id]).toBeUndefined();
		await joinSession(await again(), pupils[1]);
		const before = await controlView(await again(), ORIGIN);
		expect(before.live!.questions.find((q) => q.id === question.id)).toMatchObject({
			answered: 0,
			expected: 2,
			notAnswered: ['Amira K.', 'Leo K.']
		});

		// …she answers again (differently this time), once however often it is sent…
		const retry = clientId();
		for (let i = 0; i < 2; i++) {
			const second = await submitAnswer({
				pupil: amira,
				session: (await getClassSession(againId))!,
				clientId: retry,
				questionId: question.id,
				phase: 'main',
				selected: wrong
			});
			expect(second).toMatchObject({ ok: true, created: i === 0 });
		}
		expect((await openPupilSession(amira, await again()))!.answers[question.id]?.selected).toEqual(
			wrong
		);
		const after = await controlView(await again(), ORIGIN);
		expect(after.live!.questions.find((q) => q.id === question.id)).toMatchObject({
			answered: 1,
			notAnswered: ['Leo K.']
		});

		// …and the programme's figures keep her first answer, the right one.
		const rows = await ctx.handle.db
			.selectFrom('answers')
			.select(['session_id', 'counts', 'run'])
			.where('pupil_id', '=', pupils[0])
			.orderBy('id')
			.execute();
		expect(rows).toEqual([
			{ session_id: (await session()).id, counts: 1, run: 0 },
			{ session_id: againId, counts: 0, run: againId }
		]);
		const done = await lessonCompletion([pupils[0]], lesson);
		expect(done.get(pupils[0])?.score).toBeCloseTo(
			1 / lesson.questions.filter((q) => q.scored).length
		);
	});

	it('carries a catch-up on the class’s latest run, keeping what pupils answered in it', async () => {
		const { session, pupils, classId, teacher } = await startLive();
		const { step, question } = stepWithQuestion();
		const amira = { id: pupils[0], classId };
		// The first run: Amira sees a step, so her knowledge check is over for that run.
		await setLiveStep(await session(), step);
		await openPupilSession(amira, await session());
		expect(await hasSeenLesson(amira.id, lesson.id, 0)).toBe(true);
		await endClassSession(await session(), teacher);

		// A fresh run opens the knowledge check to her again.
		const againId = await startClassSession(teacher, classId, { ...live, again: 'yes' });
		expect(await hasSeenLesson(amira.id, lesson.id, againId)).toBe(false);
		const lobby = (await openPupilSession(amira, (await getClassSession(againId))!))!;
		expect(lobby.start?.check.length).toBeGreaterThan(0);
		await setLiveStep((await getClassSession(againId))!, step);
		await openPupilSession(amira, (await getClassSession(againId))!);
		const answered = await submitAnswer({
			pupil: amira,
			session: (await getClassSession(againId))!,
			clientId: clientId(),
			questionId: question.id,
			phase: 'main',
			selected: question.options.flatMap((o, i) => (o.correct ? [i] : []))
		});
		expect(answered).toMatchObject({ ok: true, created: true });
		await endClassSession((await getClassSession(againId))!, teacher);

		// Her catch-up (she has not finished) carries on the fresh run: her answer is there and
		// the check is closed, as she has seen the lesson in this run.
		const catchUp = (await getClassSession(await startCatchUp(teacher, classId, lesson.id)))!;
		expect(catchUp.run).toBe(againId);
		const view = (await openPupilSession(amira, catchUp))!;
		expect(view.start?.check).toEqual([]);
		const { main } = await answersOfPupil(amira.id, lesson, catchUp.run);
		expect(Object.keys(main)).toEqual([question.id]);
	});

	it('offers the next lesson of the programme, or the live one while it runs', async () => {
		const { classId, teacher } = await setUp();
		const programme = getLibrary().lessons;
		let next = await nextLessonFor(classId);
		expect(next).toMatchObject({ next: { id: programme[0].id }, live: null, allHad: false });
		const id = await startClassSession(teacher, classId, live);
		next = await nextLessonFor(classId);
		expect(next.live?.id).toBe(id);
		await endClassSession((await getClassSession(id))!, teacher);
		next = await nextLessonFor(classId);
		expect(next).toMatchObject({ next: { id: programme[1].id }, live: null });
		expect(next.next?.safeguardingHtml ?? null).toBe(programme[1].safeguardingHtml ?? null);
	});
});

describe('a lesson at their own pace', () => {
	it('is open to the class once at a time, so that pupils never get two cards for it', async () => {
		const { classId, pupils, teacher } = await setUp();
		const self = { lessonId: lesson.id, mode: 'self' as const, openUntil: addDays(londonDay(), 7) };
		const first = await startClassSession(teacher, classId, self);
		// Started again: the same session, open until the later day.
		const later = addDays(londonDay(), 9);
		expect(await startClassSession(teacher, classId, { ...self, openUntil: later })).toBe(first);
		expect((await getClassSession(first))!.closesAt).toBe(`${later}T23:59:59.000Z`);
		expect(await startClassSession(teacher, classId, self)).toBe(first);
		expect((await getClassSession(first))!.closesAt).toBe(`${later}T23:59:59.000Z`);
		// A catch-up of the same lesson for one pupil: still one card on their page.
		await ctx.handle.db
			.insertInto('paper_completions')
			.values(
				pupils.slice(1).map((p) => ({
					pupil_id: p,
					lesson_id: lesson.id,
					marked_by: teacher.id,
					marked_at: '2026-01-01'
				}))
			)
			.execute();
		const catchUp = await startCatchUp(teacher, classId, lesson.id);
		const home = await pupilHomeSessions({ id: pupils[0], classId });
		expect(home.sessions).toHaveLength(1);
		expect(home.sessions[0].id).toBe(catchUp);
	});
});
