import { lessonCompletion } from '../../src/lib/server/reports/pupil-completion';
import { describe, expect, it } from 'vitest';
import { submitAnswer } from '../../src/lib/server/teaching/answers';
import { getClassSession } from '../../src/lib/server/teaching/class-sessions';
import { setLiveStep, endClassSession } from '../../src/lib/server/teaching/live-state';
import { createClassSession } from '../../src/lib/server/teaching/class-session-start';
import { getLibrary } from '../../src/lib/server/lessons';
import {
	joinSession,
	markPaperCompletion,
	recordStep
} from '../../src/lib/server/teaching/progress';
import { useTestDatabase } from './context';

const ctx = useTestDatabase();
const lesson = getLibrary().lessons[0];

async function setUp() {
	const { schoolId, classId, teacher } = await ctx.newTeacherClass();
	const pupilId = await ctx.newPupil({ classId });
	const sessionId = await createClassSession(
		{ classId, lessonId: lesson.id, mode: 'live' },
		teacher
	);
	// The class is on the last step, so every question of the lesson is open (a live question
	// opens when the class reaches its step).
	await setLiveStep((await getClassSession(sessionId))!, lesson.steps.length - 1);
	return { schoolId, classId, pupilId, teacher, sessionId, pupil: { id: pupilId, classId } };
}

function questionOfType(type: string) {
	const q = lesson.questions.find((x) => x.type === type);
	if (!q) throw new Error(`lesson ${lesson.id} has no ${type} question`);
	return q;
}

function rightAnswer(q: (typeof lesson.questions)[number]) {
	return q.options.flatMap((o, i) => (o.correct ? [i] : []));
}

let n = 0;
const clientId = () => `client-${++n}-${Math.random().toString(36).slice(2, 10)}`;

/** A new answer (its own client id) from a pupil to a question. */
async function answer(
	pupil: { id: number; classId: number },
	sessionId: number,
	q: { id: string },
	selected: number[],
	phase: 'pre' | 'main' = 'main'
) {
	return submitAnswer({
		pupil,
		session: (await getClassSession(sessionId))!,
		clientId: clientId(),
		questionId: q.id,
		phase,
		selected
	});
}

async function answerRows() {
	return ctx.handle.db.selectFrom('answers').selectAll().execute();
}

