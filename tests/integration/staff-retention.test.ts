// Retention, with the clock moved forward on a real SQLite file: unused staff accounts are
// turned off and then deleted (with everything that names them), old audit entries and
// spent sign-in leftovers go, and nothing deleted can be read back from the file's bytes.
import fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hashPassword } from '../../src/lib/server/auth/password';
import { readRetentionConfig } from '../../src/lib/server/platform/config';
import { nowIso } from '../../src/lib/server/platform/db';
import { flushDeletions } from '../../src/lib/server/platform/db/secure-delete';
import {
	applyStaffRetention,
	monthsBefore,
	runRetention,
	STAFF_REFERENCES,
	unusedAccounts
} from '../../src/lib/server/records';
import { setDisabled } from '../../src/lib/server/people/staff';
import { acceptInvitation, createInvitation } from '../../src/lib/server/people/staff-invitations';
import { createPasswordReset } from '../../src/lib/server/people/staff-passwords';
import { signIn } from '../../src/lib/server/people/staff-sign-in';
import { Refused } from '../../src/lib/server/platform/refusal';
import { staffPrincipal, useTestDatabase } from './context';

const ctx = useTestDatabase();
const config = readRetentionConfig({});
const PASSWORD = 'correct horse battery';

afterEach(() => {
	vi.useRealTimers();
});

/** Moves the clock: every nowIso() and new Date() in the code now reads this time. */
function at(iso: string): Date {
	vi.useFakeTimers({ toFake: ['Date'] });
	const date = new Date(iso);
	vi.setSystemTime(date);
	return date;
}

async function withPassword(id: number): Promise<void> {
	await ctx.handle.db
		.updateTable('staff_users')
		.set({ password_hash: await hashPassword(PASSWORD) })
		.where('id', '=', id)
		.execute();
}

async function account(id: number) {
	return ctx.handle.db
		.selectFrom('staff_users')
		.select(['id', 'disabled_at'])
		.where('id', '=', id)
		.executeTakeFirst();
}

async function auditOf(action: string) {
	return ctx.handle.db
		.selectFrom('audit_events')
		.selectAll()
		.where('action', '=', action)
		.orderBy('id')
		.execute();
}

/** The database file and its -wal as they are on disk, after SQLite has written. */
function fileBytes(): Buffer {
	const wal = `${ctx.handle.path}-wal`;
	return Buffer.concat([
		fs.readFileSync(ctx.handle.path),
		fs.existsSync(wal) ? fs.readFileSync(wal) : Buffer.alloc(0)
	]);
}

