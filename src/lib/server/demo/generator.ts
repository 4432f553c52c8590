// The demo history's generator: makes the rows of one lesson taught live, or of a
// self-paced catch-up, as the app itself writes them (class-sessions.ts, progress.ts,
// answers.ts, audit.ts), graded by the lesson engine. Apart from history.ts, which plans
// which class has which lesson when; past-year.ts uses it too.
import type { Insertable } from 'kysely';
import type {
	AnswersTable,
	AttendanceTable,
	AuditEventsTable,
	ClassSessionsTable,
	PaperCompletionsTable,
	ProgressTable,
	RandomInt
} from '../platform';
import { closingTime } from '../teaching';
import { gradeAnswer, type Lesson, type Question } from '../lessons';
import type { DemoClassRef, SchoolPlan } from './history';
import { DAY, iso, MINUTE } from './school-days';

/** The knowledge-check questions, and the step each question is on. */
function shapeOf(lesson: Lesson): { checks: Question[]; stepOf: Map<Question, number> } {
	const steps = new Map(lesson.steps.map((s) => [s.id, s.index]));
	return {
		checks: lesson.questions.filter((q) => q.check && q.scored),
		stepOf: new Map(lesson.questions.map((q) => [q, steps.get(q.stepId) ?? 0]))
	};
}

// ——— the rows ———

export interface Rows {
	sessions: (Insertable<ClassSessionsTable> & { key: number })[];
	audience: { key: number; pupil_id: number }[];
	attendance: (Omit<Insertable<AttendanceTable>, 'session_id'> & { key: number })[];
	progress: (Omit<Insertable<ProgressTable>, 'session_id'> & { key: number })[];
	answers: (Omit<Insertable<AnswersTable>, 'session_id'> & { key: number })[];
	paper: Insertable<PaperCompletionsTable>[];
	audit: (Omit<Insertable<AuditEventsTable>, 'target_id'> & { key: number | null })[];
}

export interface Pupil {
	id: number;
	/** Added to the school's chances of a right answer. */
	knack: number;
	/** Weight when absences are drawn: a few pupils are away more often. */
	awayWeight: number;
}

export class Generator {
	private nextKey = 0;
	readonly rows: Rows = {
		sessions: [],
		audience: [],
		attendance: [],
		progress: [],
		answers: [],
		paper: [],
		audit: []
	};

	constructor(readonly random: RandomInt) {}

	chance(p: number): boolean {
		return this.random(10_000) < p * 10_000;
	}

	between(lo: number, hi: number): number {
		return lo + this.random(hi - lo + 1);
	}

	/** 32 hex characters, as the pupil's browser makes them (answer-queue.svelte.ts). */
	clientId(): string {
		let id = '';
		for (let i = 0; i < 4; i++) id += this.random(0x1_0000_0000).toString(16).padStart(8, '0');
		return id;
	}

	/** A pupil's choice: the right options with probability `p`, else a likely mistake. */
	choose(q: Question, p: number): number[] {
		const right = q.options.flatMap((o, i) => (o.correct ? [i] : []));
		const wrong = q.options.flatMap((o, i) => (o.correct ? [] : [i]));
		if (!q.scored) return [this.random(q.options.length)];
		if (this.chance(p) || wrong.length === 0) return right;
		if (q.type === 'multiple') {
			// Missing one right option is the usual slip; ticking a wrong one the other.
			const picked = new Set(right);
			if (right.length > 1 && this.chance(0.6)) picked.delete(right[this.random(right.length)]);
			else picked.add(wrong[this.random(wrong.length)]);
			return [...picked].sort((a, b) => a - b);
		}
		// The first wrong option is the common misconception, the others less so.
		return [this.chance(0.6) ? wrong[0] : wrong[this.random(wrong.length)]];
	}

	answer(
		key: number,
		pupilId: number,
		lesson: Lesson,
		q: Question,
		phase: 'pre' | 'main',
		p: number,
		at: number
	): void {
		const selected = this.choose(q, p);
		// Graded as submitAnswer grades it, both phases (the check's feedback is withheld, not its mark).
		const graded = gradeAnswer(q, selected);
		this.rows.answers.push({
			key,
			client_id: this.clientId(),
			pupil_id: pupilId,
			lesson_id: lesson.id,
			question_id: q.id,
			phase,
			selected: JSON.stringify(selected),
			correct: graded.correct === null ? null : graded.correct ? 1 : 0,
			answered_at: iso(at)
		});
	}

