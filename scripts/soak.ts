// `npm run soak -- --minutes N --out FILE`: the built server on loopback with a whole borough
// (1,900 pupils in 63 live sessions) for N minutes (default 10, at most 60): every pupil holds
// a live stream, the borough answers about 126 times a second, and every teacher moves their
// class on every 30 seconds. The server's resident memory is sampled every 5 seconds; the JSON
// says whether it stayed under the goal and flat, and that every acknowledged answer is stored.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { openDatabase } from '../src/lib/server/platform/db';
import { getLibrary } from '../src/lib/server/lessons';
import { buildIfStale } from './build-if-stale';
import { arg, ORIGIN, openStream, post, prepare, PUPILS, startServer } from './load-borough';

const RATE_PER_S = 126;
const TEACHER_EVERY_MS = 30_000;
const SAMPLE_EVERY_MS = 5_000;
/** The goals of issue #14: under this with every pupil live, and flat within 10 %. */
const GOAL_MB = 300;
const FLAT = 0.1;

/** The server's own heap figures from /metrics (loopback may read it): what RSS is made of. */
function heapMb(): Promise<{ heap_used_mb: number; heap_total_mb: number; external_mb: number }> {
	return new Promise((resolve) => {
		http
			.get(`${ORIGIN}/metrics`, (res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (c: string) => (text += c));
				res.on('end', () => {
					const mb = (name: string) =>
						Math.round(
							(Number(new RegExp(`^${name} ([0-9.e+]+)`, 'm').exec(text)?.[1] ?? NaN) /
								1024 /
								1024) *
								10
						) / 10;
					resolve({
						heap_used_mb: mb('nodejs_heap_size_used_bytes'),
						heap_total_mb: mb('nodejs_heap_size_total_bytes'),
						external_mb: mb('nodejs_external_memory_bytes')
					});
				});
			})
			.on('error', () => resolve({ heap_used_mb: NaN, heap_total_mb: NaN, external_mb: NaN }));
	});
}

function rssMb(pid: number): number {
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
	return Math.round((kb / 1024) * 10) / 10;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/**
 * Sends an answer once more if the connection failed (a kept-alive socket the server had
 * just closed), as a pupil's device does: the client id makes the retry safe.
 */
async function sendAnswer(
	pupil: { cookie: string; sessionId: number },
	body: string
): Promise<{ status: number; created: boolean }> {
	const first = await sendOnce(pupil, body);
	return first.status === 0 ? sendOnce(pupil, body) : first;
}

function sendOnce(
	pupil: { cookie: string; sessionId: number },
	body: string
): Promise<{ status: number; created: boolean }> {
	return new Promise((resolve) => {
		const req = http.request(
			`${ORIGIN}/session/${pupil.sessionId}/answer`,
			{
				method: 'POST',
				agent,
				headers: {
					cookie: pupil.cookie,
					origin: ORIGIN,
					'content-type': 'application/json',
					'content-length': Buffer.byteLength(body)
				}
			},
			(res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (c: string) => (text += c));
				res.on('end', () => {
					let created = false;
					try {
						created = (JSON.parse(text) as { created?: boolean }).created === true;
					} catch {
						// Counted as an error by its status.
					}
					resolve({ status: res.statusCode ?? 0, created });
				});
			}
		);
		req.on('error', () => resolve({ status: 0, created: false }));
		req.end(body);
	});
}

