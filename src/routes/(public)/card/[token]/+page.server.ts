// A printed QR login card. Opening the link only shows "Hi Amira! Start": the sign-in
// itself is a POST, so link previews, web filters and prefetching never use the card
// or leave a session behind, and the pupil sees whose card it is before starting.
import { error, fail, redirect } from '@sveltejs/kit';
import {
	allowAnyone,
	findCardPupil,
	recordCardFailure,
	signInWithCardToken,
	slowCardSignIn,
	startPupilSessionOnDevice
} from '$lib/server/auth';
import { clientAddress } from '$lib/server/platform';
import type { Actions, PageServerLoad } from './$types';

const NOT_WORKING =
	'This login card does not work any more. Ask your teacher for a new card — they can print one for you.';

export const load: PageServerLoad = async (event) => {
	allowAnyone(event);
	await slowCardSignIn(clientAddress(event));
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
		await slowCardSignIn(clientAddress(event));
		const signedIn = await signInWithCardToken(event.params.token);
		if (!signedIn) {
			await recordCardFailure(clientAddress(event));
			return fail(404, { message: NOT_WORKING });
		}
		await startPupilSessionOnDevice(event, signedIn.session);
		redirect(303, '/me');
	}
};
