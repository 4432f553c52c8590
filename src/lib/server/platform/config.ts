// Settings read from the environment, in one place so the README's table stays true.
// Plain process.env (not $env) because scripts run these modules outside Vite too.
import path from 'node:path';
import { parseSchoolDay, type SchoolDay } from './school-hours';

export interface Config {
	databasePath: string;
	lessonsDir: string;
	demoChoice: DemoChoice;
	host: string;
	port: number;
	help: HelpConfig;
	retention: RetentionConfig;
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
		textRetentionDays: readRetentionConfig(env).helpTextDays,
		smtpUrl: env.SMTP_URL?.trim() || null,
		mailFrom: env.MAIL_FROM?.trim() || 'Think Safe <no-reply@thinksafe.invalid>'
	};
}

/**
 * How long Think Safe keeps each thing it holds (Step 11), in one place: the jobs that delete
 * (src/lib/server/retention, the help-text removal, the nightly backup's pruning) and both
 * privacy notices read these values, so a notice cannot promise a period the server does not
 * keep. The reasons for each default are in privacy-notice.ts, beside the words the notices use.
 */
export interface RetentionConfig {
	/** Months after the end of the academic year (31 August) that a pupil's records are kept. */
	pupilMonths: number;
	/** Days a request for help's words are kept once it is recorded in the school's own system. */
	helpTextDays: number;
	/** Months without a sign-in after which a staff account is turned off. */
	staffIdleMonths: number;
	/** Months a turned-off staff account is kept (so its school can turn it back on) before it is deleted. */
	staffDeleteMonths: number;
	/**
	 * Months the audit log keeps an entry. Never shorter than staffIdleMonths: the log's
	 * sign-ins are how the server knows an account is still used.
	 */
	auditMonths: number;
	/** Days each nightly backup is kept (deploy/thinksafe-backup.service reads the same variable). */
	backupDays: number;
	/**
	 * Not settings, listed here so the notices name them: counts of wrong sign-in tries (keyed
	 * by email or address) outlive their 15-minute window by a day at most, and invitation
	 * and reset links (an invitation's note names who it was for) by 30 days after they expire.
	 */
	signInCounterDays: 1;
	spentLinkDays: 30;
}

/** Whole numbers only: half a month is not a period anyone can check against a calendar. */
function wholeNumber(value: string | undefined, fallback: number): number {
	const n = Number(value?.trim());
	return value?.trim() && Number.isInteger(n) && n > 0 ? n : fallback;
}

export function readRetentionConfig(env: NodeJS.ProcessEnv = process.env): RetentionConfig {
	const staffIdleMonths = wholeNumber(env.STAFF_IDLE_MONTHS, 12);
	return {
		pupilMonths: wholeNumber(env.PUPIL_RETENTION_MONTHS, 12),
		helpTextDays: wholeNumber(env.HELP_TEXT_RETENTION_DAYS, 30),
		staffIdleMonths,
		staffDeleteMonths: wholeNumber(env.STAFF_DELETE_MONTHS, 12),
		auditMonths: Math.max(staffIdleMonths, wholeNumber(env.AUDIT_RETENTION_MONTHS, 72)),
		backupDays: wholeNumber(env.BACKUP_RETENTION_DAYS, 14),
		signInCounterDays: 1,
		spentLinkDays: 30
	};
}

/**
 * What the privacy notices say about who is responsible, as the council words it. Left
 * unset, the notice for parents shows a marked gap rather than words nobody chose.
 */
export interface PrivacyConfig {
	/** How to reach the council's data protection officer (PRIVACY_CONTACT). */
	contact: string | null;
	/** The council's statement of its lawful basis (PRIVACY_LAWFUL_BASIS). */
	lawfulBasis: string | null;
}

export function readPrivacyConfig(env: NodeJS.ProcessEnv = process.env): PrivacyConfig {
	return {
		contact: env.PRIVACY_CONTACT?.trim() || null,
		lawfulBasis: env.PRIVACY_LAWFUL_BASIS?.trim() || null
	};
}

