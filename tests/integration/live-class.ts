// A class in a live lesson on its last step, so every question is open, with its pupils
// signed in: where the database fault and database thread tests send a class's answers.
import type { PupilPrincipal } from '../../src/lib/server/auth/session';
import type { Lesson } from '../../src/lib/server/lessons';
import { getClassSession } from '../../src/lib/server/teaching/class-sessions';
import { createClassSession } from '../../src/lib/server/teaching/class-session-start';
import { setLiveStep } from '../../src/lib/server/teaching/live-state';
import type { TestContext } from './context';

export async function liveClass(
	ctx: TestContext,
	lesson: Lesson,
	size = 1
): Promise<{ sessionId: number; pupils: PupilPrincipal[] }> {
	const { classId, schoolId, teacher } = await ctx.newTeacherClass();
	const ids: number[] = [];
	for (let i = 0; i < size; i++) ids.push(await ctx.newPupil({ classId }));
	const sessionId = await createClassSession(
		{ classId, lessonId: lesson.id, mode: 'live' },
		teacher
	);
	await setLiveStep((await getClassSession(sessionId))!, lesson.steps.length - 1);
	const principal = (id: number): PupilPrincipal => ({
		kind: 'pupil',
		id,
		classId,
		schoolId,
		firstName: 'Test',
		lastInitial: 'P',
		sessionId: `sign-in-${id}`
	});
	return { sessionId, pupils: ids.map(principal) };
}
