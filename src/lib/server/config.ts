// Settings read from the environment, in one place so the README's table stays true.
// Plain process.env (not $env) because scripts run these modules outside Vite too.
import path from 'node:path';
import { parseSchoolDay, type SchoolDay } from './safeguarding/school-hours';

export interface Config {
	databasePath: string;
	lessonsDir: string;
	demo: boolean;
	host: string;
	port: number;
	help: HelpConfig;
}

/** Requests for help (Step 7): how quickly, when, and how long the pupil's words are kept. */
export interface HelpConfig {
	/** School hours after which an unacknowledged request turns red. */
	ackSchoolHours: number;
	schoolDay: SchoolDay;
	/** Days a request's words are kept once it is recorded in the school's own system. */
	textRetentionDays: number;
	/** SMTP server for alerts (smtp://user:pass@host:587); none means alerts in the app only. */
	smtpUrl: string | null;
	mailFrom: string;
}

function positiveNumber(value: string | undefined, fallback: number): number {
	const n = Number(value);
	return value && Number.isFinite(n) && n > 0 ? n : fallback;
}

export function readHelpConfig(env: NodeJS.ProcessEnv = process.env): HelpConfig {
	return {
		ackSchoolHours: positiveNumber(env.HELP_ACK_SCHOOL_HOURS, 2),
		schoolDay: parseSchoolDay(env.SCHOOL_DAY ?? '') ?? { start: 8 * 60 + 30, end: 15 * 60 + 30 },
		textRetentionDays: positiveNumber(env.HELP_TEXT_RETENTION_DAYS, 30),
		smtpUrl: env.SMTP_URL?.trim() || null,
		mailFrom: env.MAIL_FROM?.trim() || 'Think Safe <no-reply@thinksafe.invalid>'
	};
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
	const port = Number(env.PORT ?? 3000);
	return {
		databasePath: path.resolve(env.DATABASE_PATH || 'data/thinksafe.db'),
		lessonsDir: path.resolve(env.LESSONS_DIR || 'lessons'),
		demo: env.DEMO !== '0',
		host: env.HOST || '127.0.0.1',
		port: Number.isInteger(port) && port > 0 && port < 65536 ? port : 3000,
		help: readHelpConfig(env)
	};
}
