// What a staff password must be: long enough, and not on a maintained list of the
// ~50,000 most common passwords (zxcvbn-ts's list, kept up to date by that project).
import { dictionary } from '@zxcvbn-ts/language-common';

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;

let common: Set<string> | undefined;

function commonPasswords(): Set<string> {
	common ??= new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
	return common;
}

/** Returns a message a person can act on, or null when the password is acceptable. */
export function passwordProblem(password: string, email?: string): string | null {
	if (password.length < MIN_PASSWORD_LENGTH) {
		return `Use at least ${MIN_PASSWORD_LENGTH} characters — three random words make a strong, memorable password.`;
	}
	if (password.length > MAX_PASSWORD_LENGTH) {
		return `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
	}
	const lower = password.toLowerCase();
	if (commonPasswords().has(lower) || /^(.)\1+$/.test(password)) {
		return 'That password is one of the most common passwords, so it is easy to guess. Please choose another.';
	}
	if (
		email &&
		lower.includes(email.toLowerCase().split('@')[0]) &&
		email.split('@')[0].length >= 4
	) {
		return 'Your password should not contain your sign-in name.';
	}
	if (/think\s*safe/i.test(password) && password.replace(/think\s*safe/gi, '').length < 6) {
		return 'A password made mostly of "Think Safe" is easy to guess. Please choose another.';
	}
	return null;
}
