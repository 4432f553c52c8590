// A pupil signed in on a shared classroom device: who they are to the rest of the app, and
// putting their sign-in session on the device (and taking it off) so that whoever used the
// device before is signed out first.
import type { Cookies } from '@sveltejs/kit';
import { clearSessionCookie, setSessionCookie } from './cookies';
import { invalidatePupilSession, invalidateStaffSession, type NewSession } from './session';

export interface SignedInPupil {
	id: number;
	classId: number;
	schoolId: number;
	firstName: string;
	lastInitial: string;
}

interface DeviceEvent {
	cookies: Cookies;
	url: URL;
	locals: App.Locals;
}

/**
 * Puts a new pupil session on this shared device: whoever was signed in before, pupil
 * or staff, is signed out here, so a teacher's session never lingers under a pupil.
 */
export async function startPupilSessionOnDevice(
	event: DeviceEvent,
	session: NewSession
): Promise<void> {
	if (event.locals.staff) await invalidateStaffSession(event.locals.staff.sessionId);
	if (event.locals.pupil) await invalidatePupilSession(event.locals.pupil.sessionId);
	clearSessionCookie(event.cookies, 'staff', event.url);
	setSessionCookie(event.cookies, 'pupil', event.url, session.token, session.expiresAt);
}

export async function endPupilSessionOnDevice(event: DeviceEvent): Promise<void> {
	if (event.locals.pupil) await invalidatePupilSession(event.locals.pupil.sessionId);
	clearSessionCookie(event.cookies, 'pupil', event.url);
}
