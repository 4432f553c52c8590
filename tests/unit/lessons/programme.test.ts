// The programme as a council safeguarding lead signs it off (Step 8): all eight strands, help
// named in every lesson's own pupil text and the "I'm worried" route at its end, disclosures
// to the DSL at once, the most sensitive lesson taught live only, and a reading level for
// age 10–11.

import path from 'node:path';
import { fleschKincaid } from 'flesch-kincaid';
import { syllable } from 'syllable';
import { describe, expect, it } from 'vitest';
import { loadLessons } from '../../../src/lib/server/lessons/load';
import { STRANDS, type Lesson } from '../../../src/lib/server/lessons/types';

const library = loadLessons(path.resolve('lessons'));

/** Text without markup; each paragraph, list item, heading or cell on a line of its own. */
function plain(html: string): string {
	return html
		.replace(/<\/(p|li|h[1-6]|td|th|blockquote|summary)>|<br\s*\/?>/g, '\n')
		.replace(/<[^>]+>/g, ' ')
		.replace(/&#39;|&#x27;|&rsquo;/g, "'")
		.replace(/&quot;/g, '"')
		.replace(/&amp;/g, '&')
		.replace(/&[a-z#0-9]+;/gi, ' ')
		.replace(/[ \t]+/g, ' ')
		.replace(/\s*\n\s*/g, '\n')
		.replace(/’/g, "'")
		.trim();
}

/** What a pupil reads in one step: its text, and each question's prompt and options. */
function pupilTextOfStep(lesson: Lesson, index: number): string {
	const parts: string[] = [];
	for (const block of lesson.steps[index].blocks) {
		if (block.kind === 'html') parts.push(block.html);
		if (block.kind === 'quiz') {
			const q = lesson.questions.find((x) => x.id === block.questionId)!;
			parts.push(q.promptHtml, ...q.options.map((o) => o.html));
		}
	}
	return plain(parts.join('\n'));
}

function pupilText(lesson: Lesson): string {
	return [plain(lesson.introHtml), ...lesson.steps.map((_, i) => pupilTextOfStep(lesson, i))].join(
		'\n'
	);
}

/** Flesch–Kincaid grade: a sentence ends at . ! ? or at the end of a line (a list item). */
function gradeOf(text: string): number {
	const sentences = text.split(/[.!?]+\s|\n/).filter((s) => /[a-z]/i.test(s));
	const words = text.match(/[A-Za-z']+/g) ?? [];
	return fleschKincaid({
		sentence: sentences.length,
		word: words.length,
		syllable: words.reduce((n, w) => n + syllable(w), 0)
	});
}

describe('the programme', () => {
	it('has nine or more lessons covering all eight strands', () => {
		expect(library.lessons.length).toBeGreaterThanOrEqual(9);
		expect(new Set(library.lessons.map((l) => l.strand))).toEqual(new Set(STRANDS));
	});

	it.each(library.lessons.map((l) => [l.id, l] as const))(
		'%s names where to get help in the pupil text and ends with the "I\'m worried" route',
		(_, lesson) => {
			expect(pupilText(lesson)).toMatch(/Childline/);
			const last = pupilTextOfStep(lesson, lesson.steps.length - 1);
			expect(last).toContain("I'm worried about something");
		}
	);

	it.each(library.lessons.map((l) => [l.id, l] as const))(
		'%s sends a disclosure to the DSL at once, never "the same day"',
		(_, lesson) => {
			const staffText = [
				lesson.safeguarding ?? '',
				lesson.introTeacherHtml,
				...lesson.steps.flatMap((s) =>
					s.blocks.flatMap((b) => (b.kind === 'teacher' ? [b.html] : []))
				)
			].join(' ');
			expect(plain(staffText)).not.toMatch(/same day/i);
			expect(lesson.safeguarding ?? '').toMatch(/immediately|at once/i);
		}
	);

	it.each(library.lessons.map((l) => [l.id, l] as const))(
		'%s reads at a level for age 10–11 (Flesch–Kincaid grade 6 or below)',
		(_, lesson) => {
			expect(gradeOf(pupilText(lesson))).toBeLessThanOrEqual(6);
		}
	);

	it('teaches "People we meet online" live only, with a teacher in the room', () => {
		expect(library.getLesson('people-we-meet-online')?.delivery).toBe('teacher-led');
	});

	it('counts the knowledge check in every lesson’s minutes (about a minute a question)', () => {
		for (const lesson of library.lessons) {
			const checks = lesson.questions.filter((q) => q.check).length;
			expect(checks, lesson.id).toBeGreaterThanOrEqual(3);
			expect(lesson.minutes, lesson.id).toBeGreaterThanOrEqual(checks + 5 * lesson.steps.length);
		}
	});
});

describe('the reading-level measure', () => {
	it('tells plain Year 6 prose from dense adult prose', () => {
		expect(
			gradeOf('If something online worries you, tell an adult you trust. It is not your fault.')
		).toBeLessThan(4);
		expect(
			gradeOf(
				'Notwithstanding contractual obligations, organisational accountability necessitates comprehensive documentation of safeguarding considerations.'
			)
		).toBeGreaterThan(12);
	});
});
