// `npm start`: build if needed, prepare the database (migrations, demo borough on
// first run where only this computer can reach it), then serve (scripts/serve.ts).
// Problems a person can fix are printed as one line.
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readConfig, type DemoChoice } from '../src/lib/server/platform/config';
import type { Kysely } from 'kysely';
import { DatabaseOpenError, migrateToLatest, openDatabase } from '../src/lib/server/platform/db';
import type { DB } from '../src/lib/server/platform/db/schema';
import { decodePicturePassword, pictureName } from '../src/lib/pictures';
import { DEMO_PASSWORD, demoSignIns, isEmpty, seedDemo } from '../src/lib/server/demo';
import { securityHeaders } from '../src/lib/server/platform/security-headers';
import { BUILD_DIR, buildIfStale } from './build-if-stale';
import { serve } from './serve';

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
	/** The demo borough is there to sign in to (loaded now or before). */
	demo: boolean;
	seeded: boolean;
	/** The database was empty and stays so. */
	empty: boolean;
	/** Why this database must not be served here, in one line. */
	refused?: string;
	pupil?: DemoPupil;
}

/** Demo staff accounts that can still sign in, with the published password. */
async function demoAccountsOpen(db: Kysely<DB>): Promise<number> {
	const row = await db
		.selectFrom('staff_users')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where(
			'email',
			'in',
			demoSignIns().map((p) => p.email)
		)
		.where('disabled_at', 'is', null)
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

/**
 * A database that already holds the demo borough is the demo, whatever DEMO says: serving
 * it where others can reach it needs DEMO=1 (and its warning), and never at https.
 */
function refuseServedDemo(choice: DemoChoice): string {
	if (choice.https) {
		return `this database holds the demo borough, whose staff password is published, so it cannot be served at an https ORIGIN: set DATABASE_PATH to a new file for the real borough.`;
	}
	return `this database holds the demo borough, whose staff password is published, and ${choice.exposed}: set DEMO=1 to serve it for a trial, or DATABASE_PATH to a new file.`;
}

async function prepareDatabase(file: string, choice: DemoChoice): Promise<Prepared> {
	const handle = openDatabase(file);
	try {
		await migrateToLatest(handle.db);
		const empty = await isEmpty(handle.db);
		if (!choice.load) {
			if ((choice.https || choice.exposed) && (await demoAccountsOpen(handle.db)) > 0) {
				return { demo: false, seeded: false, empty, refused: refuseServedDemo(choice) };
			}
			return { demo: false, seeded: false, empty };
		}
		const seeded = await seedDemo(handle.db);
		const teacher = demoSignIns().find((p) => p.role === 'teacher');
		return {
			// A database with a real borough in it is not the demo: no demo sign-ins to print.
			demo: seeded || (await demoAccountsOpen(handle.db)) > 0,
			seeded,
			empty: false,
			pupil: teacher?.className ? await demoPupil(handle.db, teacher.className) : undefined
		};
	} finally {
		await handle.db.destroy();
	}
}

/** What someone who just typed `npm start` needs: where to go, and who they can be. */
function printWelcome(origin: string, databasePath: string, prepared: Prepared) {
	console.log(`\nThink Safe is running at ${origin}`);
	console.log(`  staff sign in   ${origin}/sign-in`);
	console.log(`  pupils join     ${origin}/join`);
	console.log(`Database: ${databasePath}${prepared.seeded ? ' (demo borough loaded)' : ''}`);
	if (!prepared.demo) return;
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

/** Printed last, so it is what the person who started the server sees. */
function warnDemoExposed(exposed: string): void {
	const rule = '!'.repeat(78);
	console.warn(
		[
			'',
			rule,
			`WARNING: THE DEMO BOROUGH IS LOADED AND ${exposed.toUpperCase()}.`,
			`Anyone who reaches it can sign in as the coordinator, a school lead or a teacher with`,
			`the published password "${DEMO_PASSWORD}". For a trial with made-up pupils only:`,
			'never put real pupils in it. Stop it with Ctrl-C; start without DEMO=1 for an empty borough.',
			rule
		].join('\n')
	);
}

/** A setting in seconds (SHUTDOWN_TIMEOUT, KEEP_ALIVE_TIMEOUT…) in ms; undefined if unset or invalid. */
function secondsSetting(value: string | undefined): number | undefined {
	const seconds = Number(value);
	return value && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

async function main() {
	const config = readConfig();
	const choice = config.demoChoice;
	if (choice.refused) fail(choice.refused);
	if (process.env.ORIGIN && !URL.canParse(process.env.ORIGIN)) {
		fail(
			`ORIGIN ${process.env.ORIGIN} is not a web address such as https://thinksafe.example.gov.uk.`
		);
	}
	try {
		// The test runner builds once up front; servers it starts must not rebuild mid-run.
		if (process.env.THINKSAFE_SKIP_BUILD !== '1') buildIfStale();
	} catch (error) {
		fail((error as Error).message);
	}

	let prepared: Prepared;
	try {
		prepared = await prepareDatabase(config.databasePath, choice);
	} catch (error) {
		if (error instanceof DatabaseOpenError) fail(error.message);
		throw error;
	}
	if (prepared.refused) fail(prepared.refused);

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

	await serve({
		handlerUrl: pathToFileURL(path.resolve(BUILD_DIR, 'handler.js')).href,
		host: config.host,
		port: config.port,
		// Open streams no longer hold a stop up, so this only bounds slow requests.
		shutdownTimeoutMs: secondsSetting(process.env.SHUTDOWN_TIMEOUT) ?? 3000,
		keepAliveTimeoutMs: secondsSetting(process.env.KEEP_ALIVE_TIMEOUT),
		headersTimeoutMs: secondsSetting(process.env.HEADERS_TIMEOUT),
		headers: securityHeaders()
	});

	printWelcome(process.env.ORIGIN, config.databasePath, prepared);
	if (prepared.empty && choice.note) console.log(`\n${choice.note}`);
	if (prepared.demo && choice.exposed) warnDemoExposed(choice.exposed);
	console.log('\nPress Ctrl-C to stop.');
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