describe('answering', () => {
	it('grades a right single answer on the server and returns feedback', async () => {
		const { sessionId, pupil } = await setUp();
		const q = questionOfType('single');
		const result = await answer(pupil, sessionId, q, rightAnswer(q));
		expect(result).toMatchObject({
			ok: true,
			created: true,
			feedback: { correct: true, correctIndexes: rightAnswer(q) }
		});
		expect(await answerRows()).toHaveLength(1);
	});

	it('grades multiple-answer questions only when exactly the right set is chosen', async () => {
		const { sessionId, pupil } = await setUp();
		const q = questionOfType('multiple');
		const right = rightAnswer(q);
		const wrong = [...new Set([...right, q.options.findIndex((o) => !o.correct)])];
		const result = await answer(pupil, sessionId, q, wrong);
		expect(result).toMatchObject({ ok: true, feedback: { correct: false } });
	});

	it('never scores a poll', async () => {
		const { sessionId, pupil } = await setUp();
		const q = questionOfType('poll');
		const result = await answer(pupil, sessionId, q, [0]);
		expect(result).toMatchObject({ ok: true, feedback: { correct: null, correctIndexes: [] } });
		expect((await answerRows())[0].correct).toBeNull();
	});

	it('stores a retried submit once and answers it the same way', async () => {
		const { sessionId, pupil } = await setUp();
		const q = questionOfType('single');
		const input = {
			pupil,
			session: (await getClassSession(sessionId))!,
			clientId: clientId(),
			questionId: q.id,
			phase: 'main' as const,
			selected: [0]
		};
		const first = await submitAnswer(input);
		const again = await submitAnswer(input);
		expect(first.ok && again.ok && again.created).toBe(false);
		expect(again.ok && first.ok && again.feedback).toEqual(first.ok && first.feedback);
		expect(await answerRows()).toHaveLength(1);
	});

	it('keeps the first answer when a pupil tries a different one', async () => {
		const { sessionId, pupil } = await setUp();
		const q = questionOfType('single');
		await answer(pupil, sessionId, q, [0]);
		const second = await answer(pupil, sessionId, q, [1]);
		expect(second).toMatchObject({ ok: true, created: false, feedback: { selected: [0] } });
		expect((await answerRows()).map((r) => r.selected)).toEqual(['[0]']);
	});

	it('stores each of many concurrent answers exactly once (group commit)', async () => {
		const { sessionId, classId } = await setUp();
		const pupils: number[] = [];
		for (let i = 0; i < 40; i++) pupils.push(await ctx.newPupil({ classId }));
		const q = questionOfType('single');
		const session = (await getClassSession(sessionId))!;
		const inputs = pupils.flatMap((id) => {
			const base = {
				pupil: { id, classId },
				session,
				clientId: clientId(),
				questionId: q.id,
				phase: 'main' as const,
				selected: [0]
			};
			return [base, base, { ...base, clientId: clientId(), selected: [1] }];
		});
		const results = await Promise.all(inputs.map((i) => submitAnswer(i)));
		expect(results.every((r) => r.ok)).toBe(true);
		const created = results.filter((r) => r.ok && r.created).length;
		expect(created).toBe(pupils.length);
		const rows = await answerRows();
		expect(rows).toHaveLength(pupils.length);
		expect(rows.every((r) => r.selected === '[0]')).toBe(true);
	});

	it('refuses a question id that is not in the lesson, with a clear message', async () => {
		const { sessionId, pupil } = await setUp();
		await expect(
			submitAnswer({
				pupil,
				session: (await getClassSession(sessionId))!,
				clientId: clientId(),
				questionId: 'no-such-question',
				phase: 'main',
				selected: [0]
			})
		).rejects.toMatchObject({
			name: 'Refused',
			status: 404,
			message: 'There is no question "no-such-question" in this lesson.'
		});
		expect(await answerRows()).toHaveLength(0);
	});

	it('refuses an option that does not exist and two options on a one-answer question', async () => {
		const { sessionId, pupil } = await setUp();
		const q = questionOfType('single');
		await expect(answer(pupil, sessionId, q, [99])).rejects.toMatchObject({
			name: 'Refused',
			status: 400
		});
		await expect(answer(pupil, sessionId, q, [0, 1])).rejects.toMatchObject({
			name: 'Refused',
			status: 400,
			message: 'Choose only one answer.'
		});
		expect(await answerRows()).toHaveLength(0);
	});

	it('refuses answers once the session has ended', async () => {
		const { sessionId, pupil, teacher } = await setUp();
		await endClassSession((await getClassSession(sessionId))!, teacher);
		const q = questionOfType('single');
		await expect(answer(pupil, sessionId, q, [0])).rejects.toMatchObject({
			name: 'Refused',
			status: 409
		});
	});
});

describe('the knowledge check', () => {
	it('takes check questions before the lesson, without feedback', async () => {
		const { sessionId, pupil } = await setUp();
		const q = lesson.questions.find((x) => x.check)!;
		const result = await answer(pupil, sessionId, q, rightAnswer(q), 'pre');
		expect(result).toEqual({
			ok: true,
			created: true,
			feedback: { selected: rightAnswer(q), correct: null, correctIndexes: [], feedbackHtml: [] }
		});
		// …and the same question again in the lesson, with feedback.
		const main = await answer(pupil, sessionId, q, rightAnswer(q));
		expect(main).toMatchObject({ ok: true, created: true, feedback: { correct: true } });
	});

	it('refuses a question that is not in the check, and any check answer once a step was seen', async () => {
		const { sessionId, pupil } = await setUp();
		const notCheck = lesson.questions.find((x) => !x.check)!;
		await expect(answer(pupil, sessionId, notCheck, [0], 'pre')).rejects.toMatchObject({
			name: 'Refused',
			status: 400
		});
		const session = (await getClassSession(sessionId))!;
		await joinSession(session, pupil.id);
		await recordStep(session, lesson, pupil.id, 0);
		const check = lesson.questions.find((x) => x.check)!;
		await expect(answer(pupil, sessionId, check, [0], 'pre')).rejects.toMatchObject({
			name: 'Refused',
			status: 409
		});
	});
});

