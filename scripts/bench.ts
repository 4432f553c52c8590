// `npm run bench -- --out FILE`: the built server on loopback with a fresh database of a
// whole borough (1,900 pupils in 63 live sessions), measuring in one run:
//   ceiling — the cheapest signed-in request; answers — every pupil answering every
//   question as fast as the server allows, each response checked; sync — 1,900
//   EventSource clients and the time from a teacher's "next" to each receiving it;
//   and the server's peak resident memory.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { createPupilSession, createStaffSession } from '../src/lib/server/auth/session';
import { migrateToLatest, openDatabase, useHandle, closeDatabase } from '../src/lib/server/db';
import { setLiveStep, startSession, getSession } from '../src/lib/server/deliveries';
import { getLibrary } from '../src/lib/server/lessons';
import { joinSession } from '../src/lib/server/progress';
import { BUILD_MARKER, buildIfStale } from './build-if-stale';
import { buildBorough } from './bench/borough';

const PUPILS = 1900;
const CLASSES = 63;
const SCHOOLS = 40;
const PORT = Number(process.env.BENCH_PORT ?? 4600);
const ORIGIN = `http://127.0.0.1:${PORT}`;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);

function arg(name: string): string | undefined {
	const i = process.argv.indexOf(name);
	return i >= 0 ? process.argv[i + 1] : undefined;
}

interface Setup {
	dir: string;
	dbPath: string;
	pupils: { cookie: string; sessionId: number }[];
	teachers: { cookie: string; sessionId: number }[];
	questions: { id: string; selected: number[] }[];
}

async function prepare(): Promise<Setup> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thinksafe-bench-'));
	const dbPath = path.join(dir, 'bench.db');
	const handle = openDatabase(dbPath);
	await migrateToLatest(handle.db);
	useHandle(handle);
	const borough = buildBorough(handle, { schools: SCHOOLS, classes: CLASSES, pupils: PUPILS });
	const lesson = getLibrary().lessons[0];
	const setup: Setup = { dir, dbPath, pupils: [], teachers: [], questions: [] };
	setup.questions = lesson.questions.map((q) => ({
		id: q.id,
		selected: [
			Math.max(
				0,
				q.options.findIndex((o) => o.correct)
			)
		]
	}));
	for (const cls of borough.classes) {
		const teacher = {
			kind: 'staff' as const,
			id: cls.teacherId,
			email: '',
			displayName: '',
			role: 'teacher' as const,
			schoolId: cls.schoolId,
			sessionId: ''
		};
		const sessionId = await startSession(
			{ classId: cls.id, lessonId: lesson.id, mode: 'live' },
			teacher
		);
		const session = (await getSession(sessionId))!;
		// On the last step: every question is open (a live question opens at its step), so
		// the answer phase may send any of them.
		await setLiveStep(session, lesson.steps.length - 1);
		const staff = await createStaffSession(cls.teacherId);
		setup.teachers.push({ cookie: `ts-staff=${staff.token}`, sessionId });
		for (const pupilId of cls.pupilIds) {
			await joinSession(session, pupilId);
			const { token } = await createPupilSession(pupilId);
			setup.pupils.push({ cookie: `ts-pupil=${token}`, sessionId });
		}
	}
	await closeDatabase();
	return setup;
}

function startServer(dbPath: string): Promise<ChildProcess> {
	const child = spawn(process.execPath, [BUILD_MARKER], {
		env: {
			...process.env,
			DATABASE_PATH: dbPath,
			HOST: '127.0.0.1',
			PORT: String(PORT),
			ORIGIN,
			SHUTDOWN_TIMEOUT: '1'
		},
		stdio: ['ignore', 'ignore', 'inherit']
	});
	return new Promise((resolve, reject) => {
		const deadline = Date.now() + 30_000;
		const poll = () => {
			http
				.get(`${ORIGIN}/healthz`, (res) => {
					res.resume();
					if (res.statusCode === 200) resolve(child);
					else setTimeout(poll, 200);
				})
				.on('error', () =>
					Date.now() > deadline ? reject(new Error('server did not start')) : setTimeout(poll, 200)
				);
		};
		poll();
	});
}

