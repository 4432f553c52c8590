// Step 7, safe to tell: a pupil's request is stored once, read only by the school's
// safeguarding leads, answered with a chronology that is never edited, alerted by email
// without any detail, and its words let go once the school has recorded it.
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { helpRequestSchool } from '../../src/lib/server/access';
import type { PupilPrincipal } from '../../src/lib/server/auth/session';
import { readHelpConfig } from '../../src/lib/server/platform/config';
import {
	acknowledgeHelpRequest,
	addHelpNote,
	alertHelpReaders,
	listHelpRequests,
	removeDueHelpText,
	submitHelpRequest,
	unacknowledgedHelp,
	viewHelpRequest
} from '../../src/lib/server/safeguarding';
import { isActionFailure, isHttpError, isRedirect } from '@sveltejs/kit';
import { POST as sendHelp } from '../../src/routes/(pupil)/help/send/+server';
import { actions as helpPage } from '../../src/routes/(pupil)/help/+page.server';
import { actions as concernPage } from '../../src/routes/(staff)/concerns/[id=id]/+page.server';
import { staffPrincipal, useTestDatabase } from './context';

const ctx = useTestDatabase();
let counter = 0;
const clientId = () => (++counter).toString(16).padStart(32, '0');

interface School {
	schoolId: number;
	classId: number;
	pupil: PupilPrincipal;
	dsl: ReturnType<typeof staffPrincipal>;
	lead: ReturnType<typeof staffPrincipal>;
	teacher: ReturnType<typeof staffPrincipal>;
}

async function school(options: { dsl?: boolean; name?: string } = {}): Promise<School> {
	const schoolId = await ctx.newSchool({ name: options.name });
	const teacherId = await ctx.newStaff({ role: 'teacher', schoolId });
	const leadId = await ctx.newStaff({
		role: 'lead',
		schoolId,
		email: `lead${schoolId}@school.test`
	});
	const dslId = await ctx.newStaff({
		role: 'teacher',
		schoolId,
		email: `dsl${schoolId}@school.test`
	});
	if (options.dsl !== false) {
		await ctx.handle.db
			.updateTable('staff_users')
			.set({ safeguarding_role: 'dsl' })
			.where('id', '=', dslId)
			.execute();
	}
	const classId = await ctx.newClass({ schoolId, teacherId, name: 'Willow' });
	const pupilId = await ctx.newPupil({ classId, firstName: 'Canary', lastInitial: 'Q' });
	return {
		schoolId,
		classId,
		pupil: {
			kind: 'pupil',
			id: pupilId,
			classId,
			schoolId,
			firstName: 'Canary',
			lastInitial: 'Q',
			sessionId: ''
		},
		dsl: staffPrincipal(dslId, 'teacher', schoolId),
		lead: staffPrincipal(leadId, 'lead', schoolId),
		teacher: staffPrincipal(teacherId, 'teacher', schoolId)
	};
}

const request = (extra: Record<string, unknown> = {}) => ({
	clientId: clientId(),
	about: 'me',
	topics: ['someone-online'],
	message: 'Someone in a game keeps asking for my address.',
	urgency: 'today',
	talkTo: 'anyone',
	...extra
});

