import { getClassSession } from '../../src/lib/server/teaching/class-sessions';
// /metrics on a real database: who may read it, and that its figures follow what happens.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GET } from '../../src/routes/metrics/+server';
import { submitAnswer } from '../../src/lib/server/teaching/answers';
import { createClassSession } from '../../src/lib/server/teaching/class-session-start';
import { getLibrary } from '../../src/lib/server/lessons';
import { eventStream } from '../../src/lib/server/platform/live';
import { forgetMetricsReaders } from '../../src/lib/server/platform/address-list';
import { metricsClientAddress, recordRequest } from '../../src/lib/server/platform/metrics';
import { useTestDatabase } from './context';

const ctx = useTestDatabase();
type Event = Parameters<typeof GET>[0];
const lesson = getLibrary().lessons[0];

/** A request for /metrics as adapter-node hands it over, from `address`. */
function from(address: string): Event {
	return { getClientAddress: () => address } as unknown as Event;
}

async function scrape(): Promise<string> {
	const response = await GET(from('127.0.0.1'));
	expect(response.status).toBe(200);
	return response.text();
}

/** The value of one series, e.g. figure(text, 'thinksafe_live_streams_open{audience="pupil"}'). */
function figure(text: string, series: string): number {
	const line = text.split('\n').find((l) => l.startsWith(`${series} `));
	if (!line) throw new Error(`no ${series} in the metrics`);
	return Number(line.slice(series.length + 1));
}

const savedAllow = process.env.METRICS_ALLOW;
afterEach(() => {
	if (savedAllow === undefined) delete process.env.METRICS_ALLOW;
	else process.env.METRICS_ALLOW = savedAllow;
	forgetMetricsReaders();
});

describe('who may read /metrics', () => {
	it('refuses an address that is not listed, and serves loopback by default', async () => {
		delete process.env.METRICS_ALLOW;
		forgetMetricsReaders();
		const refused = await GET(from('192.0.2.9'));
		expect(refused.status).toBe(403);
		expect(await refused.text()).toContain('METRICS_ALLOW');
		expect((await GET(from('::1'))).status).toBe(200);
		const served = await GET(from('127.0.0.1'));
		expect(served.headers.get('Content-Type')).toMatch(/^text\/plain; version=0\.0\.4/);
		expect(await served.text()).toContain('thinksafe_answers_stored');
	});

	it('serves the addresses the council lists, and then no longer loopback', async () => {
		process.env.METRICS_ALLOW = '10.20.0.0/16';
		forgetMetricsReaders();
		expect((await GET(from('10.20.30.40'))).status).toBe(200);
		expect((await GET(from('127.0.0.1'))).status).toBe(403);
	});

	it('refuses a request whose address cannot be known', async () => {
		const unknown = {
			getClientAddress: () => {
				throw new Error('Address header was specified but is absent from request');
			}
		} as unknown as Event;
		expect((await GET(unknown)).status).toBe(403);
	});
});

describe('the address asking, behind a proxy', () => {
	const throwing = () => {
		throw new Error('header absent or malformed');
	};
	const socket = { remoteAddress: '127.0.0.1' };

	it("is the connection's own address when the proxy's header is absent altogether", () => {
		const event = { getClientAddress: throwing, platform: { req: { headers: {}, socket } } };
		expect(metricsClientAddress(event, 'X-Forwarded-For')).toBe('127.0.0.1');
	});

	it('is unknown when the header is there but cannot be read, never the proxy itself', () => {
		const headers = { 'x-forwarded-for': '' };
		const event = { getClientAddress: throwing, platform: { req: { headers, socket } } };
		expect(metricsClientAddress(event, 'X-Forwarded-For')).toBeNull();
	});

	it("is the header's address when there is one", () => {
		const event = { getClientAddress: () => '198.51.100.7', platform: { req: { socket } } };
		expect(metricsClientAddress(event, 'X-Forwarded-For')).toBe('198.51.100.7');
	});
});

