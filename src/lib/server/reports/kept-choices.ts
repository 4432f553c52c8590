// The class report's spread of choices (how many chose each option of a question in a
// session) outlives the pupils who chose: when the retention period deletes a pupil's
// records, what each of their answers chose leaves the answer and is added to a count per
// session, question and option, which names nobody (former-pupils.ts). The report reads its
// answers with these counts in place of the former pupils' own, so its spread is the same
// the day after as the day before.
import type { Transaction } from 'kysely';
import { getDb } from '../platform';
import type { DB } from '../platform';
import type { AnswerRow } from './scope';

const KEY = ['session_id', 'lesson_id', 'question_id', 'phase', 'selected', 'correct'] as const;

/** Moves what these pupils chose into the counts; the caller then blanks their answers. */
export async function keepChoiceCounts(trx: Transaction<DB>, pupilIds: number[]): Promise<void> {
	if (pupilIds.length === 0) return;
	const groups = await trx
		.selectFrom('answers')
		.select((eb) => [...KEY, eb.fn.countAll<number>().as('n')])
		.where('pupil_id', 'in', pupilIds)
		.groupBy([...KEY])
		.execute();
	// In slices, to stay under SQLite's limit on a statement's values.
	for (let i = 0; i < groups.length; i += 500)
		await trx
			.insertInto('answer_choice_counts')
			.values(groups.slice(i, i + 500).map((g) => ({ ...g, n: Number(g.n) })))
			.execute();
}

/**
 * The answers a report's questions are worked out from: `rows` less those of former pupils
 * (whose choices are gone), plus one row per kept choice in `sessionIds`, by nobody (pupil 0)
 * and counting in no figure (`counts` 0): only the spread of choices reads them.
 */
export async function withKeptChoices(
	rows: readonly AnswerRow[],
	sessionIds: number[]
): Promise<readonly AnswerRow[]> {
	if (sessionIds.length === 0) return rows;
	const db = getDb();
	const pupilIds = [...new Set(rows.map((r) => r.pupil_id))];
	const [former, kept] = await Promise.all([
		pupilIds.length
			? db
					.selectFrom('pupils')
					.select('id')
					.where('id', 'in', pupilIds)
					.where('records_deleted_at', 'is not', null)
					.execute()
			: [],
		db
			.selectFrom('answer_choice_counts')
			.select([...KEY, 'n'])
			.where('session_id', 'in', sessionIds)
			.execute()
	]);
	if (former.length === 0 && kept.length === 0) return rows;
	const gone = new Set(former.map((p) => p.id));
	return [
		...rows.filter((r) => !gone.has(r.pupil_id)),
		...kept.flatMap(({ n, ...choice }) =>
			Array.from({ length: n }, (): AnswerRow => ({ ...choice, pupil_id: 0, counts: 0 }))
		)
	];
}