describe('a pupil asks for help', () => {
	it('is stored once however often the same request is sent, and the audit log holds no words', async () => {
		const s = await school();
		const input = request();
		const first = await submitHelpRequest(s.pupil, input);
		const again = await submitHelpRequest(s.pupil, input);
		expect(first).toMatchObject({ ok: true, created: true });
		expect(again).toMatchObject({ ok: true, created: false });
		expect(first.ok && again.ok && again.id === first.id).toBe(true);

		const rows = await ctx.handle.db.selectFrom('help_requests').selectAll().execute();
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({ routed_to: 'dsl', about: 'me', urgency: 'today' });
		const audit = await ctx.handle.db
			.selectFrom('audit_events')
			.selectAll()
			.where('action', '=', 'help.requested')
			.execute();
		expect(audit).toHaveLength(1);
		expect(JSON.stringify(audit)).not.toContain('address');
	});

	it('needs no typing: who it is about, how soon and with whom are enough', async () => {
		const s = await school();
		const result = await submitHelpRequest(s.pupil, {
			clientId: clientId(),
			about: 'rather-not-say',
			urgency: 'soon',
			talkTo: 'teacher'
		});
		expect(result).toMatchObject({ ok: true, created: true });
		const [row] = await ctx.handle.db.selectFrom('help_requests').selectAll().execute();
		expect(row.message).toBeNull();
		expect(row.topics).toBe('[]');
	});

	it('refuses what is missing or too long with a message a child understands, storing nothing', async () => {
		const s = await school();
		await expect(
			submitHelpRequest(s.pupil, { clientId: clientId(), about: 'me' })
		).rejects.toMatchObject({
			name: 'Refused',
			status: 400,
			message: expect.stringContaining('choose an answer')
		});
		await expect(
			submitHelpRequest(s.pupil, request({ message: 'a'.repeat(601) }))
		).rejects.toMatchObject({ status: 400, message: expect.stringContaining('a little long') });
		await expect(
			submitHelpRequest(s.pupil, request({ topics: ['not-a-topic'] }))
		).rejects.toMatchObject({ name: 'Refused', status: 400 });
		expect(await ctx.handle.db.selectFrom('help_requests').selectAll().execute()).toEqual([]);
	});

	it('goes to the school lead when the school has no safeguarding lead, and is never dropped', async () => {
		const s = await school({ dsl: false });
		const result = await submitHelpRequest(s.pupil, request());
		expect(result.ok).toBe(true);
		const [row] = await ctx.handle.db.selectFrom('help_requests').selectAll().execute();
		expect(row.routed_to).toBe('lead');
		expect(await helpRequestSchool(s.lead)).toBe(s.schoolId);
	});
});

describe('who reads a request', () => {
	it('is the school’s DSL and deputies alone: not its teachers, its lead, another school or the coordinator', async () => {
		const s = await school();
		const other = await school();
		const deputyId = await ctx.newStaff({ role: 'teacher', schoolId: s.schoolId });
		await ctx.handle.db
			.updateTable('staff_users')
			.set({ safeguarding_role: 'deputy' })
			.where('id', '=', deputyId)
			.execute();
		const coordinatorId = await ctx.newStaff({ role: 'coordinator' });

		expect(await helpRequestSchool(s.dsl)).toBe(s.schoolId);
		expect(await helpRequestSchool(staffPrincipal(deputyId, 'teacher', s.schoolId))).toBe(
			s.schoolId
		);
		expect(await helpRequestSchool(s.teacher)).toBeNull();
		expect(await helpRequestSchool(s.lead)).toBeNull();
		expect(await helpRequestSchool(other.dsl)).toBe(other.schoolId);
		expect(await helpRequestSchool(staffPrincipal(coordinatorId, 'coordinator', null))).toBeNull();

		// A turned-off DSL reads nothing; with no DSL left, the lead reads the requests.
		await ctx.handle.db
			.updateTable('staff_users')
			.set({ disabled_at: new Date().toISOString() })
			.where('id', 'in', [s.dsl.id, deputyId])
			.execute();
		expect(await helpRequestSchool(s.dsl)).toBeNull();
		expect(await helpRequestSchool(s.lead)).toBe(s.schoolId);
	});

	it('lists a school’s own requests only, new ones first, and every view is audited', async () => {
		const s = await school();
		const other = await school();
		const earlier = await submitHelpRequest(s.pupil, request(), new Date('2026-12-07T09:00:00Z'));
		const later = await submitHelpRequest(s.pupil, request(), new Date('2026-12-07T10:00:00Z'));
		await submitHelpRequest(other.pupil, request());
		if (!earlier.ok || !later.ok) throw new Error('not stored');
		await acknowledgeHelpRequest(s.dsl, s.schoolId, later.id);

		const list = await listHelpRequests(s.schoolId);
		expect(list.map((r) => [r.id, r.status])).toEqual([
			[earlier.id, 'new'],
			[later.id, 'open']
		]);
		expect(list[0].pupilName).toBe('Canary Q');
		expect(list[0].className).toBe('Willow');

		const detail = await viewHelpRequest(s.dsl, s.schoolId, earlier.id, '203.0.113.9');
		expect(detail?.message).toContain('address');
		// Another school's id, asked through this school, is not there.
		expect(await viewHelpRequest(other.dsl, other.schoolId, earlier.id)).toBeUndefined();
		const views = await ctx.handle.db
			.selectFrom('audit_events')
			.selectAll()
			.where('action', '=', 'help.viewed')
			.execute();
		expect(views).toHaveLength(1);
		expect(views[0]).toMatchObject({ actor_id: s.dsl.id, target_id: String(earlier.id) });
	});
});

