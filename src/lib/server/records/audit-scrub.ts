// The audit log keeps its entries for their own period, but not words that name someone
// who has gone: a deleted account's email (failed sign-ins, an accepted invitation) and the
// note a deleted invitation was made with ("Ms Patel, Year 6"). Entries keep the number.
import type { Transaction } from 'kysely';
import type { DB } from '../platform';

/** What an email or a note naming someone deleted becomes wherever it is kept. */
export const DELETED_ACCOUNT = '(deleted account)';

/**
 * One pass over the entries that can hold an email (any with an "@") or an invitation's
 * note, however many people are named: the audit log is the largest table, and accounts
 * tend to be deleted many at a time (a school that left, the start of a year).
 */
export async function scrubAuditDetails(
	trx: Transaction<DB>,
	names: { emails?: string[]; notes?: string[] }
): Promise<number> {
	const emails = [...new Set((names.emails ?? []).map((e) => e.toLowerCase()).filter(Boolean))];
	const notes = new Set((names.notes ?? []).filter((note) => note.trim() !== ''));
	if (emails.length === 0 && notes.size === 0) return 0;
	const rows = await trx
		.selectFrom('audit_events')
		.select(['id', 'action', 'detail'])
		.where('detail', 'is not', null)
		.where((eb) =>
			eb.or([
				...(emails.length ? [eb('detail', 'like', '%@%')] : []),
				...(notes.size ? [eb('action', '=', 'staff.invited')] : [])
			])
		)
		.execute();
	// Compared as JSON writes them, so an email with a quote in it is still found.
	const encoded = emails.map((email) => ({ email, json: JSON.stringify(email).slice(1, -1) }));
	let scrubbed = 0;
	for (const row of rows) {
		const raw = row.detail!.toLowerCase();
		const present = encoded.filter((e) => raw.includes(e.json)).map((e) => e.email);
		let detail = JSON.parse(row.detail!) as Record<string, unknown>;
		const namedNote = row.action === 'staff.invited' && notes.has(String(detail.note));
		if (present.length === 0 && !namedNote) continue;
		if (present.length) detail = replaceStrings(detail, anyOf(present)) as Record<string, unknown>;
		if (namedNote) detail.note = null;
		await trx
			.updateTable('audit_events')
			.set({ detail: JSON.stringify(detail) })
			.where('id', '=', row.id)
			.execute();
		scrubbed++;
	}
	return scrubbed;
}

function anyOf(texts: string[]): RegExp {
	return new RegExp(texts.map(escapeRegExp).join('|'), 'gi');
}

function replaceStrings(value: unknown, pattern: RegExp): unknown {
	if (typeof value === 'string') return value.replace(pattern, DELETED_ACCOUNT);
	if (Array.isArray(value)) return value.map((v) => replaceStrings(v, pattern));
	if (value && typeof value === 'object')
		return Object.fromEntries(
			Object.entries(value).map(([k, v]) => [k, replaceStrings(v, pattern)])
		);
	return value;
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