/**
 * Whether `npm start` may load and serve the demo borough, whose staff password is in the
 * README. On this computer alone (ORIGIN unset or loopback, listening on loopback) it
 * loads unless DEMO=0: the two-command demo. Where other computers can reach it, only with
 * DEMO=1, and with a loud warning. Never at an https ORIGIN: that is a real deployment,
 * where a coordinator account anyone can sign in to would open every school to them.
 */
export interface DemoChoice {
	/** Load the demo borough into an empty database and print its sign-ins. */
	load: boolean;
	/** How other computers can reach this server; unset when only this one can. */
	exposed?: string;
	/** The public address is https. */
	https: boolean;
	/** Why the server must not start, in one line. */
	refused?: string;
	/** Said at start-up when an empty database is left empty for want of DEMO=1. */
	note?: string;
}

/** localhost, 127.x.x.x and ::1: addresses no other computer can reach. */
export function isLoopback(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	return (
		host === 'localhost' ||
		host.endsWith('.localhost') ||
		host === '::1' ||
		/^127(\.\d{1,3}){3}$/.test(host)
	);
}

export function demoChoice(env: NodeJS.ProcessEnv = process.env): DemoChoice {
	const origin = parseOrigin(env.ORIGIN);
	const https = origin?.protocol === 'https:';
	const exposed = exposure(env.HOST || '127.0.0.1', origin);
	if (env.DEMO === '0') return { load: false, https, exposed };
	if (origin && https) {
		if (env.DEMO !== '1') {
			return {
				load: false,
				https,
				exposed,
				note: 'The demo borough is not loaded at an https ORIGIN.'
			};
		}
		return {
			load: false,
			https,
			exposed,
			refused: `DEMO=1 cannot be used with an https ORIGIN (${origin.origin}): the demo borough's staff password is published. Unset DEMO to start with an empty borough.`
		};
	}
	if (!exposed || env.DEMO === '1') return { load: true, https, exposed };
	return {
		load: false,
		https,
		exposed,
		note: `The demo borough is not loaded, because its password is published and ${exposed}: DEMO=1 loads it anyway, for a trial.`
	};
}

/** How other computers could reach this server, if they can. */
function exposure(host: string, origin: URL | undefined): string | undefined {
	if (!isLoopback(host)) return `other computers can reach this server (HOST ${host})`;
	if (origin && !isLoopback(origin.hostname)) {
		return `other computers can reach this server at ${origin.origin}`;
	}
	return undefined;
}

function parseOrigin(value: string | undefined): URL | undefined {
	if (!value) return undefined;
	try {
		return new URL(value);
	} catch {
		return undefined;
	}
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
	const port = Number(env.PORT ?? 3000);
	return {
		databasePath: path.resolve(env.DATABASE_PATH || 'data/thinksafe.db'),
		lessonsDir: path.resolve(env.LESSONS_DIR || 'lessons'),
		demoChoice: demoChoice(env),
		host: env.HOST || '127.0.0.1',
		port: Number.isInteger(port) && port > 0 && port < 65536 ? port : 3000,
		help: readHelpConfig(env),
		retention: readRetentionConfig(env)
	};
}

/** Running it (Step 11): who may read /metrics, and how much the log says. */
export interface OpsConfig {
	/** Addresses and CIDR ranges that may read /metrics; loopback only unless set. */
	metricsAllow: string;
	/** pino's level: 'info' writes a line per request; 'warn' only problems. */
	logLevel: string;
}

export function readOpsConfig(env: NodeJS.ProcessEnv = process.env): OpsConfig {
	return {
		metricsAllow: env.METRICS_ALLOW?.trim() || '127.0.0.0/8, ::1',
		logLevel: env.LOG_LEVEL?.trim() || 'info'
	};
}
