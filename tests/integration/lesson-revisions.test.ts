// Revising a lesson never rewrites history: last term's sessions keep their own revision's
// questions, scores, knowledge gain and completion, and new sessions run the new revision.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { submitAnswer } from '../../src/lib/server/teaching/answers';
import {
	getClassSession,
	type ClassSessionInfo
} from '../../src/lib/server/teaching/class-sessions';
import { endClassSession, setLiveStep } from '../../src/lib/server/teaching/live-state';
import {
	lessonOfSession,
	revisionHistory,
	settleRevisions
} from '../../src/lib/server/teaching/lesson-revisions';
import {
	getLibrary,
	reloadLibrary,
	resetLibrary,
	revisionWarnings,
	type Lesson
} from '../../src/lib/server/lessons';
import { joinSession, recordStep } from '../../src/lib/server/teaching/progress';
import { lessonsCompletion } from '../../src/lib/server/reports/pupil-completion';
import { classReport } from '../../src/lib/server/reports/class-report';
import { schoolSummary } from '../../src/lib/server/reports/school-report';
import { startClassSession } from '../../src/lib/server/screens/lesson-choices';
import { useTestDatabase } from './context';

const ctx = useTestDatabase();

function quiz(id: string, right: string, wrong: string, check: boolean): string {
	return [
		'```quiz',
		`id: ${id}`,
		`prompt: Question ${id}?`,
		'options:',
		`  - text: ${right}`,
		'    correct: true',
		`  - text: ${wrong}`,
		...(check ? ['check: true'] : []),
		'```'
	].join('\n');
}

function lessonFile(body: string): string {
	return [
		'---',
		'id: revised',
		'title: A lesson that is revised',
		'summary: Used to show that revisions keep earlier figures.',
		'order: 1',
		'minutes: 20',
		'strand: privacy-and-security',
		'objectives:',
		'  - I can answer questions.',
		'---',
		'',
		'Intro.',
		'',
		body
	].join('\n');
}

// Last term: q1 and q2 in the knowledge check, q3 on its own.
const FIRST = lessonFile(
	[
		'## One',
		'',
		'Text.',
		'',
		quiz('q1', 'Tell an adult', 'Keep it secret', true),
		'',
		quiz('q2', 'Save the chat', 'Block at once', true),
		'',
		'## Two',
		'',
		quiz('q3', 'Childline', 'Nobody', false)
	].join('\n')
);

// This term: q3 removed, q2 asks something else under the same id, q4 added.
const SECOND = lessonFile(
	[
		'## One',
		'',
		'Text, reworded.',
		'',
		quiz('q1', 'Tell an adult', 'Keep it secret', true),
		'',
		quiz('q2', 'It can be wrong', 'It is always right', true),
		'',
		'## Three',
		'',
		quiz('q4', 'Ask first', 'Just post it', false)
	].join('\n')
);

let dir: string;
let before: string | undefined;

beforeEach(() => {
	before = process.env.LESSONS_DIR;
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thinksafe-revisions-'));
	fs.writeFileSync(path.join(dir, 'revised.md'), FIRST);
	process.env.LESSONS_DIR = dir;
	resetLibrary();
});

afterEach(() => {
	if (before === undefined) delete process.env.LESSONS_DIR;
	else process.env.LESSONS_DIR = before;
	resetLibrary();
	fs.rmSync(dir, { recursive: true, force: true });
});

function current(): Lesson {
	return getLibrary().getLesson('revised')!;
}

/** A pupil answers `answers` (question id → right?) in a phase. */
async function answer(
	session: ClassSessionInfo,
	pupil: { id: number; classId: number },
	phase: 'pre' | 'main',
	answers: Record<string, boolean>
) {
	const lesson = current();
	for (const [questionId, right] of Object.entries(answers)) {
		const q = lesson.questions.find((x) => x.id === questionId)!;
		const result = await submitAnswer({
			pupil,
			session: (await getClassSession(session.id))!,
			clientId: `${session.id}-${pupil.id}-${phase}-${questionId}`,
			questionId,
			phase,
			selected: [q.options.findIndex((o) => o.correct === right)]
		});
		expect(result.ok).toBe(true);
	}
}

async function runLesson(
	classId: number,
	teacher: Parameters<typeof startClassSession>[0],
	pupils: number[],
	work: (
		session: ClassSessionInfo,
		pupil: { id: number; classId: number },
		i: number
	) => Promise<void>
): Promise<ClassSessionInfo> {
	const id = await startClassSession(teacher, classId, {
		lessonId: 'revised',
		mode: 'live',
		openUntil: ''
	});
	// On the last step, so every question is open; pupils answer the check first.
	await setLiveStep((await getClassSession(id))!, current().steps.length - 1);
	const session = (await getClassSession(id))!;
	for (const [i, pupilId] of pupils.entries()) {
		await joinSession(session, pupilId);
		await work(session, { id: pupilId, classId }, i);
		await recordStep(session, current(), pupilId, current().steps.length - 1);
	}
	await endClassSession(session, teacher);
	return session;
}

