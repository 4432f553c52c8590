// Step 3: "Tap your three pictures". Every tap is a form post, so this works without
// JavaScript; with it, the page keeps the first two taps itself and posts the third.
import { error, fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { PICTURES, PICTURE_PASSWORD_LENGTH, encodePicturePassword } from '$lib/pictures';
import {
	allowAnyone,
	checkPicturePassword,
	getJoinPupil,
	startPupilSessionOnDevice
} from '$lib/server/auth';
import { clientAddress, formValues } from '$lib/server/platform';
import { parseId } from '$lib/server/access';
import { classInAddress, signInPausedMessage } from '../../join.server';
import type { Actions, PageServerLoad } from './$types';

const WRONG = "Those pictures don't match. Have another go — or ask your teacher.";

async function pupilInAddress(event: RequestEvent<{ code: string; pupilId: string }>) {
	const joining = await classInAddress(event);
	const pupil = await getJoinPupil(joining.id, parseId(event.params.pupilId));
	if (!pupil) error(404, "We couldn't find that name in this class. Go back and tap your name.");
	return { joining, pupil };
}

export const load: PageServerLoad = async (event) => {
	allowAnyone(event);
	const { joining, pupil } = await pupilInAddress(event);
	if (event.params.code !== joining.code) {
		redirect(307, `/join/${joining.code}/${pupil.pupilId}`);
	}
	return {
		class: { name: joining.name, code: joining.code },
		pupil: { id: pupil.pupilId, label: pupil.label },
		paused: pupil.lockedMinutes ? signInPausedMessage(pupil.lockedMinutes) : null
	};
};

const index = z
	.number()
	.int()
	.min(0)
	.max(PICTURES.length - 1);
const schema = z.object({
	// The taps so far, "3-7"; never more than two before this one.
	picks: z
		.string()
		.regex(/^(\d{1,2}(-\d{1,2}){0,1})?$/)
		.transform((s) => (s ? s.split('-').map(Number) : []))
		.pipe(z.array(index).max(PICTURE_PASSWORD_LENGTH - 1)),
	picture: z
		.string()
		.regex(/^\d{1,2}$/)
		.transform(Number)
		.pipe(index)
});

/** What the page shows after a tap: the taps so far, and any message. */
interface PickState {
	picks: string;
	message?: string;
	attemptsLeft?: number;
	paused?: boolean;
}

export const actions: Actions = {
	pick: async (event) => {
		allowAnyone(event);
		const { joining, pupil } = await pupilInAddress(event);
		const parsed = schema.safeParse(formValues(await event.request.formData()));
		if (!parsed.success) {
			return fail<PickState>(400, {
				message: 'Something went wrong. Please start again.',
				picks: ''
			});
		}
		const pictures = [...parsed.data.picks, parsed.data.picture];
		if (pictures.length < PICTURE_PASSWORD_LENGTH) {
			const state: PickState = { picks: encodePicturePassword(pictures) };
			return state;
		}

		const result = await checkPicturePassword({
			classId: joining.id,
			pupilId: pupil.pupilId,
			pictures,
			ip: clientAddress(event)
		});
		if (result.status === 'unknown') {
			error(404, "We couldn't find that name in this class. Go back and tap your name.");
		}
		if (result.status === 'wrong') {
			return fail<PickState>(400, { message: WRONG, attemptsLeft: result.attemptsLeft, picks: '' });
		}
		if (result.status === 'locked') {
			const message = signInPausedMessage(result.minutes);
			return fail<PickState>(429, { message, paused: true, picks: '' });
		}
		await startPupilSessionOnDevice(event, result.session);
		redirect(303, '/me');
	},

	reset: async (event) => {
		allowAnyone(event);
		await pupilInAddress(event);
		const state: PickState = { picks: '' };
		return state;
	}
};
