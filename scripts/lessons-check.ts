// `npm run lessons:check [DIR]`: checks every lesson the way the server does and prints one
// line per problem, `path:line:column: message`, then a total. Exits 1 on any error.

import path from 'node:path';
import { loadLessons } from '../src/lib/server/lessons/load';
import { formatProblem, summarise } from '../src/lib/server/lessons/report';

function main(argv: string[]): number {
	const args = argv.filter((a) => !a.startsWith('-'));
	if (argv.includes('--help') || argv.includes('-h') || args.length > 1) {
		console.log('usage: npm run lessons:check [DIR]   (DIR defaults to $LESSONS_DIR or ./lessons)');
		return args.length > 1 ? 2 : 0;
	}
	const dir = args[0] ?? (process.env.LESSONS_DIR || 'lessons');
	const library = loadLessons(dir);
	// Print paths as the user typed the folder, so editors and terminals can open them.
	const shown = path.isAbsolute(dir) ? dir : path.relative(process.cwd(), path.resolve(dir)) || '.';
	const prefix = shown.split(path.sep).join('/');
	for (const problem of library.problems) {
		console.log(formatProblem(problem, problem.path === '.' ? '' : prefix));
	}
	console.log(summarise(library.fileCount, library.problems));
	return library.errorCount > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
