// Whether the server can tell schools apart by internet address. Behind a reverse proxy
// every request comes from the proxy unless adapter-node is told which header carries
// the client's address (ADDRESS_HEADER, XFF_DEPTH); then the sign-in throttles by
// address treat the whole borough as one school. See README "Running behind a proxy".

import { logEvent } from '../platform';

const README = 'README, "Running behind a proxy"';

/** Schools with a pupil sign-in before we are sure there is only one address. */
export const SCHOOLS_BEFORE_WARNING = 3;

interface AddressEnv {
	ADDRESS_HEADER?: string;
	ORIGIN?: string;
}

/**
 * At start-up: a public https address with no ADDRESS_HEADER means something in front
 * of this server (it speaks plain http) handles TLS, and hides every client's address.
 */
export function proxyStartWarning(env: AddressEnv = process.env): string | null {
	if (env.ADDRESS_HEADER || !env.ORIGIN?.startsWith('https:')) return null;
	return `[sign-in] ORIGIN is https but ADDRESS_HEADER is not set: behind a reverse proxy every request seems to come from the proxy, and limits on sign-in by address would slow every school at once. Set ADDRESS_HEADER (and XFF_DEPTH) as the ${README} says.`;
}

const seen = { addresses: new Set<string>(), schools: new Set<number>(), warned: false };

/**
 * Called on each pupil sign-in. Once pupils of several schools have all signed in from
 * one address (and ADDRESS_HEADER is unset), says so once in the server's log.
 * Returns the warning when this call logged it.
 */
export function noteSignInAddress(
	ip: string | null,
	schoolId: number,
	env: AddressEnv = process.env,
	log: (message: string) => void = (message) => logEvent('warn', 'config.proxy', message)
): string | null {
	if (seen.warned || env.ADDRESS_HEADER || ip === null) return null;
	// A second address proves the server can tell clients apart; nothing more to learn.
	if (seen.addresses.size > 1) return null;
	seen.addresses.add(ip);
	seen.schools.add(schoolId);
	if (seen.addresses.size > 1 || seen.schools.size < SCHOOLS_BEFORE_WARNING) return null;
	seen.warned = true;
	const message = `[sign-in] Pupils of ${seen.schools.size} schools have all signed in from one address (${ip}). If Think Safe runs behind a reverse proxy, set ADDRESS_HEADER (and XFF_DEPTH) as the ${README} says; until then wrong tries in one school slow sign-in in every school.`;
	log(message);
	return message;
}

/** For tests: forget what has been seen. */
export function resetSignInAddresses(): void {
	seen.addresses.clear();
	seen.schools.clear();
	seen.warned = false;
}
