// `npm run staff:first-coordinator -- "Name" email@council.gov.uk`: on a new borough, make
// the first coordinator and print a one-time link (24 hours) to choose their password. The
// address is ORIGIN's (the one staff use), else http://127.0.0.1:PORT.
import { readConfig } from '../src/lib/server/platform/config';
import {
	DatabaseOpenError,
	migrateToLatest,
	openDatabase,
	useHandle
} from '../src/lib/server/platform/db';
import {
	createFirstCoordinator,
	FIRST_LINK_HOURS
} from '../src/lib/server/people/first-coordinator';
import { Refused } from '../src/lib/server/platform/refusal';

const [name, email] = process.argv.slice(2);
if (!name || !email) {
	console.error(
		'usage: npm run staff:first-coordinator -- "Their Name" their.email@council.gov.uk'
	);
	process.exit(2);
}
const config = readConfig();
try {
	const handle = openDatabase(config.databasePath);
	await migrateToLatest(handle.db);
	useHandle(handle);
	const { token } = await createFirstCoordinator({ name, email });
	const origin = process.env.ORIGIN?.replace(/\/$/, '') || `http://127.0.0.1:${config.port}`;
	console.log(`Made ${email} the borough's coordinator.`);
	console.log(
		`Give them this link to choose a password (it works once, for ${FIRST_LINK_HOURS} hours):`
	);
	console.log(`  ${origin}/reset/${token}`);
	await handle.db.destroy();
} catch (error) {
	if (error instanceof Refused || error instanceof DatabaseOpenError) {
		console.error(error.message);
		process.exit(1);
	}
	throw error;
}
