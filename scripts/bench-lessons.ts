// `npm run bench:lessons [-- --runs N --lessons N --out FILE]`: how fast lessons load.
// Generates a folder of realistic lessons, then reports medians over several runs of:
// parse+check per lesson, render per lesson, and start-up (first load in a fresh process) of
// the shipped programme and of the generated folder. Goals: < 5 ms a lesson, < 200 ms start-up.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkLesson } from '../src/lib/server/lessons/check';
import { buildLesson } from '../src/lib/server/lessons/compile';
import { parseFacts } from '../src/lib/server/lessons/facts';
import { listLessonFiles, loadLessons } from '../src/lib/server/lessons/load';
import { parseLesson } from '../src/lib/server/lessons/parse';
import { STRANDS } from '../src/lib/server/lessons/types';

const GOAL_LESSON_MS = 5;
const GOAL_STARTUP_MS = 200;

function option(name: string, fallback: string): string {
	const index = process.argv.indexOf(`--${name}`);
	return index === -1 ? fallback : (process.argv[index + 1] ?? fallback);
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// --- A realistic lesson ----------------------------------------------------------------------

const WORDS =
	'online friend share photo message trusted adult safe private password account game chat report block kind screen sleep advert true false check source picture post comment video app setting'.split(
		' '
	);

function sentence(seed: number, length = 14): string {
	const words = Array.from({ length }, (_, i) => WORDS[(seed * 7 + i * 13) % WORDS.length]);
	words[0] = words[0][0].toUpperCase() + words[0].slice(1);
	return `${words.join(' ')}.`;
}

function paragraph(seed: number, sentences = 4): string {
	return Array.from({ length: sentences }, (_, i) => sentence(seed + i)).join(' ');
}

function quiz(id: string, n: number): string {
	const kind = n % 4;
	if (kind === 1) {
		return [
			'```quiz',
			`id: ${id}`,
			'type: truefalse',
			`prompt: ${sentence(n)}`,
			`answer: ${n % 2 === 0}`,
			`explain: ${sentence(n + 3)}`,
			'```'
		].join('\n');
	}
	const type = kind === 2 ? 'multiple' : kind === 3 ? 'poll' : 'single';
	const options = [0, 1, 2, 3].map((o) => {
		const correct = type === 'poll' ? false : type === 'multiple' ? o % 2 === 0 : o === 1;
		return [
			`  - text: Option ${o + 1} — ${sentence(n + o, 6).slice(0, -1)}`,
			correct ? '    correct: true' : '',
			`    feedback: ${sentence(n + o + 1, 10)}`
		]
			.filter(Boolean)
			.join('\n');
	});
	return [
		'```quiz',
		`id: ${id}`,
		`type: ${type}`,
		`prompt: "**${sentence(n, 10)}** Ring {{childline-phone}} if worried."`,
		'options:',
		...options,
		`explain: ${sentence(n + 5, 20)}`,
		type === 'poll' ? '' : `check: ${n % 2 === 0}`,
		'```'
	]
		.filter(Boolean)
		.join('\n');
}

export function generateLesson(index: number): string {
	const parts = [
		'---',
		`id: generated-lesson-${index}`,
		`title: Generated lesson ${index}`,
		`summary: ${sentence(index, 20)}`,
		`order: ${index + 1}`,
		'minutes: 45',
		`strand: ${STRANDS[index % STRANDS.length]}`,
		'objectives:',
		...[0, 1, 2, 3].map((o) => `  - I can ${sentence(index + o, 10).toLowerCase()}`),
		'year: [5, 6]',
		'keywords:',
		...WORDS.slice(0, 6).map((w) => `  - ${w}`),
		'safeguarding: >-',
		`  ${paragraph(index, 3)}`,
		'---',
		'',
		paragraph(index, 5),
		''
	];
	let question = 0;
	for (let step = 0; step < 6; step++) {
		parts.push(`## Step ${step + 1}: ${sentence(index + step, 4).slice(0, -1)}`, '');
		parts.push(paragraph(index + step, 5), '');
		parts.push(
			...[0, 1, 2, 3, 4].map(
				(i) => `- **${WORDS[(step + i) % WORDS.length]}**: ${sentence(step + i, 8)}`
			),
			''
		);
		parts.push(
			`Call Childline on {{childline-phone}} or visit [Childline](https://www.childline.org.uk).`,
			''
		);
		if (step % 2 === 0) {
			parts.push(
				'| Safe to share | Keep private |',
				'| --- | --- |',
				'| favourite colour | home address |',
				'| a drawing | password |',
				''
			);
		}
		parts.push(
			'```teacher',
			paragraph(step + 10, 4),
			'',
			`- ${sentence(step, 8)}`,
			`- ${sentence(step + 1, 8)}`,
			'```',
			''
		);
		const perStep = step === 0 ? 2 : 1;
		for (let q = 0; q < perStep; q++) {
			parts.push(quiz(`q${question + 1}`, index + question), '');
			question++;
		}
	}
	parts.push(
		'```home',
		'### What we learnt',
		'',
		paragraph(index, 4),
		'',
		`- ${sentence(1, 8)}`,
		`- ${sentence(2, 8)}`,
		'```',
		''
	);
	return parts.join('\n');
}

const FACTS = `childline-phone:
  text: "0800 1111"
  source: https://www.childline.org.uk/
  checked: 2026-11-01
  review: 2099-11-01
`;

function makeFolder(count: number): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'think-safe-bench-'));
	fs.writeFileSync(path.join(dir, 'facts.yml'), FACTS);
	for (let i = 0; i < count; i++) {
		fs.writeFileSync(path.join(dir, `lesson-${String(i).padStart(3, '0')}.md`), generateLesson(i));
	}
	return dir;
}

