// Liveness for the council's monitoring: public by design, says nothing about anyone.
import { json } from '@sveltejs/kit';
import { sql } from 'kysely';
import { allowAnyone } from '$lib/server/auth/guards';
import { getDb } from '$lib/server/db';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	allowAnyone(event);
	try {
		await sql`select 1 as ok`.execute(getDb());
		return json({ status: 'ok' }, { headers: { 'Cache-Control': 'no-store' } });
	} catch (error) {
		const reason = error instanceof Error ? error.message : 'database unavailable';
		return json(
			{ status: 'unavailable', reason: `database: ${reason}` },
			{ status: 503, headers: { 'Cache-Control': 'no-store' } }
		);
	}
};
