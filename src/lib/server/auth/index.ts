// auth: signing people in and out. Staff and pupil sign-in sessions and their cookies,
// passwords, sign-in locks and slowdowns, client addresses, the guards at the top of every
// load and action, pupils' class codes, picture passwords and login cards, and live streams
// tied to the sign-in that opened them. What a signed-in person may touch is access.ts's.
export { getJoinPupil, type JoinClass, listClassNames, lookUpClassCode } from './class-codes';
export { proxyStartWarning } from './client-address';
export { clearSessionCookie, readSessionCookie, setSessionCookie } from './cookies';
export { allowAnyone, requirePupil, requireStaff, signedInKind } from './guards';
export { signedInStream } from './live-sign-ins';
export {
	findCardPupil,
	issueLoginCardsIn,
	recordCardFailure,
	signInWithCardToken,
	slowCardSignIn
} from './login-cards';
export { passwordProblem } from './password-policy';
export { hashPassword, verifyPassword } from './password';
export { checkPicturePassword, unlockPupil } from './picture-passwords';
export { endPupilSessionOnDevice, startPupilSessionOnDevice } from './pupil-device';
export {
	clearFailures,
	LIMITS,
	lockedUntil,
	minutesUntil,
	recordFailure,
	recordThrottledFailure,
	slowDown,
	THROTTLES
} from './rate-limit';
export { homeFor, safeNext } from './redirects';
export {
	createStaffSession,
	endStaffStreams,
	invalidateAllStaffSessions,
	invalidateStaffSession,
	PUPIL_SESSION_MS,
	type PupilPrincipal,
	signOutClass,
	signOutPupil,
	STAFF_ABSOLUTE_MS,
	STAFF_IDLE_MS,
	type StaffPrincipal,
	validatePupilSession,
	validateStaffSession
} from './session';
export { getSignInPause, liftSignInPause } from './sign-in-pauses';
export { generateToken, hashToken } from './tokens';
