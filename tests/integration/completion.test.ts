// One rule of completion (completion.ts), seen from every place that shows it: the pupil's
// summary and home, the certificate, catch-up, the class and school reports and the
// borough dashboard. The case that once disagreed: a pupil whom the teacher moved past
// the questions of a live lesson.
import { lessonCompletion } from '../../src/lib/server/reports/pupil-completion';
import { describe, expect, it } from 'vitest';
import { submitAnswer } from '../../src/lib/server/teaching/answers';
import {
	getClassSession,
	type ClassSessionInfo
} from '../../src/lib/server/teaching/class-sessions';
import { endClassSession, setLiveStep } from '../../src/lib/server/teaching/live-state';
import { getLibrary, type Question } from '../../src/lib/server/lessons';
import { markPaperCompletion } from '../../src/lib/server/teaching/progress';
import { openPupilSession } from '../../src/lib/server/screens/pupil-lesson';
import { certificateStatus, pupilHomeSessions } from '../../src/lib/server/screens/pupil-home';
import { pupilSummary } from '../../src/lib/server/screens/pupil-summary';
import { boroughDashboard } from '../../src/lib/server/reports/borough-dashboard';
import { classReport } from '../../src/lib/server/reports/class-report';
import { schoolSummary } from '../../src/lib/server/reports/school-report';
import { addDays, londonDay } from '../../src/lib/server/platform/uk-dates';
import { startCatchUp, startClassSession } from '../../src/lib/server/screens/lesson-choices';
import { useTestDatabase } from './context';

const ctx = useTestDatabase();
const programme = getLibrary().lessons;
const lesson = programme[0];
const last = lesson.steps.length - 1;
const scored = lesson.questions.filter((q) => q.scored);
const right = (q: Question) => q.options.flatMap((o, i) => (o.correct ? [i] : []));

let n = 0;
async function answer(
	pupil: { id: number; classId: number },
	session: ClassSessionInfo,
	q: Question,
	now?: Date
) {
	return submitAnswer(
		{
			pupil,
			// Read as the route reads it, at the moment of answering (a self-paced session closes by the clock).
			session: (await getClassSession(session.id, now))!,
			clientId: `done-${++n}-${pupil.id}`,
			questionId: q.id,
			phase: 'main',
			selected: right(q)
		},
		now
	);
}

/**
 * Six pupils in a live lesson. Five answer every question as the teacher moves through
 * it; Leo answers the first and is then moved past the rest to the end.
 */
async function liveLessonWithLeoMovedPast() {
	const { schoolId, classId, teacher } = await ctx.newTeacherClass({ className: 'Falcon' });
	const ids: number[] = [];
	for (const firstName of ['Amira', 'Bea', 'Cal', 'Dev', 'Eli', 'Leo'])
		ids.push(await ctx.newPupil({ classId, firstName, lastInitial: 'K' }));
	const pupils = ids.map((id) => ({ id, classId, firstName: 'x', lastInitial: 'K' }));
	const leo = { ...pupils[5], firstName: 'Leo' };
	const sessionId = await startClassSession(teacher, classId, {
		lessonId: lesson.id,
		mode: 'live',
		openUntil: ''
	});
	const session = async () => (await getClassSession(sessionId))!;
	for (let step = 0; step <= last; step++) {
		await setLiveStep(await session(), step);
		for (const p of pupils) await openPupilSession(p, await session());
		const onStep = scored.filter((q) => q.stepId === lesson.steps[step].id);
		for (const q of onStep) {
			for (const p of pupils.slice(0, 5))
				expect((await answer(p, await session(), q)).ok).toBe(true);
			if (q === scored[0]) expect((await answer(leo, await session(), q)).ok).toBe(true);
		}
	}
	await endClassSession(await session(), teacher);
	return { schoolId, classId, teacher, leo, sessionId, session };
}

/** Leo's lesson state and the completion figure, as every report shows them. */
async function everywhere(classId: number, schoolId: number, leo: { id: number }) {
	const report = await classReport(classId, programme);
	const school = await schoolSummary(schoolId, {}, programme);
	const borough = await boroughDashboard({}, programme);
	return {
		own: (await lessonCompletion([leo.id], lesson)).get(leo.id)!.state,
		grid: report.grid.find((r) => r.pupilId === leo.id)!.lessons[lesson.id].state,
		catchUp: report.catchUp.find((c) => c.lessonId === lesson.id)?.pupils.map((p) => p.pupilId),
		classCompletion: report.totals.completion.display,
		schoolClassCompletion: school.classes.find((c) => c.classId === classId)!.completion.display,
		boroughCompletion: borough.totals.completion.display
	};
}

