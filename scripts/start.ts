// `npm start`: build if needed, prepare the database (migrations, demo borough on
// first run), then serve. Problems a person can fix are printed as one line.
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readConfig } from '../src/lib/server/config';
import { DatabaseOpenError, migrateToLatest, openDatabase } from '../src/lib/server/db';
import { DEMO_PASSWORD, demoSignIns, seedDemo } from '../src/lib/server/demo';
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

async function prepareDatabase(file: string, demo: boolean): Promise<boolean> {
	const handle = openDatabase(file);
	try {
		await migrateToLatest(handle.db);
		return demo ? await seedDemo(handle.db) : false;
	} finally {
		await handle.db.destroy();
	}
}

async function main() {
	const config = readConfig();
	try {
		// The test runner builds once up front; servers it starts must not rebuild mid-run.
		if (process.env.THINKSAFE_SKIP_BUILD !== '1') buildIfStale();
	} catch (error) {
		fail((error as Error).message);
	}

	let seeded = false;
	try {
		seeded = await prepareDatabase(config.databasePath, config.demo);
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

	await import(pathToFileURL(path.resolve(BUILD_MARKER)).href);

	console.log(`\nThink Safe is running at ${process.env.ORIGIN}`);
	console.log(`Database: ${config.databasePath}${seeded ? ' (demo borough loaded)' : ''}`);
	if (config.demo) {
		const people = demoSignIns();
		console.log(`\nDemo sign-ins (password for every one: ${DEMO_PASSWORD})`);
		for (const role of ['coordinator', 'lead', 'teacher'] as const) {
			const first = people.find((p) => p.role === role)!;
			const where = first.school
				? ` — ${first.className ? `class ${first.className}, ` : ''}${first.school}`
				: '';
			console.log(`  ${role.padEnd(12)} ${first.email}${where}`);
		}
		console.log('  (every demo school and class has its own; see the README)');
	}
	console.log('\nPress Ctrl-C to stop.');
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
