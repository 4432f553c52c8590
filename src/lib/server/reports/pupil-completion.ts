// Each pupil's completion of lessons, for the class grid, the teacher's screens, the pupil's
// summary and home, the certificate and catch-up: the one rule of completion.ts applied by
// figures.ts to the pupil's facts, read as every report reads them (facts.ts).
import type { Lesson } from '../lessons';
import { noFacts, pupilCompletion, type PupilCompletion } from './figures';
import { pupilLessonFacts } from './facts';

/** A pupil's state for a lesson and, once they answered any, right answers ÷ scored questions. */
export type Completion = PupilCompletion;

/**
 * Completion of one lesson for many pupils. Answers count for questions whose id still
 * exists in the lesson file (the contract), so the lesson object passed in decides.
 */
export async function lessonCompletion(
	pupilIds: number[],
	lesson: Lesson
): Promise<Map<number, Completion>> {
	return (await lessonsCompletion(pupilIds, [lesson])).get(lesson.id)!;
}

/**
 * Completion of several lessons for many pupils, by lesson, then pupil: figures.ts over
 * each pupil's facts, read as every report reads them (facts.ts).
 */
export async function lessonsCompletion(
	pupilIds: number[],
	lessons: Lesson[]
): Promise<Map<string, Map<number, Completion>>> {
	const result = new Map(lessons.map((l) => [l.id, new Map<number, Completion>()]));
	if (pupilIds.length === 0 || lessons.length === 0) return result;
	const { pairs, opened } = await pupilLessonFacts(pupilIds, lessons);
	for (const lesson of lessons) {
		const facts = pairs.get(lesson.id)!;
		const ofLesson = result.get(lesson.id)!;
		for (const pupilId of pupilIds)
			ofLesson.set(
				pupilId,
				pupilCompletion(
					facts.get(pupilId) ?? noFacts(lesson),
					opened.has(`${lesson.id}\n${pupilId}`)
				)
			);
	}
	return result;
}
