// `npm run lessons:check [DIR]`: checks every lesson the way the server does and prints one
// line per problem, `path:line:column: message`, then a total. Exits 1 on any error.

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { loadLessons } from '../src/lib/server/lessons/load';
import { formatProblem, summarise } from '../src/lib/server/lessons/report';
import {
	compileRevision,
	revisionWarnings,
	type KeptRevision
} from '../src/lib/server/lessons/revisions';
import type { Lesson, Problem } from '../src/lib/server/lessons/types';

/**
 * The newest version of each lesson kept by the server (lesson_revisions, migration 010) in
 * the database at DATABASE_PATH, read-only; none when there is no database yet.
 */
function keptRevisions(): Map<string, { lesson: Lesson; since: string }> {
	const file = path.resolve(process.env.DATABASE_PATH || 'data/thinksafe.db');
	const kept = new Map<string, { lesson: Lesson; since: string }>();
	if (!fs.existsSync(file)) return kept;
	let db: Database.Database | undefined;
	try {
		db = new Database(file, { readonly: true, fileMustExist: true });
		const rows = db
			.prepare(
				`select lesson_id, hash, file, source, facts, first_seen_at from lesson_revisions
				 order by first_seen_at, hash`
			)
			.all() as {
			lesson_id: string;
			hash: string;
			file: string;
			source: string;
			facts: string;
			first_seen_at: string;
		}[];
		const newest = new Map(rows.map((r) => [r.lesson_id, r]));
		for (const [id, row] of newest) {
			const revision: KeptRevision = { ...row, facts: JSON.parse(row.facts) };
			const lesson = compileRevision(revision);
			if (lesson) kept.set(id, { lesson, since: row.first_seen_at.slice(0, 10) });
		}
	} catch {
		// An older database without revisions, or one in use elsewhere: nothing to compare.
	} finally {
		db?.close();
	}
	return kept;
}

function main(argv: string[]): number {
	const args = argv.filter((a) => !a.startsWith('-'));
	if (argv.includes('--help') || argv.includes('-h') || args.length > 1) {
		console.log('usage: npm run lessons:check [DIR]   (DIR defaults to $LESSONS_DIR or ./lessons)');
		return args.length > 1 ? 2 : 0;
	}
	const dir = args[0] ?? (process.env.LESSONS_DIR || 'lessons');
	const library = loadLessons(dir);
	const kept = keptRevisions();
	const warnings: Problem[] = library.lessons.flatMap((lesson) => {
		const previous = kept.get(lesson.id);
		return previous ? revisionWarnings(lesson, previous.lesson, previous.since) : [];
	});
	const problems = [...library.problems, ...warnings];
	// Print paths as the user typed the folder, so editors and terminals can open them.
	const shown = path.isAbsolute(dir) ? dir : path.relative(process.cwd(), path.resolve(dir)) || '.';
	const prefix = shown.split(path.sep).join('/');
	for (const problem of problems) {
		console.log(formatProblem(problem, problem.path === '.' ? '' : prefix));
	}
	console.log(summarise(library.fileCount, problems));
	return library.errorCount > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
