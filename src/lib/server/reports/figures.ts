// The definition of every figure, in one place: attendance, completion, score, knowledge
// gain and pupils reached. Each pupil's facts for a lesson (facts.ts reads them from
// the tables) give what that pair adds to a group (`contribution`); a group's pairs add up to
// a `Tally`; a tally becomes `Figures`, every rate and average through disclosure.ts. The
// class grid, the pupil's summary and certificate, catch-up (completion.ts, `pupilCompletion`)
// and every report use these, and the borough's kept totals (borough-totals.ts) are a cache
// of the same contributions, not a second derivation.
//
// Whose facts, and which: a pupil's figures are everything they did, in any class session,
// counted under the class they are in now (so its school and academic year); a date filter
// keeps the sessions created in the range and paper marked in it. Sessions delivered count
// under the session's own class.
import { completionState, isCompleted, type CompletionState } from '../teaching';
import {
	suppressAverage,
	suppressGain,
	suppressRate,
	type Disclosed,
	type Gain
} from './disclosure';
import type { Lesson } from '../lessons';

/** The headline figures of any group of pupils (a class, a school, a lesson, the borough). */
export interface Figures {
	/** Pupils on roll (not archived themselves; their class may be, in a closed year). */
	pupils: number;
	/** Distinct pupils present in at least one session. */
	reached: number;
	sessionsDelivered: number;
	/** Present marks ÷ all marks in delivered sessions. */
	attendance: Disclosed;
	/** Pupil × lesson pairs completed (or on paper) ÷ pairs where the pupil was present or on paper. */
	completion: Disclosed;
	/** Mean score over pupil × lesson pairs with at least one scored main answer. */
	averageScore: Disclosed;
	gain: Gain;
}

export type LessonFigures = { lessonId: string; title: string } & Figures;

/** One pupil and one lesson: what every figure is made of. */
export interface PupilLessonFact {
	pupilId: number;
	classId: number;
	schoolId: number;
	lessonId: string;
	/** Scored questions of the revision the pupil's answers count against. */
	scored: number;
	/** Marked present in at least one session of the lesson. */
	present: boolean;
	/** Marks (present or absent) in delivered sessions, and how many of them present. */
	marks: number;
	presentMarks: number;
	/** Reached the last step in at least one session of the lesson. */
	reachedEnd: boolean;
	/** Different scored questions answered in the lesson, and answered rightly. */
	answered: number;
	correct: number;
	/** Marked "completed on paper" by their teacher. */
	paper: boolean;
	/** Check questions answered before the lesson and in it; right before, right after. */
	gainPairs: number;
	gainBefore: number;
	gainAfter: number;
}

/** A pupil's score for a lesson: right answers ÷ the scored questions, once they answered any. */
export function scoreOf(
	f: Pick<PupilLessonFact, 'scored' | 'answered' | 'correct'>
): number | null {
	return f.scored > 0 && f.answered > 0 ? f.correct / f.scored : null;
}

export interface PupilCompletion {
	state: CompletionState;
	score: number | null;
}

/** What the class grid, the pupil's summary and home, the certificate and catch-up show. */
export function pupilCompletion(
	f: Omit<PupilLessonFact, 'pupilId' | 'classId' | 'schoolId' | 'lessonId'>,
	opened: boolean
): PupilCompletion {
	return { state: completionState(f, opened), score: scoreOf(f) };
}

const scoredCounts = new WeakMap<Lesson, number>();

/** A pair with nothing in it yet: the pupil has not touched the lesson. */
export function noFacts(
	lesson: Lesson
): Omit<PupilLessonFact, 'pupilId' | 'classId' | 'schoolId' | 'lessonId'> {
	// Counted once per lesson: the borough's kept totals make a hundred thousand pairs.
	let scored = scoredCounts.get(lesson);
	if (scored === undefined)
		scoredCounts.set(lesson, (scored = lesson.questions.filter((q) => q.scored).length));
	return {
		scored,
		present: false,
		marks: 0,
		presentMarks: 0,
		reachedEnd: false,
		answered: 0,
		correct: 0,
		paper: false,
		gainPairs: 0,
		gainBefore: 0,
		gainAfter: 0
	};
}

/**
 * What a group's figures are made of: sums over its pupil × lesson pairs, and how many
 * distinct pupils each rests on (for disclosure control).
 */
export interface Tally {
	/** Distinct pupils present at least once. */
	reached: number;
	/** Distinct pupils with a mark in a delivered session. */
	marked: number;
	marks: number;
	presentMarks: number;
	/** Pairs where the pupil was present or did the lesson on paper. */
	eligible: number;
	completed: number;
	completionPupils: number;
	/** Pairs with at least one scored main answer. */
	scoreCount: number;
	scorePupils: number;
	gainPairs: number;
	before: number;
	after: number;
	gainPupils: number;
	/**
	 * Right main answers of scored pairs, by lesson and the number of scored questions of the
	 * revision they count against (`lesson\nscored`): a pair's score is right ÷ that number.
	 */
	correct: Map<string, number>;
}

/** A group's tally, with its pupils on roll and sessions delivered. */
export interface GroupTally {
	tally: Tally;
	roll: number;
	sessions: number;
}

