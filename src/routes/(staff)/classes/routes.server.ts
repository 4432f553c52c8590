// What every class route starts with: the guard, the access question, and the small
// conventions of these pages (a one-off success message, a refusal as a form failure).
import { error, fail, type Cookies, type RequestEvent } from '@sveltejs/kit';
import {
	assertCanManageClass,
	parseId,
	pupilInClass,
	requireClassStaff,
	type ClassScope
} from '$lib/server/access';
import type { StaffPrincipal } from '$lib/server/auth';
import { refusalOf } from '$lib/server/platform';

type Event = Pick<RequestEvent, 'locals' | 'url' | 'request' | 'params' | 'cookies'>;

export interface ClassAccess {
	staff: StaffPrincipal;
	classId: number;
	scope: ClassScope;
}

/**
 * Teachers and leads only (a coordinator never sees pupil names), and only a class
 * they may manage. `active` refuses changes to an archived class.
 */
export async function guardClass(
	event: Event,
	options: { active?: boolean } = {}
): Promise<ClassAccess> {
	const staff = requireClassStaff(event);
	const classId = parseId((event.params as { id?: string }).id);
	const scope = await assertCanManageClass(staff, classId);
	if (options.active && scope.archived) {
		error(409, 'This class is archived. Restore it before changing it.');
	}
	return { staff, classId, scope };
}

/** As guardClass, and the pupil in the address must belong to the class in the address. */
export async function guardPupil(
	event: Event,
	pupilIdValue: string | undefined | null,
	options: { active?: boolean } = {}
): Promise<ClassAccess & { pupilId: number }> {
	const access = await guardClass(event, options);
	const pupilId = parseId(pupilIdValue);
	if (!(await pupilInClass(pupilId, access.classId)))
		error(404, 'There is no such pupil in this class.');
	return { ...access, pupilId };
}

export interface Failure {
	/** Which form on the page the failure belongs to. */
	action: string;
	message: string;
	fields: Record<string, string>;
	/** What was typed, to fill the form again when it was sent without JavaScript. */
	values: Record<string, string>;
}

export function failFor(
	action: string,
	message: string,
	fields: Record<string, string> = {},
	values: Record<string, string> = {}
) {
	return fail(400, { action, message, fields, values } satisfies Failure);
}

/**
 * A Refused from the domain becomes a 400 for the form it came from (these pages have
 * several forms); anything else is a real error. See $lib/server/refusal.
 */
export function refusal(action: string, caught: unknown, values: Record<string, string> = {}) {
	const refused = refusalOf(caught);
	return failFor(action, refused.message, refused.fields, values);
}

// A success message survives the 303 redirect in a short-lived cookie rather than the
// address, so a pupil's name never lands in browser history or server logs.
const FLASH = 'ts-class-flash';

export function setFlash(event: { cookies: Cookies; url: URL }, message: string): void {
	event.cookies.set(FLASH, message, {
		path: '/classes',
		httpOnly: true,
		sameSite: 'lax',
		secure: event.url.protocol === 'https:',
		maxAge: 60
	});
}

export function takeFlash(event: { cookies: Cookies; url: URL }): string | null {
	const message = event.cookies.get(FLASH);
	if (message === undefined) return null;
	event.cookies.delete(FLASH, {
		path: '/classes',
		httpOnly: true,
		sameSite: 'lax',
		secure: event.url.protocol === 'https:'
	});
	return message.slice(0, 300);
}

export { plural } from '$lib/words';