describe('answering a request', () => {
	it('is acknowledged once, even when two leads press at the same moment', async () => {
		const s = await school();
		const sent = await submitHelpRequest(s.pupil, request());
		if (!sent.ok) throw new Error('not stored');
		const [a, b] = await Promise.all([
			acknowledgeHelpRequest(s.dsl, s.schoolId, sent.id),
			acknowledgeHelpRequest(s.dsl, s.schoolId, sent.id)
		]);
		expect([a, b].filter((r) => r.ok && r.acknowledged)).toHaveLength(1);
		const detail = await viewHelpRequest(s.dsl, s.schoolId, sent.id);
		expect(detail?.notes.map((n) => n.kind)).toEqual(['acknowledged']);
		const dsl = await ctx.handle.db
			.selectFrom('staff_users')
			.select('display_name')
			.where('id', '=', s.dsl.id)
			.executeTakeFirstOrThrow();
		expect(detail?.acknowledgedBy).toBe(dsl.display_name);
		expect(detail?.acknowledgedAt).not.toBeNull();
	});

	it('keeps a dated chronology: notes stored once, closing needs an outcome', async () => {
		const s = await school();
		const sent = await submitHelpRequest(s.pupil, request());
		const note = { clientId: clientId(), kind: 'spoke', body: 'Spoke to the pupil at break.' };
		expect(await addHelpNote(s.dsl, s.schoolId, sent.id, note)).toEqual({
			ok: true,
			created: true
		});
		expect(await addHelpNote(s.dsl, s.schoolId, sent.id, note)).toEqual({
			ok: true,
			created: false
		});
		await expect(
			addHelpNote(s.dsl, s.schoolId, sent.id, { clientId: clientId(), kind: 'closed' })
		).rejects.toMatchObject({
			name: 'Refused',
			status: 400,
			field: 'body',
			message: expect.stringContaining('outcome')
		});

		const detail = await viewHelpRequest(s.dsl, s.schoolId, sent.id);
		expect(detail?.notes.map((n) => [n.kind, n.body])).toEqual([
			['spoke', 'Spoke to the pupil at break.']
		]);
		// A note is an answer: the request no longer waits for acknowledgement.
		expect(detail?.status).toBe('open');
		expect(await unacknowledgedHelp(s.schoolId)).toEqual({ waiting: 0, overdue: 0 });
	});

	it('turns overdue after the configured school hours without acknowledgement', async () => {
		const s = await school();
		// Monday 7 Dec 2026, 09:00 UK time.
		await submitHelpRequest(s.pupil, request(), new Date('2026-12-07T09:00:00Z'));
		expect(await unacknowledgedHelp(s.schoolId, new Date('2026-12-07T10:30:00Z'))).toEqual({
			waiting: 1,
			overdue: 0
		});
		expect(await unacknowledgedHelp(s.schoolId, new Date('2026-12-07T11:00:00Z'))).toEqual({
			waiting: 1,
			overdue: 1
		});
		const [listed] = await listHelpRequests(s.schoolId, new Date('2026-12-07T11:00:00Z'));
		expect(listed.overdue).toBe(true);
	});
});

describe('letting go', () => {
	it('removes the pupil’s words once recorded in the school’s system and the period is over, keeping the counts', async () => {
		const s = await school();
		const t0 = new Date('2026-12-07T09:00:00Z');
		const sent = await submitHelpRequest(s.pupil, request(), t0);
		if (!sent.ok) throw new Error('not stored');
		await acknowledgeHelpRequest(s.dsl, s.schoolId, sent.id, new Date('2026-12-07T09:20:00Z'));
		await addHelpNote(
			s.dsl,
			s.schoolId,
			sent.id,
			{ clientId: clientId(), kind: 'recorded', body: 'Entered in CPOMS, ref 123.' },
			new Date('2026-12-07T12:00:00Z')
		);
		const detail = await viewHelpRequest(s.dsl, s.schoolId, sent.id);
		const days = readHelpConfig().textRetentionDays;
		expect(days).toBe(30);
		expect(detail?.textRemovalDueAt).toBe('2027-01-06T12:00:00.000Z');

		expect(await removeDueHelpText(new Date('2027-01-06T11:59:00Z'))).toBe(0);
		expect(await removeDueHelpText(new Date('2027-01-06T12:00:00Z'))).toBe(1);
		expect(await removeDueHelpText(new Date('2027-01-07T12:00:00Z'))).toBe(0);

		const row = await ctx.handle.db
			.selectFrom('help_requests')
			.selectAll()
			.where('id', '=', sent.id)
			.executeTakeFirstOrThrow();
		expect(row).toMatchObject({
			message: null,
			pupil_id: null,
			class_id: null,
			topics: '[]',
			school_id: s.schoolId,
			created_at: t0.toISOString(),
			acknowledged_at: '2026-12-07T09:20:00.000Z'
		});
		const notes = await ctx.handle.db
			.selectFrom('help_request_notes')
			.select(['kind', 'body'])
			.where('request_id', '=', sent.id)
			.orderBy('id')
			.execute();
		expect(notes.map((n) => n.kind)).toEqual(['acknowledged', 'recorded', 'text-removed']);
		expect(notes.every((n) => n.body === null)).toBe(true);
		const after = await viewHelpRequest(s.dsl, s.schoolId, sent.id);
		expect(after?.pupilName).toBeNull();
		expect(after?.textRemovedAt).toBe('2027-01-06T12:00:00.000Z');
	});
});

