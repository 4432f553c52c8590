// The pupil's side of a class session: what their screen shows, answering (and the
// knowledge check), moving through a self-paced lesson, the summary, home and certificate.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lessonCompletion } from '../../src/lib/server/reports/pupil-completion';
import { describe, expect, it } from 'vitest';
import { assertPupilClassSession } from '../../src/lib/server/access';
import { getClassSession } from '../../src/lib/server/teaching/class-sessions';
import { endClassSession, setLiveStep } from '../../src/lib/server/teaching/live-state';
import {
	createClassSession,
	type NewClassSession
} from '../../src/lib/server/teaching/class-session-start';
import { getLibrary, reloadLibrary, type Question } from '../../src/lib/server/lessons';
import { markPaperCompletion } from '../../src/lib/server/teaching/progress';
import {
	answerFromRequest,
	movePupil,
	openPupilSession
} from '../../src/lib/server/screens/pupil-lesson';
import { certificateStatus, pupilHomeSessions } from '../../src/lib/server/screens/pupil-home';
import { childlinePhone, pupilSummary } from '../../src/lib/server/screens/pupil-summary';
import { useTestDatabase } from './context';

const ctx = useTestDatabase();
// The shipped programme: its first lesson has every question type.
const lesson = getLibrary().lessons[0];
const last = lesson.steps.length - 1;

