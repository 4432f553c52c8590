// The borough the benchmark and the soak run against: a fresh database of 1,900 pupils in 63
// live sessions on the built server, on loopback, with helpers to talk to it as devices do.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createPupilSession, createStaffSession } from '../src/lib/server/auth/session';
import {
	migrateToLatest,
	openDatabase,
	useHandle,
	closeDatabase
} from '../src/lib/server/platform/db';
import { getClassSession } from '../src/lib/server/teaching/class-sessions';
import { setLiveStep } from '../src/lib/server/teaching/live-state';
import { createClassSession } from '../src/lib/server/teaching/class-session-start';
import { getLibrary } from '../src/lib/server/lessons';
import { joinSession } from '../src/lib/server/teaching/progress';
import { BUILD_MARKER } from './build-if-stale';
import { buildBorough } from './bench/borough';

export const PUPILS = 1900;
export const CLASSES = 63;
export const SCHOOLS = 40;
export const PORT = Number(process.env.BENCH_PORT ?? 4600);
export const ORIGIN = `http://127.0.0.1:${PORT}`;
export function arg(name: string): string | undefined {
	const i = process.argv.indexOf(name);
	return i >= 0 ? process.argv[i + 1] : undefined;
}

export interface Setup {
	dir: string;
	dbPath: string;
	pupils: { cookie: string; sessionId: number }[];
	teachers: { cookie: string; sessionId: number }[];
	questions: { id: string; selected: number[] }[];
}

export async function prepare(): Promise<Setup> {
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
		const sessionId = await createClassSession(
			{ classId: cls.id, lessonId: lesson.id, mode: 'live' },
			teacher
		);
		const session = (await getClassSession(sessionId))!;
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

/**
 * The Node flags the server runs with: `npm start`'s own, read from package.json so that a
 * benchmark cannot drift from it (deploy/thinksafe.service repeats them for systemd), or
 * SERVER_NODE_FLAGS for a trial.
 */
export function serverNodeFlags(): string {
	if (process.env.SERVER_NODE_FLAGS !== undefined) return process.env.SERVER_NODE_FLAGS;
	const start = (
		JSON.parse(fs.readFileSync('package.json', 'utf8')) as { scripts: { start: string } }
	).scripts.start;
	const flags = start.match(/node ((?:--[\w-]+=\S+ )+)--import/)?.[1].trim();
	if (!flags) throw new Error(`no Node flags found in npm start (${start}): set SERVER_NODE_FLAGS`);
	return flags;
}

export function startServer(dbPath: string): Promise<ChildProcess> {
	const flags = serverNodeFlags().split(' ').filter(Boolean);
	const child = spawn(process.execPath, [...flags, BUILD_MARKER], {
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

export function peakRssMb(pid: number): number {
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
	return Math.round((kb / 1024) * 10) / 10;
}

/** Opens one EventSource-style stream; resolves `ready` after the first event. */
export function openStream(
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

export function post(
	pathname: string,
	cookie: string,
	form: Record<string, string>
): Promise<number> {
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
