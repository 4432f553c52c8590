// Each pupil's answer facts for each lesson (how many scored questions they answered, got
// right, and answered before and after the lesson): aggregated in SQL over an index for a
// report, or made row by row from answers already read (the class report, a few pupils of
// the borough's kept totals), both by the same passes and the revision each pupil's first
// session ran. Apart from facts.ts because it is the one costly, bit-packed part of reading
// the facts, shared by every report and by the kept totals.
import { sql } from 'kysely';
import { getDb } from '../platform';
import { revisionsByHash, revisionsOfLessons } from '../teaching';
import type { Lesson } from '../lessons';
import {
	ownSessions,
	type AnswerRow,
	type PupilIds,
	type ReportFilter,
	type Scope,
	type sessionsInDates
} from './scope';

/**
 * Questions per pass over the answers. Each answer adds its question's bit to one of four
 * sets (after, after and right, before, before and right), packed side by side into one
 * sum: 4 × 13 = 52 bits, an exact integer in a double, SQLite and PostgreSQL alike.
 */
const MASK_BITS = 13;
const SET = 2 ** MASK_BITS;

function bitCount(n: number): number {
	let count = 0;
	for (let rest = n; rest; rest &= rest - 1) count++;
	return count;
}

export interface AnswerFact {
	pupilId: number;
	lessonId: string;
	/** Scored questions in the revision the pupil's answers count against. */
	scored: number;
	answered: number;
	correct: number;
	gainPairs: number;
	gainBefore: number;
	gainAfter: number;
}

/**
 * Each pupil's answers to each lesson's scored questions, one row per pupil and lesson, in
 * one pass over an index (migration 005): which questions they answered before and after
 * the lesson and which of those were right, as sets of one bit per question. A pupil
 * answers a question once per phase, so each sum is a set. The revision of the lesson that
 * the pupil's first session of it ran decides which questions count (lesson-revisions.ts), so
 * revising a lesson leaves earlier figures as they were. Main
 * answers count only in `sessionIds` when given; a knowledge-check answer pairs with a
 * main answer wherever it was given, as before.
 */
export async function answerFacts(
	lessons: Lesson[],
	pupilIds: PupilIds | readonly number[] | undefined,
	sessionIds: ReturnType<typeof sessionsInDates> | undefined
): Promise<AnswerFact[]> {
	return answerFactsBy(lessons, revisionsOfLessons(lessons), (chunks) =>
		sumAnswers(chunks, pupilIds, sessionIds)
	);
}

/**
 * The same facts from answers already read (the class report reads its answers once, for
 * these and for its questions): the very sums the SQL of `answerFacts` makes, row by row.
 */
export async function answerFactsOfRows(
	lessons: Lesson[],
	rows: readonly AnswerRow[],
	counted: (row: AnswerRow) => boolean
): Promise<AnswerFact[]> {
	return answerFactsBy(lessons, revisionsOfRows(lessons, rows), async (chunks) => {
		const bitOf = new Map<string, number>();
		for (const c of chunks) c.chunk.forEach((id, i) => bitOf.set(`${c.lessonId}\n${id}`, 2 ** i));
		const inPass = new Set(chunks.map((c) => c.lessonId));
		const sums = new Map<string, PassRow>();
		for (const x of rows) {
			if (x.counts !== 1 || !inPass.has(x.lesson_id) || !counted(x)) continue;
			const key = `${x.lesson_id}\n${x.pupil_id}`;
			let sum = sums.get(key);
			if (!sum) {
				sum = {
					lesson_id: x.lesson_id,
					pupil_id: x.pupil_id,
					sets: 0,
					first_session: x.session_id
				};
				sums.set(key, sum);
			}
			sum.first_session = Math.min(sum.first_session, x.session_id);
			const bit = bitOf.get(`${x.lesson_id}\n${x.question_id}`) ?? 0;
			const set = x.phase === 'main' ? 1 : SET * SET;
			sum.sets = (sum.sets ?? 0) + bit * set * (x.correct === 1 ? 1 + SET : 1);
		}
		return [...sums.values()];
	});
}

/**
 * The revisions the sessions of these answers ran, as `revisionsOfLessons` finds them for
 * every session of the lessons, but asking only about these answers' sessions.
 */
