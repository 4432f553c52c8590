// The teacher's control of a session: live (steps, lobby, answers, reveal) or a
// monitor of a self-paced one. Each button is a form action that redirects back here.
import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { endSession, revealQuestion, setLiveStep } from '$lib/server/deliveries';
import { isRefusal, orRefusal, parseForm } from '$lib/server/forms';
import { controlView, LIVE_DEPENDENCY, revealOnCurrentStep } from '$lib/server/teacher-session';
import { guardSession } from '../routes.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { session } = await guardSession(event);
	event.depends(LIVE_DEPENDENCY);
	return controlView(session, event.url.origin);
};

// The target step is sent, not "next": a double click or a resent form lands on the
// same step instead of skipping one.
const Step = z.object({ to: z.coerce.number().int().min(-1).max(10_000) });
const Question = z.object({ questionId: z.string().trim().min(1).max(100) });

export const actions: Actions = {
	step: async (event) => {
		const { session } = await guardSession(event);
		const parsed = parseForm(Step, await event.request.formData());
		if (!parsed.ok) return parsed.failure;
		const refused = await orRefusal(() => setLiveStep(session, parsed.data.to));
		if (isRefusal(refused)) return refused;
		redirect(303, `/sessions/${session.id}`);
	},

	reveal: async (event) => {
		const { session } = await guardSession(event);
		const parsed = parseForm(Question, await event.request.formData());
		if (!parsed.ok) return parsed.failure;
		const refused = await orRefusal(() => revealOnCurrentStep(session, parsed.data.questionId));
		if (isRefusal(refused)) return refused;
		redirect(303, `/sessions/${session.id}`);
	},

	hide: async (event) => {
		const { session } = await guardSession(event);
		const refused = await orRefusal(() => revealQuestion(session, null));
		if (isRefusal(refused)) return refused;
		redirect(303, `/sessions/${session.id}`);
	},

	end: async (event) => {
		const { staff, session } = await guardSession(event);
		await endSession(session, staff);
		redirect(303, `/sessions/${session.id}`);
	}
};
