// A live-lesson stream opened over real HTTP, as a device's EventSource opens it, and a
// class with a running live session in a server's database for it to follow.
import http from 'node:http';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/lib/server/platform/db';
import { nowIso } from '../../src/lib/server/platform/db';
import { getLibrary } from '../../src/lib/server/lessons';

export interface OpenStream {
	status: number;
	/** Everything received so far. */
	text: () => string;
	/** Resolves when the server ends the stream (or the connection goes). */
	ended: Promise<void>;
	hasEnded: () => boolean;
	close: () => void;
}

/** Opens `path` with this cookie; resolves once the status and the first bytes are in. */
export function openStream(url: string, path: string, cookie: string): Promise<OpenStream> {
	return new Promise((resolve, reject) => {
		const request = http.get(
			`${url}${path}`,
			{ headers: { cookie, accept: 'text/event-stream' }, agent: false },
			(response) => {
				let text = '';
				let ended = false;
				const endedPromise = new Promise<void>((done) => {
					const finish = () => {
						ended = true;
						done();
					};
					response.once('end', finish);
					response.once('close', finish);
				});
				const stream: OpenStream = {
					status: response.statusCode ?? 0,
					text: () => text,
					ended: endedPromise,
					hasEnded: () => ended,
					close: () => request.destroy()
				};
				response.setEncoding('utf8');
				response.on('data', (chunk: string) => {
					const first = text === '';
					text += chunk;
					if (first) resolve(stream);
				});
				// A refusal's body may be empty or arrive whole: it is answered either way.
				if (response.statusCode !== 200) response.once('end', () => resolve(stream));
				response.on('error', () => undefined);
			}
		);
		request.on('error', reject);
	});
}

/** Resolves true if the promise settles within `ms`, false otherwise. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
	try {
		return await Promise.race([promise.then(() => true), timeout]);
	} finally {
		clearTimeout(timer);
	}
}

export interface LiveClass {
	classId: number;
	sessionId: number;
	teacherId: number;
	pupilIds: number[];
}

/** The demo's Willow class, its teacher and pupils, and a live session running for it. */
export async function startLiveSession(db: Kysely<DB>): Promise<LiveClass> {
	const cls = await db
		.selectFrom('classes')
		.select('id')
		.where('name', '=', 'Willow')
		.executeTakeFirstOrThrow();
	const teacher = await db
		.selectFrom('staff_users')
		.select('id')
		.where('email', '=', 'willow.loddon-vale@demo.thinksafe.test')
		.executeTakeFirstOrThrow();
	const pupils = await db
		.selectFrom('pupils')
		.select('id')
		.where('class_id', '=', cls.id)
		.where('archived_at', 'is', null)
		.orderBy('id')
		.execute();
	const lesson = getLibrary().lessons[0];
	const session = await db
		.insertInto('class_sessions')
		.values({
			class_id: cls.id,
			lesson_id: lesson.id,
			lesson_hash: lesson.hash,
			mode: 'live',
			status: 'running',
			current_step: 0,
			started_by: teacher.id,
			created_at: nowIso(),
			audience: 'class'
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return {
		classId: cls.id,
		sessionId: session.id,
		teacherId: teacher.id,
		pupilIds: pupils.map((p) => p.id)
	};
}
