// What the council sees of requests for help: per school and term, how many and how quickly
// they were acknowledged, with small counts hidden as every borough figure hides them, and
// which schools have nobody to read them.
import { describe, expect, it } from 'vitest';
import { readHelpConfig } from '../../src/lib/server/platform/config';
import {
	acknowledgeHelpRequest,
	addHelpNote,
	boroughHelpCounts,
	helpTermOf,
	removeDueHelpText,
	schoolsWithoutSafeguardingLead,
	submitHelpRequest
} from '../../src/lib/server/safeguarding';
import { staffPrincipal, useTestDatabase } from './context';

const ctx = useTestDatabase();
let counter = 0;
const clientId = () => (++counter).toString(16).padStart(32, '0');
const config = readHelpConfig({});
// A Monday in the autumn term, after school.
const NOW = new Date('2026-11-30T17:00:00Z');
const MINUTE = 60_000;

interface School {
	schoolId: number;
	name: string;
	pupil: { id: number; classId: number; schoolId: number };
	dsl: ReturnType<typeof staffPrincipal>;
}

async function school(name: string): Promise<School> {
	const schoolId = await ctx.newSchool({ name });
	const dslId = await ctx.newStaff({ role: 'teacher', schoolId });
	await ctx.handle.db
		.updateTable('staff_users')
		.set({ safeguarding_role: 'dsl' })
		.where('id', '=', dslId)
		.execute();
	const classId = await ctx.newClass({ schoolId });
	const pupilId = await ctx.newPupil({ classId, firstName: 'Canary', lastInitial: 'Q' });
	return {
		schoolId,
		name,
		pupil: { id: pupilId, classId, schoolId },
		dsl: staffPrincipal(dslId, 'teacher', schoolId)
	};
}

/** A request made at `at`, acknowledged `ackAfter` minutes later (wall clock) unless null. */
async function ask(s: School, at: string, ackAfter: number | null = 30) {
	const made = new Date(at);
	const result = await submitHelpRequest(
		s.pupil,
		{
			clientId: clientId(),
			about: 'me',
			topics: ['unkind-messages'],
			message: 'A secret only the DSL may read.',
			urgency: 'soon',
			talkTo: 'anyone'
		},
		made
	);
	if (ackAfter !== null)
		await acknowledgeHelpRequest(
			s.dsl,
			s.schoolId,
			result.id,
			new Date(made.getTime() + ackAfter * MINUTE)
		);
	return result.id;
}

/** `n` requests on school days of the autumn term at 10:00 UK time, each acknowledged in `ackAfter` minutes. */
async function askMany(s: School, n: number, ackAfter: number | null = 30) {
	for (let i = 0; i < n; i++) {
		// Mondays to Fridays of 2 to 13 November 2026 (GMT, so 10:00 UTC is 10:00 in the UK).
		const day = [2, 3, 4, 5, 6, 9, 10, 11, 12, 13][i % 10];
		await ask(s, `2026-11-${String(day).padStart(2, '0')}T10:00:00Z`, ackAfter);
	}
}

const rowOf = (counts: Awaited<ReturnType<typeof boroughHelpCounts>>, name: string) =>
	counts.schools.find((s) => s.name === name)!;

describe('terms', () => {
	it('puts a request in the term of its UK date: autumn Sep–Dec, spring Jan–Mar, summer Apr–Aug', () => {
		// 00:30 on 1 September in the UK is still 31 August in UTC.
		expect(helpTermOf(new Date('2026-08-31T23:30:00Z'))).toEqual({
			key: 'autumn-2026',
			label: 'Autumn 2026'
		});
		expect(helpTermOf(new Date('2026-08-31T22:30:00Z')).label).toBe('Summer 2026');
		expect(helpTermOf(new Date('2026-12-31T23:59:00Z')).label).toBe('Autumn 2026');
		expect(helpTermOf(new Date('2027-01-01T00:00:00Z')).label).toBe('Spring 2027');
		expect(helpTermOf(new Date('2027-03-31T23:30:00Z')).label).toBe('Summer 2027');
	});
});