function peakRssMb(pid: number): number {
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
	return Math.round((kb / 1024) * 10) / 10;
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
		per_s: Math.round(result.requests.average),
		p99_ms: result.latency.p99,
		errors: result.errors + result.non2xx + bad
	};
}

async function answers(setup: Setup) {
	const work = setup.pupils.flatMap((p, n) =>
		setup.questions.map((q) => ({
			...p,
			body: JSON.stringify({
				clientId: `bench-${n}-${q.id}`.slice(0, 64),
				questionId: q.id,
				phase: 'main',
				selected: q.selected
			})
		}))
	);
	let next = 0;
	let acknowledged = 0;
	let bad = 0;
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
		per_s: Math.round(result.requests.average),
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

/** Opens one EventSource-style stream; resolves `ready` after the first event. */
function openStream(
	pupil: { cookie: string; sessionId: number },
	onState: (step: number, at: number) => void
) {
	let ready!: () => void;
	const readyPromise = new Promise<void>((r) => (ready = r));
	const req = http.get(
		`${ORIGIN}/session/${pupil.sessionId}/events`,
		{ headers: { cookie: pupil.cookie, accept: 'text/event-stream' }, agent: false },
		(res) => {
			res.setEncoding('utf8');
			let buffer = '';
			res.on('data', (chunk: string) => {
				const at = performance.now();
				buffer += chunk;
				let end: number;
				while ((end = buffer.indexOf('\n\n')) >= 0) {
					const frame = buffer.slice(0, end);
					buffer = buffer.slice(end + 2);
					const data = /^data: (.*)$/m.exec(frame)?.[1];
					if (data && /^event: state$/m.test(frame)) {
						onState((JSON.parse(data) as { currentStep: number }).currentStep, at);
						ready();
					}
				}
			});
		}
	);
	req.on('error', () => ready());
	return { ready: readyPromise, close: () => req.destroy() };
}

function post(pathname: string, cookie: string, form: Record<string, string>): Promise<number> {
	const body = new URLSearchParams(form).toString();
	return new Promise((resolve, reject) => {
		const req = http.request(
			`${ORIGIN}${pathname}`,
			{
				method: 'POST',
				headers: {
					cookie,
					origin: ORIGIN,
					'content-type': 'application/x-www-form-urlencoded',
					'content-length': Buffer.byteLength(body),
					accept: 'application/json',
					'x-sveltekit-action': 'true'
				}
			},
			(res) => {
				res.resume();
				resolve(res.statusCode ?? 0);
			}
		);
		req.on('error', reject);
		req.end(body);
	});
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
		console.log('Measuring answers…');
		const answered = await answers(setup);
		const stored = countStored(setup.dbPath);
		console.log('Measuring sync (1,900 EventSource clients)…');
		const synced = await sync(setup);
		const rss_mb = peakRssMb(server.pid!);
		const report = {
			ceiling: { per_s: top.per_s, p99_ms: top.p99_ms },
			answers: { ...answered, stored },
			ratio: Math.round((answered.per_s / top.per_s) * 100) / 100,
			sync: synced,
			rss_mb,
			machine: { cpus: os.cpus().length, node: process.version },
			at: new Date().toISOString()
		};
		console.table({
			ceiling: { 'req/s': top.per_s, 'p99 ms': top.p99_ms, errors: top.errors },
			answers: { 'req/s': answered.per_s, 'p99 ms': answered.p99_ms, errors: answered.errors },
			sync: { 'req/s': '', 'p99 ms': synced.p99_ms, errors: synced.clients - synced.received }
		});
		console.log(
			`acknowledged ${answered.acknowledged}, stored ${stored}; ratio ${report.ratio}; peak RSS ${rss_mb} MB`
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
