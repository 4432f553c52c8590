// What every staff page says about requests for help: to the school's readers, that one
// is waiting (and whether it is overdue); to a school lead who is not a reader, only that
// one has waited too long, and whether the school has no safeguarding lead. Never detail.
import { helpRequestSchool } from '../access';
import type { StaffPrincipal } from '../auth/session';
import { readHelpConfig } from '../config';
import { safeguardingLeadsOf, unacknowledgedHelp } from './requests';

export interface StaffHelpBanner {
	/** For a reader: requests waiting for acknowledgement. */
	waiting: number;
	/** Waiting longer than the configured school hours. */
	overdue: number;
	reader: boolean;
	/** For a school lead: the school has no safeguarding lead (requests come to its leads). */
	noSafeguardingLead: boolean;
	ackSchoolHours: number;
}

/**
 * For the staff layout: null for someone with nothing to do with requests (teachers, the
 * coordinator); otherwise what to say, with `reader` also deciding the Concerns link.
 */
export async function staffHelpBanner(
	user: StaffPrincipal,
	now = new Date()
): Promise<StaffHelpBanner | null> {
	if (user.schoolId === null || user.role === 'coordinator') return null;
	const readsFor = await helpRequestSchool(user);
	const isLead = user.role === 'lead';
	if (readsFor === null && !isLead) return null;
	const [help, holders] = await Promise.all([
		unacknowledgedHelp(user.schoolId, now),
		isLead ? safeguardingLeadsOf(user.schoolId) : Promise.resolve([])
	]);
	const banner: StaffHelpBanner = {
		reader: readsFor !== null,
		waiting: readsFor !== null ? help.waiting : 0,
		overdue: help.overdue,
		noSafeguardingLead: isLead && holders.length === 0,
		ackSchoolHours: readHelpConfig().ackSchoolHours
	};
	return banner;
}
