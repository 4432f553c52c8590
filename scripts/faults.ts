// `npx tsx scripts/faults.ts [lock|disk|kill|all] [--out FILE]`: three of issue #14's fault tests
// against the real server (`npm start`'s script) on loopback, with the demo borough's
// current classes in live lessons answering about 50 times a second. Bounded: about 25 s
// each, then the server is stopped and its temporary folder removed.
// - lock: another connection (standing for sqlite3 at a prompt, a restore, a migration)
//   holds the write lock for 10 s. Measured: /healthz and a teacher's page during it, how
//   long answers waited, and that every acknowledged answer is stored.
// - disk: the server can write nothing for 15 s: its file-size limit is lowered to one byte
//   (prlimit; no root, no real disk to fill), so every write fails as on a full disk (SQLite
//   says SQLITE_IOERR_WRITE here; a real full disk says SQLITE_FULL). Measured: how soon
//   /healthz says so, what answers and a pupil's lesson page get, what the log says, how
//   soon it recovers once writes work again, and that nothing acknowledged is lost (refused
//   answers are sent again with the same id, as the device does).
// - kill: the server is killed with SIGKILL ten times, each at a random moment while the
//   class answers 200 times a second (commits run on the database's write thread, so a kill
//   lands mid-commit as often as not), and started again. Measured: that every answer
//   acknowledged before a kill is stored, and the file's integrity check.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createPupilSession, createStaffSession } from '../src/lib/server/auth/session';
import {
	closeDatabase,
	migrateToLatest,
	openDatabase,
	useHandle
} from '../src/lib/server/platform/db';
import { getClassSession } from '../src/lib/server/teaching/class-sessions';
import { setLiveStep } from '../src/lib/server/teaching/live-state';
import { createClassSession } from '../src/lib/server/teaching/class-session-start';
import { seedDemo } from '../src/lib/server/demo';
import { getLibrary } from '../src/lib/server/lessons';
import { buildIfStale } from './build-if-stale';

const RATE_PER_S = 50;
const LOCK_HOLD_MS = 10_000;
const DISK_FULL_MS = 15_000;
const BEFORE_MS = 3_000;
const AFTER_MS = 5_000;
const KILLS = 10;
const KILL_RATE_PER_S = 200;

interface Pupil {
	id: number;
	cookie: string;
	sessionId: number;
	/** Their lesson's questions, and how many they have answered. */
	questions: string[];
	next: number;
}

interface World {
	dir: string;
	file: string;
	pupils: Pupil[];
	/** Pupils signed in but not yet in their lesson: opening it is a write. */
	newcomers: Pupil[];
	teacherCookie: string;
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.once('error', reject);
		probe.listen({ host: '127.0.0.1', port: 0 }, () => {
			const { port } = probe.address() as net.AddressInfo;
			probe.close(() => resolve(port));
		});
	});
}

async function prepareWorld(): Promise<World> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thinksafe-faults-'));
	const file = path.join(dir, 'faults.db');
	const handle = openDatabase(file);
	useHandle(handle);
	await migrateToLatest(handle.db);
	await seedDemo(handle.db);
	const lessons = getLibrary().lessons;
	const classes = await handle.db
		.selectFrom('classes')
		.innerJoin('class_teachers', 'class_teachers.class_id', 'classes.id')
		.innerJoin('staff_users', 'staff_users.id', 'class_teachers.user_id')
		.select(['classes.id', 'classes.school_id', 'staff_users.id as teacher_id'])
		.where('classes.archived_at', 'is', null)
		.execute();
	const world: World = { dir, file, pupils: [], newcomers: [], teacherCookie: '' };
	for (const cls of classes) {
		const teacher = {
			kind: 'staff' as const,
			id: cls.teacher_id,
			email: '',
			displayName: '',
			role: 'teacher' as const,
			schoolId: cls.school_id,
			sessionId: ''
		};
		// A lesson the class has not had, so that every answer is its pupils' first.
		const had = await handle.db
			.selectFrom('class_sessions')
			.select('lesson_id')
			.where('class_id', '=', cls.id)
			.execute();
		const lesson = lessons.find((l) => !had.some((h) => h.lesson_id === l.id));
		if (!lesson) continue;
		let sessionId: number;
		try {
			sessionId = await createClassSession(
				{ classId: cls.id, lessonId: lesson.id, mode: 'live' },
				teacher
			);
		} catch {
			continue; // a class with a lesson running already
		}
		// The last step: every question is open.
		await setLiveStep((await getClassSession(sessionId))!, lesson.steps.length - 1);
		world.teacherCookie ||= `ts-staff=${(await createStaffSession(cls.teacher_id)).token}`;
		const pupils = await handle.db
			.selectFrom('pupils')
			.select('id')
			.where('class_id', '=', cls.id)
			.where('archived_at', 'is', null)
			.execute();
		for (const [i, { id }] of pupils.entries()) {
			const pupil = {
				id,
				cookie: `ts-pupil=${(await createPupilSession(id)).token}`,
				sessionId,
				questions: lesson.questions.map((q) => q.id),
				next: 0
			};
			(i === 0 ? world.newcomers : world.pupils).push(pupil);
		}
	}
	await closeDatabase();
	return world;
}