export function emptyTally(): Tally {
	return {
		reached: 0,
		marked: 0,
		marks: 0,
		presentMarks: 0,
		eligible: 0,
		completed: 0,
		completionPupils: 0,
		scoreCount: 0,
		scorePupils: 0,
		gainPairs: 0,
		before: 0,
		after: 0,
		gainPupils: 0,
		correct: new Map()
	};
}

/** What one pair adds to a group, and which distinct-pupil counts it puts its pupil in. */
export interface Contribution {
	present: boolean;
	marked: boolean;
	marks: number;
	presentMarks: number;
	eligible: boolean;
	completed: boolean;
	scored: boolean;
	correct: number;
	/** Scored questions in the pair's revision: what `correct` is out of. */
	outOf: number;
	gain: boolean;
	gainPairs: number;
	before: number;
	after: number;
}

export function contribution(f: PupilLessonFact): Contribution {
	const eligible = f.present || f.paper;
	const scored = scoreOf(f) !== null;
	const gain = f.gainPairs > 0;
	return {
		present: f.present,
		marked: f.marks > 0,
		marks: f.marks,
		presentMarks: f.presentMarks,
		eligible,
		completed: isCompleted(f),
		scored,
		correct: scored ? f.correct : 0,
		outOf: f.scored,
		gain,
		gainPairs: gain ? f.gainPairs : 0,
		before: gain ? f.gainBefore : 0,
		after: gain ? f.gainAfter : 0
	};
}

/** The tally's counts of distinct pupils, each a pupil counts in when any pair puts them there. */
export const DISTINCT = [
	'reached',
	'marked',
	'completionPupils',
	'scorePupils',
	'gainPupils'
] as const;
export type Distinct = Record<(typeof DISTINCT)[number], number>;

/** Which distinct-pupil counts one pair puts its pupil in (1) or not (0). */
export function distinctOf(c: Contribution): Distinct {
	return {
		reached: c.present ? 1 : 0,
		marked: c.marked ? 1 : 0,
		completionPupils: c.eligible ? 1 : 0,
		scorePupils: c.scored ? 1 : 0,
		gainPupils: c.gain ? 1 : 0
	};
}

/** Adds (or with `sign` −1 takes away) a pair's sums; distinct pupils are the caller's. */
export function addSums(t: Tally, lessonId: string, c: Contribution, sign = 1): void {
	t.marks += sign * c.marks;
	t.presentMarks += sign * c.presentMarks;
	if (c.eligible) t.eligible += sign;
	if (c.completed) t.completed += sign;
	if (c.scored) {
		t.scoreCount += sign;
		const key = `${lessonId}\n${c.outOf}`;
		const right = (t.correct.get(key) ?? 0) + sign * c.correct;
		if (right === 0) t.correct.delete(key);
		else t.correct.set(key, right);
	}
	t.gainPairs += sign * c.gainPairs;
	t.before += sign * c.before;
	t.after += sign * c.after;
}

/** The tally of a group's pairs, each pupil counted once in each distinct count. */
export function tallyPairs(pairs: Iterable<PupilLessonFact>): Tally {
	const t = emptyTally();
	const seen = Object.fromEntries(DISTINCT.map((key) => [key, new Set<number>()])) as Record<
		(typeof DISTINCT)[number],
		Set<number>
	>;
	for (const f of pairs) {
		const c = contribution(f);
		addSums(t, f.lessonId, c);
		const one = distinctOf(c);
		for (const key of DISTINCT) if (one[key]) seen[key].add(f.pupilId);
	}
	for (const key of DISTINCT) t[key] = seen[key].size;
	return t;
}

/**
 * The figures of a tally. Scores are summed lesson by lesson in `lessons`' order (and within
 * a lesson, revision sizes in ascending order), from whole numbers, so every way of tallying
 * the same pairs gives the very same figure.
 */
export function figuresOf(
	t: Tally,
	roll: number,
	sessionsDelivered: number,
	lessons: Iterable<Lesson>
): Figures {
	const byLesson = new Map<string, [number, number][]>();
	for (const [key, right] of t.correct) {
		const cut = key.lastIndexOf('\n');
		const lessonId = key.slice(0, cut);
		const list = byLesson.get(lessonId) ?? [];
		list.push([Number(key.slice(cut + 1)), right]);
		byLesson.set(lessonId, list);
	}
	let scoreSum = 0;
	for (const l of lessons) {
		const sums = byLesson.get(l.id);
		if (!sums) continue;
		for (const [outOf, right] of sums.sort((a, b) => a[0] - b[0]))
			if (outOf > 0) scoreSum += right / outOf;
	}
	return {
		pupils: roll,
		reached: t.reached,
		sessionsDelivered,
		attendance: suppressRate({
			numerator: t.presentMarks,
			denominator: t.marks,
			pupils: t.marked
		}),
		completion: suppressRate({
			numerator: t.completed,
			denominator: t.eligible,
			pupils: t.completionPupils
		}),
		averageScore: suppressAverage({ sum: scoreSum, count: t.scoreCount, pupils: t.scorePupils }),
		gain: suppressGain({
			correctBefore: t.before,
			correctAfter: t.after,
			pairs: t.gainPairs,
			pupils: t.gainPupils
		})
	};
}
