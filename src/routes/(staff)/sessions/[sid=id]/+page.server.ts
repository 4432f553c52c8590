// The teacher's control of a session: live (steps, lobby, answers, reveal) or a
// monitor of a self-paced one. Each button is a form action that redirects back here.
import { redirect, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { assertCanRunSession, parseId } from '$lib/server/access';
import { requireStaff } from '$lib/server/auth/guards';
import { endSession, revealQuestion, SessionRefused, setLiveStep } from '$lib/server/deliveries';
import { failWith, parseForm } from '$lib/server/forms';
import { controlView, LIVE_DEPENDENCY, revealOnCurrentStep } from '$lib/server/teacher-session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const staff = requireStaff(event, 'teacher', 'lead');
	const session = await assertCanRunSession(staff, parseId(event.params.sid));
	event.depends(LIVE_DEPENDENCY);
	return controlView(session, event.url.origin);
};

async function guard(event: RequestEvent<{ sid: string }>) {
	const staff = requireStaff(event, 'teacher', 'lead');
	const session = await assertCanRunSession(staff, parseId(event.params.sid));
	return { staff, session };
}

// The target step is sent, not "next": a double click or a resent form lands on the
// same step instead of skipping one.
const Step = z.object({ to: z.coerce.number().int().min(-1).max(10_000) });
const Question = z.object({ questionId: z.string().trim().min(1).max(100) });

async function refusing(task: () => Promise<unknown>) {
	try {
		await task();
		return null;
	} catch (caught) {
		if (caught instanceof SessionRefused) return failWith(caught.message);
		throw caught;
	}
}

export const actions: Actions = {
	step: async (event) => {
		const { session } = await guard(event);
		const parsed = parseForm(Step, await event.request.formData());
		if (!parsed.ok) return parsed.failure;
		const refused = await refusing(() => setLiveStep(session, parsed.data.to));
		if (refused) return refused;
		redirect(303, `/sessions/${session.id}`);
	},

	reveal: async (event) => {
		const { session } = await guard(event);
		const parsed = parseForm(Question, await event.request.formData());
		if (!parsed.ok) return parsed.failure;
		const refused = await refusing(() => revealOnCurrentStep(session, parsed.data.questionId));
		if (refused) return refused;
		redirect(303, `/sessions/${session.id}`);
	},

	hide: async (event) => {
		const { session } = await guard(event);
		const refused = await refusing(() => revealQuestion(session, null));
		if (refused) return refused;
		redirect(303, `/sessions/${session.id}`);
	},

	end: async (event) => {
		const { staff, session } = await guard(event);
		await endSession(session, staff);
		redirect(303, `/sessions/${session.id}`);
	}
};