describe('staff accounts nobody uses', () => {
	it('turns off an account not signed in to for the period, and leaves a used one on', async () => {
		at('2026-09-01T08:00:00Z');
		const schoolId = await ctx.newSchool();
		const unused = await ctx.newStaff({ role: 'teacher', schoolId });
		const used = await ctx.newStaff({ role: 'teacher', schoolId, email: 'used@example.test' });
		await withPassword(used);

		at('2027-03-01T08:00:00Z');
		expect(await signIn({ email: 'used@example.test', password: PASSWORD, ip: null })).toBe(used);

		// A day short of twelve months: nothing yet.
		at('2027-08-31T08:00:00Z');
		expect((await runRetention()).staffTurnedOff).toBe(0);

		at('2027-09-02T08:00:00Z');
		const run = await runRetention();
		expect(run.staffTurnedOff).toBe(1);
		expect((await account(unused))?.disabled_at).toBe('2027-09-02T08:00:00.000Z');
		expect((await account(used))?.disabled_at).toBeNull();

		// The school sees it in its own audit log, by number, and why.
		const off = await auditOf('staff.disabled');
		expect(off).toHaveLength(1);
		expect(off[0]).toMatchObject({
			actor_type: 'system',
			school_id: schoolId,
			target_type: 'staff',
			target_id: String(unused)
		});
		expect(JSON.parse(off[0].detail!)).toEqual({ reason: 'unused', months: 12 });
	});

	it('never turns off the borough’s last coordinator whose account is on', async () => {
		at('2026-09-01T08:00:00Z');
		const first = await ctx.newStaff({ role: 'coordinator' });
		const second = await ctx.newStaff({ role: 'coordinator' });
		at('2027-09-02T08:00:00Z');
		expect((await runRetention()).staffTurnedOff).toBe(1);
		expect((await account(first))?.disabled_at).not.toBeNull();
		expect((await account(second))?.disabled_at).toBeNull();
		at('2028-09-03T08:00:00Z');
		expect((await runRetention()).staffTurnedOff).toBe(0);
		expect((await account(second))?.disabled_at).toBeNull();
	});

	it('counts a lead turning an account back on as using it', async () => {
		at('2026-09-01T08:00:00Z');
		const schoolId = await ctx.newSchool();
		const lead = await ctx.newStaff({ role: 'lead', schoolId });
		const teacher = await ctx.newStaff({ role: 'teacher', schoolId });

		at('2027-09-02T08:00:00Z');
		await runRetention();
		expect((await account(teacher))?.disabled_at).not.toBeNull();

		at('2027-09-03T08:00:00Z');
		await setDisabled(teacher, false, staffPrincipal(lead, 'lead', schoolId));
		at('2027-09-04T08:00:00Z');
		await runRetention();
		expect((await account(teacher))?.disabled_at).toBeNull();
		// Twelve months from being turned back on, not from the last sign-in.
		expect(await unusedAccounts(new Date('2028-09-02T08:00:00Z'), 12)).toEqual([]);
		expect(await unusedAccounts(new Date('2028-09-04T08:00:00Z'), 12)).toContainEqual({
			id: teacher,
			school_id: schoolId
		});
	});

	it('deletes an account turned off for the further period, and every copy of its email and note', async () => {
		at('2026-09-01T08:00:00Z');
		const schoolId = await ctx.newSchool();
		const leadId = await ctx.newStaff({ role: 'lead', schoolId });
		const lead = staffPrincipal(leadId, 'lead', schoolId);
		const email = 'canary.teacher@example.test';
		const note = 'Ms Canaryweather, Year 6';

		// The teacher arrives through an invitation, as in the app.
		const invitation = await createInvitation({ role: 'teacher', schoolId, note }, lead);
		const teacherId = await acceptInvitation(invitation.token, {
			displayName: 'Ms Canaryweather',
			email,
			password: PASSWORD
		});
		const classId = await ctx.newClass({ schoolId, teacherId });
		const pupilId = await ctx.newPupil({ classId });
		const db = ctx.handle.db;
		const { id: sessionId } = await db
			.insertInto('class_sessions')
			.values({
				class_id: classId,
				lesson_id: 'l',
				lesson_hash: 'h',
				mode: 'live',
				status: 'ended',
				current_step: 0,
				started_by: teacherId,
				created_at: nowIso()
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		await db
			.insertInto('attendance')
			.values({
				session_id: sessionId,
				pupil_id: pupilId,
				status: 'present',
				source: 'teacher',
				marked_by: teacherId,
				updated_at: nowIso()
			})
			.execute();
		const { id: requestId } = await db
			.insertInto('help_requests')
			.values({
				client_id: 'c1',
				pupil_id: pupilId,
				class_id: classId,
				school_id: schoolId,
				about: 'me',
				urgency: 'soon',
				talk_to: 'anyone',
				routed_to: 'dsl',
				created_at: nowIso(),
				acknowledged_at: nowIso(),
				acknowledged_by: teacherId
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		await db
			.insertInto('help_request_notes')
			.values({ request_id: requestId, staff_id: teacherId, kind: 'spoke', created_at: nowIso() })
			.execute();
		// Links the teacher had and made, and a wrong password counted under the email.
		await createPasswordReset(teacherId, lead);
		await createPasswordReset(leadId, staffPrincipal(teacherId, 'teacher', schoolId));
		await expect(signIn({ email, password: 'not the password', ip: '10.0.0.9' })).rejects.toThrow(
			Refused
		);

		// Before: the email and the note are in the file (the check below can see them).
		await ctx.handle.sqlite.pragma('wal_checkpoint(truncate)');
		expect(fileBytes().includes(email)).toBe(true);
		expect(fileBytes().includes(note)).toBe(true);

		at('2026-10-01T08:00:00Z');
		await setDisabled(teacherId, true, lead);
		at('2027-09-30T08:00:00Z');
		expect((await runRetention()).staffDeleted).toBe(0);

		at('2027-10-02T08:00:00Z');
		const run = await runRetention();
		expect(run).toMatchObject({ staffDeleted: 1, staffKept: 0, flushed: true });
		expect(await account(teacherId)).toBeUndefined();

		// The records stay, without the name.
		const session = await db
			.selectFrom('class_sessions')
			.select('started_by')
			.where('id', '=', sessionId)
			.executeTakeFirstOrThrow();
		expect(session.started_by).toBeNull();
		const mark = await db.selectFrom('attendance').select('marked_by').executeTakeFirstOrThrow();
		expect(mark.marked_by).toBeNull();
		const request = await db
			.selectFrom('help_requests')
			.select('acknowledged_by')
			.executeTakeFirstOrThrow();
		expect(request.acknowledged_by).toBeNull();
		const notes = await db.selectFrom('help_request_notes').select('staff_id').execute();
		expect(notes).toEqual([{ staff_id: null }]);
		expect(await db.selectFrom('class_teachers').selectAll().execute()).toEqual([]);
		expect(await db.selectFrom('staff_invitations').selectAll().execute()).toEqual([]);
		expect(await db.selectFrom('password_resets').selectAll().execute()).toEqual([]);

		// The audit log keeps what the teacher did, by number, and says the account went.
		const signedIn = await auditOf('staff.invitation_accepted');
		expect(signedIn[0].actor_id).toBe(teacherId);
		const deleted = await auditOf('staff.deleted');
		expect(deleted).toHaveLength(1);
		expect(deleted[0]).toMatchObject({ school_id: schoolId, target_id: String(teacherId) });
		const ran = await auditOf('retention.ran');
		expect(JSON.parse(ran.at(-1)!.detail!)).toMatchObject({ staffDeleted: 1 });

		// Nothing of the person is left anywhere in the file: not in a row, not in free space.
		const bytes = fileBytes();
		expect(bytes.includes(email)).toBe(false);
		expect(bytes.includes(note)).toBe(false);
		expect(bytes.includes('Ms Canaryweather')).toBe(false);
	});

	it('deletes the invitation that brought an account in, and its note, whenever the account goes', async () => {
		at('2026-09-01T08:00:00Z');
		const schoolId = await ctx.newSchool();
		const leadId = await ctx.newStaff({ role: 'lead', schoolId });
		const lead = staffPrincipal(leadId, 'lead', schoolId);
		const note = 'Mr Lanternfield, Year 6';
		const invitation = await createInvitation({ role: 'teacher', schoolId, note }, lead);
		const teacherId = await acceptInvitation(invitation.token, {
			displayName: 'Mr Lanternfield',
			email: 'lanternfield@example.test',
			password: PASSWORD
		});
		await setDisabled(teacherId, true, lead);
		await ctx.handle.sqlite.pragma('wal_checkpoint(truncate)');
		expect(fileBytes().includes(note)).toBe(true);

		// The account's own step, before the daily job has let the spent link go.
		const now = at('2027-09-02T08:00:00Z');
		expect(await applyStaffRetention(now, config)).toMatchObject({ deleted: 1 });
		expect(await flushDeletions(ctx.handle.db)).toBe(true);
		expect(await ctx.handle.db.selectFrom('staff_invitations').selectAll().execute()).toEqual([]);
		const invited = await auditOf('staff.invited');
		expect(JSON.parse(invited[0].detail!)).toEqual({ role: 'teacher', note: null });
		expect(fileBytes().includes(note)).toBe(false);
		expect(fileBytes().includes('lanternfield@example.test')).toBe(false);
	});

	it('keeps a turned-off account while a pupil’s lesson done on paper names it as the marker', async () => {
		at('2026-09-01T08:00:00Z');
		const { teacherId, classId } = await ctx.newTeacherClass();
		// A pupil of 2027/28, whose records are kept until September 2029 (former-pupils.ts).
		await ctx.handle.db
			.updateTable('classes')
			.set({ academic_year: '2027/28' })
			.where('id', '=', classId)
			.execute();
		const pupilId = await ctx.newPupil({ classId });
		await ctx.handle.db
			.insertInto('paper_completions')
			.values({ pupil_id: pupilId, lesson_id: 'l', marked_by: teacherId, marked_at: nowIso() })
			.execute();
		at('2027-09-02T08:00:00Z');
		await runRetention();
		at('2028-09-03T08:00:00Z');
		const run = await runRetention();
		expect(run).toMatchObject({ staffDeleted: 0, staffKept: 1 });
		expect((await account(teacherId))?.disabled_at).toBe('2027-09-02T08:00:00.000Z');
		// Once the pupil's records are deleted, the mark names nobody and the account can go.
		at('2029-09-03T08:00:00Z');
		expect(await runRetention()).toMatchObject({ pupilsDeleted: 1, staffDeleted: 1, staffKept: 0 });
		expect(await account(teacherId)).toBeUndefined();
	});

	it('handles every table that names a staff account', async () => {
		const tables = ctx.handle.sqlite
			.prepare("select name from sqlite_schema where type = 'table'")
			.pluck()
			.all() as string[];
		const references: string[] = [];
		for (const table of tables) {
			const keys = ctx.handle.sqlite.pragma(`foreign_key_list(${table})`) as {
				table: string;
				from: string;
			}[];
			for (const key of keys)
				if (key.table === 'staff_users') references.push(`${table}.${key.from}`);
		}
		// A new table naming staff needs a line in STAFF_REFERENCES and a step in deleteAccount.
		expect(references.sort()).toEqual(Object.keys(STAFF_REFERENCES).sort());
	});
});

describe('the audit log and sign-in leftovers', () => {
	it('deletes audit entries older than the period and keeps the rest', async () => {
		const db = ctx.handle.db;
		const entry = (iso: string, action: string) =>
			db.insertInto('audit_events').values({ at: iso, actor_type: 'system', action }).execute();
		await entry('2020-01-01T00:00:00.000Z', 'old.one');
		await entry('2020-06-30T23:59:59.000Z', 'old.two');
		await entry('2020-07-01T00:00:01.000Z', 'young');
		const now = at('2026-07-01T00:00:00Z');
		expect(monthsBefore(now, config.auditMonths).toISOString()).toBe('2020-07-01T00:00:00.000Z');
		const run = await runRetention();
		expect(run.auditEntriesDeleted).toBe(2);
		const left = await db.selectFrom('audit_events').select('action').orderBy('id').execute();
		expect(left.map((r) => r.action)).toEqual(['young', 'retention.ran']);
	});

	it('deletes more audit entries than one batch holds', async () => {
		const insert = ctx.handle.sqlite.prepare(
			"insert into audit_events (at, actor_type, action) values ('2019-01-01T00:00:00.000Z', 'system', 'old')"
		);
		ctx.handle.sqlite.transaction(() => {
			for (let i = 0; i < 4500; i++) insert.run();
		})();
		at('2026-07-01T00:00:00Z');
		expect((await runRetention()).auditEntriesDeleted).toBe(4500);
	});

	it('deletes closed-out sign-in counters and expired links, and keeps live ones', async () => {
		const db = ctx.handle.db;
		at('2026-09-01T08:00:00Z');
		const schoolId = await ctx.newSchool();
		const leadId = await ctx.newStaff({ role: 'lead', schoolId });
		const lead = staffPrincipal(leadId, 'lead', schoolId);
		await db
			.insertInto('rate_limits')
			.values([
				{
					key: 'staff-account:gone@example.test',
					count: 2,
					window_started_at: nowIso(),
					locked_until: null
				},
				{ key: 'staff-address:10.1.1.1', count: 3, window_started_at: nowIso(), locked_until: null }
			])
			.execute();
		await createInvitation({ role: 'teacher', schoolId, note: 'Mr Old' }, lead);

		at('2026-10-15T08:00:00Z');
		await createInvitation({ role: 'teacher', schoolId, note: 'Mr New' }, lead);
		await db
			.insertInto('rate_limits')
			.values({
				key: 'staff-account:now@example.test',
				count: 1,
				window_started_at: nowIso(),
				locked_until: null
			})
			.execute();
		const run = await runRetention();
		expect(run.signInCountersDeleted).toBe(2);
		expect(run.linksDeleted).toBe(1);
		expect((await db.selectFrom('rate_limits').select('key').execute()).map((r) => r.key)).toEqual([
			'staff-account:now@example.test'
		]);
		expect(
			(await db.selectFrom('staff_invitations').select('note').execute()).map((r) => r.note)
		).toEqual(['Mr New']);
	});
});
