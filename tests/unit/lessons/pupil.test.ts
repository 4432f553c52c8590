import { describe, expect, it } from 'vitest';
import {
	checkQuestions,
	toPupilCheck,
	toPupilQuestion,
	toPupilStep
} from '../../../src/lib/server/lessons/pupil';
import type { Lesson } from '../../../src/lib/server/lessons/types';
import { compile, lesson } from './helpers';

// Every piece of text a pupil must never receive carries a marker.
const SOURCE = lesson(
	`
Intro for everyone.

\`\`\`teacher
TEACHERMARK intro note
\`\`\`

## First step

Pupil text.

\`\`\`teacher
TEACHERMARK step note
\`\`\`

\`\`\`quiz
id: single-q
prompt: Pick one
options:
  - text: Wrong
    feedback: FEEDBACKMARK wrong
  - text: Right
    correct: true
    feedback: FEEDBACKMARK right
explain: EXPLAINMARK because
check: true
\`\`\`

## Second step

\`\`\`quiz
id: tf-q
type: truefalse
prompt: True?
answer: true
explain: EXPLAINMARK tf
check: true
\`\`\`

\`\`\`quiz
id: poll-q
type: poll
prompt: How do you feel?
options:
  - text: Good
    feedback: FEEDBACKMARK poll
  - text: Bad
\`\`\`

\`\`\`home
HOMEMARK for families
\`\`\`
`,
	{ safeguarding: 'SAFEGUARDINGMARK note' }
);

function theLesson(): Lesson {
	const result = compile(SOURCE);
	expect(result.problems).toEqual([]);
	return result.lesson!;
}

const MARKERS =
	/TEACHERMARK|FEEDBACKMARK|EXPLAINMARK|HOMEMARK|SAFEGUARDINGMARK|"correct"|"answer"|"feedback|"explain|"text"/;

describe('pupil projections', () => {
	it('a step keeps its text and questions but no teacher notes, answers, feedback or explanations', () => {
		const lessonData = theLesson();
		for (let index = 0; index < lessonData.steps.length; index++) {
			const step = toPupilStep(lessonData, index);
			expect(step).toBeDefined();
			expect(JSON.stringify(step)).not.toMatch(MARKERS);
		}
		expect(toPupilStep(lessonData, 0)).toEqual({
			id: 'first-step',
			index: 0,
			title: 'First step',
			blocks: [
				{ kind: 'html', html: '<p>Pupil text.</p>\n' },
				{
					kind: 'quiz',
					question: {
						id: 'single-q',
						type: 'single',
						promptHtml: 'Pick one',
						options: [
							{ index: 0, html: 'Wrong' },
							{ index: 1, html: 'Right' }
						]
					}
				}
			]
		});
	});

	it('a question has only id, type, prompt and numbered options', () => {
		for (const question of theLesson().questions) {
			const pupil = toPupilQuestion(question);
			expect(Object.keys(pupil).sort()).toEqual(['id', 'options', 'promptHtml', 'type']);
			for (const option of pupil.options)
				expect(Object.keys(option).sort()).toEqual(['html', 'index']);
			expect(JSON.stringify(pupil)).not.toMatch(MARKERS);
		}
	});

	it('a true/false question offers True and False', () => {
		const tf = theLesson().questions.find((q) => q.id === 'tf-q')!;
		expect(toPupilQuestion(tf).options).toEqual([
			{ index: 0, html: 'True' },
			{ index: 1, html: 'False' }
		]);
	});

	it('a step out of range is undefined', () => {
		const lessonData = theLesson();
		expect(toPupilStep(lessonData, -1)).toBeUndefined();
		expect(toPupilStep(lessonData, 2)).toBeUndefined();
		expect(toPupilStep(lessonData, 0.5)).toBeUndefined();
	});

	it('the knowledge check holds the check questions in order, without answers', () => {
		const lessonData = theLesson();
		expect(checkQuestions(lessonData).map((q) => q.id)).toEqual(['single-q', 'tf-q']);
		const check = toPupilCheck(lessonData);
		expect(check.map((q) => q.id)).toEqual(['single-q', 'tf-q']);
		expect(JSON.stringify(check)).not.toMatch(MARKERS);
	});

	it('the staff view still has everything', () => {
		const json = JSON.stringify(theLesson());
		for (const marker of [
			'TEACHERMARK',
			'FEEDBACKMARK',
			'EXPLAINMARK',
			'HOMEMARK',
			'SAFEGUARDINGMARK'
		]) {
			expect(json).toContain(marker);
		}
	});
});
