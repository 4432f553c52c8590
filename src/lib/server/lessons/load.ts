// Loads the whole lessons folder into a Library: valid lessons for pupils, invalid ones with
// their problems for staff. Cached once per process; reloaded on change in development.

import fs from 'node:fs';
import path from 'node:path';
import type { InvalidLesson, Lesson, Library, Problem } from './types';
import { assetExists } from './assets';
import { checkDuplicateIds } from './check';
import { compileLesson, fileError, type CompileResult } from './compile';
import { FACTS_FILE, parseFacts, type FactTable } from './facts';
import { hasErrors, sortProblems } from './problems';
import { londonDay, describeError, logEvent } from '../platform';

/**
 * Lessons are small (the longest shipped one is under 20 KB); anything much bigger is a mistake
 * (a pasted picture?) and is not read. The limit also bounds how long a pathological file can
 * keep the markdown parser busy at start-up.
 */
export const MAX_LESSON_BYTES = 128 * 1024;

export interface LoadOptions {
	/** `YYYY-MM-DD`; facts whose review date is before it are stale. Defaults to today in the UK. */
	today?: string;
}

/** Read and check every lesson in `dir`. Never throws. */
export function loadLessons(dir: string, options: LoadOptions = {}): Library {
	const root = path.resolve(dir);
	const today = options.today ?? londonDay();
	if (!isDirectory(root)) {
		const problem: Problem = {
			path: '.',
			line: 1,
			column: 1,
			severity: 'error',
			rule: 'folder/missing',
			message: `the lessons folder ${root} does not exist — create it or set LESSONS_DIR`
		};
		return makeLibrary(root, [], [], [problem], parseFacts(null, today), 0);
	}
	const facts = readFacts(root, today);
	const files = listLessonFiles(root);
	const results = new Map<string, CompileResult>();
	for (const file of files) results.set(file, compileFile(root, file, facts));

	const duplicates = checkDuplicateIds(files.map((file) => ({ file, ...results.get(file)! })));
	const lessons: Lesson[] = [];
	const invalid: InvalidLesson[] = [];
	const problems: Problem[] = [...facts.problems];
	for (const file of files) {
		const result = results.get(file)!;
		const fileProblems = sortProblems([...result.problems, ...(duplicates.get(file) ?? [])]);
		problems.push(...fileProblems);
		if (result.lesson && !hasErrors(fileProblems)) {
			lessons.push(result.lesson);
		} else {
			invalid.push({ file, id: result.id, title: result.title, problems: fileProblems });
		}
	}
	lessons.sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	return makeLibrary(root, lessons, invalid, problems, facts, files.length);
}

function isDirectory(dir: string): boolean {
	try {
		return fs.statSync(dir).isDirectory();
	} catch {
		return false;
	}
}

function readFacts(root: string, today: string): FactTable {
	const file = path.join(root, FACTS_FILE);
	let source: string | null = null;
	try {
		source = fs.readFileSync(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
			const table = parseFacts(null, today);
			table.problems.push({
				path: FACTS_FILE,
				line: 1,
				column: 1,
				severity: 'error',
				rule: 'file/unreadable',
				message: `facts.yml could not be read (${(error as Error).message})`
			});
			return table;
		}
	}
	return parseFacts(source, today);
}

/** Skipped: drafts (`_name`), hidden files (`.name`) and the authoring guide. */
export function isIgnoredName(name: string): boolean {
	return name.startsWith('_') || name.startsWith('.') || name.toLowerCase() === 'readme.md';
}

/**
 * Every lesson file below `root`, relative, `/`-separated and sorted. Symbolic links are not
 * followed, so a link cannot pull in files from outside the folder or loop forever.
 */
export function listLessonFiles(root: string): string[] {
	const files: string[] = [];
	const visit = (relativeDir: string) => {
		let entries: fs.Dirent[];
		try {
			entries = fs.readdirSync(path.join(root, relativeDir), { withFileTypes: true });
		} catch {
			return;
		}
		for (const entry of entries) {
			if (isIgnoredName(entry.name)) continue;
			const relative = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
			if (entry.isDirectory()) visit(relative);
			else if (entry.isFile() && entry.name.toLowerCase().endsWith('.md')) files.push(relative);
		}
	};
	visit('');
	return files.sort();
}

