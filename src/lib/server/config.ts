// Settings read from the environment, in one place so the README's table stays true.
// Plain process.env (not $env) because scripts run these modules outside Vite too.
import path from 'node:path';

export interface Config {
	databasePath: string;
	lessonsDir: string;
	demo: boolean;
	host: string;
	port: number;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
	const port = Number(env.PORT ?? 3000);
	return {
		databasePath: path.resolve(env.DATABASE_PATH || 'data/thinksafe.db'),
		lessonsDir: path.resolve(env.LESSONS_DIR || 'lessons'),
		demo: env.DEMO !== '0',
		host: env.HOST || '127.0.0.1',
		port: Number.isInteger(port) && port > 0 && port < 65536 ? port : 3000
	};
}
