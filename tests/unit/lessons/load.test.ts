import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
	getLesson,
	getLibrary,
	loadLessons,
	MAX_LESSON_BYTES,
	resetLibrary,
	watchLessons
} from '../../../src/lib/server/lessons/load';
import type { Library } from '../../../src/lib/server/lessons/types';
import { compileLesson } from '../../../src/lib/server/lessons/compile';
import { parseFacts } from '../../../src/lib/server/lessons/facts';
import { lesson } from './helpers';
import { createLogger, useLogger } from '../../../src/lib/server/platform/log';

const FIXTURES = path.resolve('tests/fixtures/lessons');
const VALID = path.join(FIXTURES, 'valid');
const INVALID = path.join(FIXTURES, 'invalid');
const TODAY = '2026-12-01';

function fixtureLine(file: string, needle: string): number {
	const text = fs.readFileSync(path.join(INVALID, file), 'utf8');
	return text.slice(0, text.indexOf(needle)).split('\n').length;
}

function problemsOf(library: Library, file: string) {
	return library.problems.filter((p) => p.path === file);
}

describe('loadLessons on a valid folder', () => {
	const library = loadLessons(VALID, { today: TODAY });

	it('loads every lesson, in sub-folders too, with no errors', () => {
		expect(library.errorCount).toBe(0);
		expect(library.invalid).toEqual([]);
		expect(library.fileCount).toBe(4);
		expect(library.lessons.map((l) => l.file)).toEqual([
			'01-online-friends.md',
			'03-minimal.md',
			'sub/02-passwords.md',
			'04-windows.md'
		]);
	});

	it('sorts by order, then id', () => {
		expect(library.lessons.map((l) => [l.order, l.id])).toEqual([
			[1, 'online-friends'],
			[2, 'minimal'],
			[2, 'passwords'],
			[4, 'windows-file']
		]);
	});

	it('ignores drafts, hidden files, _folders and README.md', () => {
		const files = library.lessons.map((l) => l.file).join(' ');
		expect(files).not.toMatch(/draft|hidden|README/i);
	});

	it('finds lessons by id', () => {
		expect(library.getLesson('passwords')?.title).toBe('Strong passwords');
		expect(library.byId.get('minimal')?.file).toBe('03-minimal.md');
		expect(library.getLesson('nope')).toBeUndefined();
	});

	it('builds a full lesson: steps, blocks, questions, home sheet, facts', () => {
		const friends = library.getLesson('online-friends')!;
		expect(friends.steps.map((s) => s.id)).toEqual([
			'who-is-really-there',
			'the-warning-signs',
			'the-warning-signs-2'
		]);
		expect(friends.questions.map((q) => [q.id, q.type, q.stepId, q.check])).toEqual([
			['secret-chat', 'single', 'who-is-really-there', true],
			['warning-signs', 'multiple', 'the-warning-signs', true],
			['always-your-fault', 'truefalse', 'the-warning-signs', false],
			['feel-confident', 'poll', 'the-warning-signs-2', false]
		]);
		expect(friends.steps[0].blocks.map((b) => b.kind)).toEqual(['html', 'teacher', 'quiz']);
		expect(friends.introTeacherHtml).toContain('ground rules');
		expect(friends.homeHtml).toContain('0800 1111');
		expect(friends.safeguarding).toContain('0800 1111');
		expect(friends.steps[0].blocks[0]).toMatchObject({
			html: expect.stringContaining(
				'<img src="/lesson-assets/images/chat.png" alt="A tablet showing a chat with a stranger" />'
			)
		});
		expect(friends.facts.map((f) => f.name)).toEqual(['childline-phone']);
		expect(friends.needsReview).toBe(false);
		expect(friends.hash).toMatch(/^[0-9a-f]{64}$/);
	});

	it('flags a lesson using a stale fact as needing review, with warnings', () => {
		const passwords = library.getLesson('passwords')!;
		expect(passwords.needsReview).toBe(true);
		expect(passwords.warnings).toHaveLength(1);
		expect(passwords.steps[0].blocks[0]).toMatchObject({
			html: expect.stringContaining('/lesson-assets/sub/lock.svg')
		});
		expect(library.warningCount).toBe(2);
		expect(library.factsProblems).toHaveLength(1);
		expect(library.facts.find((f) => f.name === 'old-campaign')?.stale).toBe(true);
	});

	it('renders each lesson on first use, giving exactly what an eager build gives', () => {
		const fresh = loadLessons(VALID, { today: TODAY });
		const lazy = fresh.getLesson('online-friends')!;
		expect(Object.getOwnPropertyDescriptor(lazy, 'steps')?.get).toBeDefined();
		const eager = compileLesson(fs.readFileSync(path.join(VALID, '01-online-friends.md')), {
			file: '01-online-friends.md',
			facts: parseFacts(fs.readFileSync(path.join(VALID, 'facts.yml'), 'utf8'), TODAY),
			assetExists: () => true
		}).lesson!;
		expect(structuredClone(lazy)).toEqual(eager);
		expect(Object.getOwnPropertyDescriptor(lazy, 'steps')).toMatchObject({
			writable: true,
			enumerable: true
		});
		expect(JSON.parse(JSON.stringify(lazy))).toEqual(JSON.parse(JSON.stringify(eager)));
	});

	it('still renders a lesson that was frozen before first use', () => {
		const frozen = Object.freeze(loadLessons(VALID, { today: TODAY }).getLesson('minimal')!);
		expect(frozen.steps[0].title).toBe('Be kind');
		expect(frozen.steps).toBe(frozen.steps);
	});

	it('reads a file saved with a byte-order mark and CRLF line endings', () => {
		expect(library.getLesson('windows-file')?.questions[0].id).toBe('one-site');
	});
});

