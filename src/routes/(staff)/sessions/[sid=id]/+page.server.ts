// The teacher's control of a session: live (steps, lobby, answers, reveal) or a
// monitor of a self-paced one. Each button is a form action that redirects back here.
import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { endClassSession, revealQuestion, setLiveStep } from '$lib/server/teaching';
import { getSignInPause, liftSignInPause } from '$lib/server/auth';
import { clientAddress, parseForm, orRefusal, wasRefused } from '$lib/server/platform';
import { controlView, LIVE_DEPENDENCY, revealOnCurrentStep } from '$lib/server/screens';
import { guardSession } from '../routes.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { session } = await guardSession(event);
	event.depends(LIVE_DEPENDENCY);
	const signInPause = session.status === 'ended' ? null : await getSignInPause(session.classId);
	return { ...(await controlView(session, event.url.origin)), signInPause };
};

// The target step is sent, not "next": a double click or a resent form lands on the
// same step instead of skipping one.
const Step = z.object({ to: z.coerce.number().int().min(-1).max(10_000) });
const Question = z.object({ questionId: z.string().trim().min(1).max(100) });

/** The board's buttons use these same actions and come back to the board. */
function backTo(sessionId: number, form: FormData): string {
	return form.get('back') === 'board' ? `/sessions/${sessionId}/board` : `/sessions/${sessionId}`;
}

export const actions: Actions = {
	step: async (event) => {
		const { session } = await guardSession(event);
		const form = await event.request.formData();
		const parsed = parseForm(Step, form);
		if (!parsed.ok) return parsed.failure;
		const refused = await orRefusal(() => setLiveStep(session, parsed.data.to));
		if (wasRefused(refused)) return refused;
		redirect(303, backTo(session.id, form));
	},

	reveal: async (event) => {
		const { session } = await guardSession(event);
		const form = await event.request.formData();
		const parsed = parseForm(Question, form);
		if (!parsed.ok) return parsed.failure;
		const refused = await orRefusal(() => revealOnCurrentStep(session, parsed.data.questionId));
		if (wasRefused(refused)) return refused;
		redirect(303, backTo(session.id, form));
	},

	hide: async (event) => {
		const { session } = await guardSession(event);
		const form = await event.request.formData();
		const refused = await orRefusal(() => revealQuestion(session, null));
		if (wasRefused(refused)) return refused;
		redirect(303, backTo(session.id, form));
	},

	liftSignInPause: async (event) => {
		const { staff, session } = await guardSession(event);
		await liftSignInPause(session.classId, staff, clientAddress(event));
		redirect(303, `/sessions/${session.id}`);
	},

	end: async (event) => {
		const { staff, session } = await guardSession(event);
		await endClassSession(session, staff);
		redirect(303, `/sessions/${session.id}`);
	}
};