async function main() {
	const minutes = Math.min(60, Math.max(1, Number(arg('--minutes') ?? 10)));
	const out = arg('--out');
	buildIfStale();
	console.log(`Preparing a borough of ${PUPILS} pupils…`);
	const setup = await prepare();
	const lesson = getLibrary().lessons[0];
	const last = lesson.steps.length - 1;
	// Questions open whichever of the last two steps the teachers are on.
	const open = lesson.questions.filter(
		(q) => lesson.steps.findIndex((s) => s.id === q.stepId) <= last - 1
	);
	const server = await startServer(setup.dbPath);
	const pid = server.pid!;
	type Sample = { s: number; rss_mb: number } & Awaited<ReturnType<typeof heapMb>>;
	const samples: Sample[] = [];
	const sample = async () =>
		samples.push({
			s: Math.round((Date.now() - started) / 1000),
			rss_mb: rssMb(pid),
			...(await heapMb())
		});
	const counts = { sent: 0, acknowledged: 0, repeats: 0, errors: 0, events: 0, moves: 0 };
	const errorStatuses: Record<string, number> = {};
	const started = Date.now();
	try {
		const streams = setup.pupils.map((p) => openStream(p, () => counts.events++));
		await Promise.all(streams.map((s) => s.ready));
		console.log(`${streams.length} live streams open; soaking for ${minutes} minutes…`);
		await sample();
		let n = 0;
		const inFlight = new Set<Promise<void>>();
		const answerTimer = setInterval(() => {
			// A tenth of a second's answers, spread over the borough's pupils and questions.
			for (let k = 0; k < RATE_PER_S / 10; k++) {
				const i = n++;
				const pupil = setup.pupils[i % setup.pupils.length];
				const q = open[Math.floor(i / setup.pupils.length) % open.length];
				const body = JSON.stringify({
					clientId: `soak-${String(i).padStart(8, '0')}`,
					questionId: q.id,
					phase: 'main',
					selected: [0]
				});
				counts.sent++;
				const done = sendAnswer(pupil, body).then(({ status, created }) => {
					if (status !== 200) {
						counts.errors++;
						errorStatuses[status] = (errorStatuses[status] ?? 0) + 1;
					} else if (created) counts.acknowledged++;
					else counts.repeats++;
				});
				inFlight.add(done);
				void done.finally(() => inFlight.delete(done));
			}
		}, 100);
		let step = last;
		const teacherTimer = setInterval(() => {
			step = step === last ? last - 1 : last;
			for (const t of setup.teachers)
				void post(`/sessions/${t.sessionId}?/step`, t.cookie, { to: String(step) }).then(
					(status) => (status >= 400 ? counts.errors++ : counts.moves++)
				);
		}, TEACHER_EVERY_MS);
		const sampleTimer = setInterval(() => void sample(), SAMPLE_EVERY_MS);
		await new Promise((r) => setTimeout(r, minutes * 60_000));
		clearInterval(answerTimer);
		clearInterval(teacherTimer);
		clearInterval(sampleTimer);
		await Promise.all([...inFlight]);
		await sample();
		streams.forEach((s) => s.close());
	} finally {
		server.kill('SIGTERM');
		await new Promise((r) => server.once('exit', r));
		agent.destroy();
	}
	const handle = openDatabase(setup.dbPath);
	const stored = (handle.sqlite.prepare('select count(*) as n from answers').get() as { n: number })
		.n;
	handle.sqlite.close();
	fs.rmSync(setup.dir, { recursive: true, force: true });

	// "Flat": the last minute's mean within 10 % of the mean of the minute after warming up.
	const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
	const early = mean(samples.filter((x) => x.s >= 60 && x.s < 120).map((x) => x.rss_mb));
	const late = mean(samples.filter((x) => x.s >= minutes * 60 - 60).map((x) => x.rss_mb));
	const peak = Math.max(...samples.map((x) => x.rss_mb));
	const report = {
		minutes,
		pupils: setup.pupils.length,
		answers: { rate_per_s: RATE_PER_S, ...counts, stored, error_statuses: errorStatuses },
		rss_mb: {
			start: samples[0]?.rss_mb,
			after_warm_up: Math.round(early * 10) / 10,
			last_minute: Math.round(late * 10) / 10,
			peak,
			goal: GOAL_MB,
			under_goal: peak < GOAL_MB,
			flat: early > 0 && Math.abs(late - early) / early <= FLAT,
			samples
		},
		machine: { node: process.version },
		at: new Date().toISOString()
	};
	console.log(
		`sent ${counts.sent}, acknowledged ${counts.acknowledged}, stored ${stored}, errors ${counts.errors}; ` +
			`RSS ${report.rss_mb.start} → ${report.rss_mb.last_minute} MB (peak ${peak})`
	);
	if (out) {
		fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
		fs.writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
		console.log(`Wrote ${out}`);
	}
	if (stored < counts.acknowledged) process.exitCode = 1;
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
