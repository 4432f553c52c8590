// Loddon Vale's staff (teacher Ms Oak, lead Mr Lead, safeguarding lead Mrs Safe) and what a
// pupil leaves behind there: a self-paced lesson done through the real pupil screens (the
// check, the steps, the answers) and a request for help. Shared by pupil-records.test.ts
// (finding, showing and erasing a pupil) and pupil-retention.test.ts (their records a year
// after their academic year ended), which look for the same rows.
import { afterEach, beforeEach, expect } from 'vitest';
import { useThrottleWait } from '../../src/lib/server/auth/rate-limit';
import type { PupilPrincipal } from '../../src/lib/server/auth/session';
import { getLibrary, type Lesson, type Question } from '../../src/lib/server/lessons';
import { submitHelpRequest } from '../../src/lib/server/safeguarding';
import { getClassSession } from '../../src/lib/server/teaching/class-sessions';
import {
	answerFromRequest,
	movePupil,
	openPupilSession
} from '../../src/lib/server/screens/pupil-lesson';
import { staffPrincipal, type TestContext } from './context';

/** Any wait the rate limits ask for passes at once, so that no test sits on a timer. */
export function useNoThrottleWait(): void {
	let restoreWait: () => void;
	beforeEach(() => {
		restoreWait = useThrottleWait(async () => {});
	});
	afterEach(() => restoreWait());
}

let counter = 0;
/** A new device id for each answer or request, as a pupil's device makes one. */
export const clientId = () => (++counter).toString(16).padStart(32, '0');
/** A lesson of the library a pupil can do at their own pace, with a few questions. */
export const ownPace = (): Lesson =>
	getLibrary().lessons.find((l) => l.delivery !== 'teacher-led' && l.questions.length > 2)!;
export const right = (q: Question) => q.options.flatMap((o, i) => (o.correct ? [i] : []));
/** A wrong choice where there is one, so the choices are not all the same. */
export const wrong = (q: Question) => {
	const i = q.options.findIndex((o) => !o.correct);
	return i >= 0 ? [i] : right(q);
};

/** Loddon Vale with a teacher, a lead and a teacher who is the school's safeguarding lead. */
export async function loddonVale(ctx: TestContext) {
	const schoolId = await ctx.newSchool({ name: 'Loddon Vale' });
	const teacherId = await ctx.newStaff({ role: 'teacher', schoolId, name: 'Ms Oak' });
	const leadId = await ctx.newStaff({ role: 'lead', schoolId, name: 'Mr Lead' });
	const dslId = await ctx.newStaff({ role: 'teacher', schoolId, name: 'Mrs Safe' });
	await ctx.handle.db
		.updateTable('staff_users')
		.set({ safeguarding_role: 'dsl' })
		.where('id', '=', dslId)
		.execute();
	return {
		schoolId,
		teacherId,
		leadId,
		teacher: staffPrincipal(teacherId, 'teacher', schoolId),
		lead: staffPrincipal(leadId, 'lead', schoolId),
		dsl: staffPrincipal(dslId, 'teacher', schoolId)
	};
}

/**
 * A pupil does the `ownPace()` lesson in a self-paced session: the check before it (chosen by
 * `check`), every step to the end or only the first two, and, if they finished, the answers.
 */
export async function doLesson(
	pupil: PupilPrincipal,
	sessionId: number,
	options: {
		finish: boolean;
		check: (q: Question) => number[];
		choose: (q: Question) => number[];
	}
): Promise<void> {
	const lesson = ownPace();
	await openPupilSession(pupil, (await getClassSession(sessionId))!);
	const check = lesson.questions.find((q) => q.check && q.scored)!;
	expect(
		await answerFromRequest(pupil, (await getClassSession(sessionId))!, {
			clientId: clientId(),
			questionId: check.id,
			phase: 'pre',
			selected: options.check(check)
		})
	).toMatchObject({ ok: true });
	const last = options.finish ? lesson.steps.length - 1 : 1;
	for (let step = -1; step < last; step++)
		await movePupil(pupil, (await getClassSession(sessionId))!, step, 'next');
	if (!options.finish) return;
	// A poll has no right answer to choose, so `right` leaves it (an empty choice is refused).
	for (const q of lesson.questions.filter((x) => options.choose(x).length > 0))
		await answerFromRequest(pupil, (await getClassSession(sessionId))!, {
			clientId: clientId(),
			questionId: q.id,
			phase: 'main',
			selected: options.choose(q)
		});
}

/** The pupil asks for help about someone online, today, from anyone; returns its id. */
export async function askForHelp(pupil: PupilPrincipal, message: string): Promise<number> {
	const asked = await submitHelpRequest(pupil, {
		clientId: clientId(),
		about: 'me',
		topics: ['someone-online'],
		message,
		urgency: 'today',
		talkTo: 'anyone'
	});
	return asked.id;
}

/**
 * A request for help that keeps only what the council counts (its school), without the child,
 * their class or a word of theirs; returns its row for any further check.
 */
export async function expectRequestWithoutChild(
	ctx: TestContext,
	requestId: number,
	schoolId: number
) {
	const request = await ctx.handle.db
		.selectFrom('help_requests')
		.selectAll()
		.where('id', '=', requestId)
		.executeTakeFirstOrThrow();
	expect(request).toMatchObject({
		pupil_id: null,
		class_id: null,
		message: null,
		topics: '[]',
		school_id: schoolId
	});
	return request;
}

/** The ids of the audit log's entries of one action. */
export function auditEntries(ctx: TestContext, action: string) {
	return ctx.handle.db
		.selectFrom('audit_events')
		.select('id')
		.where('action', '=', action)
		.execute();
}