// --- Measurements ------------------------------------------------------------------------------

/**
 * Per-lesson medians of parse+check (from reading the file) and of rendering, one run, as wall
 * time; and the CPU time of each phase averaged over the lessons.
 */
function timePerLesson(dir: string): {
	checkMs: number;
	renderMs: number;
	checkCpuMs: number;
	renderCpuMs: number;
} {
	const facts = parseFacts(fs.readFileSync(path.join(dir, 'facts.yml'), 'utf8'), '2026-12-01');
	const checkTimes: number[] = [];
	const renderTimes: number[] = [];
	let checkCpu = 0;
	let renderCpu = 0;
	const cpuNow = () => {
		const { user, system } = process.cpuUsage();
		return (user + system) / 1000;
	};
	const files = listLessonFiles(dir);
	for (const file of files) {
		const cpuStart = cpuNow();
		const start = performance.now();
		const bytes = fs.readFileSync(path.join(dir, file));
		const parsed = parseLesson(new TextDecoder().decode(bytes), file);
		checkLesson(parsed, { facts, assetExists: () => true });
		const checked = performance.now();
		const cpuChecked = cpuNow();
		buildLesson(parsed, bytes, facts, []);
		const rendered = performance.now();
		checkCpu += cpuChecked - cpuStart;
		renderCpu += cpuNow() - cpuChecked;
		checkTimes.push(checked - start);
		renderTimes.push(rendered - checked);
	}
	return {
		checkMs: median(checkTimes),
		renderMs: median(renderTimes),
		checkCpuMs: checkCpu / files.length,
		renderCpuMs: renderCpu / files.length
	};
}

/**
 * First loadLessons() in a fresh process, as at server start (modules already imported): wall
 * time, CPU time (which a busy shared machine disturbs less), and wall time until every lesson
 * has also been rendered (lessons render on first use).
 */
function startupMs(dir: string): { wall: number; cpu: number; rendered: number } {
	const script = fileURLToPath(import.meta.url);
	const output = execFileSync(process.execPath, ['--import', 'tsx', script, '--child', dir], {
		encoding: 'utf8'
	});
	const [wall, cpu, rendered] = output.trim().split('\n').at(-1)!.split(' ').map(Number);
	return { wall, cpu, rendered };
}

function child(dir: string): void {
	const cpuStart = process.cpuUsage();
	const start = performance.now();
	const library = loadLessons(dir);
	const wall = performance.now() - start;
	const cpu = process.cpuUsage(cpuStart);
	if (library.lessons.length === 0) throw new Error(`no valid lessons in ${dir}`);
	let blocks = 0;
	for (const lesson of library.lessons) blocks += lesson.steps.length + lesson.homeHtml.length;
	const rendered = performance.now() - start;
	if (blocks === 0) throw new Error('nothing rendered');
	console.log(
		`${wall.toFixed(2)} ${((cpu.user + cpu.system) / 1000).toFixed(2)} ${rendered.toFixed(2)}`
	);
}