async function revisionsOfRows(
	lessons: Lesson[],
	rows: readonly AnswerRow[]
): Promise<Awaited<ReturnType<typeof revisionsOfLessons>>> {
	const ids = [...new Set(rows.map((r) => r.session_id))];
	const sessions = [];
	for (let i = 0; i < ids.length; i += 500)
		sessions.push(
			...(await getDb()
				.selectFrom('class_sessions')
				.select(['id', 'lesson_hash'])
				.where('id', 'in', ids.slice(i, i + 500))
				.execute())
		);
	const sessionHash = new Map(sessions.map((s) => [s.id, s.lesson_hash]));
	const byHash = await revisionsByHash([...lessons.map((l) => l.hash), ...sessionHash.values()]);
	return { sessionHash, byHash };
}

/**
 * A few pupils' answer facts, from their answers read row by row: for a handful of pupils
 * this is cheaper than the aggregate, which looks up the revision of every session of the
 * lessons (the borough's kept totals, bringing a changed pupil up to date).
 */
export async function answerFactsOfPupils(
	lessons: Lesson[],
	pupilIds: readonly number[]
): Promise<AnswerFact[]> {
	const rows = await readAnswerRows(
		{ pupilIds },
		{},
		pupilIds,
		lessons.map((l) => l.id)
	);
	return answerFactsOfRows(lessons, rows, () => true);
}

/** One pass's questions of one lesson, a bit each in the order given. */
type Chunk = { lessonId: string; chunk: string[] };

/** A pupil's answers to one lesson in one pass: the four sets summed, and their first session. */
interface PassRow {
	lesson_id: string;
	pupil_id: number;
	sets: number | null;
	first_session: number;
}

/** The answers' sums of one pass, added up in SQL over the index. */
async function sumAnswers(
	chunks: Chunk[],
	pupilIds: PupilIds | readonly number[] | undefined,
	sessionIds: ReturnType<typeof sessionsInDates> | undefined
): Promise<PassRow[]> {
	const bit = sql<number>`case ${sql.ref('x.lesson_id')} ${sql.join(
		chunks.map(
			(c) =>
				sql`when ${c.lessonId} then case ${sql.ref('x.question_id')} ${sql.join(
					c.chunk.map((id, i) => sql`when ${id} then ${sql.lit(2 ** i)}`),
					sql` `
				)} else 0 end`
		),
		sql` `
	)} else 0 end`;
	let query = getDb()
		.selectFrom('answers as x')
		.select((eb) => {
			const main = sessionIds
				? eb.and([eb('x.phase', '=', 'main'), eb('x.session_id', 'in', sessionIds)])
				: eb('x.phase', '=', 'main');
			// Which set: after (main) in the first 13 bits, before (pre) from bit 26; a main
			// answer outside the sessions counted adds nothing. Right also sets the bit 13 up.
			const set = eb
				.case()
				.when(main)
				.then(sql.lit(1))
				.when('x.phase', '=', 'pre')
				.then(sql.lit(SET * SET))
				.else(sql.lit(0))
				.end();
			const right = eb
				.case()
				.when('x.correct', '=', 1)
				.then(sql.lit(1 + SET))
				.else(sql.lit(1))
				.end();
			// bigint: 52 bits overflow PostgreSQL's 32-bit integer arithmetic.
			const sets = sql<number>`cast(${bit} as bigint) * ${set} * ${right}`;
			return [
				'x.lesson_id',
				'x.pupil_id',
				eb.fn.sum<number>(sets).as('sets'),
				eb.fn.min<number>('x.session_id').as('first_session')
			];
		})
		.where(
			'x.lesson_id',
			'in',
			chunks.map((c) => c.lessonId)
		)
		// The first answer to each question counts (migration 012); written as a literal so
		// that SQLite reads the partial index.
		.where(sql.ref('x.counts'), '=', sql.lit(1))
		// In the index's order, so the rows stream without sorting.
		.groupBy(['x.lesson_id', 'x.pupil_id']);
	if (pupilIds) query = query.where('x.pupil_id', 'in', pupilIds);
	return query.execute();
}