function compileFile(root: string, file: string, facts: FactTable): CompileResult {
	let bytes: Buffer;
	try {
		const full = path.join(root, file);
		if (fs.statSync(full).size > MAX_LESSON_BYTES) {
			return fileError(
				file,
				'file/too-large',
				`the file is larger than ${MAX_LESSON_BYTES / 1024} KB — a lesson is text only; put pictures in their own files`
			);
		}
		bytes = fs.readFileSync(full);
	} catch (error) {
		return fileError(
			file,
			'file/unreadable',
			`the file could not be read (${(error as Error).message})`
		);
	}
	return compileLesson(bytes, {
		file,
		facts,
		assetExists: (relativePath) => assetExists(root, relativePath),
		lazy: true
	});
}

function makeLibrary(
	dir: string,
	lessons: Lesson[],
	invalid: InvalidLesson[],
	problems: Problem[],
	facts: FactTable,
	fileCount: number
): Library {
	const byId = new Map(lessons.map((lesson) => [lesson.id, lesson]));
	return {
		dir,
		lessons,
		invalid,
		problems,
		factsProblems: facts.problems,
		facts: [...facts.facts.values()],
		byId,
		fileCount,
		errorCount: problems.filter((p) => p.severity === 'error').length,
		warningCount: problems.filter((p) => p.severity === 'warning').length,
		loadedAt: new Date().toISOString(),
		getLesson: (id: string) => byId.get(id)
	};
}

// --- The process-wide library ---------------------------------------------------------------

let cached: Library | undefined;
let stopWatching: (() => void) | undefined;

export function lessonsDir(): string {
	return path.resolve(process.env.LESSONS_DIR || 'lessons');
}

/** The library, read once from LESSONS_DIR (default ./lessons); watched in development. */
export function getLibrary(): Library {
	if (!cached) {
		const dir = lessonsDir();
		cached = loadLessons(dir);
		if (process.env.NODE_ENV === 'development' && !stopWatching) {
			stopWatching = watchLessons(dir, (library) => {
				cached = library;
			});
		}
	}
	return cached;
}

export function getLesson(id: string): Lesson | undefined {
	return getLibrary().getLesson(id);
}

/** Read the folder again now (e.g. after an upload); the old library stays if that fails. */
export function reloadLibrary(): Library {
	try {
		cached = loadLessons(lessonsDir());
	} catch (error) {
		logEvent('error', 'lessons.reload_failed', 'reload failed; keeping the previous lessons', {
			error: describeError(error)
		});
	}
	return getLibrary();
}

/**
 * Call `onChange` with a fresh library whenever something in `dir` changes, at most once per
 * `debounceMs`. Returns a function that stops watching. A failing watcher is logged and closed,
 * never thrown: the server keeps the lessons it has.
 */
export function watchLessons(
	dir: string,
	onChange: (library: Library) => void,
	debounceMs = 150
): () => void {
	let timer: NodeJS.Timeout | undefined;
	let watcher: fs.FSWatcher | undefined;
	const rebuild = () => {
		timer = undefined;
		try {
			const library = loadLessons(dir);
			onChange(library);
			logEvent('info', 'lessons.reloaded', `reloaded ${library.lessons.length} lessons`, {
				lessons: library.lessons.length,
				errors: library.errorCount,
				warnings: library.warningCount
			});
		} catch (error) {
			logEvent('error', 'lessons.reload_failed', 'reload failed; keeping the previous lessons', {
				error: describeError(error)
			});
		}
	};
	const schedule = () => {
		if (timer) clearTimeout(timer);
		timer = setTimeout(rebuild, debounceMs);
		timer.unref?.();
	};
	try {
		try {
			watcher = fs.watch(dir, { recursive: true }, schedule);
		} catch {
			// Recursive watching is not available everywhere; the top folder is better than nothing.
			watcher = fs.watch(dir, schedule);
		}
		watcher.on('error', (error) => {
			logEvent('error', 'lessons.watch_stopped', 'stopped watching the lessons folder', {
				error: describeError(error)
			});
			watcher?.close();
		});
		watcher.unref?.();
	} catch (error) {
		logEvent('error', 'lessons.watch_failed', 'cannot watch the lessons folder', {
			error: describeError(error)
		});
	}
	return () => {
		if (timer) clearTimeout(timer);
		watcher?.close();
	};
}

/** For tests: forget the cached library and stop watching. */
export function resetLibrary(): void {
	stopWatching?.();
	stopWatching = undefined;
	cached = undefined;
}