	session(values: Omit<Insertable<ClassSessionsTable>, 'lesson_hash'>, lesson: Lesson): number {
		const key = this.nextKey++;
		this.rows.sessions.push({ ...values, lesson_hash: lesson.hash, key });
		return key;
	}

	audit(
		cls: DemoClassRef,
		at: number,
		action: string,
		key: number | null,
		detail?: Record<string, unknown>
	): void {
		this.rows.audit.push({
			at: iso(at),
			actor_type: 'staff',
			actor_id: cls.teacherId,
			school_id: cls.schoolId,
			action,
			target_type: key === null ? null : 'session',
			key,
			detail: detail ? JSON.stringify(detail) : null,
			ip: null
		});
	}

	/** An attendance mark: the pupil's own join, or the teacher's mark when `teacherId` is given. */
	attend(
		key: number,
		pupilId: number,
		status: 'present' | 'absent',
		at: number,
		teacherId: number | null = null
	): void {
		this.rows.attendance.push({
			key,
			pupil_id: pupilId,
			status,
			source: teacherId === null ? 'joined' : 'teacher',
			marked_by: teacherId,
			updated_at: iso(at)
		});
	}

	/** How far a pupil got through the lesson, as progress.ts keeps it. */
	progress(key: number, pupilId: number, lesson: Lesson, furthest: number, at: number): void {
		this.rows.progress.push({
			key,
			pupil_id: pupilId,
			lesson_id: lesson.id,
			current_step: furthest,
			furthest_step: furthest,
			reached_end: furthest === lesson.steps.length - 1 ? 1 : 0,
			updated_at: iso(at)
		});
	}

	/**
	 * One lesson taught live to the whole class. Returns the pupils who missed it and
	 * did not do it on paper.
	 */
	liveLesson(
		cls: DemoClassRef,
		school: SchoolPlan,
		pupils: Pupil[],
		lesson: Lesson,
		start: number,
		paper?: 'present' | 'absent'
	): Pupil[] {
		const created = start - this.between(4, 9) * MINUTE;
		const stepMs = Math.round((lesson.minutes * MINUTE) / lesson.steps.length);
		const last = lesson.steps.length - 1;
		const { checks, stepOf } = shapeOf(lesson);
		const ended = start + lesson.minutes * MINUTE + this.between(1, 6) * MINUTE;
		const key = this.session(
			{
				class_id: cls.classId,
				lesson_id: lesson.id,
				mode: 'live',
				status: 'ended',
				current_step: last,
				revealed_question: null,
				closes_at: null,
				started_by: cls.teacherId,
				created_at: iso(created),
				started_at: iso(start),
				ended_at: iso(ended),
				audience: 'class'
			},
			lesson
		);
		this.audit(cls, created, 'session.started', key, {
			lesson: lesson.id,
			mode: 'live',
			catchUp: false
		});

		// One to three away, the pupils who are often away more likely among them.
		const away = new Set<number>();
		const absences = [1, 1, 1, 2, 2, 3][this.random(6)];
		const weight = pupils.reduce((sum, p) => sum + p.awayWeight, 0);
		while (away.size < absences) {
			let pick = this.random(weight);
			const pupil = pupils.find((p) => (pick -= p.awayWeight) < 0)!;
			away.add(pupil.id);
		}
		const present = pupils.filter((p) => !away.has(p.id));
		// Someone without a device that day: the teacher marks them present by hand.
		const handMarked = paper === 'present' ? present[this.random(present.length)] : undefined;
		const marked = ended + this.between(1, 4) * MINUTE;
		const missed = pupils.filter((p) => away.has(p.id));
		const atHome = paper === 'absent' ? missed.shift() : undefined;

		for (const pupil of present) {
			if (pupil === handMarked) {
				this.attend(key, pupil.id, 'present', marked, cls.teacherId);
				continue;
			}
			const late = this.chance(0.06);
			// On time: signed in during the lobby, leaving a couple of minutes for the check.
			const lobby = Math.floor((start - created) / 1000);
			const joined = late
				? start + this.between(2, 8) * MINUTE
				: created + this.between(20, Math.max(30, lobby - 150)) * 1000;
			this.attend(key, pupil.id, 'present', joined);
			// The knowledge check is only before the lesson starts, so a late joiner skips it.
			if (!late) {
				let at = joined;
				for (const q of checks) {
					at += this.between(8, 25) * 1000;
					this.answer(
						key,
						pupil.id,
						lesson,
						q,
						'pre',
						school.pre + pupil.knack,
						Math.min(at, start - 1000)
					);
				}
			}
			// A few leave part way (an appointment, a flat battery).
			const furthest = this.chance(0.04) ? this.random(last) : last;
			const firstStep = late ? Math.min(Math.floor((joined - start) / stepMs), furthest) : 0;
			for (const q of lesson.questions) {
				const step = stepOf.get(q)!;
				if (step < firstStep || step > furthest || this.chance(0.015)) continue;
				const at = Math.max(
					joined + 20_000,
					start + step * stepMs + this.between(40, Math.max(60, stepMs / 1000 - 30)) * 1000
				);
				this.answer(key, pupil.id, lesson, q, 'main', school.main + pupil.knack, at);
			}
			this.progress(
				key,
				pupil.id,
				lesson,
				furthest,
				Math.max(joined, start + furthest * stepMs + this.between(1, 4) * 1000)
			);
		}
		// "Mark everyone else absent" after the lesson, and the hand mark with it.
		for (const pupil of pupils.filter((p) => away.has(p.id))) {
			this.attend(key, pupil.id, 'absent', marked, cls.teacherId);
		}
		this.audit(cls, ended, 'session.ended', key);
		this.audit(cls, marked, 'attendance.marked', key, {
			present: handMarked ? 1 : 0,
			absent: away.size
		});
		const onPaper = handMarked ?? atHome;
		if (onPaper) {
			const at = handMarked ? marked + MINUTE : ended + this.between(2, 4) * DAY;
			this.rows.paper.push({
				pupil_id: onPaper.id,
				lesson_id: lesson.id,
				marked_by: cls.teacherId,
				marked_at: iso(at)
			});
			this.audit(cls, at, 'completion.paper_marked', null, { lesson: lesson.id, pupils: 1 });
		}
		return missed;
	}