function main(): void {
	const childIndex = process.argv.indexOf('--child');
	if (childIndex !== -1) return child(process.argv[childIndex + 1]);

	const runs = Math.max(1, Number(option('runs', '7')));
	const count = Math.max(1, Number(option('lessons', '200')));
	const out = option('out', '');
	const programme = path.resolve(process.env.LESSONS_DIR || 'lessons');
	const generated = makeFolder(count);
	try {
		const check = loadLessons(generated);
		if (check.errorCount > 0 || check.lessons.length !== count) {
			throw new Error(`generated lessons do not pass the checker: ${check.problems[0]?.message}`);
		}
		const sizeKb =
			fs
				.readdirSync(generated)
				.reduce((sum, f) => sum + fs.statSync(path.join(generated, f)).size, 0) /
			count /
			1024;
		// Warm up the JIT once, as a long-running server would be.
		timePerLesson(generated);
		const perLesson = Array.from({ length: runs }, () => timePerLesson(generated));
		const programmeStart = Array.from({ length: runs }, () => startupMs(programme));
		const generatedStart = Array.from({ length: runs }, () => startupMs(generated));
		const programmeLessons = listLessonFiles(programme).length;
		const results = {
			runs,
			generatedLessons: count,
			generatedLessonKb: Number(sizeKb.toFixed(1)),
			programmeLessons,
			checkMsPerLesson: Number(median(perLesson.map((r) => r.checkMs)).toFixed(3)),
			renderMsPerLesson: Number(median(perLesson.map((r) => r.renderMs)).toFixed(3)),
			checkCpuMsPerLesson: Number(median(perLesson.map((r) => r.checkCpuMs)).toFixed(3)),
			renderCpuMsPerLesson: Number(median(perLesson.map((r) => r.renderCpuMs)).toFixed(3)),
			programmeStartupMs: Number(median(programmeStart.map((r) => r.wall)).toFixed(1)),
			programmeStartupCpuMs: Number(median(programmeStart.map((r) => r.cpu)).toFixed(1)),
			generatedStartupMs: Number(median(generatedStart.map((r) => r.wall)).toFixed(1)),
			generatedStartupCpuMs: Number(median(generatedStart.map((r) => r.cpu)).toFixed(1)),
			programmeRenderedMs: Number(median(programmeStart.map((r) => r.rendered)).toFixed(1)),
			generatedRenderedMs: Number(median(generatedStart.map((r) => r.rendered)).toFixed(1)),
			loadAverage: Number(os.loadavg()[0].toFixed(2)),
			node: process.version
		};
		const loadPerLesson = results.checkMsPerLesson + results.renderMsPerLesson;
		const verdict = (value: number, goal: number) =>
			value < goal ? `ok (< ${goal})` : `OVER ${goal}`;
		const rows: [string, string, string][] = [
			['', 'wall', 'CPU'],
			[
				'parse + check, one lesson',
				`${results.checkMsPerLesson.toFixed(2)} ms`,
				`${results.checkCpuMsPerLesson.toFixed(2)} ms`
			],
			[
				'render, one lesson',
				`${results.renderMsPerLesson.toFixed(2)} ms`,
				`${results.renderCpuMsPerLesson.toFixed(2)} ms`
			],
			[
				'load (both), one lesson',
				`${loadPerLesson.toFixed(2)} ms`,
				`${(results.checkCpuMsPerLesson + results.renderCpuMsPerLesson).toFixed(2)} ms  ${verdict(loadPerLesson, GOAL_LESSON_MS)}`
			],
			[
				`start-up, programme (${programmeLessons} lessons)`,
				`${results.programmeStartupMs.toFixed(0)} ms`,
				`${results.programmeStartupCpuMs.toFixed(0)} ms  ${verdict(results.programmeStartupMs, GOAL_STARTUP_MS)}`
			],
			[
				`start-up, ${count} generated lessons`,
				`${results.generatedStartupMs.toFixed(0)} ms`,
				`${results.generatedStartupCpuMs.toFixed(0)} ms`
			],
			[`  + rendering all, programme`, `${results.programmeRenderedMs.toFixed(0)} ms`, ''],
			[`  + rendering all, ${count} generated`, `${results.generatedRenderedMs.toFixed(0)} ms`, '']
		];
		console.log(
			`Lesson engine benchmark — medians of ${runs} runs, ${count} generated lessons of ~${results.generatedLessonKb} KB, node ${process.version}, load average ${results.loadAverage}\n`
		);
		const width = Math.max(...rows.map((r) => r[0].length));
		for (const [name, value, cpu] of rows)
			console.log(`${name.padEnd(width)}  ${value.padStart(9)}  ${cpu}`);
		if (out) {
			fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
			console.log(`\nwrote ${out}`);
		}
	} finally {
		fs.rmSync(generated, { recursive: true, force: true });
	}
}

main();