describe('email alerts', () => {
	let server: SMTPServer | undefined;
	afterEach(async () => {
		await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
		server = undefined;
	});

	async function captureMail() {
		const messages: { to: string[]; body: string }[] = [];
		server = new SMTPServer({
			authOptional: true,
			disabledCommands: ['STARTTLS'],
			logger: false,
			onData(stream, session, callback) {
				let body = '';
				stream.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
				stream.on('end', () => {
					// Undo quoted-printable (soft line breaks, =XX bytes) so the text reads as sent.
					const text = body
						.replace(/=\r?\n/g, '')
						.replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
					messages.push({ to: session.envelope.rcptTo.map((r) => r.address), body: text });
					callback();
				});
			}
		});
		const port = await new Promise<number>((resolve) => {
			server!.listen(0, '127.0.0.1', () => {
				resolve((server!.server.address() as { port: number }).port);
			});
		});
		return { messages, url: `smtp://127.0.0.1:${port}` };
	}

	it('sends exactly one email to each safeguarding lead, with no pupil detail', async () => {
		const s = await school({ name: 'Loddon Vale Primary' });
		const deputyId = await ctx.newStaff({
			role: 'teacher',
			schoolId: s.schoolId,
			email: 'deputy@school.test'
		});
		await ctx.handle.db
			.updateTable('staff_users')
			.set({ safeguarding_role: 'deputy' })
			.where('id', '=', deputyId)
			.execute();
		await submitHelpRequest(s.pupil, request());
		const mail = await captureMail();

		const result = await alertHelpReaders(s.schoolId, 'https://thinksafe.example.gov.uk', {
			...readHelpConfig(),
			smtpUrl: mail.url
		});
		expect(result).toEqual({ sent: 2, failed: 0 });
		expect(mail.messages.map((m) => m.to).sort()).toEqual([
			['deputy@school.test'],
			[`dsl${s.schoolId}@school.test`]
		]);
		for (const { body } of mail.messages) {
			expect(body).toContain('A pupil at Loddon Vale Primary has asked for help');
			expect(body).toContain('https://thinksafe.example.gov.uk/sign-in');
			for (const secret of ['Canary', 'Willow', 'address', 'someone-online', 'Someone online']) {
				expect(body).not.toContain(secret);
			}
		}
	});

	it('sends nothing without SMTP_URL, and a mail server that is down loses nothing', async () => {
		const s = await school();
		await submitHelpRequest(s.pupil, request());
		expect(await alertHelpReaders(s.schoolId, '', { ...readHelpConfig(), smtpUrl: null })).toEqual({
			sent: 0,
			failed: 0
		});
		const down = await alertHelpReaders(s.schoolId, '', {
			...readHelpConfig(),
			smtpUrl: 'smtp://127.0.0.1:1'
		});
		expect(down).toEqual({ sent: 0, failed: 1 });
		expect(await unacknowledgedHelp(s.schoolId)).toMatchObject({ waiting: 1 });
	});
});

/** What a route returned or threw, whichever it was (redirects and errors are thrown). */
async function outcome(run: () => unknown): Promise<unknown> {
	try {
		return await run();
	} catch (thrown) {
		return thrown;
	}
}

function pupilEvent(pupil: PupilPrincipal, path: string, body: BodyInit, type: string) {
	return {
		locals: { pupil, staff: null },
		url: new URL(`http://localhost${path}`),
		request: new Request(`http://localhost${path}`, {
			method: 'POST',
			headers: { 'content-type': type, accept: 'application/json' },
			body
		})
	};
}

