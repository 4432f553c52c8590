// Email alerts for a new request for help, when the council has configured mail
// (SMTP_URL). The email says only that a pupil at the school has asked for help and where
// to sign in: no name, no detail, because email is not a safe place for either. Without
// SMTP_URL, alerts are the banner in the app only.
import nodemailer, { type Transporter } from 'nodemailer';
import { readHelpConfig, type HelpConfig, getDb, logEvent } from '../platform';
import { helpReadersOf } from '../access';

let transport: { url: string; transporter: Transporter } | undefined;

function transporterFor(url: string): Transporter {
	if (transport?.url !== url) transport = { url, transporter: nodemailer.createTransport(url) };
	return transport.transporter;
}

export interface AlertResult {
	/** How many emails the mail server accepted. */
	sent: number;
	failed: number;
}

/** Emails each person who reads the school's requests, one message each. Never throws. */
export async function alertHelpReaders(
	schoolId: number,
	origin = process.env.ORIGIN ?? '',
	config: HelpConfig = readHelpConfig()
): Promise<AlertResult> {
	if (!config.smtpUrl) return { sent: 0, failed: 0 };
	const [{ people }, school] = await Promise.all([
		helpReadersOf(schoolId),
		getDb().selectFrom('schools').select('name').where('id', '=', schoolId).executeTakeFirst()
	]);
	const transporter = transporterFor(config.smtpUrl);
	const signIn = origin ? `${origin.replace(/\/$/, '')}/sign-in` : 'Think Safe';
	let sent = 0;
	let failed = 0;
	for (const person of people) {
		try {
			await transporter.sendMail({
				from: config.mailFrom,
				to: person.email,
				subject: 'Think Safe: a pupil has asked for help',
				text: [
					`A pupil at ${school?.name ?? 'your school'} has asked for help through Think Safe.`,
					'',
					`Please sign in to read the request: ${signIn}`,
					'',
					'This email says nothing more on purpose: the request itself is only in Think Safe.'
				].join('\n')
			});
			sent++;
		} catch (error) {
			failed++;
			// The request is stored and the banner shows it; the log says why the email did not go.
			// The message only: an SMTP error object can carry the recipient's address.
			logEvent('error', 'help.email_failed', 'could not email a safeguarding alert', {
				schoolId,
				reason: (error as Error).message
			});
		}
	}
	return { sent, failed };
}
