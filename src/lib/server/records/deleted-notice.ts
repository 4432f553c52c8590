// What a page says where a pupil, or a list of pupils, is missing because the retention
// period deleted their records (former-pupils.ts): when, and that the figures stay. Apart from
// the rest of the wing so that the modules that show pupils can say it without importing it.
import { formatDay, londonDay } from '../platform';

function dayOf(iso: string): string {
	return formatDay(londonDay(new Date(iso)), { weekday: false });
}

/** "The records of 3 pupils were deleted on 1 Sep 2027, …": for a list that is now shorter. */
export function recordsDeletedNotice(count: number, deletedAt: string): string {
	const whose = count === 1 ? 'The records of 1 pupil were' : `The records of ${count} pupils were`;
	return (
		`${whose} deleted on ${dayOf(deletedAt)}, ` +
		"when the period Think Safe keeps pupils' records after their school year ended was over. " +
		"Their class's figures are kept, without their names."
	);
}

/** Why a former pupil's records cannot be shown or erased: there is nothing left of them. */
export function alreadyDeletedMessage(deletedAt: string): string {
	return (
		`This pupil's records were deleted on ${dayOf(deletedAt)}, ` +
		"at the end of the period Think Safe keeps pupils' records: nothing about them is held any more."
	);
}

/** For an open request whose pupil's records are past their period (former-pupils.ts). */
export function recordsKeptNotice(dueAt: string): string {
	return (
		`This pupil's records were due to be deleted on ${dayOf(dueAt)}, at the end of the period ` +
		'Think Safe keeps them. They are kept while this request is open. Once it is recorded in ' +
		"the school's safeguarding system, the next daily run deletes them."
	);
}