describe('a pupil moved past the questions of a live lesson', () => {
	it('has started, not completed, everywhere, and is offered a catch-up', async () => {
		const { schoolId, classId, leo, session } = await liveLessonWithLeoMovedPast();
		expect(scored.length).toBeGreaterThan(1);
		expect(await everywhere(classId, schoolId, leo)).toEqual({
			own: 'started',
			grid: 'started',
			catchUp: [leo.id],
			classCompletion: '83%',
			schoolClassCompletion: '83%',
			boroughCompletion: '83%'
		});
		const summary = (await pupilSummary(leo, await session()))!;
		expect(summary).toMatchObject({
			completed: false,
			unanswered: scored.length - 1,
			stepsSeen: lesson.steps.length,
			finish: null
		});
		const certificate = await certificateStatus(leo);
		expect(certificate.lessons.find((l) => l.id === lesson.id)!.done).toBe(false);
	});

	it('can finish at their own pace until the day the teacher set, and then counts as completed everywhere', async () => {
		const { schoolId, classId, teacher, leo, session } = await liveLessonWithLeoMovedPast();
		const until = addDays(londonDay(), 3);
		const catchUpId = await startCatchUp(teacher, classId, lesson.id, new Date(), until);
		const catchUp = (await getClassSession(catchUpId))!;
		expect(catchUp).toMatchObject({ mode: 'self', closesAt: `${until}T23:59:59.000Z` });

		// The summary of the ended live lesson now says where to finish, and until when.
		const summary = (await pupilSummary(leo, await session()))!;
		expect(summary.finish).toEqual({ href: `/session/${catchUpId}`, closesAt: catchUp.closesAt });
		const home = await pupilHomeSessions(leo);
		expect(home.sessions.map((s) => [s.id, s.progress])).toEqual([[catchUpId, 'started']]);

		// After the day it closes: an answer is refused.
		const afterwards = new Date(Date.parse(catchUp.closesAt!) + 60_000);
		await expect(answer(leo, catchUp, scored[1], afterwards)).rejects.toMatchObject({
			name: 'Refused',
			status: 409
		});

		// Before then Leo opens it and answers the rest.
		const view = (await openPupilSession(leo, catchUp))!;
		expect(view.step).toBe(-1);
		// The "before" check stays closed: Leo has seen the lesson already.
		expect(view.start?.check).toEqual([]);
		for (const q of scored.slice(1)) expect((await answer(leo, catchUp, q)).ok).toBe(true);
		expect(await everywhere(classId, schoolId, leo)).toEqual({
			own: 'completed',
			grid: 'completed',
			catchUp: undefined,
			classCompletion: '100%',
			schoolClassCompletion: '100%',
			boroughCompletion: '100%'
		});
		expect((await pupilSummary(leo, await session()))!).toMatchObject({
			completed: true,
			unanswered: 0,
			finish: null
		});
		expect((await pupilHomeSessions(leo)).sessions[0].progress).toBe('finished');
	});
});

describe('the certificate', () => {
	it('needs the pupil to have been present: work in a session they were marked absent from does not count', async () => {
		const { teacher, classId, sessionId } = await liveLessonWithLeoMovedPast();
		// Amira did everything, then the teacher corrected her mark to absent.
		const amira = (await classReport(classId, programme)).grid[0].pupilId;
		await ctx.handle.db
			.updateTable('attendance')
			.set({ status: 'absent', source: 'teacher', marked_by: teacher.id })
			.where('session_id', '=', sessionId)
			.where('pupil_id', '=', amira)
			.execute();
		expect((await lessonCompletion([amira], lesson)).get(amira)!.state).toBe('started');
		for (const other of programme.slice(1))
			await markPaperCompletion([amira], other.id, true, teacher);
		expect(
			(await certificateStatus({ id: amira, firstName: 'Amira', lastInitial: 'K' })).complete
		).toBe(false);
	});
});