describe('the council’s counts of requests for help', () => {
	it('counts each school’s requests in the term, with the median school time to acknowledge', async () => {
		const a = await school('Ash Primary');
		const b = await school('Beech Primary');
		await school('Cherry Primary');
		await askMany(a, 7, 20);
		// Beech: six in 40 minutes and one over the weekend, from Friday 15:00 to Monday 09:00
		// UK time: 30 school minutes on Friday and 30 on Monday.
		await askMany(b, 6, 40);
		await ask(b, '2026-11-13T15:00:00Z', 66 * 60);
		// Last term's request is not this term's.
		await ask(a, '2026-06-10T10:00:00Z');

		const counts = await boroughHelpCounts({ now: NOW, config });
		expect(counts.term).toEqual({ key: 'autumn-2026', label: 'Autumn 2026' });
		expect(rowOf(counts, 'Ash Primary')).toMatchObject({
			requests: { value: 7, display: '7', suppressed: false },
			medianAck: { value: 20, display: '20 min', suppressed: false }
		});
		expect(rowOf(counts, 'Beech Primary')).toMatchObject({
			requests: { value: 7, display: '7' },
			medianAck: { value: 40, display: '40 min' }
		});
		// Nothing is no secret: a zero shows, with no time to show.
		expect(rowOf(counts, 'Cherry Primary')).toMatchObject({
			requests: { value: 0, display: '0', suppressed: false },
			medianAck: { value: null, display: '–', suppressed: false }
		});
		expect(counts.total).toMatchObject({
			requests: { value: 14, display: '14' },
			medianAck: { value: 30, display: '30 min' }
		});

		const summer = await boroughHelpCounts({ termKey: 'summer-2026', now: NOW, config });
		expect(summer.term.label).toBe('Summer 2026');
		expect(rowOf(summer, 'Ash Primary').requests.display).toBe('[c]');
		expect(rowOf(summer, 'Beech Primary').requests.display).toBe('0');
	});

	it('measures the time to acknowledge in school hours, as the overdue rule does', async () => {
		const a = await school('Ash Primary');
		// Six requests at 15:00 on a Friday, each acknowledged at 09:00 on the Monday.
		for (let i = 0; i < 6; i++) await ask(a, '2026-11-13T15:00:00Z', 66 * 60);
		const counts = await boroughHelpCounts({ now: NOW, config });
		expect(rowOf(counts, 'Ash Primary').medianAck).toMatchObject({ value: 60, display: '1 h' });
	});

	it('hides a count of 1 to 5, and another school’s count so it cannot be worked out from the total', async () => {
		const a = await school('Ash Primary');
		const b = await school('Beech Primary');
		const c = await school('Cherry Primary');
		await askMany(a, 3);
		await askMany(b, 9);
		await askMany(c, 12);
		const counts = await boroughHelpCounts({ now: NOW, config });
		// Ash is hidden (3), and Beech, the next smallest, so that 24 − 12 does not give Ash away.
		expect(rowOf(counts, 'Ash Primary').requests).toEqual({
			value: null,
			display: '[c]',
			suppressed: true
		});
		expect(rowOf(counts, 'Beech Primary').requests).toMatchObject({
			value: null,
			display: '[c]',
			suppressed: true
		});
		// A hidden count hides its time too, however many requests that rests on.
		expect(rowOf(counts, 'Beech Primary').medianAck.display).toBe('[c]');
		expect(rowOf(counts, 'Cherry Primary').requests).toMatchObject({ value: 12, display: '12' });
		expect(counts.total.requests).toMatchObject({ value: 24, display: '24' });
		expect(counts.legend).toContain('[c]');
		// What the page receives holds no hidden count and nothing of a request.
		const sent = JSON.stringify(counts);
		expect(sent).not.toMatch(/"(count|base)"/);
		expect(sent).not.toContain('Canary');
		expect(sent).not.toContain('secret');
	});

	it('hides the borough total when a single school’s small count is all there is', async () => {
		const a = await school('Ash Primary');
		await school('Beech Primary');
		await askMany(a, 2);
		const counts = await boroughHelpCounts({ now: NOW, config });
		expect(rowOf(counts, 'Ash Primary').requests.display).toBe('[c]');
		expect(rowOf(counts, 'Beech Primary').requests.display).toBe('0');
		expect(counts.total.requests).toEqual({ value: null, display: '[c]', suppressed: true });
		expect(counts.total.medianAck.display).toBe('[c]');
	});

	it('hides a median resting on fewer than six acknowledged requests', async () => {
		const a = await school('Ash Primary');
		await askMany(a, 5, 15);
		await askMany(a, 3, null);
		const counts = await boroughHelpCounts({ now: NOW, config });
		expect(rowOf(counts, 'Ash Primary').requests.display).toBe('8');
		expect(rowOf(counts, 'Ash Primary').medianAck).toEqual({
			value: null,
			display: '[c]',
			suppressed: true
		});
	});

	it('lists every term from the first request to the current one, newest first', async () => {
		const a = await school('Ash Primary');
		await ask(a, '2026-02-10T10:00:00Z');
		const counts = await boroughHelpCounts({ termKey: 'not-a-term', now: NOW, config });
		expect(counts.terms.map((t) => t.label)).toEqual(['Autumn 2026', 'Summer 2026', 'Spring 2026']);
		// An unknown or future term shows the current one.
		expect(counts.term.label).toBe('Autumn 2026');
		const future = await boroughHelpCounts({ termKey: 'spring-2030', now: NOW, config });
		expect(future.term.label).toBe('Autumn 2026');
	});

	it('keeps counting a request after its words are removed, and leaves a closed school out', async () => {
		const a = await school('Ash Primary');
		const b = await school('Beech Primary');
		await askMany(a, 7);
		await askMany(b, 6);
		const id = await ask(a, '2026-11-16T10:00:00Z');
		await addHelpNote(
			a.dsl,
			a.schoolId,
			id,
			{ clientId: clientId(), kind: 'recorded' },
			new Date('2026-11-16T11:00:00Z'),
			{ ...config, textRetentionDays: 1 }
		);
		expect(await removeDueHelpText(new Date('2026-11-18T00:00:00Z'))).toBe(1);
		await ctx.handle.db
			.updateTable('schools')
			.set({ archived_at: '2026-11-20T00:00:00Z' })
			.where('id', '=', b.schoolId)
			.execute();
		const counts = await boroughHelpCounts({ now: NOW, config });
		expect(counts.schools.map((s) => s.name)).toEqual(['Ash Primary']);
		expect(rowOf(counts, 'Ash Primary').requests.value).toBe(8);
		expect(counts.total.requests.value).toBe(8);
	});
});

