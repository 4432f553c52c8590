// `npm run bench -- --out FILE`: the built server on loopback with a fresh database of a
// whole borough (1,900 pupils in 63 live sessions), measuring in one run:
//   ceiling — the cheapest signed-in request; answers at a classroom's rate — every
//   pupil answering one question, 200 a second whatever the replies (open loop); answers —
//   every pupil answering every other question as fast as the server allows, each response
//   checked; sync — 1,900
//   EventSource clients and the time from a teacher's "next" to each receiving it;
//   and the server's peak resident memory.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { openDatabase } from '../src/lib/server/platform/db';
import { buildIfStale } from './build-if-stale';
import {
	arg,
	CLASSES,
	openStream,
	ORIGIN,
	peakRssMb,
	post,
	prepare,
	PUPILS,
	startServer,
	type Setup
} from './load-borough';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const OPEN_LOOP_RATE = Number(process.env.BENCH_OPEN_RATE ?? 200);

/**
 * Requests a second over a run of fixed duration. Not autocannon's `requests.average`, the
 * mean of its one-second samples, which counts a last part of a second as a whole one.
 */
function perSecond(result: autocannon.Result): number {
	return Math.round(result.requests.total / result.duration);
}

async function ceiling(setup: Setup) {
	let i = 0;
	let bad = 0;
	const result = await autocannon({
		url: ORIGIN,
		connections: CONNECTIONS,
		duration: 10,
		requests: [
			{
				method: 'GET',
				path: '/api/session',
				setupRequest: (req) => ({
					...req,
					headers: { ...req.headers, cookie: setup.pupils[i++ % setup.pupils.length].cookie }
				}),
				onResponse: (status, body) => {
					if (status !== 200 || !body.includes('"pupil"')) bad++;
				}
			}
		]
	});
	return {
		per_s: perSecond(result),
		p99_ms: result.latency.p99,
		errors: result.errors + result.non2xx + bad
	};
}

type AnswerWork = { cookie: string; sessionId: number; body: string }[];

/** Every pupil's answer to each of `questions` (indexes into the lesson's scored questions). */
function answerWork(setup: Setup, questions: (q: number) => boolean): AnswerWork {
	return setup.pupils.flatMap((p, n) =>
		setup.questions
			.filter((_, i) => questions(i))
			.map((q) => ({
				...p,
				body: JSON.stringify({
					clientId: `bench-${n}-${q.id}`.slice(0, 64),
					questionId: q.id,
					phase: 'main',
					selected: q.selected
				})
			}))
	);
}

/**
 * Answers sent one every 1/rate seconds whatever the replies (open loop: a class answering,
 * not a queue of clients), each timed from its own send; a failed connection is sent again
 * once, as a device does (the client id makes that safe).
 */
async function answersPaced(work: AnswerWork, rate: number) {
	const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
	const latencies: number[] = [];
	let errors = 0;
	let acknowledged = 0;
	const send = (item: AnswerWork[number]) =>
		new Promise<number>((resolve) => {
			const req = http.request(
				`${ORIGIN}/session/${item.sessionId}/answer`,
				{
					method: 'POST',
					agent,
					headers: {
						cookie: item.cookie,
						origin: ORIGIN,
						'content-type': 'application/json',
						'content-length': Buffer.byteLength(item.body)
					}
				},
				(res) => {
					let text = '';
					res.setEncoding('utf8');
					res.on('data', (c: string) => (text += c));
					res.on('end', () => {
						if (res.statusCode === 200 && text.includes('"created":true')) acknowledged++;
						resolve(res.statusCode ?? 0);
					});
				}
			);
			req.on('error', () => resolve(0));
			req.end(item.body);
		});
	const started = performance.now();
	const pending: Promise<void>[] = [];
	for (const [i, item] of work.entries()) {
		const due = started + (i * 1000) / rate;
		const wait = due - performance.now();
		if (wait > 0) await new Promise((r) => setTimeout(r, wait));
		const at = performance.now();
		pending.push(
			send(item)
				.then((status) => (status === 0 ? send(item) : status))
				.then((status) => {
					latencies.push(performance.now() - at);
					if (status !== 200) errors++;
				})
		);
	}
	await Promise.all(pending);
	agent.destroy();
	latencies.sort((a, b) => a - b);
	const pct = (p: number) =>
		Math.round(
			latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] * 10
		) / 10;
	return { requests: work.length, p50_ms: pct(50), p99_ms: pct(99), errors, acknowledged };
}

/**
 * Answers as fast as CONNECTIONS clients can send them (closed loop).
 */
