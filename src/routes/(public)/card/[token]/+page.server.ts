// A printed QR login card. Opening the link only shows "Hi Amira! Start": the sign-in
// itself is a POST, so link previews, web filters and prefetching never use the card
// or leave a session behind, and the pupil sees whose card it is before starting.
import { error, fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { allowAnyone } from '$lib/server/auth/guards';
import {
	cardAddressLockMinutes,
	findCardPupil,
	recordCardFailure,
	signInWithCardToken,
	startPupilSessionOnDevice
} from '$lib/server/auth/pupil-login';
import { clientAddress } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

const NOT_WORKING =
	'This login card does not work any more. Ask your teacher for a new card — they can print one for you.';

function pausedMessage(minutes: number): string {
	return `Lots of login cards that don't work were tried here just now. Please wait ${minutes === 1 ? '1 minute' : `${minutes} minutes`}, or ask your teacher.`;
}

async function refuseWhilePaused(event: RequestEvent): Promise<void> {
	const minutes = await cardAddressLockMinutes(clientAddress(event));
	if (minutes) error(429, pausedMessage(minutes));
}

export const load: PageServerLoad = async (event) => {
	allowAnyone(event);
	await refuseWhilePaused(event);
	const pupil = await findCardPupil(event.params.token);
	if (!pupil) {
		await recordCardFailure(clientAddress(event));
		error(404, NOT_WORKING);
	}
	return { firstName: pupil.firstName };
};

export const actions: Actions = {
	default: async (event) => {
		allowAnyone(event);
		await refuseWhilePaused(event);
		const signedIn = await signInWithCardToken(event.params.token);
		if (!signedIn) {
			await recordCardFailure(clientAddress(event));
			return fail(404, { message: NOT_WORKING });
		}
		await startPupilSessionOnDevice(event, signedIn.session);
		redirect(303, '/me');
	}
};