/** Answer facts from each pass's sums, however they were added up. */
async function answerFactsBy(
	lessons: Lesson[],
	revisions: ReturnType<typeof revisionsOfLessons>,
	readPass: (chunks: Chunk[]) => Promise<PassRow[]>
): Promise<AnswerFact[]> {
	// Bits stand for every scored question any revision of the lesson had; each pupil's
	// answers then count against the revision of the first session they answered in.
	const { sessionHash, byHash } = await revisions;
	const scored = new Map(lessons.map((l) => [l.id, scoredAcrossRevisions(l, byHash.values())]));
	const revisionOf = (lesson: Lesson, firstSession: number): Lesson => {
		const hash = sessionHash.get(firstSession);
		const revision = hash === undefined ? undefined : byHash.get(hash);
		return revision && revision.id === lesson.id ? revision : lesson;
	};
	const byId = new Map(lessons.map((l) => [l.id, l]));
	const passes = Math.max(0, ...[...scored.values()].map((qs) => Math.ceil(qs.length / MASK_BITS)));
	const facts = new Map<string, AnswerFact>();
	for (let pass = 0; pass < passes; pass++) {
		// This pass's questions of each lesson that has any left.
		const chunks = [...scored]
			.map(([lessonId, qs]) => ({
				lessonId,
				chunk: qs.slice(pass * MASK_BITS, (pass + 1) * MASK_BITS)
			}))
			.filter((c) => c.chunk.length > 0);
		// This pass's bits that a revision scores, and those it asks in the knowledge check.
		const masks = new Map<Lesson, { scored: number; check: number }>();
		const masksOf = (revision: Lesson, lessonId: string) => {
			let found = masks.get(revision);
			if (!found) {
				const chunk = chunks.find((c) => c.lessonId === lessonId)?.chunk ?? [];
				const own = new Map(revision.questions.filter((q) => q.scored).map((q) => [q.id, q]));
				found = { scored: 0, check: 0 };
				chunk.forEach((id, i) => {
					const q = own.get(id);
					if (q) found!.scored |= 2 ** i;
					if (q?.check) found!.check |= 2 ** i;
				});
				masks.set(revision, found);
			}
			return found;
		};
		for (const row of await readPass(chunks)) {
			const sets = Number(row.sets ?? 0);
			const lesson = byId.get(row.lesson_id)!;
			const revision = revisionOf(lesson, Number(row.first_session));
			const mask = masksOf(revision, row.lesson_id);
			const main = (sets % SET) & mask.scored;
			const mainRight = (Math.floor(sets / SET) % SET) & mask.scored;
			const pre = Math.floor(sets / SET ** 2) % SET;
			const preRight = Math.floor(sets / SET ** 3) % SET;
			const paired = pre & main & mask.check;
			if (main === 0 && paired === 0) continue;
			const key = `${row.lesson_id}\n${row.pupil_id}`;
			let fact = facts.get(key);
			if (!fact) {
				fact = {
					pupilId: row.pupil_id,
					lessonId: row.lesson_id,
					scored: revision.questions.filter((q) => q.scored).length,
					answered: 0,
					correct: 0,
					gainPairs: 0,
					gainBefore: 0,
					gainAfter: 0
				};
				facts.set(key, fact);
			}
			fact.answered += bitCount(main);
			fact.correct += bitCount(mainRight);
			fact.gainPairs += bitCount(paired);
			fact.gainBefore += bitCount(paired & preRight);
			fact.gainAfter += bitCount(paired & mainRight);
		}
	}
	return [...facts.values()];
}

/**
 * The ids of every question the lesson scores now or scored in a revision that sessions ran:
 * today's in their order, then those only older revisions had.
 */
function scoredAcrossRevisions(lesson: Lesson, revisions: Iterable<Lesson>): string[] {
	const ids = lesson.questions.filter((q) => q.scored).map((q) => q.id);
	const seen = new Set(ids);
	for (const revision of revisions) {
		if (revision.id !== lesson.id) continue;
		for (const q of revision.questions) {
			if (q.scored && !seen.has(q.id)) {
				seen.add(q.id);
				ids.push(q.id);
			}
		}
	}
	return ids;
}

/** Every answer, counted first or not, of the scope's pupils or in its own sessions. */
export function readAnswerRows(
	scope: Scope,
	filter: ReportFilter,
	pupilIds: PupilIds | readonly number[] | undefined,
	lessonIds: string[]
): Promise<AnswerRow[]> {
	if (lessonIds.length === 0) return Promise.resolve([]);
	return getDb()
		.selectFrom('answers as x')
		.select([
			'x.session_id',
			'x.pupil_id',
			'x.lesson_id',
			'x.question_id',
			'x.phase',
			'x.selected',
			'x.correct',
			'x.counts'
		])
		.where('x.lesson_id', 'in', lessonIds)
		.$if(!!pupilIds, (qb) =>
			qb.where((eb) =>
				scope.pupilIds
					? eb('x.pupil_id', 'in', pupilIds!)
					: eb.or([
							eb('x.pupil_id', 'in', pupilIds!),
							eb('x.session_id', 'in', ownSessions(scope, filter))
						])
			)
		)
		.execute();
}