describe('completion', () => {
	it('needs the last step and every scored question answered; a paper mark also counts', async () => {
		const { sessionId, pupil, teacher } = await setUp();
		const session = (await getClassSession(sessionId))!;
		await setLiveStep(session, 0);
		await joinSession(session, pupil.id);
		expect((await lessonCompletion([pupil.id], lesson)).get(pupil.id)?.state).toBe('started');
		await recordStep(session, lesson, pupil.id, lesson.steps.length - 1);
		const scored = lesson.questions.filter((q) => q.scored);
		for (const q of scored.slice(0, -1)) {
			await answer(pupil, sessionId, q, rightAnswer(q));
		}
		expect((await lessonCompletion([pupil.id], lesson)).get(pupil.id)?.state).toBe('started');
		const last = scored[scored.length - 1];
		await answer(pupil, sessionId, last, rightAnswer(last));
		expect((await lessonCompletion([pupil.id], lesson)).get(pupil.id)).toEqual({
			state: 'completed',
			score: 1
		});

		const onPaper = await ctx.newPupil({ classId: pupil.classId });
		expect((await lessonCompletion([onPaper], lesson)).get(onPaper)?.state).toBe('not-started');
		await markPaperCompletion([onPaper], lesson.id, true, teacher);
		expect((await lessonCompletion([onPaper], lesson)).get(onPaper)).toEqual({
			state: 'paper',
			score: null
		});
	});
});

describe('a live question opens when the class reaches its step', () => {
	/** A live lesson still in the lobby, and a scored check question that sits on a later step. */
	async function inTheLobby() {
		const { classId, teacher } = await ctx.newTeacherClass();
		const pupil = { id: await ctx.newPupil({ classId }), classId };
		const sessionId = await createClassSession(
			{ classId, lessonId: lesson.id, mode: 'live' },
			teacher
		);
		const q = lesson.questions.find((x) => x.check && x.scored)!;
		const step = lesson.steps.findIndex((s) => s.id === q.stepId);
		return { pupil, sessionId, q, step };
	}

	it('refuses a main answer from the lobby, giving nothing of the answer key away', async () => {
		const { pupil, sessionId, q } = await inTheLobby();
		await expect(answer(pupil, sessionId, q, rightAnswer(q))).rejects.toMatchObject({
			name: 'Refused',
			status: 409,
			message: 'Your teacher has not reached this question yet.'
		});
		expect(await answerRows()).toEqual([]);
		// The knowledge check is still open to the pupil.
		expect((await answer(pupil, sessionId, q, rightAnswer(q), 'pre')).ok).toBe(true);
	});

	it('opens it at its step, and keeps it open when the teacher goes back after the pupil saw it', async () => {
		const { pupil, sessionId, q, step } = await inTheLobby();
		await setLiveStep((await getClassSession(sessionId))!, step);
		await recordStep((await getClassSession(sessionId))!, lesson, pupil.id, step);
		await setLiveStep((await getClassSession(sessionId))!, step - 1);
		const result = await answer(pupil, sessionId, q, rightAnswer(q));
		expect(result).toMatchObject({ ok: true, created: true });
	});

	it('closes the knowledge check once the pupil has answered in the lesson itself', async () => {
		const { pupil, sessionId, q, step } = await inTheLobby();
		await setLiveStep((await getClassSession(sessionId))!, step);
		// Answered through the API straight away, without the step's page being loaded.
		expect((await answer(pupil, sessionId, q, rightAnswer(q))).ok).toBe(true);
		await expect(answer(pupil, sessionId, q, rightAnswer(q), 'pre')).rejects.toMatchObject({
			name: 'Refused',
			status: 409,
			message: 'The knowledge check is only before the lesson starts.'
		});
	});
});