describe('lesson revisions', () => {
	it('keep last term’s reports unchanged and put new sessions on the new revision', async () => {
		const { schoolId, classId, teacher } = await ctx.newTeacherClass({ className: 'Oak' });
		const pupils: number[] = [];
		for (const firstName of ['Amira', 'Ben', 'Cara', 'Dev', 'Eli', 'Fay'])
			pupils.push(await ctx.newPupil({ classId, firstName }));
		await settleRevisions(getLibrary().lessons);

		// Last term: everyone answers everything; wrong before, mostly right after.
		const lastTerm = await runLesson(classId, teacher, pupils, async (session, pupil, i) => {
			await answer(session, pupil, 'pre', { q1: false, q2: i % 2 === 0 });
			await answer(session, pupil, 'main', { q1: true, q2: i !== 5, q3: i !== 4 });
		});
		const firstHash = current().hash;
		const reportBefore = await classReport(classId, getLibrary().lessons);
		const schoolBefore = await schoolSummary(schoolId, {}, getLibrary().lessons);
		const completionBefore = await lessonsCompletion(pupils, getLibrary().lessons);
		expect(reportBefore.grid.every((row) => row.lessons.revised.state === 'completed')).toBe(true);

		// The lesson is revised and the server starts again.
		fs.writeFileSync(path.join(dir, 'revised.md'), SECOND);
		reloadLibrary();
		await settleRevisions(getLibrary().lessons);
		expect(current().hash).not.toBe(firstHash);

		// Last term, as it was: every figure, every session's questions, completion.
		const reportAfter = await classReport(classId, getLibrary().lessons);
		expect(reportAfter.grid).toEqual(reportBefore.grid);
		expect(reportAfter.sessions).toEqual(reportBefore.sessions);
		expect(reportAfter.gain).toEqual(reportBefore.gain);
		expect(reportAfter.totals).toEqual(reportBefore.totals);
		expect(await schoolSummary(schoolId, {}, getLibrary().lessons)).toEqual(schoolBefore);
		expect(await lessonsCompletion(pupils, getLibrary().lessons)).toEqual(completionBefore);
		expect(reportAfter.sessions[0].questions.map((q) => q.questionId)).toContain('q3');
		expect((await lessonOfSession(lastTerm))!.hash).toBe(firstHash);

		// This term: a new class runs the new revision, with q4 and without q3.
		const other = await ctx.newClass({ schoolId, name: 'Elm', teacherId: teacher.id });
		const newPupils: number[] = [];
		for (const firstName of ['Gus', 'Hana', 'Ivy', 'Jon', 'Kit'])
			newPupils.push(await ctx.newPupil({ classId: other, firstName }));
		const thisTerm = await runLesson(other, teacher, newPupils, async (session, pupil) => {
			await answer(session, pupil, 'pre', { q1: false, q2: false });
			await answer(session, pupil, 'main', { q1: true, q2: true, q4: true });
		});
		expect(thisTerm.lessonHash).toBe(current().hash);
		const newReport = await classReport(other, getLibrary().lessons);
		expect(newReport.sessions[0].questions.map((q) => `${q.phase}:${q.questionId}`)).toEqual([
			'pre:q1',
			'pre:q2',
			'main:q1',
			'main:q2',
			'main:q4'
		]);
		expect(newReport.grid.map((row) => row.lessons.revised)).toEqual(
			newPupils.map(() => ({ state: 'completed', score: 1 }))
		);
		// Last term's class is still as it was once the new term has begun.
		expect((await classReport(classId, getLibrary().lessons)).grid).toEqual(reportBefore.grid);

		// The library lists both revisions and what changed.
		const history = await revisionHistory(current());
		expect(history.map((h) => [h.current, h.sessions])).toEqual([
			[true, 1],
			[false, 1]
		]);
		expect(history[0].changes).toMatchObject({
			stepsAdded: ['Three'],
			stepsRemoved: ['Two'],
			stepsChanged: ['One'],
			questionsAdded: ['q4'],
			questionsRemoved: ['q3'],
			questionsChanged: ['q2']
		});
		expect(history[1].changes).toBeNull();
	});

	it('warn when a question keeps its id but changes its options or answer', async () => {
		const first = current();
		fs.writeFileSync(path.join(dir, 'revised.md'), SECOND);
		reloadLibrary();
		const warnings = revisionWarnings(current(), first, '2026-09-01');
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toMatchObject({
			path: 'revised.md',
			severity: 'warning',
			rule: 'revision/question-changed',
			line: SECOND.split('\n').indexOf('id: q2') + 1
		});
		expect(warnings[0].message).toMatch(/question 'q2' keeps its id .* give it a new id/);
		expect(revisionWarnings(current(), current(), '2026-09-01')).toEqual([]);
	});

	it('move a session still open onto the revised lesson, and leave ended ones alone', async () => {
		const { classId, teacher } = await ctx.newTeacherClass();
		const id = await startClassSession(teacher, classId, {
			lessonId: 'revised',
			mode: 'live',
			openUntil: ''
		});
		const firstHash = current().hash;
		fs.writeFileSync(path.join(dir, 'revised.md'), SECOND);
		reloadLibrary();
		await settleRevisions(getLibrary().lessons);
		expect((await getClassSession(id))!.lessonHash).toBe(current().hash);
		expect(current().hash).not.toBe(firstHash);
	});
});