function staffForm(staff: School['dsl'], id: number, fields: Record<string, string>) {
	const path = `/concerns/${id}`;
	return {
		locals: { pupil: null, staff },
		params: { id: String(id) },
		url: new URL(`http://localhost${path}`),
		request: new Request(`http://localhost${path}`, {
			method: 'POST',
			body: new URLSearchParams(fields)
		})
	} as unknown as Parameters<(typeof concernPage)['note']>[0];
}

describe('what the pupil’s page, the outbox and the lead’s page are told', () => {
	const send = (pupil: PupilPrincipal, body: unknown) =>
		sendHelp(
			pupilEvent(
				pupil,
				'/help/send',
				JSON.stringify(body),
				'application/json'
			) as unknown as Parameters<typeof sendHelp>[0]
		);

	it('answers the outbox in JSON: ok, a refusal with its message and status, a clash as 409', async () => {
		const s = await school();
		const other = await school();
		const sent = request();
		const stored = await send(s.pupil, sent);
		expect(stored.status).toBe(200);
		expect(await stored.json()).toEqual({ ok: true });
		const again = await send(s.pupil, sent);
		expect([again.status, await again.json()]).toEqual([200, { ok: true }]);

		const missing = await send(s.pupil, { clientId: clientId(), about: 'me' });
		expect(missing.status).toBe(400);
		expect(await missing.json()).toEqual({
			ok: false,
			message: 'Something was missing. Please choose an answer for each question.'
		});
		// Another pupil's client id: refused, and the first pupil's request is untouched.
		const clash = await send(other.pupil, sent);
		expect(clash.status).toBe(409);
		expect(await clash.json()).toEqual({ ok: false, message: 'Please try sending that again.' });
		const rows = await ctx.handle.db.selectFrom('help_requests').select('pupil_id').execute();
		expect(rows).toEqual([{ pupil_id: s.pupil.id }]);
	});

	it('gives the page without JavaScript its failure with what the pupil chose, or sends them on', async () => {
		const s = await school();
		const form = new URLSearchParams({
			clientId: clientId(),
			about: 'me',
			topics: 'someone-online'
		});
		const event = pupilEvent(
			s.pupil,
			'/help',
			form,
			'application/x-www-form-urlencoded'
		) as unknown as Parameters<(typeof helpPage)['default']>[0];
		const failed = await outcome(() => helpPage.default(event));
		expect(isActionFailure(failed) && failed.status).toBe(400);
		expect(isActionFailure(failed) && failed.data).toEqual({
			message: 'Something was missing. Please choose an answer for each question.',
			values: {
				clientId: form.get('clientId'),
				about: 'me',
				topics: ['someone-online'],
				message: undefined,
				urgency: undefined,
				talkTo: undefined
			}
		});
		form.set('urgency', 'today');
		form.set('talkTo', 'anyone');
		const done = await outcome(() =>
			helpPage.default(
				pupilEvent(s.pupil, '/help', form, 'application/x-www-form-urlencoded') as typeof event
			)
		);
		expect(isRedirect(done) && done.location).toBe('/help/sent');
	});

	it('tells the lead "not found" for another school’s request, and keeps a note to fix on the form', async () => {
		const s = await school();
		const other = await school();
		const theirs = await submitHelpRequest(other.pupil, request());
		const ours = await submitHelpRequest(s.pupil, request());

		const acknowledged = await outcome(() =>
			concernPage.acknowledge(staffForm(s.dsl, theirs.id, {}))
		);
		expect(isHttpError(acknowledged, 404) && acknowledged.body.message).toBe(
			'There is no such request.'
		);
		const noted = await outcome(() =>
			concernPage.note(staffForm(s.dsl, theirs.id, { clientId: clientId(), kind: 'spoke' }))
		);
		expect(isHttpError(noted, 404) && noted.body.message).toBe('There is no such request.');

		const values = { clientId: clientId(), kind: 'closed', body: '' };
		const unfinished = await outcome(() => concernPage.note(staffForm(s.dsl, ours.id, values)));
		const message = 'Please write the outcome before closing the request.';
		expect(isActionFailure(unfinished) && unfinished.status).toBe(400);
		expect(isActionFailure(unfinished) && unfinished.data).toEqual({
			message,
			fields: { body: message },
			values
		});
		const done = await outcome(() => concernPage.acknowledge(staffForm(s.dsl, ours.id, {})));
		expect(isRedirect(done) && done.location).toBe(`/concerns/${ours.id}`);
		const notes = await ctx.handle.db.selectFrom('help_request_notes').select('kind').execute();
		expect(notes).toEqual([{ kind: 'acknowledged' }]);
	});
});
