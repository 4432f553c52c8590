// `npm start`: build if needed, prepare the database (migrations, demo borough on
// first run), then serve. Problems a person can fix are printed as one line.
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readConfig } from '../src/lib/server/config';
import type { Kysely } from 'kysely';
import { DatabaseOpenError, migrateToLatest, openDatabase } from '../src/lib/server/db';
import type { DB } from '../src/lib/server/db/schema';
import { decodePicturePassword, pictureName } from '../src/lib/pictures';
import { DEMO_PASSWORD, demoSignIns, seedDemo } from '../src/lib/server/demo';
import { securityHeaders } from '../src/lib/server/security-headers';
import { BUILD_MARKER, buildIfStale } from './build-if-stale';

function fail(message: string): never {
	console.error(`Think Safe cannot start: ${message}`);
	process.exit(1);
}

function portIsFree(host: string, port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const probe = net.createServer();
		probe.once('error', () => resolve(false));
		probe.listen({ host, port }, () => probe.close(() => resolve(true)));
	});
}

/**
 * adapter-node serves static files, and SvelteKit refuses a cross-site form post, before
 * hooks.server.ts runs, so neither would carry the security headers. Its build/index.js
 * makes its one HTTP server as it is imported; every server made meanwhile sets them on
 * each response first (values a response sets itself, the hooks' included, win). Wrapping
 * build/handler.js in a server of our own instead would mean copying adapter-node's
 * graceful shutdown, which closes the database cleanly.
 */
async function importWithSecurityHeaders(entry: string): Promise<void> {
	const createServer = http.createServer;
	const headers = Object.entries(securityHeaders());
	http.createServer = ((...args: Parameters<typeof createServer>) => {
		const server = createServer(...args);
		server.prependListener('request', (_request, response: http.ServerResponse) => {
			for (const [name, value] of headers) response.setHeader(name, value);
		});
		return server;
	}) as typeof createServer;
	try {
		await import(entry);
	} finally {
		http.createServer = createServer;
	}
}

interface DemoPupil {
	classCode: string;
	className: string;
	name: string;
	pictures: string[];
}

/** One demo pupil to try the pupil's side with: the first teacher's class, its first pupil. */
async function demoPupil(db: Kysely<DB>, className: string): Promise<DemoPupil | undefined> {
	const row = await db
		.selectFrom('pupils')
		.innerJoin('classes', 'classes.id', 'pupils.class_id')
		.select([
			'classes.code',
			'classes.name as class_name',
			'pupils.first_name',
			'pupils.last_initial',
			'pupils.picture_password'
		])
		.where('classes.name', '=', className)
		.where('pupils.archived_at', 'is', null)
		.orderBy('pupils.first_name')
		.orderBy('pupils.id')
		.executeTakeFirst();
	if (!row) return undefined;
	return {
		classCode: row.code,
		className: row.class_name,
		name: `${row.first_name} ${row.last_initial}`,
		pictures: decodePicturePassword(row.picture_password).map(pictureName)
	};
}

interface Prepared {
	seeded: boolean;
	pupil?: DemoPupil;
}

async function prepareDatabase(file: string, demo: boolean): Promise<Prepared> {
	const handle = openDatabase(file);
	try {
		await migrateToLatest(handle.db);
		if (!demo) return { seeded: false };
		const seeded = await seedDemo(handle.db);
		const teacher = demoSignIns().find((p) => p.role === 'teacher');
		return {
			seeded,
			pupil: teacher?.className ? await demoPupil(handle.db, teacher.className) : undefined
		};
	} finally {
		await handle.db.destroy();
	}
}

/** What someone who just typed `npm start` needs: where to go, and who they can be. */
function printWelcome(origin: string, databasePath: string, prepared: Prepared, demo: boolean) {
	console.log(`\nThink Safe is running at ${origin}`);
	console.log(`  staff sign in   ${origin}/sign-in`);
	console.log(`  pupils join     ${origin}/join`);
	console.log(`Database: ${databasePath}${prepared.seeded ? ' (demo borough loaded)' : ''}`);
	if (!demo) return;
	const people = demoSignIns();
	console.log(`\nDemo sign-ins (staff password for every one: ${DEMO_PASSWORD})`);
	// The first account of each kind: coordinator, school lead, teacher, safeguarding lead.
	const labels = new Set<string>();
	for (const person of people) {
		if (labels.has(person.label)) continue;
		labels.add(person.label);
		const where = person.school
			? `${person.className ? `class ${person.className}, ` : ''}${person.school}`
			: 'the whole borough';
		console.log(`  ${person.label.padEnd(24)} ${person.email.padEnd(40)} ${where}`);
	}
	const pupil = prepared.pupil;
	if (pupil) {
		const how = `/join, class code ${pupil.classCode}`.padEnd(40);
		console.log(
			`  ${'pupil'.padEnd(24)} ${how} ${pupil.name} (class ${pupil.className}): ${pupil.pictures.join(', ')}`
		);
	}
	console.log(
		'  Every demo school and class has its own (lead.SCHOOL@…, CLASS.SCHOOL@…): see the README.'
	);
}

async function main() {
	const config = readConfig();
	try {
		// The test runner builds once up front; servers it starts must not rebuild mid-run.
		if (process.env.THINKSAFE_SKIP_BUILD !== '1') buildIfStale();
	} catch (error) {
		fail((error as Error).message);
	}

	let prepared: Prepared;
	try {
		prepared = await prepareDatabase(config.databasePath, config.demo);
	} catch (error) {
		if (error instanceof DatabaseOpenError) fail(error.message);
		throw error;
	}

	if (!(await portIsFree(config.host, config.port))) {
		fail(`${config.host}:${config.port} is already in use: stop the other server or set PORT.`);
	}

	const shownHost = ['0.0.0.0', '::'].includes(config.host) ? 'localhost' : config.host;
	const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${config.port}`;
	process.env.HOST = config.host;
	process.env.PORT = String(config.port);
	process.env.ORIGIN ||= url;
	process.env.DATABASE_PATH = config.databasePath;
	process.env.LESSONS_DIR = config.lessonsDir;
	// Open live-lesson streams should not hold up Ctrl-C for adapter-node's default 30 s.
	process.env.SHUTDOWN_TIMEOUT ||= '3';

	await importWithSecurityHeaders(pathToFileURL(path.resolve(BUILD_MARKER)).href);

	printWelcome(process.env.ORIGIN, config.databasePath, prepared, config.demo);
	console.log('\nPress Ctrl-C to stop.');
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
