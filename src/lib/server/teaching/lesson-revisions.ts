// Lesson revisions in the database (migration 010). Every revision a class session ran is
// kept once per content hash; a session is reported on its own revision, so revising a
// lesson never rewrites last term's figures. Open sessions move to the new revision when
// the server starts with a revised file: their pupils see the new text, so it is the one
// their answers are counted on.

import { getDb, nowIso } from '../platform';
import {
	compileRevision,
	getLibrary,
	keptRevisionOf,
	revisionChanges,
	type KeptRevision,
	type Lesson,
	type RevisionChanges
} from '../lessons';

/** Keep each lesson's current revision (once per hash). Safe to call again and again. */
export async function recordRevisions(lessons: readonly Lesson[], at = nowIso()): Promise<void> {
	if (lessons.length === 0) return;
	await getDb()
		.insertInto('lesson_revisions')
		.values(
			lessons.map((lesson) => {
				const kept = keptRevisionOf(lesson);
				return {
					hash: kept.hash,
					lesson_id: lesson.id,
					file: kept.file,
					source: kept.source,
					facts: JSON.stringify(kept.facts),
					first_seen_at: at
				};
			})
		)
		.onConflict((oc) => oc.column('hash').doNothing())
		.execute();
}

/**
 * Sessions still open (a live lesson not ended, a self-paced one before its closing time)
 * run on the lesson as it is now: record that. Ended sessions keep their revision.
 */
export async function moveOpenSessions(
	lessons: readonly Lesson[],
	now = new Date()
): Promise<void> {
	const db = getDb();
	for (const lesson of lessons) {
		await db
			.updateTable('class_sessions')
			.set({ lesson_hash: lesson.hash })
			.where('lesson_id', '=', lesson.id)
			.where('lesson_hash', '<>', lesson.hash)
			.where('status', '<>', 'ended')
			.where((eb) => eb.or([eb('mode', '=', 'live'), eb('closes_at', '>', now.toISOString())]))
			.execute();
	}
}

/** At start-up: keep today's revisions and move open sessions onto them. */
export async function settleRevisions(lessons: readonly Lesson[]): Promise<void> {
	await recordRevisions(lessons);
	await moveOpenSessions(lessons);
}

// A revision never changes, so a rebuilt one is kept for the life of the process.
const rebuilt = new Map<string, Lesson>();

function keptOf(row: { hash: string; file: string; source: string; facts: string }): KeptRevision {
	return {
		hash: row.hash,
		file: row.file,
		source: row.source,
		facts: JSON.parse(row.facts) as KeptRevision['facts']
	};
}

/**
 * The lessons that sessions with these hashes ran, by hash. The library's lesson when the
 * hash is today's; otherwise the kept revision, rebuilt. A hash with no kept revision (a
 * session from before revisions were kept) is left out: callers use the lesson as it is.
 */
export async function revisionsByHash(hashes: Iterable<string>): Promise<Map<string, Lesson>> {
	const found = new Map<string, Lesson>();
	const current = new Map(getLibrary().lessons.map((l) => [l.hash, l]));
	const missing: string[] = [];
	for (const hash of new Set(hashes)) {
		const lesson = current.get(hash) ?? rebuilt.get(hash);
		if (lesson) found.set(hash, lesson);
		else missing.push(hash);
	}
	if (missing.length === 0) return found;
	const rows = await getDb()
		.selectFrom('lesson_revisions')
		.select(['hash', 'file', 'source', 'facts'])
		.where('hash', 'in', missing)
		.execute();
	for (const row of rows) {
		const lesson = compileRevision(keptOf(row));
		if (!lesson) continue;
		rebuilt.set(row.hash, lesson);
		found.set(row.hash, lesson);
	}
	return found;
}

/** The lesson a session ran: its own revision, or the lesson as it is now. */
export async function lessonOfSession(session: {
	lessonId: string;
	lessonHash: string;
}): Promise<Lesson | undefined> {
	const byHash = await revisionsByHash([session.lessonHash]);
	return byHash.get(session.lessonHash) ?? getLibrary().getLesson(session.lessonId);
}

/** Each lesson's revisions that sessions of these lessons ran (and today's), for reports. */
export async function revisionsOfLessons(
	lessons: readonly Lesson[]
): Promise<{ sessionHash: Map<number, string>; byHash: Map<string, Lesson> }> {
	const ids = lessons.map((l) => l.id);
	if (ids.length === 0) return { sessionHash: new Map(), byHash: new Map() };
	const rows = await getDb()
		.selectFrom('class_sessions')
		.select(['id', 'lesson_hash'])
		.where('lesson_id', 'in', ids)
		.execute();
	const sessionHash = new Map(rows.map((r) => [r.id, r.lesson_hash]));
	const byHash = await revisionsByHash([...lessons.map((l) => l.hash), ...sessionHash.values()]);
	return { sessionHash, byHash };
}

export interface RevisionEntry {
	hash: string;
	/** When the server first ran with it (UTC ISO). */
	firstSeenAt: string;
	/** Class sessions that ran it. */
	sessions: number;
	current: boolean;
	/** What changed from the revision before it; null for the first. */
	changes: RevisionChanges | null;
}

/** A lesson's revisions, newest first, each with what changed from the one before. */
export async function revisionHistory(lesson: Lesson): Promise<RevisionEntry[]> {
	const db = getDb();
	const [rows, counts] = await Promise.all([
		db
			.selectFrom('lesson_revisions')
			.select(['hash', 'first_seen_at'])
			.where('lesson_id', '=', lesson.id)
			.orderBy('first_seen_at')
			.orderBy('hash')
			.execute(),
		db
			.selectFrom('class_sessions')
			.select(['lesson_hash', (eb) => eb.fn.countAll<number>().as('n')])
			.where('lesson_id', '=', lesson.id)
			.groupBy('lesson_hash')
			.execute()
	]);
	const sessions = new Map(counts.map((c) => [c.lesson_hash, Number(c.n)]));
	const byHash = await revisionsByHash(rows.map((r) => r.hash));
	const entries: RevisionEntry[] = [];
	let before: Lesson | undefined;
	for (const row of rows) {
		const revision = byHash.get(row.hash);
		entries.push({
			hash: row.hash,
			firstSeenAt: row.first_seen_at,
			sessions: sessions.get(row.hash) ?? 0,
			current: row.hash === lesson.hash,
			changes: before && revision ? revisionChanges(before, revision) : null
		});
		if (revision) before = revision;
	}
	return entries.reverse();
}

/** The newest kept revision of each lesson, for lessons:check to compare a file against. */
export async function latestRevisions(): Promise<Map<string, Lesson>> {
	const rows = await getDb()
		.selectFrom('lesson_revisions')
		.select(['lesson_id', 'hash', 'file', 'source', 'facts', 'first_seen_at'])
		.orderBy('first_seen_at')
		.orderBy('hash')
		.execute();
	const newest = new Map<string, (typeof rows)[number]>();
	for (const row of rows) newest.set(row.lesson_id, row);
	const lessons = new Map<string, Lesson>();
	for (const [id, row] of newest) {
		const lesson = compileRevision(keptOf(row));
		if (lesson) lessons.set(id, lesson);
	}
	return lessons;
}
