// What staff see of the lesson library: cards, the staff view of a lesson, and print
// views. Pupil views come from lessons/pupil.ts and never from here.
import { error } from '@sveltejs/kit';
import { getLibrary, toPupilStep, type Lesson, type Problem } from '../lessons';

export interface LessonCard {
	id: string;
	title: string;
	summary: string;
	order: number;
	minutes: number;
	strand: string;
	objectives: string[];
	steps: number;
	questions: number;
	needsReview: boolean;
	staleFacts: string[];
	/** `delivery: teacher-led`: taught live only, never self-paced. */
	liveOnly: boolean;
}

export function lessonCard(lesson: Lesson): LessonCard {
	return {
		id: lesson.id,
		title: lesson.title,
		summary: lesson.summary,
		order: lesson.order,
		minutes: lesson.minutes,
		strand: lesson.strand,
		objectives: lesson.objectives,
		steps: lesson.steps.length,
		questions: lesson.questions.length,
		needsReview: lesson.needsReview,
		staleFacts: lesson.facts.filter((f) => f.stale).map((f) => f.name),
		liveOnly: lesson.delivery === 'teacher-led'
	};
}

export function libraryOverview() {
	const library = getLibrary();
	const problem = (p: Problem) => ({ ...p });
	return {
		lessons: library.lessons.map(lessonCard),
		invalid: library.invalid.map((i) => ({
			file: i.file,
			id: i.id ?? null,
			title: i.title ?? null,
			problems: i.problems.map(problem)
		})),
		factsProblems: library.factsProblems.map(problem),
		loadedAt: library.loadedAt
	};
}

export function requireLesson(id: string): Lesson {
	const lesson = getLibrary().getLesson(id);
	if (!lesson) error(404, 'There is no lesson with that name, or it has problems to fix first.');
	return lesson;
}

/**
 * One step of a lesson exactly as a pupil's device (and the board) receives it: the pupil
 * projection, no teacher notes. `stepNumber` counts from 1, as the address does.
 */
export function previewStep(lessonId: string, stepNumber: string) {
	const lesson = requireLesson(lessonId);
	const number = Number(stepNumber);
	const step = Number.isInteger(number) ? toPupilStep(lesson, number - 1) : undefined;
	if (!step) error(404, 'This lesson has no such step.');
	return {
		lesson: { id: lesson.id, title: lesson.title, stepCount: lesson.steps.length },
		step
	};
}

/** Staff view of a lesson: each step as pupils see it, with its teacher notes beside it. */
export function staffLessonView(lesson: Lesson) {
	return {
		...lessonCard(lesson),
		introHtml: lesson.introHtml,
		introTeacherHtml: lesson.introTeacherHtml,
		safeguardingHtml: lesson.safeguardingHtml ?? null,
		steps: lesson.steps.map((step) => ({
			pupil: toPupilStep(lesson, step.index)!,
			teacherHtml: step.blocks.flatMap((b) => (b.kind === 'teacher' ? [b.html] : []))
		})),
		facts: lesson.facts,
		checkCount: lesson.questions.filter((q) => q.check && q.scored).length
	};
}

/** The printable lesson plan: everything, answers included. Staff only. */
export function lessonPlan(lesson: Lesson) {
	return {
		...staffLessonView(lesson),
		year: lesson.year,
		keywords: lesson.keywords,
		questions: lesson.questions.map((q) => ({
			id: q.id,
			type: q.type,
			check: q.check,
			stepTitle: lesson.steps.find((s) => s.id === q.stepId)?.title ?? '',
			promptHtml: q.promptHtml,
			options: q.options.map((o) => ({
				html: o.html,
				correct: o.correct,
				feedbackHtml: o.feedbackHtml ?? null
			})),
			explainHtml: q.explainHtml ?? null
		}))
	};
}
