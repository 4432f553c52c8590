// The audit log keeps each entry for AUDIT_RETENTION_MONTHS, then lets it go: old enough
// that no question about who did what can still be asked of it (see privacy-notice.ts).
import { getDb } from '../platform';
import { monthsBefore } from './dates';

/** Deleted in batches, so that requests arriving meanwhile wait for one batch, not all. */
const BATCH = 2000;

export async function removeOldAuditEntries(now: Date, months: number): Promise<number> {
	const cutoff = monthsBefore(now, months).toISOString();
	let total = 0;
	for (;;) {
		const result = await getDb()
			.deleteFrom('audit_events')
			.where('id', 'in', (eb) =>
				eb.selectFrom('audit_events').select('id').where('at', '<', cutoff).limit(BATCH)
			)
			.executeTakeFirst();
		const removed = Number(result.numDeletedRows);
		total += removed;
		if (removed < BATCH) return total;
	}
}
