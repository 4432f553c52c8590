// The privacy notices' facts: what Think Safe keeps, for how long and why, worded once from
// the same settings the deleting jobs read (config.ts, readRetentionConfig), so that the
// page for pupils, the page for parents and staff and the server cannot disagree.
import {
	readPrivacyConfig,
	readRetentionConfig,
	type PrivacyConfig,
	type RetentionConfig
} from '../platform';
import { PUPIL_SESSION_MS, STAFF_ABSOLUTE_MS, STAFF_IDLE_MS } from '../auth';
import { getBoroughSettings, INVITATION_DAYS, RESET_HOURS } from '../people';

/** Each period, in words ("12 months", "6 years", "30 days"). */
export interface RetentionWords {
	pupilRecords: string;
	helpWords: string;
	staffIdle: string;
	staffDelete: string;
	audit: string;
	backups: string;
	signInCounters: string;
	spentLinks: string;
	pupilSignIn: string;
	staffSignInIdle: string;
	staffSignInLongest: string;
}

/** One line of the retention schedule: what, how long, and why that long. */
export interface RetentionLine {
	what: string;
	kept: string;
	why: string;
}

export interface PrivacyNotice {
	/** The council, as its borough settings name it: the controller. */
	controller: string;
	contact: string | null;
	lawfulBasis: string | null;
	periods: RetentionWords;
	schedule: RetentionLine[];
}

export function months(n: number): string {
	if (n % 12 === 0) return plural(n / 12, 'year');
	return plural(n, 'month');
}

export function days(n: number): string {
	return plural(n, 'day');
}

function hours(ms: number): string {
	return plural(Math.round(ms / (60 * 60 * 1000)), 'hour');
}

function plural(n: number, unit: string): string {
	return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

export function retentionWords(config: RetentionConfig): RetentionWords {
	return {
		pupilRecords: months(config.pupilMonths),
		helpWords: days(config.helpTextDays),
		staffIdle: months(config.staffIdleMonths),
		staffDelete: months(config.staffDeleteMonths),
		audit: months(config.auditMonths),
		backups: days(config.backupDays),
		signInCounters: days(config.signInCounterDays),
		spentLinks: days(config.spentLinkDays),
		pupilSignIn: hours(PUPIL_SESSION_MS),
		staffSignInIdle: hours(STAFF_IDLE_MS),
		staffSignInLongest: hours(STAFF_ABSOLUTE_MS)
	};
}

/**
 * The schedule a data protection officer can lift into the council's own notice. The
 * reasons are the defaults' reasons; a council that changes a period should check that its
 * reason still holds.
 */
export function retentionSchedule(config: RetentionConfig): RetentionLine[] {
	const p = retentionWords(config);
	return [
		{
			what: "A pupil's records: first name and last initial, class, picture password, login card, answers, progress, attendance, lessons marked done on paper",
			// What the daily job does (retention/former-pupils.ts), and what it keeps.
			kept: `${p.pupilRecords} after the end of the academic year (31 August) they belong to; then Think Safe deletes them by itself. The year's figures stay (how many pupils were reached, attended, completed, scored), counted without saying who. A school's lead erases a pupil's records sooner if a family asks (Pupils' records)`,
			why: "The programme runs for one school year. The further time lets the school and the council finish that year's reports and answer questions from pupils and families after the pupils have moved on to secondary school; after that Think Safe has no use for them."
		},
		{
			what: "The words of a pupil's request for help: what they wrote, the topics they chose, the safeguarding lead's notes and outcome, and which pupil it was",
			kept: `${p.helpWords} after the school's safeguarding lead marks it recorded in the school's own safeguarding system`,
			why: "The school's safeguarding system (such as CPOMS or MyConcern) is the lasting record. Think Safe keeps the words only long enough for the lead to check the record is complete. The dates and the pupil's other choices stay, without the pupil, for the council's counts."
		},
		{
			what: "A member of staff's account: name, email, role, school, and the password's scrambled form (never the password itself)",
			kept: `Turned off after ${p.staffIdle} without a sign-in; deleted ${p.staffDelete} after it was turned off (by the school or by Think Safe)`,
			why: "A teacher who teaches the programme signs in every school year, and an account nobody uses should not keep its sight of pupils' names. The further time lets a school turn a returning colleague's account back on (after leave, or a year with another year group). When the account is deleted, its email is also removed from the audit log."
		},
		{
			what: 'The audit log: who did what and when (sign-ins with the network address, accounts, invitations, downloads, requests for help opened). Pupils appear by number, never by name, and never what a request for help says',
			kept: p.audit,
			why: "It is the evidence of who saw or changed children's information if a concern, complaint or claim comes up later. The default, six years, is the time limit for most legal claims in England (Limitation Act 1980). It is never shorter than the time an account may go unused, because its sign-ins show when an account was last used."
		},
		{
			what: 'Nightly backups: a full copy of the database',
			kept: `${p.backups}, then deleted`,
			why: 'To bring the service back after a fault. Anything deleted from Think Safe is gone from every copy within this time.'
		},
		{
			what: 'Counts of wrong sign-in tries, by email, class or network address',
			kept: `Up to ${p.signInCounters} after the 10 or 15 minutes they count`,
			why: 'They slow down guessing; once their window has passed they do nothing.'
		},
		{
			what: "Invitation and password-reset links, with the inviter's note of who a link is for",
			kept: `${p.spentLinks} after the link expires (an invitation works for ${plural(INVITATION_DAYS, 'day')}, a reset for ${plural(RESET_HOURS, 'hour')})`,
			why: 'An expired link opens nothing; the audit log keeps that it was made and used.'
		},
		{
			what: 'The sign-in cookie (the only cookie)',
			kept: `Pupils: ${p.pupilSignIn}, or until they sign out. Staff: ${p.staffSignInIdle} unused, ${p.staffSignInLongest} at most`,
			why: 'Classroom devices are shared: a sign-in must not be left for the next person.'
		}
	];
}

export function buildPrivacyNotice(
	boroughName: string,
	retention: RetentionConfig,
	privacy: PrivacyConfig
): PrivacyNotice {
	return {
		controller: boroughName,
		contact: privacy.contact,
		lawfulBasis: privacy.lawfulBasis,
		periods: retentionWords(retention),
		schedule: retentionSchedule(retention)
	};
}

/** The notice as this server's settings make it. */
export async function getPrivacyNotice(): Promise<PrivacyNotice> {
	const { name } = await getBoroughSettings();
	return buildPrivacyNotice(name, readRetentionConfig(), readPrivacyConfig());
}
