// Writing the demo history's rows: sessions first, in time order so that ids grow with time
// as they do in use, then everything that names a session, in slices SQLite accepts. Apart
// from the generator because it is about the database, not the story the rows tell.
import { CompiledQuery, type Insertable, type Transaction } from 'kysely';
import type { DB } from '../platform';
import type { Rows } from './generator';

/**
 * Inserts in slices small enough for any SQLite's limit on bound parameters (999). Kysely
 * builds the statement for the first full slice; later slices of that size reuse its SQL with
 * their own parameters, because building ten thousand rows of query nodes took longer than
 * writing them. Every row of a table has the same columns in the same order.
 */
async function insertAll<T extends keyof DB & string>(
	trx: Transaction<DB>,
	table: T,
	rows: Insertable<DB[T]>[]
): Promise<void> {
	if (rows.length === 0) return;
	const columns = Object.keys(rows[0]) as (keyof Insertable<DB[T]>)[];
	const size = Math.max(1, Math.floor(900 / columns.length));
	let reusable: string | undefined;
	for (let i = 0; i < rows.length; i += size) {
		const slice = rows.slice(i, i + size);
		const parameters = slice.flatMap((row) => columns.map((c) => row[c]));
		if (reusable && slice.length === size) {
			await trx.executeQuery(CompiledQuery.raw(reusable, parameters));
			continue;
		}
		// Kysely cannot resolve a generic table's row type; the signature has checked the rows.
		const compiled = trx
			.insertInto(table)
			.values(slice as Parameters<ReturnType<typeof trx.insertInto<T>>['values']>[0])
			.compile();
		if (slice.length === size && compiled.parameters.every((v, n) => v === parameters[n]))
			reusable = compiled.sql;
		await trx.executeQuery(compiled);
	}
}

export async function write(trx: Transaction<DB>, rows: Rows): Promise<void> {
	// Sessions in time order, so that ids grow with time as they do in use.
	const order = [...rows.sessions].sort((a, b) =>
		a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0
	);
	const before = await trx
		.selectFrom('class_sessions')
		.select((eb) => eb.fn.max('id').as('max'))
		.executeTakeFirst();
	await insertAll(
		trx,
		'class_sessions',
		order.map(({ key: _key, ...row }) => row)
	);
	const ids = await trx
		.selectFrom('class_sessions')
		.select('id')
		.where('id', '>', Number(before?.max ?? 0))
		.orderBy('id')
		.execute();
	const idOf = new Map(order.map((s, i) => [s.key, ids[i].id]));
	const withId = <R extends { key: number }>(list: R[]) =>
		list.map(({ key, ...row }) => ({ ...row, session_id: idOf.get(key)! }));

	await insertAll(trx, 'class_session_pupils', withId(rows.audience));
	await insertAll(trx, 'attendance', withId(rows.attendance));
	await insertAll(trx, 'progress', withId(rows.progress));
	const answers = withId(rows.answers).sort((a, b) =>
		a.answered_at < b.answered_at ? -1 : a.answered_at > b.answered_at ? 1 : 0
	);
	await insertAll(trx, 'answers', answers);
	await insertAll(trx, 'paper_completions', rows.paper);
	const audit = rows.audit
		.map(({ key, ...row }) => ({ ...row, target_id: key === null ? null : String(idOf.get(key)) }))
		.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
	await insertAll(trx, 'audit_events', audit);
}
