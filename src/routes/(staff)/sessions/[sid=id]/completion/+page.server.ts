// Completion on paper: a pupil who did the lesson on paper (absent from the screen, or
// no device) counts as having completed it once their teacher ticks them here.
import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { failWith, orRefusal, wasRefused } from '$lib/server/platform';
import { getLesson } from '$lib/server/lessons';
import { completionView, savePaperCompletion, classSessionHeader } from '$lib/server/screens';
import { guardSession } from '../../routes.server';
import type { Actions, PageServerLoad } from './$types';

function lessonOf(lessonId: string) {
	const lesson = getLesson(lessonId);
	if (!lesson)
		error(404, 'This lesson is no longer in the library, so completion cannot be marked.');
	return lesson;
}

export const load: PageServerLoad = async (event) => {
	const { session } = await guardSession(event);
	const lesson = lessonOf(session.lessonId);
	const marked = event.url.searchParams.get('marked');
	const unmarked = event.url.searchParams.get('unmarked');
	const valid = (v: string | null) => v !== null && /^\d{1,4}$/.test(v);
	return {
		header: classSessionHeader(session, lesson),
		...(await completionView(session, lesson)),
		message:
			valid(marked) && valid(unmarked)
				? `Saved: ${marked} marked as completed on paper, ${unmarked} unmarked.`
				: null
	};
};

// Ticked boxes send the pupil's id; several boxes share the name "paper".
const Ticked = z
	.array(z.string().regex(/^[1-9]\d{0,14}$/, 'Unknown pupil.'))
	.max(1000, 'Too many pupils at once.');

export const actions: Actions = {
	default: async (event) => {
		const { staff, session } = await guardSession(event);
		const lesson = lessonOf(session.lessonId);
		const parsed = Ticked.safeParse((await event.request.formData()).getAll('paper'));
		if (!parsed.success) return failWith(parsed.error.issues[0]?.message ?? 'Please try again.');
		const result = await orRefusal(() =>
			savePaperCompletion(session, lesson, new Set(parsed.data.map(Number)), staff)
		);
		if (wasRefused(result)) return result;
		redirect(
			303,
			`/sessions/${session.id}/completion?marked=${result.marked}&unmarked=${result.unmarked}`
		);
	}
};
