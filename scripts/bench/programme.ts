// Lays down a whole delivered programme on a built borough, for the reports benchmark:
// one ended live session per class and lesson, attendance, progress, answers (the
// knowledge check before, every question after) and a few paper completions. Rows are
// shaped exactly as class-sessions.ts, progress.ts and answers.ts write them.
import type { Handle } from '../../src/lib/server/platform/db';
import type { Lesson, Question } from '../../src/lib/server/lessons';
import { seededInt } from '../../src/lib/server/platform/random';
import type { BuiltBorough } from './borough';

export interface ProgrammeCounts {
	sessions: number;
	attendance: number;
	progress: number;
	answers: number;
	paper: number;
}

/** Chances, out of 1,000, chosen to look like a real term. */
const PRESENT = 930;
const REACHED_END = 960;
const SKIPPED_QUESTION = 15;
const RIGHT_BEFORE = 550;
const RIGHT_AFTER = 800;
const PAPER_IF_ABSENT = 400;

/** The first Monday of the autumn term's second half; lesson k is taught in week k. */
const TERM = Date.UTC(2026, 10, 2, 9, 0, 0);
const DAY = 86_400_000;

function sameSet(a: number[], b: number[]): boolean {
	return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A selection that grades as wanted (sorted, as answers.ts stores it). */
function choose(question: Question, right: boolean, random: (n: number) => number): number[] {
	const n = question.options.length;
	if (!question.scored) return [random(n)];
	const key = question.options.flatMap((o, i) => (o.correct ? [i] : []));
	if (right) return key;
	if (question.type === 'multiple') {
		// Any non-empty subset but the key.
		for (;;) {
			const pick = question.options.flatMap((_, i) => (random(2) ? [i] : []));
			if (pick.length > 0 && !sameSet(pick, key)) return pick;
		}
	}
	const wrong = question.options.flatMap((o, i) => (o.correct ? [] : [i]));
	return [wrong[random(wrong.length)]];
}

/** Synchronous, one transaction per class: prepared statements, no Kysely overhead. */
export function deliverProgramme(
	handle: Handle,
	borough: BuiltBorough,
	lessons: Lesson[],
	seed = 11
): ProgrammeCounts {
	const { sqlite } = handle;
	const random = seededInt(seed);
	const chance = (perMille: number) => random(1000) < perMille;
	const counts: ProgrammeCounts = { sessions: 0, attendance: 0, progress: 0, answers: 0, paper: 0 };
	const insertSession = sqlite.prepare(
		`insert into class_sessions (class_id, lesson_id, lesson_hash, mode, status, current_step,
			revealed_question, closes_at, started_by, created_at, started_at, ended_at, audience)
		 values (?, ?, ?, 'live', 'ended', ?, null, null, ?, ?, ?, ?, 'class')`
	);
	const insertAttendance = sqlite.prepare(
		'insert into attendance (session_id, pupil_id, status, source, marked_by, updated_at) values (?, ?, ?, ?, ?, ?)'
	);
	const insertProgress = sqlite.prepare(
		`insert into progress (session_id, pupil_id, lesson_id, current_step, furthest_step, reached_end, updated_at)
		 values (?, ?, ?, ?, ?, ?, ?)`
	);
	const insertAnswer = sqlite.prepare(
		`insert into answers (client_id, session_id, pupil_id, lesson_id, question_id, phase, selected, correct, answered_at)
		 values (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	);
	const insertPaper = sqlite.prepare(
		'insert into paper_completions (pupil_id, lesson_id, marked_by, marked_at) values (?, ?, ?, ?)'
	);
	const stepOf = lessons.map(
		(l) => new Map(l.questions.map((q) => [q.id, l.steps.findIndex((s) => s.id === q.stepId)]))
	);
	let client = 0;
	const clientId = () => `bench-${(++client).toString(36).padStart(10, '0')}`;

	const deliverClass = sqlite.transaction((cls: BuiltBorough['classes'][number], c: number) => {
		lessons.forEach((lesson, k) => {
			const start = TERM + k * 7 * DAY + (c % 5) * DAY;
			const at = (minutes: number) => new Date(start + minutes * 60_000).toISOString();
			const last = lesson.steps.length - 1;
			const sessionId = Number(
				insertSession.run(cls.id, lesson.id, lesson.hash, last, cls.teacherId, at(0), at(1), at(50))
					.lastInsertRowid
			);
			counts.sessions++;
			const absent: number[] = [];
			for (const pupilId of cls.pupilIds) {
				if (!chance(PRESENT)) {
					absent.push(pupilId);
					continue;
				}
				insertAttendance.run(sessionId, pupilId, 'present', 'joined', null, at(0));
				const furthest = chance(REACHED_END) ? last : random(last);
				insertProgress.run(
					sessionId,
					pupilId,
					lesson.id,
					furthest,
					furthest,
					furthest === last ? 1 : 0,
					at(45)
				);
				counts.attendance++;
				counts.progress++;
				for (const q of lesson.questions) {
					if (!q.check || !q.scored) continue;
					const right = chance(RIGHT_BEFORE);
					const selected = JSON.stringify(choose(q, right, random));
					insertAnswer.run(
						clientId(),
						sessionId,
						pupilId,
						lesson.id,
						q.id,
						'pre',
						selected,
						right ? 1 : 0,
						at(2)
					);
					counts.answers++;
				}
				for (const q of lesson.questions) {
					if (stepOf[k].get(q.id)! > furthest || chance(SKIPPED_QUESTION)) continue;
					const right = chance(RIGHT_AFTER);
					const selected = JSON.stringify(choose(q, right, random));
					const correct = q.scored ? (right ? 1 : 0) : null;
					insertAnswer.run(
						clientId(),
						sessionId,
						pupilId,
						lesson.id,
						q.id,
						'main',
						selected,
						correct,
						at(20)
					);
					counts.answers++;
				}
			}
			// The teacher marks the rest absent at the end; some do the lesson on paper.
			for (const pupilId of absent) {
				insertAttendance.run(sessionId, pupilId, 'absent', 'teacher', cls.teacherId, at(50));
				counts.attendance++;
				if (chance(PAPER_IF_ABSENT)) {
					insertPaper.run(pupilId, lesson.id, cls.teacherId, at(DAY / 60_000));
					counts.paper++;
				}
			}
		});
	});
	borough.classes.forEach((cls, c) => deliverClass(cls, c));
	return counts;
}
