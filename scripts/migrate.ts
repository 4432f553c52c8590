// `npm run db:migrate`: apply any pending migrations to DATABASE_PATH.
import { readConfig } from '../src/lib/server/platform/config';
import { DatabaseOpenError, migrateToLatest, openDatabase } from '../src/lib/server/platform/db';

const { databasePath } = readConfig();
try {
	const handle = openDatabase(databasePath);
	const result = await migrateToLatest(handle.db);
	await handle.db.destroy();
	const applied = result.results?.filter((r) => r.status === 'Success') ?? [];
	console.log(
		applied.length
			? `Applied ${applied.map((r) => r.migrationName).join(', ')} to ${databasePath}`
			: `${databasePath} is up to date.`
	);
} catch (error) {
	if (!(error instanceof DatabaseOpenError)) throw error;
	console.error(error.message);
	process.exit(1);
}
