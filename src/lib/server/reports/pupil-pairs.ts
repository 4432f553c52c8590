// Pupil × lesson facts combined from a pupil's rows (marks, ends reached, answer facts,
// paper): the one combination both readers use, a report reading afresh (facts.ts) and the
// borough's kept totals (borough-refresh.ts), so the two cannot count differently.
import { noFacts, type PupilLessonFact } from './figures';
import type { Lesson } from '../lessons';
import type { AnswerFact } from './answer-facts';
import type { Facts, PupilFact } from './scope';

/** A pupil's rows, as `buildPairs` reads them. */
export interface PupilRows {
	attendance: { session_id: number; pupil_id: number; status: string }[];
	/** Progress rows that reached the end. */
	ends: { pupil_id: number; lesson_id: string }[];
	answers: AnswerFact[];
	paper: { pupil_id: number; lesson_id: string }[];
}

/**
 * Pupil × lesson facts from a pupil's rows: present wherever marked present; attendance
 * marks count in delivered sessions only; a pair exists only for a pupil in `pupils` and
 * a lesson in `lessons`. `sessionOf` says which lesson a session taught and whether it was
 * delivered; a mark in a session it does not know is left out.
 */
export function buildPairs(
	pupils: Map<number, PupilFact>,
	lessons: Lesson[],
	sessionOf: (id: number) => { lessonId: string; delivered: boolean } | undefined,
	rows: PupilRows
): Facts['pairs'] {
	// Lesson by lesson, then pupil: numbers as keys, no string built per row.
	const pairs: Facts['pairs'] = new Map(lessons.map((l) => [l.id, new Map()]));
	const byId = new Map(lessons.map((l) => [l.id, l]));
	const pair = (pupilId: number, lessonId: string): PupilLessonFact | undefined => {
		const pupil = pupils.get(pupilId);
		const ofLesson = pairs.get(lessonId);
		if (!pupil || !ofLesson) return undefined;
		let fact = ofLesson.get(pupilId);
		if (!fact) {
			const { classId, schoolId } = pupil;
			fact = { pupilId, classId, schoolId, lessonId, ...noFacts(byId.get(lessonId)!) };
			ofLesson.set(pupilId, fact);
		}
		return fact;
	};
	for (const a of rows.attendance) {
		const s = sessionOf(a.session_id);
		const fact = s && pair(a.pupil_id, s.lessonId);
		if (!s || !fact) continue;
		if (a.status === 'present') fact.present = true;
		if (s.delivered) {
			fact.marks++;
			if (a.status === 'present') fact.presentMarks++;
		}
	}
	for (const e of rows.ends) {
		const fact = pair(e.pupil_id, e.lesson_id);
		if (fact) fact.reachedEnd = true;
	}
	for (const x of rows.answers) {
		const fact = pair(x.pupilId, x.lessonId);
		if (!fact) continue;
		fact.scored = x.scored;
		fact.answered += x.answered;
		fact.correct += x.correct;
		fact.gainPairs += x.gainPairs;
		fact.gainBefore += x.gainBefore;
		fact.gainAfter += x.gainAfter;
	}
	for (const p of rows.paper) {
		const fact = pair(p.pupil_id, p.lesson_id);
		if (fact) fact.paper = true;
	}
	return pairs;
}
