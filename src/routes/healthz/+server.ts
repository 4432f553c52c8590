// Liveness for the council's monitoring: public by design, says nothing about anyone.
// 503 when the database cannot be read or cannot be written (a full disk, a failing one,
// a write lock held elsewhere past the wait): see $lib/server/db/health.
import { json } from '@sveltejs/kit';
import { allowAnyone } from '$lib/server/auth';
import { getHandle, RETRY_AFTER_S, checkDatabaseHealth } from '$lib/server/platform';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	allowAnyone(event);
	const headers = { 'Cache-Control': 'no-store' };
	let health;
	try {
		health = await checkDatabaseHealth(getHandle());
	} catch (error) {
		// The database could not even be opened.
		const reason = error instanceof Error ? error.message : 'unavailable';
		health = { ok: false as const, reason };
	}
	if (health.ok) return json({ status: 'ok' }, { headers });
	return json(
		{ status: 'unavailable', reason: `database: ${health.reason}` },
		{ status: 503, headers: { ...headers, 'Retry-After': String(RETRY_AFTER_S) } }
	);
};
