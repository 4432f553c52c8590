// The demo borough's term of past lessons: every report has something true to show, and
// nothing in it could not have been written by the app itself.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase, type DB } from '../../src/lib/server/platform/db';
import { seedDemo } from '../../src/lib/server/demo/borough';
import { getLibrary, gradeAnswer } from '../../src/lib/server/lessons';
import { boroughDashboard } from '../../src/lib/server/reports/borough-dashboard';
import { classReport } from '../../src/lib/server/reports/class-report';
import { schoolSummary } from '../../src/lib/server/reports/school-report';
import {
	helpReadersOf,
	isOverdue,
	listHelpRequests,
	unacknowledgedHelp
} from '../../src/lib/server/safeguarding';
import { useTestDatabase } from './context';

const ctx = useTestDatabase();
// A Saturday late in the autumn term, and one three days into it.
const NOW = new Date('2026-11-28T14:00:00.000Z');
const EARLY = new Date('2026-09-07T07:30:00.000Z');

async function classOf(name: string) {
	return ctx.handle.db
		.selectFrom('classes as c')
		.innerJoin('schools as s', 's.id', 'c.school_id')
		.select(['c.id', 'c.school_id'])
		.where('c.name', '=', name)
		.executeTakeFirstOrThrow();
}

async function schoolIdOf(name: string): Promise<number> {
	const row = await ctx.handle.db
		.selectFrom('schools')
		.select('id')
		.where('name', '=', name)
		.executeTakeFirstOrThrow();
	return row.id;
}

/** Everything the history wrote, in a form two databases can be compared by. */
async function fingerprint(db: Kysely<DB>) {
	const tables = [
		'class_sessions',
		'class_session_pupils',
		'attendance',
		'progress',
		'answers',
		'paper_completions',
		'audit_events',
		'help_requests',
		'help_request_notes'
	] as const;
	const result: Record<string, { rows: number; digest: string }> = {};
	for (const table of tables) {
		const rows = await db.selectFrom(table).selectAll().execute();
		const text = JSON.stringify(rows.map((r) => JSON.stringify(r)).sort());
		result[table] = {
			rows: rows.length,
			digest: createHash('sha256').update(text).digest('hex')
		};
	}
	return result;
}