describe('loadLessons on an invalid folder', () => {
	const library = loadLessons(INVALID, { today: TODAY });

	it('keeps every invalid lesson out, listing its problems', () => {
		expect(library.lessons).toEqual([]);
		expect(library.invalid.map((i) => i.file)).toEqual([
			'body.md',
			'dup-a.md',
			'dup-b.md',
			'front-matter.md',
			'images.md',
			'latin1.md',
			'no-front-matter.md',
			'quiz.md',
			'unclosed.md'
		]);
		expect(library.invalid.find((i) => i.file === 'body.md')).toMatchObject({
			id: 'broken-body',
			title: 'A broken body'
		});
		for (const entry of library.invalid)
			expect(entry.problems.some((p) => p.severity === 'error')).toBe(true);
	});

	it('reports lessons that share an id, naming the other file', () => {
		const a = problemsOf(library, 'dup-a.md');
		expect(a).toHaveLength(1);
		expect(a[0]).toMatchObject({
			line: 2,
			column: 5,
			message: expect.stringMatching(/lesson id 'same-id' is also used by dup-b.md/)
		});
		expect(problemsOf(library, 'dup-b.md')[0].message).toMatch(/also used by dup-a.md/);
	});

	it('reports facts.yml problems at their lines', () => {
		expect(library.factsProblems.map((p) => p.line)).toEqual([7, 15, 18, 26, 24]);
		expect(library.factsProblems.every((p) => p.path === 'facts.yml')).toBe(true);
	});

	it('reports image files that do not exist, and every other image rule', () => {
		const lines = problemsOf(library, 'images.md').map((p) => p.line);
		expect(lines).toContain(fixtureLine('images.md', '![Missing]'));
		expect(new Set(lines).size).toBe(9);
	});

	it('reports every body and quiz problem at its line', () => {
		const body = problemsOf(library, 'body.md');
		expect(body.find((p) => /level-1 heading/.test(p.message))?.line).toBe(
			fixtureLine('body.md', '# A level-one')
		);
		expect(body.find((p) => /unknown fact 'unknown-fact'/.test(p.message))?.line).toBe(
			fixtureLine('body.md', '{{unknown-fact}}')
		);
		expect(body.find((p) => /fact 'no-source' has errors/.test(p.message))).toBeDefined();
		expect(body.filter((p) => p.severity === 'error')).toHaveLength(12);
		const quiz = problemsOf(library, 'quiz.md');
		expect(quiz.find((p) => /two correct options/.test(p.message))?.line).toBe(
			fixtureLine('quiz.md', 'correct: true\n```')
		);
		expect(quiz.filter((p) => p.severity === 'error').length).toBeGreaterThanOrEqual(20);
	});

	it('reports a file that is not UTF-8 and a file whose front matter never ends', () => {
		expect(problemsOf(library, 'latin1.md')[0].message).toMatch(/not valid UTF-8/);
		expect(problemsOf(library, 'unclosed.md')[0].message).toMatch(/never closed/);
	});

	it('counts errors and warnings across the folder', () => {
		expect(library.errorCount).toBe(library.problems.filter((p) => p.severity === 'error').length);
		expect(library.errorCount).toBeGreaterThan(50);
	});
});