describe('schools without a safeguarding lead', () => {
	it('are the open schools where no account that can sign in holds the DSL or deputy role', async () => {
		const withDsl = await school('Ash Primary');
		const deputyOnly = await ctx.newSchool({ name: 'Beech Primary' });
		const deputy = await ctx.newStaff({ role: 'teacher', schoolId: deputyOnly });
		const turnedOff = await ctx.newSchool({ name: 'Cherry Primary' });
		const offDsl = await ctx.newStaff({ role: 'lead', schoolId: turnedOff });
		const nobody = await ctx.newSchool({ name: 'Damson Primary' });
		await ctx.newStaff({ role: 'lead', schoolId: nobody });
		const closed = await ctx.newSchool({ name: 'Elder Primary' });
		const db = ctx.handle.db;
		await db
			.updateTable('staff_users')
			.set({ safeguarding_role: 'deputy' })
			.where('id', '=', deputy)
			.execute();
		await db
			.updateTable('staff_users')
			.set({ safeguarding_role: 'dsl', disabled_at: '2026-11-01T00:00:00Z' })
			.where('id', '=', offDsl)
			.execute();
		await db
			.updateTable('schools')
			.set({ archived_at: '2026-11-01T00:00:00Z' })
			.where('id', '=', closed)
			.execute();
		const without = await schoolsWithoutSafeguardingLead();
		expect(without).toEqual([turnedOff, nobody]);
		expect(without).not.toContain(withDsl.schoolId);
	});
});