describe('the figures', () => {
	it('count an answer once it is stored', async () => {
		const { classId, teacher } = await ctx.newTeacherClass();
		const pupilId = await ctx.newPupil({ classId });
		const sessionId = await createClassSession(
			{ classId, lessonId: lesson.id, mode: 'live' },
			teacher
		);
		const before = figure(await scrape(), 'thinksafe_answers_stored');
		// The knowledge check, which a pupil answers in the lobby before the lesson starts.
		const q = lesson.questions.find((question) => question.check)!;
		const result = await submitAnswer({
			pupil: { id: pupilId, classId },
			session: (await getClassSession(sessionId))!,
			clientId: 'metrics-test-1',
			questionId: q.id,
			phase: 'pre',
			selected: [0]
		});
		expect(result.ok).toBe(true);
		expect(figure(await scrape(), 'thinksafe_answers_stored')).toBe(before + 1);
	});

	it('count live streams while they are open', async () => {
		const { classId, teacher } = await ctx.newTeacherClass();
		const pupilId = await ctx.newPupil({ classId });
		const sessionId = await createClassSession(
			{ classId, lessonId: lesson.id, mode: 'live' },
			teacher
		);
		const series = 'thinksafe_live_streams_open';
		const before = figure(await scrape(), series);
		const initial = { event: 'state', data: {} };
		const pupil = { kind: 'pupil', personId: pupilId, signInId: 'p1', classId } as const;
		const staff = { kind: 'staff', personId: teacher.id, signInId: 's1' } as const;
		const streams = [
			eventStream(sessionId, pupil, initial),
			eventStream(sessionId, staff, initial),
			eventStream(sessionId, staff, initial)
		];
		expect(streams.map((s) => s.status)).toEqual([200, 200, 200]);
		expect(figure(await scrape(), series)).toBe(before + 3);
		for (const stream of streams) await stream.body!.cancel();
		expect(figure(await scrape(), series)).toBe(before);
	});

	it("give the database's size on disk", async () => {
		const text = await scrape();
		const main = figure(text, 'thinksafe_database_bytes{file="main"}');
		const wal = figure(text, 'thinksafe_database_bytes{file="wal"}');
		expect(main).toBeGreaterThan(0);
		// The migrated schema alone is dozens of pages, wherever SQLite holds them just now.
		expect(main + wal).toBeGreaterThan(20 * 4096);
	});

	it('give the time of the last backup made with npm run db:backup, 0 before the first', async () => {
		expect(figure(await scrape(), 'thinksafe_last_backup_timestamp_seconds')).toBe(0);
		const copy = path.join(ctx.dir, 'backups', 'copy.db');
		const started = Date.now() / 1000;
		const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/backup.ts', copy], {
			env: { ...process.env, DATABASE_PATH: ctx.handle.path },
			encoding: 'utf8'
		});
		expect(run.stderr).toBe('');
		expect(run.status).toBe(0);
		// One self-contained file, nothing beside it for a clean-up job to leave behind.
		expect(fs.readdirSync(path.dirname(copy))).toEqual(['copy.db']);
		const text = await scrape();
		const at = figure(text, 'thinksafe_last_backup_timestamp_seconds');
		expect(at).toBeGreaterThanOrEqual(Math.floor(started));
		expect(at).toBeLessThanOrEqual(Date.now() / 1000);
		expect(figure(text, 'thinksafe_last_backup_bytes')).toBeGreaterThan(4096);
	});

	it('count requests by route and status, with their durations', async () => {
		const route = '/(pupil)/session/[sid=id]/answer';
		const series = `thinksafe_http_requests_total{method="POST",route="${route}",status="200"}`;
		const count = (text: string) => (text.includes(series) ? figure(text, series) : 0);
		const before = count(await scrape());
		recordRequest('POST', route, 200, 0.02);
		recordRequest('BREW', null, 418, 0.001);
		const text = await scrape();
		expect(count(text)).toBe(before + 1);
		expect(text).toContain(
			`thinksafe_http_request_duration_seconds_bucket{le="0.025",method="POST",route="${route}"}`
		);
		// An odd method or an unmatched path does not make a series of its own.
		expect(text).toContain('method="OTHER",route="unmatched",status="418"');
	});
});