describe('the demo borough’s term of past lessons', () => {
	it('has a school that has not started and a school where every class has had every lesson', async () => {
		await seedDemo(ctx.handle.db, NOW);
		const lessons = getLibrary().lessons;
		const dashboard = await boroughDashboard();
		const school = (name: string) => dashboard.bySchool.find((s) => s.name === name)!;

		const tadley = school('Tadley Common Primary');
		expect(tadley.sessionsDelivered).toBe(0);
		// A zero count is never hidden.
		expect(tadley.reached).toMatchObject({ value: 0, suppressed: false });
		expect(dashboard.schoolsTakingPart).toBe(5);

		const overton = await schoolSummary(await schoolIdOf('Overton Mill Primary'));
		expect(overton.classes.map((c) => c.name)).toEqual(['Falcon', 'Otter']);
		for (const c of overton.classes) {
			const report = await classReport(c.classId, lessons);
			const delivered = new Set(
				report.sessions.filter((s) => s.present > 0).map((s) => s.lessonId)
			);
			expect([...delivered].sort(), c.name).toEqual(lessons.map((l) => l.id).sort());
			// In programme order: each lesson's first session before the next lesson's.
			const firsts = lessons.map(
				(l) => report.sessions.find((s) => s.lessonId === l.id)!.createdAt
			);
			expect([...firsts].sort(), c.name).toEqual(firsts);
		}

		// The rest are part way: more than one lesson, not all of them.
		for (const name of [
			'Loddon Vale Primary',
			'Kempshott Meadow Primary',
			'Whitchurch Fields Primary',
			'Popley Brook Primary'
		]) {
			const summary = await schoolSummary(await schoolIdOf(name));
			for (const c of summary.classes) {
				const report = await classReport(c.classId, lessons);
				const had = new Set(report.sessions.map((s) => s.lessonId));
				expect(had.size, `${name} ${c.name}`).toBeGreaterThanOrEqual(2);
				expect(had.size, `${name} ${c.name}`).toBeLessThan(lessons.length);
			}
		}
	});

	it('gives borough figures a term would: most pupils there, scores that rise, several weeks', async () => {
		await seedDemo(ctx.handle.db, NOW);
		const { totals, byWeek, bySchool, byLesson } = await boroughDashboard();
		expect(totals.attendance.value).toBeGreaterThanOrEqual(0.85);
		expect(totals.attendance.value).toBeLessThanOrEqual(0.99);
		expect(totals.averageScore.value).toBeGreaterThan(0.6);
		expect(totals.averageScore.value).toBeLessThan(0.95);
		expect(totals.gain.before.value).toBeGreaterThan(0.35);
		expect(totals.gain.after.value).toBeGreaterThan(totals.gain.before.value!);
		expect(totals.gain.change.value).toBeGreaterThan(0);
		expect(totals.completion.value).toBeGreaterThan(0.7);
		expect(totals.completion.value).toBeLessThan(1);
		expect(byWeek.length).toBeGreaterThanOrEqual(2);
		expect(byWeek.every((w) => /^\d{4}-W\d{2}$/.test(w.week) && w.sessions > 0)).toBe(true);
		// Enough pupils behind every started school's and every lesson's rates to show them.
		const started = bySchool.filter((x) => x.sessionsDelivered > 0);
		expect(started.length).toBeGreaterThan(0);
		for (const s of started) {
			expect(s.attendance.suppressed, s.name).toBe(false);
			expect(s.completion.suppressed, s.name).toBe(false);
			expect(s.gain.change.suppressed, s.name).toBe(false);
		}
		expect(byLesson).toHaveLength(getLibrary().lessons.length);
		for (const l of byLesson) expect(l.sessionsDelivered, l.lessonId).toBeGreaterThan(0);
	});

	it('leaves nothing open or in the future, and grades every answer as the lesson engine does', async () => {
		await seedDemo(ctx.handle.db, NOW);
		const db = ctx.handle.db;
		const now = NOW.toISOString();
		const sessions = await db.selectFrom('class_sessions').selectAll().execute();
		expect(sessions.length).toBeGreaterThan(20);
		for (const s of sessions) {
			expect(s.status).toBe('ended');
			for (const at of [s.created_at, s.started_at, s.ended_at, s.closes_at])
				if (at !== null) expect(at < now, `session ${s.id} ${at}`).toBe(true);
			expect(s.started_by).not.toBeNull();
			expect(getLibrary().getLesson(s.lesson_id)?.hash).toBe(s.lesson_hash);
		}
		const catchUps = sessions.filter((s) => s.audience === 'some');
		expect(catchUps.length).toBeGreaterThan(0);
		for (const s of catchUps) {
			expect(s.mode).toBe('self');
			expect(s.closes_at).not.toBeNull();
		}

		const byId = new Map(sessions.map((s) => [s.id, s]));
		const answers = await db.selectFrom('answers').selectAll().execute();
		expect(answers.length).toBeGreaterThan(1000);
		let liveChecks = 0;
		for (const a of answers) {
			const session = byId.get(a.session_id)!;
			const question = getLibrary()
				.getLesson(a.lesson_id)!
				.questions.find((q) => q.id === a.question_id)!;
			expect(session.lesson_id).toBe(a.lesson_id);
			expect(a.client_id).toMatch(/^[0-9a-f]{32}$/);
			const graded = gradeAnswer(question, JSON.parse(a.selected)).correct;
			expect(a.correct).toBe(graded === null ? null : graded ? 1 : 0);
			expect(a.answered_at < now).toBe(true);
			if (a.phase === 'pre') {
				expect(question.check && question.scored).toBe(true);
				// The check is before the lesson starts.
				if (session.mode === 'live') {
					expect(a.answered_at < session.started_at!).toBe(true);
					liveChecks++;
				}
			}
		}
		// Some live sessions' checks were answered, so the ordering above was tested.
		expect(liveChecks).toBeGreaterThan(0);
		for (const table of ['attendance', 'progress'] as const) {
			const latest = await db
				.selectFrom(table)
				.select((eb) => eb.fn.max('updated_at').as('at'))
				.executeTakeFirstOrThrow();
			expect(String(latest.at) < now, table).toBe(true);
		}
		expect((await db.selectFrom('paper_completions').selectAll().execute()).length).toBeGreaterThan(
			0
		);
	});

	it('keeps the classes that end-to-end tests start lessons with as they expect', async () => {
		await seedDemo(ctx.handle.db, NOW);
		const lessons = getLibrary().lessons;
		// Maple and Birch (Tadley Common) have had nothing.
		for (const name of ['Maple', 'Birch']) {
			const report = await classReport((await classOf(name)).id, lessons);
			expect(report.sessions, name).toEqual([]);
		}
		// Willow has history, but not the first lesson, and someone who missed a lesson.
		const willow = await classReport((await classOf('Willow')).id, lessons);
		expect(willow.sessions.length).toBeGreaterThan(0);
		expect(willow.sessions.map((s) => s.lessonId)).not.toContain(lessons[0].id);
		expect(willow.catchUp.length).toBeGreaterThan(0);
		expect(willow.catchUp[0].pupils.length).toBeGreaterThan(0);
		// Heron (reports.spec starts a catch-up there) has someone to catch up and no catch-up yet.
		const heron = await classReport((await classOf('Heron')).id, lessons);
		expect(heron.catchUp.length).toBeGreaterThan(0);
		expect(
			await ctx.handle.db
				.selectFrom('class_sessions')
				.select('id')
				.where('class_id', '=', heron.classId)
				.where('audience', '=', 'some')
				.execute()
		).toEqual([]);
	});

	it('is the same for the same day, and early in the term is squeezed into the days before it', async () => {
		await seedDemo(ctx.handle.db, NOW);
		const other = openDatabase(path.join(ctx.dir, 'second.db'));
		const early = openDatabase(path.join(ctx.dir, 'early.db'));
		try {
			await migrateToLatest(other.db);
			await seedDemo(other.db, NOW);
			const first = await fingerprint(ctx.handle.db);
			expect(first.answers.rows).toBeGreaterThan(1000);
			expect(await fingerprint(other.db)).toEqual(first);

			await migrateToLatest(early.db);
			await seedDemo(early.db, EARLY);
			const sessions = await early.db.selectFrom('class_sessions').selectAll().execute();
			expect(sessions.length).toBe(first.class_sessions.rows);
			for (const s of sessions)
				for (const at of [s.created_at, s.ended_at, s.closes_at])
					if (at !== null) expect(at < EARLY.toISOString(), at).toBe(true);
			const latest = await early.db
				.selectFrom('answers')
				.select((eb) => eb.fn.max('answered_at').as('at'))
				.executeTakeFirstOrThrow();
			expect(String(latest.at) < EARLY.toISOString()).toBe(true);
		} finally {
			await other.db.destroy();
			await early.db.destroy();
		}
	});

	it('gives every school a safeguarding lead, and Loddon Vale one calm request they have answered', async () => {
		await seedDemo(ctx.handle.db, NOW);
		const db = ctx.handle.db;
		const schools = await db.selectFrom('schools').select(['id', 'name']).execute();
		for (const school of schools) {
			const readers = await helpReadersOf(school.id);
			expect(readers.routedTo, school.name).toBe('dsl');
			expect(readers.people.map((p) => p.safeguarding_role)).toEqual(['dsl']);
		}
		const loddon = await schoolIdOf('Loddon Vale Primary');
		const requests = await db.selectFrom('help_requests').selectAll().execute();
		expect(requests).toHaveLength(1);
		const [request] = requests;
		expect(request).toMatchObject({
			school_id: loddon,
			class_id: (await classOf('Willow')).id,
			about: 'friend',
			urgency: 'soon',
			routed_to: 'dsl',
			closed_at: null
		});
		expect(request.message).toMatch(/unkind messages/);
		const dsl = await db
			.selectFrom('staff_users')
			.select(['id', 'safeguarding_role'])
			.where('email', '=', 'dsl.loddon-vale@demo.thinksafe.test')
			.executeTakeFirstOrThrow();
		expect(dsl.safeguarding_role).toBe('dsl');
		expect(request.acknowledged_by).toBe(dsl.id);
		expect(
			request.created_at < request.acknowledged_at! && request.acknowledged_at! < NOW.toISOString()
		).toBe(true);
		// Answered in time: nothing waits, nothing is red, and Concerns lists it as open.
		expect(isOverdue(request, NOW)).toBe(false);
		expect(await unacknowledgedHelp(loddon, NOW)).toEqual({ waiting: 0, overdue: 0 });
		const [listed] = await listHelpRequests(loddon, NOW);
		expect(listed).toMatchObject({ status: 'open', topics: ['unkind-messages'] });
		const notes = await db.selectFrom('help_request_notes').select(['kind', 'staff_id']).execute();
		expect(notes).toEqual([
			{ kind: 'acknowledged', staff_id: dsl.id },
			{ kind: 'spoke', staff_id: dsl.id }
		]);
		const audit = await db
			.selectFrom('audit_events')
			.select('action')
			.where('target_type', '=', 'help_request')
			.orderBy('at')
			.execute();
		expect(audit.map((a) => a.action)).toEqual([
			'help.requested',
			'help.viewed',
			'help.acknowledged',
			'help.spoke'
		]);
	});
});