describe('loadLessons never crashes', () => {
	it('on a folder that does not exist', () => {
		const library = loadLessons(path.join(os.tmpdir(), 'think-safe-no-such-folder'));
		expect(library.lessons).toEqual([]);
		expect(library.problems[0].message).toMatch(/does not exist/);
	});

	it('on unreadable, huge, binary and odd files', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'think-safe-odd-'));
		try {
			fs.writeFileSync(path.join(dir, 'binary.md'), Buffer.from([0, 1, 2, 255, 254, 0]));
			fs.writeFileSync(path.join(dir, 'huge.md'), 'x'.repeat(MAX_LESSON_BYTES + 1));
			fs.writeFileSync(path.join(dir, 'empty.md'), '');
			fs.writeFileSync(path.join(dir, 'facts.yml'), '::: not yaml [');
			fs.mkdirSync(path.join(dir, 'folder.md'));
			fs.symlinkSync('/etc/passwd', path.join(dir, 'link.md'));
			fs.writeFileSync(path.join(dir, 'ok.md'), lesson());
			const library = loadLessons(dir);
			expect(library.lessons.map((l) => l.file)).toEqual(['ok.md']);
			expect(library.invalid.map((i) => i.file)).toEqual(['binary.md', 'empty.md', 'huge.md']);
			expect(problemsOf(library, 'huge.md')[0].message).toMatch(/larger than 128 KB/);
			expect(library.factsProblems.length).toBeGreaterThan(0);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});
});

describe('getLibrary', () => {
	const saved = { ...process.env };
	afterEach(() => {
		process.env.LESSONS_DIR = saved.LESSONS_DIR;
		if (saved.LESSONS_DIR === undefined) delete process.env.LESSONS_DIR;
		resetLibrary();
	});

	it('in development, picks up a changed lesson without a restart', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'think-safe-dev-'));
		const nodeEnv = process.env.NODE_ENV;
		try {
			fs.writeFileSync(path.join(dir, 'a.md'), lesson());
			process.env.LESSONS_DIR = dir;
			process.env.NODE_ENV = 'development';
			expect(getLibrary().lessons[0].title).toBe('Online friends');
			fs.writeFileSync(path.join(dir, 'a.md'), lesson().replace('Online friends', 'Edited'));
			const deadline = Date.now() + 5000;
			while (Date.now() < deadline && getLibrary().lessons[0]?.title !== 'Edited') {
				await new Promise((resolve) => setTimeout(resolve, 50));
			}
			expect(getLibrary().lessons[0].title).toBe('Edited');
		} finally {
			if (nodeEnv === undefined) delete process.env.NODE_ENV;
			else process.env.NODE_ENV = nodeEnv;
			resetLibrary();
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	it('reads LESSONS_DIR once and caches the result', () => {
		process.env.LESSONS_DIR = VALID;
		const first = getLibrary();
		expect(first.dir).toBe(VALID);
		process.env.LESSONS_DIR = INVALID;
		expect(getLibrary()).toBe(first);
		expect(getLesson('minimal')?.id).toBe('minimal');
	});
});

describe('watchLessons', () => {
	it('rebuilds the library after a change, debounced', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'think-safe-watch-'));
		fs.writeFileSync(path.join(dir, 'a.md'), lesson());
		const seen: Library[] = [];
		const stop = watchLessons(dir, (library) => seen.push(library), 50);
		try {
			fs.writeFileSync(path.join(dir, 'a.md'), lesson().replace('Online friends', 'Changed title'));
			fs.writeFileSync(path.join(dir, 'b.md'), lesson().replace('online-friends', 'second'));
			const deadline = Date.now() + 5000;
			while (Date.now() < deadline && !seen.some((l) => l.lessons.length === 2)) {
				await new Promise((resolve) => setTimeout(resolve, 50));
			}
			const latest = seen.at(-1)!;
			expect(latest.lessons.map((l) => l.title).sort()).toEqual([
				'Changed title',
				'Online friends'
			]);
		} finally {
			stop();
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	it('does not throw for a folder that does not exist', () => {
		const lines: string[] = [];
		const previous = useLogger(createLogger({ write: (line: string) => lines.push(line) }));
		try {
			const stop = watchLessons(path.join(os.tmpdir(), 'think-safe-missing-watch'), () => {});
			expect(() => stop()).not.toThrow();
		} finally {
			useLogger(previous);
		}
		expect(lines.map((line) => JSON.parse(line).event)).toContain('lessons.watch_failed');
	});
});