function inAWeek(): string {
	return new Date(Date.now() + 7 * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

async function setUp(mode: 'live' | 'self' = 'self', extra: Partial<NewClassSession> = {}) {
	const { schoolId, classId, teacher } = await ctx.newTeacherClass();
	const pupilId = await ctx.newPupil({ classId, firstName: 'Amira', lastInitial: 'K' });
	const start = async (input: Partial<NewClassSession> = {}) =>
		createClassSession(
			{
				classId,
				lessonId: lesson.id,
				mode,
				...(mode === 'self' ? { openUntil: inAWeek() } : {}),
				...extra,
				...input
			},
			teacher
		);
	const sessionId = await start();
	const pupil = { id: pupilId, classId, firstName: 'Amira', lastInitial: 'K' };
	const session = async () => (await getClassSession(sessionId))!;
	return { schoolId, classId, teacher, sessionId, pupil, session, start };
}

let n = 0;
const clientId = () => `c${++n}x${Math.random().toString(36).slice(2, 10)}`;

function ofType(type: Question['type'], where: (q: Question) => boolean = () => true): Question {
	const q = lesson.questions.find((x) => x.type === type && where(x));
	if (!q) throw new Error(`lesson ${lesson.id} has no ${type} question`);
	return q;
}

const right = (q: Question) => q.options.flatMap((o, i) => (o.correct ? [i] : []));
const wrong = (q: Question) => [q.options.findIndex((o) => !o.correct)];

async function answer(
	pupil: { id: number; classId: number },
	sessionId: number,
	q: Question,
	selected: number[],
	phase: 'pre' | 'main' = 'main',
	id = clientId()
) {
	return answerFromRequest(pupil, (await getClassSession(sessionId))!, {
		clientId: id,
		questionId: q.id,
		phase,
		selected
	});
}

const answerRows = () => ctx.handle.db.selectFrom('answers').selectAll().execute();

describe('the start screen and the knowledge check', () => {
	it('shows the introduction and the check questions, without any answer key', async () => {
		const { pupil, session } = await setUp('live');
		const view = (await openPupilSession(pupil, await session()))!;
		expect(view.step).toBe(-1);
		expect(view.start?.introHtml).toBe(lesson.introHtml);
		expect(view.start?.check.map((q) => q.id)).toEqual(
			lesson.questions.filter((q) => q.check && q.scored).map((q) => q.id)
		);
		expect(view.content).toBeUndefined();
		const json = JSON.stringify(view);
		expect(json).not.toContain('"correct"');
		expect(json).not.toContain('feedback');
	});

	it('marks the pupil present when they open the session', async () => {
		const { pupil, session, sessionId } = await setUp('live');
		await openPupilSession(pupil, await session());
		const row = await ctx.handle.db
			.selectFrom('attendance')
			.selectAll()
			.where('session_id', '=', sessionId)
			.executeTakeFirstOrThrow();
		expect(row).toMatchObject({ pupil_id: pupil.id, status: 'present', source: 'joined' });
	});

	it('stores check answers as "pre" with no feedback, and shows them answered after a reload', async () => {
		const { pupil, session, sessionId } = await setUp('live');
		await openPupilSession(pupil, await session());
		const q = lesson.questions.find((x) => x.check)!;
		const result = await answer(pupil, sessionId, q, right(q), 'pre');
		expect(result).toEqual({
			ok: true,
			created: true,
			feedback: { selected: right(q), correct: null, correctIndexes: [], feedbackHtml: [] }
		});
		expect((await answerRows())[0]).toMatchObject({ phase: 'pre', question_id: q.id });
		const again = (await openPupilSession(pupil, await session()))!;
		expect(again.answers[q.id]).toEqual({
			selected: right(q),
			correct: null,
			correctIndexes: [],
			feedbackHtml: []
		});
	});

	it('refuses check answers once the pupil has seen a step, and closes the check', async () => {
		const { pupil, session, sessionId } = await setUp('live');
		await setLiveStep(await session(), 0);
		const view = (await openPupilSession(pupil, await session()))!;
		expect(view.step).toBe(0);
		const q = lesson.questions.find((x) => x.check)!;
		await expect(answer(pupil, sessionId, q, right(q), 'pre')).rejects.toMatchObject({
			name: 'Refused',
			status: 409,
			message: 'The knowledge check is only before the lesson starts.'
		});
		// The teacher goes back to the start: the introduction again, but no check.
		await setLiveStep(await session(), -1);
		const start = (await openPupilSession(pupil, await session()))!;
		expect(start.step).toBe(-1);
		expect(start.start?.check).toEqual([]);
		expect(await answerRows()).toHaveLength(0);
	});
});

describe('answering', () => {
	it('refuses a pupil answering in another class’s session', async () => {
		const { sessionId, schoolId } = await setUp();
		const otherClass = await ctx.newClass({ schoolId });
		const outsider = await ctx.newPupil({ classId: otherClass });
		// The route asks access.ts before the answer is read: the one check of who may answer.
		await expect(
			assertPupilClassSession(
				{
					kind: 'pupil',
					id: outsider,
					classId: otherClass,
					schoolId,
					firstName: 'X',
					lastInitial: 'Y',
					sessionId: ''
				},
				sessionId
			)
		).rejects.toMatchObject({ status: 404 });
		expect(await answerRows()).toHaveLength(0);
	});

	it('keeps a pupil out of a catch-up that is not for them', async () => {
		const { pupil, start, schoolId, classId } = await setUp();
		const catchUp = await start({ pupilIds: [await ctx.newPupil({ classId })] });
		await expect(
			assertPupilClassSession({ ...pupil, kind: 'pupil', schoolId, sessionId: '' }, catchUp)
		).rejects.toMatchObject({ status: 404 });
		expect(await answerRows()).toHaveLength(0);
	});

	it('refuses a question id that is not in the lesson, with a clear message', async () => {
		const { pupil, sessionId } = await setUp();
		await expect(
			answerFromRequest(pupil, (await getClassSession(sessionId))!, {
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
	});

	it('refuses a body that is not an answer', async () => {
		const { pupil, sessionId } = await setUp();
		for (const body of [undefined, 'hello', { questionId: 'x' }, { clientId: 'a'.repeat(100) }]) {
			await expect(
				answerFromRequest(pupil, (await getClassSession(sessionId))!, body)
			).rejects.toMatchObject({
				name: 'Refused',
				status: 400
			});
		}
		await expect(
			answerFromRequest(pupil, (await getClassSession(sessionId))!, {
				clientId: 'has spaces!',
				questionId: ofType('single').id,
				phase: 'main',
				selected: [0]
			})
		).rejects.toMatchObject({
			name: 'Refused',
			status: 400,
			message: expect.stringContaining('reload')
		});
	});

	it('stores the same client id sent twice once, and answers both alike', async () => {
		const { pupil, sessionId } = await setUp();
		const q = ofType('single');
		const id = clientId();
		const first = await answer(pupil, sessionId, q, wrong(q), 'main', id);
		const again = await answer(pupil, sessionId, q, wrong(q), 'main', id);
		expect(first).toMatchObject({ ok: true, created: true });
		expect(again).toMatchObject({ ok: true, created: false });
		expect(again.ok && again.feedback).toEqual(first.ok && first.feedback);
		expect(await answerRows()).toHaveLength(1);
	});

	it('keeps the first answer when a second, different one is sent', async () => {
		const { pupil, sessionId } = await setUp();
		const q = ofType('single');
		await answer(pupil, sessionId, q, wrong(q));
		const second = await answer(pupil, sessionId, q, right(q));
		expect(second).toMatchObject({
			ok: true,
			created: false,
			feedback: { selected: wrong(q), correct: false }
		});
		expect((await answerRows()).map((r) => r.selected)).toEqual([JSON.stringify(wrong(q))]);
	});

	it('grades every question type on the server, and never scores a poll', async () => {
		const { pupil, sessionId } = await setUp();
		const single = ofType('single');
		const multiple = ofType('multiple');
		const truefalse = ofType('truefalse');
		const poll = ofType('poll');
		expect(await answer(pupil, sessionId, single, right(single))).toMatchObject({
			ok: true,
			feedback: { correct: true, correctIndexes: right(single) }
		});
		// Only some of the right options of a multiple-answer question is not right.
		const some = right(multiple).slice(0, 1);
		expect(right(multiple).length).toBeGreaterThan(1);
		expect(await answer(pupil, sessionId, multiple, some)).toMatchObject({
			ok: true,
			feedback: { correct: false, correctIndexes: right(multiple) }
		});
		expect(await answer(pupil, sessionId, truefalse, wrong(truefalse))).toMatchObject({
			ok: true,
			feedback: { correct: false, correctIndexes: right(truefalse) }
		});
		expect(await answer(pupil, sessionId, poll, [1])).toMatchObject({
			ok: true,
			feedback: { selected: [1], correct: null, correctIndexes: [] }
		});
		const rows = await answerRows();
		expect(Object.fromEntries(rows.map((r) => [r.question_id, r.correct]))).toEqual({
			[single.id]: 1,
			[multiple.id]: 0,
			[truefalse.id]: 0,
			[poll.id]: null
		});
	});

	it('refuses answers once the session has ended', async () => {
		const { pupil, sessionId, session, teacher } = await setUp('live');
		await endClassSession(await session(), teacher);
		const q = ofType('single');
		await expect(answer(pupil, sessionId, q, right(q))).rejects.toMatchObject({
			name: 'Refused',
			status: 409
		});
	});
});

describe('a live lesson', () => {
	it('shows the pupil the teacher’s step and records it as seen', async () => {
		const { pupil, session, sessionId } = await setUp('live');
		await setLiveStep(await session(), 2);
		const view = (await openPupilSession(pupil, await session()))!;
		expect(view.step).toBe(2);
		expect(view.content?.id).toBe(lesson.steps[2].id);
		expect(view.furthestStep).toBe(2);
		const row = await ctx.handle.db
			.selectFrom('progress')
			.selectAll()
			.where('session_id', '=', sessionId)
			.executeTakeFirstOrThrow();
		expect(row).toMatchObject({ current_step: 2, furthest_step: 2 });
	});

	it('does not move a live lesson from a pupil’s device', async () => {
		const { pupil, session } = await setUp('live');
		await expect(movePupil(pupil, await session(), -1, 'next')).rejects.toMatchObject({
			name: 'Refused',
			status: 409
		});
	});
});

describe('a self-paced lesson', () => {
	it('starts at the knowledge check, then goes step by step', async () => {
		const { pupil, session } = await setUp('self');
		expect((await openPupilSession(pupil, await session()))!.step).toBe(-1);
		expect(await movePupil(pupil, await session(), -1, 'next')).toEqual({
			ok: true,
			step: 0,
			finished: false
		});
		expect(await movePupil(pupil, await session(), 0, 'next')).toMatchObject({ step: 1 });
		expect(await movePupil(pupil, await session(), 1, 'previous')).toMatchObject({ step: 0 });
	});

	it('resumes where the pupil left off, as on another device', async () => {
		const { pupil, session } = await setUp('self');
		await openPupilSession(pupil, await session());
		for (let step = -1; step < 2; step++) await movePupil(pupil, await session(), step, 'next');
		const view = (await openPupilSession(pupil, await session()))!;
		expect(view.step).toBe(2);
		expect(view.content?.title).toBe(lesson.steps[2].title);
	});

	it('never jumps ahead past a step the pupil has not seen', async () => {
		const { pupil, session } = await setUp('self');
		expect(await movePupil(pupil, await session(), last - 1, 'next')).toMatchObject({ step: 0 });
		await expect(movePupil(pupil, await session(), last, 'finish')).rejects.toMatchObject({
			name: 'Refused',
			status: 400
		});
		expect((await pupilSummary(pupil, await session())) ?? null).toBeNull();
	});

	it('shows the answers given on a step, with feedback, and only that step’s', async () => {
		const { pupil, session, sessionId } = await setUp('self');
		const q = lesson.questions.find((x) => x.type === 'single' && x.stepId !== lesson.steps[0].id)!;
		const index = lesson.steps.findIndex((s) => s.id === q.stepId);
		for (let step = -1; step < index; step++) await movePupil(pupil, await session(), step, 'next');
		await answer(pupil, sessionId, q, right(q));
		const other = ofType('poll');
		await answer(pupil, sessionId, other, [0]);
		const view = (await openPupilSession(pupil, await session()))!;
		expect(view.step).toBe(index);
		expect(view.answers[q.id]).toMatchObject({ selected: right(q), correct: true });
		if (other.stepId !== q.stepId) expect(view.answers[other.id]).toBeUndefined();
	});

	it('is completed after the last step and every scored answer; the summary counts right answers', async () => {
		const { pupil, session, sessionId } = await setUp('self');
		await openPupilSession(pupil, await session());
		for (let step = -1; step < last; step++) await movePupil(pupil, await session(), step, 'next');
		expect(await movePupil(pupil, await session(), last, 'finish')).toEqual({
			ok: true,
			step: last,
			finished: true
		});
		const scored = lesson.questions.filter((q) => q.scored);
		const [missed, ...rest] = scored;
		for (const q of rest.slice(0, -1)) await answer(pupil, sessionId, q, right(q));
		expect((await lessonCompletion([pupil.id], lesson)).get(pupil.id)?.state).toBe('started');
		let summary = (await pupilSummary(pupil, await session()))!;
		expect(summary).toMatchObject({
			stepsSeen: lesson.steps.length,
			stepCount: lesson.steps.length,
			right: rest.length - 1,
			scored: scored.length,
			unanswered: 2,
			completed: false,
			canGoBack: true
		});
		await answer(pupil, sessionId, rest.at(-1)!, right(rest.at(-1)!));
		await answer(pupil, sessionId, missed, wrong(missed));
		expect((await lessonCompletion([pupil.id], lesson)).get(pupil.id)?.state).toBe('completed');
		summary = (await pupilSummary(pupil, await session()))!;
		expect(summary).toMatchObject({
			right: scored.length - 1,
			scored: scored.length,
			unanswered: 0,
			completed: true,
			lesson: { title: lesson.title, objectives: lesson.objectives }
		});
	});
});

describe('the summary', () => {
	it('waits until a live lesson ends, then shows it with Childline’s number from the facts', async () => {
		const { pupil, session, teacher } = await setUp('live');
		await setLiveStep(await session(), 0);
		await openPupilSession(pupil, await session());
		expect(await pupilSummary(pupil, await session())).toBeUndefined();
		await endClassSession(await session(), teacher);
		const summary = (await pupilSummary(pupil, await session()))!;
		expect(summary).toMatchObject({
			stepsSeen: 1,
			right: 0,
			unanswered: lesson.questions.filter((q) => q.scored).length,
			canGoBack: false,
			childline: getLibrary().facts.find((f) => f.name === 'childline-phone')!.text
		});
	});

	it('falls back to Childline’s well-known number only when facts.yml has lost it', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thinksafe-nofacts-'));
		const before = process.env.LESSONS_DIR;
		try {
			process.env.LESSONS_DIR = dir;
			reloadLibrary();
			expect(childlinePhone()).toBe('0800 1111');
		} finally {
			if (before === undefined) delete process.env.LESSONS_DIR;
			else process.env.LESSONS_DIR = before;
			reloadLibrary();
			fs.rmSync(dir, { recursive: true, force: true });
		}
		expect(getLibrary().lessons.length).toBeGreaterThan(0);
	});
});

describe("the pupil's home", () => {
	it('lists open sessions meant for the pupil, live first, and names the live one', async () => {
		const { pupil, start, session, teacher, classId } = await setUp('self');
		// Another lesson that may run at the pupils' own pace (not a teacher-led one).
		const other = getLibrary().lessons.find((l, i) => i > 0 && l.delivery === 'any')!;
		const liveId = await start({ mode: 'live', openUntil: undefined, lessonId: other.id });
		const ended = await start({ lessonId: other.id });
		await endClassSession((await getClassSession(ended))!, teacher);
		const otherPupil = await ctx.newPupil({ classId });
		await start({ pupilIds: [otherPupil] }); // a catch-up for someone else
		await movePupil(pupil, await session(), -1, 'next');

		const home = await pupilHomeSessions(pupil);
		expect(home.sessions.map((s) => [s.id, s.mode, s.progress, s.action])).toEqual([
			[liveId, 'live', 'new', 'Join the lesson'],
			[(await session()).id, 'self', 'started', 'Carry on']
		]);
		expect(home.live).toMatchObject({
			id: liveId,
			href: `/session/${liveId}`,
			title: other.title
		});
	});

	it('shows one card for a lesson however many open sessions of it the pupil is in', async () => {
		const { pupil, start } = await setUp('self');
		const catchUp = await start({ pupilIds: [pupil.id] });
		const home = await pupilHomeSessions(pupil);
		expect(home.sessions.map((s) => s.id)).toEqual([catchUp]);
	});

	it('has no live lesson to send the pupil to once it has ended', async () => {
		const { pupil, session, teacher } = await setUp('live');
		await endClassSession(await session(), teacher);
		expect(await pupilHomeSessions(pupil)).toEqual({ sessions: [], live: null });
	});
});

describe('the certificate', () => {
	it('lists the lessons still to do until every one is done, then names the pupil', async () => {
		const { pupil, session, sessionId, teacher } = await setUp('self');
		const programme = getLibrary().lessons;
		let status = await certificateStatus(pupil);
		expect(status).toMatchObject({ complete: false, name: 'Amira K.', awardedOn: null });
		expect(status.remaining.map((l) => l.id)).toEqual(programme.map((l) => l.id));

		// Every other lesson on paper; this one done on screen.
		for (const other of programme.slice(1)) {
			await markPaperCompletion([pupil.id], other.id, true, teacher);
		}
		status = await certificateStatus(pupil);
		expect(status.remaining.map((l) => l.id)).toEqual([lesson.id]);

		await openPupilSession(pupil, await session());
		for (let step = -1; step < last; step++) await movePupil(pupil, await session(), step, 'next');
		for (const q of lesson.questions.filter((x) => x.scored))
			await answer(pupil, sessionId, q, right(q));
		status = await certificateStatus(pupil);
		expect(status).toMatchObject({ complete: true, name: 'Amira K.', remaining: [] });
		expect(status.lessons.map((l) => l.title)).toEqual(programme.map((l) => l.title));
		expect(status.awardedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
	});
});