interface Server {
	child: ChildProcess;
	origin: string;
	log: () => string;
}

async function startServer(world: World): Promise<Server> {
	const port = await freePort();
	const origin = `http://127.0.0.1:${port}`;
	const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
		env: {
			...process.env,
			DATABASE_PATH: world.file,
			HOST: '127.0.0.1',
			PORT: String(port),
			ORIGIN: '',
			DEMO: '0',
			THINKSAFE_SKIP_BUILD: '1',
			SHUTDOWN_TIMEOUT: '2'
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let log = '';
	child.stdout?.on('data', (d) => (log += d));
	child.stderr?.on('data', (d) => (log += d));
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`the server stopped:\n${log}`);
		const health = await get(origin, '/healthz').catch(() => undefined);
		if (health?.status === 200) return { child, origin, log: () => log };
		await sleep(200);
	}
	child.kill('SIGKILL');
	throw new Error(`the server did not start:\n${log}`);
}

function stopServer(server: Server, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
	return new Promise((resolve) => {
		if (server.child.exitCode !== null) return resolve();
		server.child.once('exit', () => resolve());
		server.child.kill(signal);
	});
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

interface Reply {
	status: number;
	ms: number;
	retryAfter?: string;
	body?: string;
}

function request(
	origin: string,
	pathname: string,
	options: { method?: string; cookie?: string; body?: string } = {}
): Promise<Reply> {
	const started = performance.now();
	return new Promise((resolve, reject) => {
		const req = http.request(
			`${origin}${pathname}`,
			{
				method: options.method ?? 'GET',
				// Answers share a pool of connections, as a school's devices share the Wi-Fi; the
				// health and page probes go on their own, as a monitor's do.
				agent: options.body ? agent : false,
				headers: {
					...(options.cookie ? { cookie: options.cookie } : {}),
					...(options.body
						? {
								origin,
								'content-type': 'application/json',
								accept: 'application/json',
								'content-length': Buffer.byteLength(options.body)
							}
						: {})
				}
			},
			(res) => {
				let body = '';
				res.setEncoding('utf8');
				res.on('data', (chunk: string) => (body += chunk));
				res.on('end', () =>
					resolve({
						status: res.statusCode ?? 0,
						ms: performance.now() - started,
						retryAfter: res.headers['retry-after'],
						body
					})
				);
			}
		);
		req.on('error', reject);
		req.end(options.body);
	});
}

function get(origin: string, pathname: string, cookie?: string): Promise<Reply> {
	return request(origin, pathname, { cookie });
}

/** The answering class: sends answers at RATE_PER_S until stopped; keeps what was refused. */
class Answering {
	/** Answers the server said it stored (created: the pupil's first to that question). */
	acknowledged = new Set<string>();
	/** Refused with a status a device keeps the answer for (503), to send again. */
	kept: { pupil: Pupil; body: string; clientId: string }[] = [];
	statuses = new Map<number, number>();
	resent = new Map<number, number>();
	/** 200 but not stored anew: never expected here (each pupil answers each question once). */
	notCreated = 0;
	errors = 0;
	slowestMs = 0;
	#inFlight = new Set<Promise<void>>();
	#timer: ReturnType<typeof setInterval> | undefined;
	#turn = 0;
	private origin: string;
	private world: World;

	constructor(origin: string, world: World, ratePerS = RATE_PER_S) {
		this.origin = origin;
		this.world = world;
		this.#ratePerS = ratePerS;
	}

	#ratePerS: number;

	start(): void {
		this.#timer = setInterval(() => this.#sendOne(), 1000 / this.#ratePerS);
	}

	async stop(): Promise<void> {
		clearInterval(this.#timer);
		await Promise.all(this.#inFlight);
	}

	#sendOne(): void {
		const { pupils } = this.world;
		for (let tries = 0; tries < pupils.length; tries++) {
			const pupil = pupils[this.#turn++ % pupils.length];
			if (pupil.next >= pupil.questions.length) continue;
			const clientId = randomBytes(16).toString('hex');
			const body = JSON.stringify({
				clientId,
				questionId: pupil.questions[pupil.next++],
				phase: 'main',
				selected: [0]
			});
			this.#track(this.send(pupil, body, clientId));
			return;
		}
	}

	#track(promise: Promise<void>): void {
		this.#inFlight.add(promise);
		void promise.finally(() => this.#inFlight.delete(promise));
	}

	async send(
		pupil: Pupil,
		body: string,
		clientId: string,
		statuses = this.statuses
	): Promise<void> {
		try {
			const reply = await request(this.origin, `/session/${pupil.sessionId}/answer`, {
				method: 'POST',
				cookie: pupil.cookie,
				body
			});
			statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
			this.slowestMs = Math.max(this.slowestMs, reply.ms);
			if (reply.status === 200) {
				if ((JSON.parse(reply.body ?? '{}') as { created?: boolean }).created) {
					this.acknowledged.add(clientId);
				} else this.notCreated++;
			} else if (reply.status >= 500) this.kept.push({ pupil, body, clientId });
		} catch {
			this.errors++;
		}
	}

	/** The devices send what they kept, with the same ids. */
	async resendKept(): Promise<number> {
		const kept = this.kept;
		this.kept = [];
		await Promise.all(kept.map((k) => this.send(k.pupil, k.body, k.clientId, this.resent)));
		return kept.length;
	}
}

/** Polls a page every `everyMs`, recording status and time, until stopped. */
function poll(origin: string, pathname: string, everyMs: number, cookie?: string) {
	const replies: (Reply & { at: number })[] = [];
	let stopped = false;
	const done = (async () => {
		while (!stopped) {
			const at = performance.now();
			const reply = await get(origin, pathname, cookie).catch(() => ({ status: 0, ms: NaN }));
			replies.push({ ...reply, at });
			await sleep(everyMs);
		}
	})();
	return {
		replies,
		stop: async () => {
			stopped = true;
			await done;
		}
	};
}

function summary(replies: Reply[]) {
	const ms = replies.map((r) => r.ms).sort((a, b) => a - b);
	const statuses: Record<string, number> = {};
	for (const r of replies) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
	return {
		requests: replies.length,
		statuses,
		p50_ms: round(ms[Math.floor(ms.length / 2)] ?? NaN),
		max_ms: round(ms.at(-1) ?? NaN)
	};
}

function round(n: number): number {
	return Math.round(n * 10) / 10;
}

function storedOf(file: string, ids: Set<string>): { stored: number; missing: number } {
	const db = new Database(file, { readonly: true });
	const have = new Set(
		(db.prepare('select client_id from answers').all() as { client_id: string }[]).map(
			(r) => r.client_id
		)
	);
	db.close();
	let missing = 0;
	for (const id of ids) if (!have.has(id)) missing++;
	return { stored: ids.size - missing, missing };
}

async function lockScenario(world: World) {
	const server = await startServer(world);
	const answering = new Answering(server.origin, world);
	answering.start();
	await sleep(BEFORE_MS);
	const health = poll(server.origin, '/healthz', 200);
	const teacher = poll(server.origin, '/classes', 500, world.teacherCookie);
	const other = new Database(world.file, { timeout: 0 });
	other.exec('begin immediate');
	await sleep(LOCK_HOLD_MS);
	other.exec('commit');
	other.close();
	await Promise.all([health.stop(), teacher.stop()]);
	await sleep(AFTER_MS);
	await answering.stop();
	await stopServer(server);
	return {
		lock_held_s: LOCK_HOLD_MS / 1000,
		healthz_while_held: summary(health.replies),
		teacher_page_while_held: summary(teacher.replies),
		answers: {
			statuses: Object.fromEntries(answering.statuses),
			errors: answering.errors,
			not_created: answering.notCreated,
			slowest_ms: round(answering.slowestMs),
			acknowledged: answering.acknowledged.size,
			...storedOf(world.file, answering.acknowledged)
		}
	};
}

function setFileSizeLimit(pid: number, limit: string): void {
	// Only the soft limit: the server may always be given its writes back.
	const result = spawnSync('prlimit', ['--pid', String(pid), `--fsize=${limit}:`], {
		encoding: 'utf8'
	});
	if (result.status !== 0) throw new Error(`prlimit failed: ${result.stderr || result.error}`);
}

async function diskScenario(world: World) {
	const server = await startServer(world);
	const pid = server.child.pid!;
	const answering = new Answering(server.origin, world);
	answering.start();
	await sleep(BEFORE_MS);
	const health = poll(server.origin, '/healthz', 250);
	const filled = performance.now();
	setFileSizeLimit(pid, '1');
	await sleep(DISK_FULL_MS / 2);
	// Newcomers open their lesson while nothing can be written (it marks them present).
	const lessonPages = await Promise.all(
		world.newcomers.map((p) => get(server.origin, `/session/${p.sessionId}`, p.cookie))
	);
	await sleep(DISK_FULL_MS / 2);
	const freed = performance.now();
	setFileSizeLimit(pid, 'unlimited');
	await sleep(AFTER_MS);
	await health.stop();
	await answering.stop();
	const resent = await answering.resendKept();
	await stopServer(server);

	const firstUnhealthy = health.replies.find((r) => r.at >= filled && r.status === 503);
	const firstHealthyAgain = health.replies.find((r) => r.at >= freed && r.status === 200);
	const log = server
		.log()
		.split('\n')
		.filter((line) => line.startsWith('{'))
		.map((line) => JSON.parse(line) as { event?: string; code?: string });
	return {
		writes_failing_s: DISK_FULL_MS / 1000,
		healthz: {
			while_failing: summary(health.replies.filter((r) => r.at >= filled && r.at < freed)),
			s_to_first_503: firstUnhealthy ? round((firstUnhealthy.at - filled) / 1000) : null,
			s_to_ok_again: firstHealthyAgain ? round((firstHealthyAgain.at - freed) / 1000) : null
		},
		lesson_page_opened_while_failing: summary(lessonPages),
		retry_after_on_503: [...new Set(lessonPages.map((r) => r.retryAfter))],
		answers: {
			statuses: Object.fromEntries(answering.statuses),
			errors: answering.errors,
			not_created: answering.notCreated,
			resent_after_recovery: resent,
			resent_statuses: Object.fromEntries(answering.resent),
			acknowledged: answering.acknowledged.size,
			...storedOf(world.file, answering.acknowledged)
		},
		log: {
			write_failed_lines: log.filter((l) => l.event === 'db.write_failed').length,
			codes: [...new Set(log.filter((l) => l.event === 'db.write_failed').map((l) => l.code))],
			recovered_lines: log.filter((l) => l.event === 'db.write_recovered').length,
			cannot_rollback_lines: server
				.log()
				.split('\n')
				.filter((l) => l.includes('cannot rollback')).length
		}
	};
}

async function killScenario(world: World) {
	const acknowledged = new Set<string>();
	const statuses = new Map<number, number>();
	let cutOff = 0;
	for (let kill = 0; kill < KILLS; kill++) {
		const server = await startServer(world);
		const answering = new Answering(server.origin, world, KILL_RATE_PER_S);
		answering.start();
		await sleep(1000 + Math.random() * 2000);
		await stopServer(server, 'SIGKILL');
		await answering.stop();
		for (const id of answering.acknowledged) acknowledged.add(id);
		for (const [status, n] of answering.statuses)
			statuses.set(status, (statuses.get(status) ?? 0) + n);
		// Requests in flight when the server died: never acknowledged, so a device keeps them.
		cutOff += answering.errors;
	}
	const db = new Database(world.file, { readonly: true });
	const integrity = db.pragma('integrity_check', { simple: true });
	db.close();
	return {
		kills: KILLS,
		rate_per_s: KILL_RATE_PER_S,
		answers: {
			statuses: Object.fromEntries(statuses),
			cut_off_by_the_kill: cutOff,
			acknowledged: acknowledged.size,
			...storedOf(world.file, acknowledged)
		},
		integrity_check: integrity
	};
}

async function main() {
	const which = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'all';
	const outAt = process.argv.indexOf('--out');
	const out = outAt >= 0 ? process.argv[outAt + 1] : undefined;
	if (!['lock', 'disk', 'kill', 'all'].includes(which)) {
		console.error('Usage: npx tsx scripts/faults.ts [lock|disk|kill|all] [--out FILE]');
		process.exit(2);
	}
	buildIfStale();
	const results: Record<string, unknown> = { at: new Date().toISOString(), rate_per_s: RATE_PER_S };
	const scenarios = { lock: lockScenario, disk: diskScenario, kill: killScenario };
	for (const scenario of which === 'all' ? (['lock', 'disk', 'kill'] as const) : [which]) {
		const world = await prepareWorld();
		try {
			results[scenario] = await scenarios[scenario as keyof typeof scenarios](world);
		} finally {
			fs.rmSync(world.dir, { recursive: true, force: true });
		}
	}
	const json = `${JSON.stringify(results, null, 2)}\n`;
	if (out) fs.writeFileSync(out, json);
	process.stdout.write(json);
	agent.destroy();
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