	/**
	 * A self-paced catch-up for the pupils who missed a lesson, open on `openDays` (from
	 * lunchtime on the first to the end of the last); the teacher ended it that afternoon.
	 * The last pupil on the list never opened it.
	 */
	catchUp(
		cls: DemoClassRef,
		school: SchoolPlan,
		pupils: Pupil[],
		lesson: Lesson,
		openDays: number[]
	): void {
		const day = openDays[0];
		const closeDay = openDays[openDays.length - 1];
		const created = day + (12 * 60 + this.between(25, 45)) * MINUTE;
		const closesAt = closingTime(iso(closeDay).slice(0, 10));
		const ended = closeDay + 15 * 60 * MINUTE + this.between(0, 40) * MINUTE;
		const key = this.session(
			{
				class_id: cls.classId,
				lesson_id: lesson.id,
				mode: 'self',
				status: 'ended',
				current_step: -1,
				revealed_question: null,
				closes_at: closesAt,
				started_by: cls.teacherId,
				created_at: iso(created),
				started_at: iso(created),
				ended_at: iso(ended),
				audience: 'some'
			},
			lesson
		);
		this.audit(cls, created, 'session.started', key, {
			lesson: lesson.id,
			mode: 'self',
			catchUp: true
		});
		for (const pupil of pupils) this.rows.audience.push({ key, pupil_id: pupil.id });
		const last = lesson.steps.length - 1;
		const { checks, stepOf } = shapeOf(lesson);
		for (const pupil of pupils.slice(0, pupils.length > 1 ? -1 : undefined)) {
			// At their own pace on a day the catch-up was open, in a quiet half hour.
			const opened = Math.min(
				openDays[this.random(openDays.length)] + (10 * 60 + this.between(0, 240)) * MINUTE,
				ended - 60 * MINUTE
			);
			const begin = Math.max(opened, created + MINUTE);
			this.attend(key, pupil.id, 'present', begin);
			let at = begin;
			for (const q of checks) {
				at += this.between(10, 30) * 1000;
				this.answer(key, pupil.id, lesson, q, 'pre', school.pre + pupil.knack, at);
			}
			for (let step = 0; step <= last; step++) {
				at += this.between(90, 300) * 1000;
				for (const q of lesson.questions.filter((x) => stepOf.get(x) === step)) {
					at += this.between(20, 60) * 1000;
					this.answer(key, pupil.id, lesson, q, 'main', school.main + pupil.knack, at);
				}
			}
			this.progress(key, pupil.id, lesson, last, at + 5000);
		}
		this.audit(cls, ended, 'session.ended', key);
	}
}
