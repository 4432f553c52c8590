// A catch-up from the class report: a self-paced session for exactly the pupils who have not
// completed a lesson the class has had, opened once however often the button is pressed.
import { describe, expect, it } from 'vitest';
import { submitAnswer } from '../../src/lib/server/teaching/answers';
import {
	getClassSession,
	type ClassSessionInfo
} from '../../src/lib/server/teaching/class-sessions';
import { endClassSession } from '../../src/lib/server/teaching/live-state';
import { Refused } from '../../src/lib/server/platform/refusal';
import { getLibrary } from '../../src/lib/server/lessons';
import { joinSession, recordStep } from '../../src/lib/server/teaching/progress';
import { classReport } from '../../src/lib/server/reports/class-report';
import { startCatchUp, startClassSession } from '../../src/lib/server/screens/lesson-choices';
import { useTestDatabase } from './context';

const ctx = useTestDatabase();
const lesson = getLibrary().lessons[0];
const NOW = new Date('2026-11-24T10:00:00Z');

/** A pupil does the whole lesson: every step and every scored question, right. */
async function finish(session: ClassSessionInfo, pupilId: number, classId: number) {
	await joinSession(session, pupilId);
	await recordStep(session, lesson, pupilId, lesson.steps.length - 1);
	for (const q of lesson.questions.filter((x) => x.scored)) {
		const result = await submitAnswer({
			pupil: { id: pupilId, classId },
			session: (await getClassSession(session.id))!,
			clientId: `done-${pupilId}-${q.id}`,
			questionId: q.id,
			phase: 'main',
			selected: q.options.flatMap((o, i) => (o.correct ? [i] : []))
		});
		expect(result.ok).toBe(true);
	}
}

async function classWithALesson() {
	const { classId, teacher } = await ctx.newTeacherClass({ className: 'Willow' });
	const pupils: number[] = [];
	for (const firstName of ['Amira', 'Leo', 'Mia', 'Zara'])
		pupils.push(await ctx.newPupil({ classId, firstName, lastInitial: 'K' }));
	// Amira and Leo were there and finished; Mia and Zara were not there.
	const sessionId = await startClassSession(teacher, classId, {
		lessonId: lesson.id,
		mode: 'live',
		openUntil: ''
	});
	const session = (await getClassSession(sessionId))!;
	await finish(session, pupils[0], classId);
	await finish(session, pupils[1], classId);
	await endClassSession(session, teacher);
	return { classId, pupils, teacher };
}

async function audienceOf(sessionId: number) {
	return (
		await ctx.handle.db
			.selectFrom('class_session_pupils')
			.select('pupil_id')
			.where('session_id', '=', sessionId)
			.orderBy('pupil_id')
			.execute()
	).map((r) => r.pupil_id);
}

describe('startCatchUp', () => {
	it('opens a self-paced session for exactly the pupils who missed the lesson, for a week', async () => {
		const { classId, pupils, teacher } = await classWithALesson();
		const id = await startCatchUp(teacher, classId, lesson.id, NOW);
		const session = (await getClassSession(id, NOW))!;
		expect(session.mode).toBe('self');
		expect(session.lessonId).toBe(lesson.id);
		expect(session.closesAt).toBe('2026-12-01T23:59:59.000Z');
		expect(await audienceOf(id)).toEqual([pupils[2], pupils[3]]);
	});

	it('opens the same session when the button is pressed twice', async () => {
		const { classId, teacher } = await classWithALesson();
		const first = await startCatchUp(teacher, classId, lesson.id, NOW);
		const again = await startCatchUp(teacher, classId, lesson.id, NOW);
		expect(again).toBe(first);
		const count = await ctx.handle.db
			.selectFrom('class_sessions')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('class_id', '=', classId)
			.executeTakeFirstOrThrow();
		expect(Number(count.n)).toBe(2);
	});

	it('takes the pupils off the catch-up list once they have completed it, and then refuses', async () => {
		const { classId, pupils, teacher } = await classWithALesson();
		const id = await startCatchUp(teacher, classId, lesson.id);
		const catchUp = (await getClassSession(id))!;
		// Being there is not enough: Zara opens it, Mia finishes it.
		await joinSession(catchUp, pupils[3]);
		await finish(catchUp, pupils[2], classId);
		let report = await classReport(classId, getLibrary().lessons);
		expect(
			report.catchUp.find((c) => c.lessonId === lesson.id)!.pupils.map((p) => p.pupilId)
		).toEqual([pupils[3]]);
		// Zara still needs it: a new catch-up just for her.
		const second = await startCatchUp(teacher, classId, lesson.id);
		expect(second).not.toBe(id);
		expect(await audienceOf(second)).toEqual([pupils[3]]);
		await finish((await getClassSession(second))!, pupils[3], classId);
		report = await classReport(classId, getLibrary().lessons);
		expect(report.catchUp).toEqual([]);
		await expect(startCatchUp(teacher, classId, lesson.id)).rejects.toThrow(Refused);
	});

	it('refuses a lesson that is not in the library', async () => {
		const { classId, teacher } = await classWithALesson();
		await expect(startCatchUp(teacher, classId, 'no-such-lesson', NOW)).rejects.toThrow(
			'That lesson is not in the library'
		);
	});
});

describe('a teacher-led lesson (delivery: teacher-led)', () => {
	const led = getLibrary().getLesson('people-we-meet-online')!;

	it('is in the programme', () => {
		expect(led.delivery).toBe('teacher-led');
	});

	it('never starts at the pupils’ own pace', async () => {
		const { classId, teacher } = await ctx.newTeacherClass();
		await expect(
			startClassSession(teacher, classId, {
				lessonId: led.id,
				mode: 'self',
				openUntil: '2026-12-31'
			})
		).rejects.toThrow('This lesson is taught live, with you in the room');
	});

	it('catches up in a live session for just the pupils who missed it', async () => {
		const { classId, teacher } = await ctx.newTeacherClass();
		const pupils: number[] = [];
		for (const firstName of ['Ada', 'Bo', 'Cy'])
			pupils.push(await ctx.newPupil({ classId, firstName }));
		const id = await startClassSession(teacher, classId, {
			lessonId: led.id,
			mode: 'live',
			openUntil: ''
		});
		const session = (await getClassSession(id))!;
		await joinSession(session, pupils[0]);
		await recordStep(session, led, pupils[0], led.steps.length - 1);
		for (const q of led.questions.filter((x) => x.scored))
			await submitAnswer({
				pupil: { id: pupils[0], classId },
				session: (await getClassSession(id))!,
				clientId: `led-${q.id}`,
				questionId: q.id,
				phase: 'main',
				selected: q.options.flatMap((o, i) => (o.correct ? [i] : []))
			});
		await endClassSession(session, teacher);

		const catchUp = (await getClassSession(await startCatchUp(teacher, classId, led.id, NOW)))!;
		expect(catchUp.mode).toBe('live');
		expect(catchUp.closesAt).toBeNull();
		expect(await audienceOf(catchUp.id)).toEqual([pupils[1], pupils[2]]);
		// Pressed twice, the same live catch-up; a live lesson on, no second one.
		expect(await startCatchUp(teacher, classId, led.id, NOW)).toBe(catchUp.id);
	});
});