async function answers(setup: Setup, work: AnswerWork) {
	let next = 0;
	let acknowledged = 0;
	let bad = 0;
	// Timed here: autocannon ends a run of a fixed number of requests only at its next
	// one-second tick, so its own duration is rounded up to whole seconds.
	const started = performance.now();
	let finished = started;
	const result = await autocannon({
		url: ORIGIN,
		connections: CONNECTIONS,
		amount: work.length,
		timeout: 30,
		requests: [
			{
				method: 'POST',
				setupRequest: (req) => {
					const item = work[next++ % work.length];
					return {
						...req,
						path: `/session/${item.sessionId}/answer`,
						headers: {
							...req.headers,
							cookie: item.cookie,
							'content-type': 'application/json',
							origin: ORIGIN
						},
						body: item.body
					};
				},
				onResponse: (status, body) => {
					finished = performance.now();
					try {
						const parsed = JSON.parse(body) as { ok?: boolean; created?: boolean };
						if (status === 200 && parsed.ok) {
							if (parsed.created !== false) acknowledged++;
						} else bad++;
					} catch {
						bad++;
					}
				}
			}
		]
	});
	return {
		clients: setup.pupils.length,
		requests: work.length,
		per_s: Math.round(result.requests.total / ((finished - started) / 1000)),
		p50_ms: result.latency.p50,
		p99_ms: result.latency.p99,
		errors: result.errors + result.timeouts + result.non2xx + bad,
		acknowledged
	};
}

function countStored(dbPath: string): number {
	const handle = openDatabase(dbPath);
	const n = (handle.sqlite.prepare('select count(*) as n from answers').get() as { n: number }).n;
	handle.sqlite.close();
	return n;
}

async function sync(setup: Setup) {
	const sentAt = new Map<number, number>();
	const latencies: number[] = [];
	const streams = setup.pupils.map((pupil) =>
		openStream(pupil, (step, at) => {
			const sent = sentAt.get(pupil.sessionId);
			if (sent !== undefined && step === 1) latencies.push(at - sent);
		})
	);
	await Promise.all(streams.map((s) => s.ready));
	const statuses: number[] = [];
	await Promise.all(
		setup.teachers.map(async (t) => {
			sentAt.set(t.sessionId, performance.now());
			statuses.push(await post(`/sessions/${t.sessionId}?/step`, t.cookie, { to: '1' }));
		})
	);
	const deadline = Date.now() + 10_000;
	while (latencies.length < setup.pupils.length && Date.now() < deadline)
		await new Promise((r) => setTimeout(r, 20));
	streams.forEach((s) => s.close());
	latencies.sort((a, b) => a - b);
	const pct = (p: number) =>
		Math.round(
			(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN) *
				10
		) / 10;
	return {
		clients: setup.pupils.length,
		received: latencies.length,
		teacher_errors: statuses.filter((s) => s >= 400).length,
		p50_ms: pct(50),
		p99_ms: pct(99)
	};
}

async function main() {
	const out = arg('--out');
	buildIfStale();
	console.log(`Preparing a borough of ${PUPILS} pupils in ${CLASSES} live sessions…`);
	const setup = await prepare();
	const server = await startServer(setup.dbPath);
	try {
		console.log('Measuring the ceiling (cheapest signed-in request)…');
		const top = await ceiling(setup);
		// A year group answering one question within ten seconds: about 200 a second.
		console.log(`Measuring answers at ${OPEN_LOOP_RATE} a second (open loop)…`);
		const steady = await answersPaced(
			answerWork(setup, (i) => i === 0),
			OPEN_LOOP_RATE
		);
		console.log('Measuring answers (closed loop, as fast as they can go)…');
		const answered = await answers(
			setup,
			answerWork(setup, (i) => i > 0)
		);
		const stored = countStored(setup.dbPath);
		console.log('Measuring sync (1,900 EventSource clients)…');
		const synced = await sync(setup);
		const rss_mb = peakRssMb(server.pid!);
		const report = {
			ceiling: { per_s: top.per_s, p99_ms: top.p99_ms },
			answers: { ...answered, stored },
			answers_open_loop: {
				rate_per_s: OPEN_LOOP_RATE,
				requests: steady.requests,
				p50_ms: steady.p50_ms,
				p99_ms: steady.p99_ms,
				errors: steady.errors
			},
			ratio: Math.round((answered.per_s / top.per_s) * 100) / 100,
			sync: synced,
			rss_mb,
			machine: { cpus: os.cpus().length, node: process.version },
			at: new Date().toISOString()
		};
		console.table({
			ceiling: { 'req/s': top.per_s, 'p99 ms': top.p99_ms, errors: top.errors },
			'answers, open loop': {
				'req/s': OPEN_LOOP_RATE,
				'p99 ms': steady.p99_ms,
				errors: steady.errors
			},
			answers: { 'req/s': answered.per_s, 'p99 ms': answered.p99_ms, errors: answered.errors },
			sync: { 'req/s': '', 'p99 ms': synced.p99_ms, errors: synced.clients - synced.received }
		});
		console.log(
			`acknowledged ${steady.acknowledged + answered.acknowledged}, stored ${stored}; ratio ${report.ratio}; peak RSS ${rss_mb} MB`
		);
		if (out) {
			fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
			fs.writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
			console.log(`Wrote ${out}`);
		}
	} finally {
		server.kill('SIGTERM');
		fs.rmSync(setup.dir, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
