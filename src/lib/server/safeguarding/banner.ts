// What every staff page says about requests for help: to the school's readers, that one
// is waiting (and whether it is overdue); to a school lead who is not a reader, only that
// one has waited too long, and whether the school has no safeguarding lead. Never detail.
import { helpReadersOf } from '../access';
import type { StaffPrincipal } from '../auth';
import { readHelpConfig } from '../platform';
import { unacknowledgedHelp } from './lead-view';

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
	// One read of who reads the school's requests answers both "is this person one?" and
	// "has the school a safeguarding lead?".
	const readers = await helpReadersOf(user.schoolId);
	const reader = readers.people.some((p) => p.id === user.id);
	const isLead = user.role === 'lead';
	if (!reader && !isLead) return null;
	const help = await unacknowledgedHelp(user.schoolId, now);
	const banner: StaffHelpBanner = {
		reader,
		waiting: reader ? help.waiting : 0,
		overdue: help.overdue,
		noSafeguardingLead: isLead && readers.routedTo === 'lead',
		ackSchoolHours: readHelpConfig().ackSchoolHours
	};
	return banner;
}
