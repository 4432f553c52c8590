// The demo's one request for help, answered, for the safeguarding lead's Concerns page.
// Apart from history.ts because it is a different record (requests.ts's, not a lesson's).
import type { Transaction } from 'kysely';
import type { DB } from '../platform';
import type { DemoClassRef } from './history';
import { iso, MINUTE, schoolDays } from './school-days';

/**
 * One calm request for help at the demo's first school, made and answered on the last
 * school day of the history, so that the safeguarding lead's Concerns page has something
 * to show. Already acknowledged (in 43 minutes) with a note, so no banner turns red in a
 * demo, and written as requests.ts writes it: the request, its notes, its audit rows.
 */
export async function seedDemoHelpRequest(
	trx: Transaction<DB>,
	now: Date,
	input: { classRef: DemoClassRef; dslId: number }
): Promise<void> {
	const { classRef, dslId } = input;
	const pupils = await trx
		.selectFrom('pupils')
		.select('id')
		.where('class_id', '=', classRef.classId)
		.where('archived_at', 'is', null)
		.orderBy('id')
		.execute();
	// The fifth pupil: not one the e2e tests pick (the first of a class, the last of Oak).
	const pupil = pupils[Math.min(4, pupils.length - 1)];
	if (!pupil) return;
	const days = schoolDays(now);
	// 10:40 UTC is inside the school day in both GMT and BST.
	const made = days[days.length - 1] + (10 * 60 + 40) * MINUTE;
	const viewed = made + 42 * MINUTE;
	const acknowledged = viewed + MINUTE;
	const spoke = made + (2 * 60 + 15) * MINUTE;
	const { id } = await trx
		.insertInto('help_requests')
		.values({
			client_id: 'de000000000000000000000000000001',
			pupil_id: pupil.id,
			class_id: classRef.classId,
			school_id: classRef.schoolId,
			about: 'friend',
			topics: JSON.stringify(['unkind-messages']),
			message:
				"My friend keeps getting unkind messages in our class group chat. She is a bit sad about it and I don't know what to do.",
			urgency: 'soon',
			talk_to: 'teacher',
			routed_to: 'dsl',
			created_at: iso(made),
			acknowledged_at: iso(acknowledged),
			acknowledged_by: dslId
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	await trx
		.insertInto('help_request_notes')
		.values([
			{ request_id: id, staff_id: dslId, kind: 'acknowledged', created_at: iso(acknowledged) },
			{
				request_id: id,
				client_id: 'de000000000000000000000000000002',
				staff_id: dslId,
				kind: 'spoke',
				body: 'Spoke to them at lunchtime. We talked about saving the messages, blocking and telling a grown-up at home. I will check in with both friends on Friday.',
				created_at: iso(spoke)
			}
		])
		.execute();
	const audit = (at: number, action: string, actor: 'pupil' | 'staff') => ({
		at: iso(at),
		actor_type: actor,
		actor_id: actor === 'pupil' ? pupil.id : dslId,
		school_id: classRef.schoolId,
		action,
		target_type: 'help_request',
		target_id: String(id),
		detail: null,
		ip: null
	});
	await trx
		.insertInto('audit_events')
		.values([
			audit(made, 'help.requested', 'pupil'),
			audit(viewed, 'help.viewed', 'staff'),
			audit(acknowledged, 'help.acknowledged', 'staff'),
			audit(spoke, 'help.spoke', 'staff')
		])
		.execute();
}
