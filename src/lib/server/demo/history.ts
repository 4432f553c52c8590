// A term of past lessons for the demo borough, so that every report and chart has something
// to show on first start. Every row is shaped as the app itself writes it (class-sessions.ts,
// progress.ts, answers.ts, audit.ts), graded by the lesson engine, and nothing is in the future.
import { CompiledQuery, type Insertable, type Transaction } from 'kysely';
import type {
	AnswersTable,
	AttendanceTable,
	AuditEventsTable,
	ClassSessionsTable,
	DB,
	PaperCompletionsTable,
	ProgressTable,
	RandomInt
} from '../platform';
import { closingTime } from '../teaching';
import { getLibrary, gradeAnswer, type Lesson, type Question } from '../lessons';

/** A class seedDemo has just made, with the people history needs. */
export interface DemoClassRef {
	classId: number;
	schoolId: number;
	/** The school's slug, e.g. `loddon-vale`. */
	school: string;
	className: string;
	teacherId: number;
}

interface ClassPlan {
	/** Programme position of the first lesson taught (0 = the first lesson). */
	first: number;
	/** How many lessons, in programme order; 'all' for the whole programme. */
	count: number | 'all';
	/** School week of the first lesson: 0 is the week of the first Monday on or after 3 September. */
	week: number;
	/**
	 * After the n-th lesson taught, a self-paced catch-up for the pupils who missed it (never
	 * after a teacher-led lesson, whose catch-up would be live).
	 */
	catchUpAfter?: number;
	/** A pupil who did the n-th lesson on paper: present without a device, or absent and at home. */
	paper?: { lesson: number; kind: 'present' | 'absent' }[];
}

export interface SchoolPlan {
	/** Chance of a right answer before the lesson (knowledge check) and during it. */
	pre: number;
	main: number;
	classes: Record<string, ClassPlan>;
}

/**
 * Tadley Common has not started (pupil-session.spec needs Maple fresh); Overton Mill has
 * finished; the others are part way. Willow starts at the second lesson: the README's
 * two-minute tour and live-session.spec start "Think before you share" with Willow and
 * expect it to be the class's first session of that lesson.
 */
const HISTORY: Record<string, SchoolPlan> = {
	'loddon-vale': {
		pre: 0.5,
		main: 0.8,
		classes: {
			Willow: { first: 1, count: 3, week: 7 },
			Oak: { first: 0, count: 4, week: 6, paper: [{ lesson: 1, kind: 'present' }] }
		}
	},
	'kempshott-meadow': {
		pre: 0.52,
		main: 0.83,
		classes: {
			Kestrel: { first: 0, count: 5, week: 3, catchUpAfter: 2 },
			Heron: { first: 0, count: 4, week: 5, paper: [{ lesson: 0, kind: 'absent' }] }
		}
	},
	'tadley-common': { pre: 0.5, main: 0.8, classes: {} },
	'whitchurch-fields': {
		pre: 0.45,
		main: 0.72,
		classes: { 'Year 6': { first: 0, count: 2, week: 8 } }
	},
	'overton-mill': {
		pre: 0.56,
		main: 0.87,
		classes: {
			Falcon: { first: 0, count: 'all', week: 1, paper: [{ lesson: 2, kind: 'present' }] },
			Otter: { first: 0, count: 'all', week: 2, catchUpAfter: 3 }
		}
	},
	'popley-brook': {
		pre: 0.47,
		main: 0.76,
		classes: {
			Cedar: { first: 0, count: 3, week: 7 },
			Rowan: { first: 0, count: 2, week: 8 }
		}
	}
};

const DAY = 86_400_000;
const MINUTE = 60_000;
/** Lesson start times (UTC, inside the school day in both BST and GMT), one per class in turn. */
const SLOTS = [8 * 60 + 55, 9 * 60 + 45, 10 * 60 + 50, 13 * 60 + 5, 13 * 60 + 50, 11 * 60 + 20];

const iso = (ms: number) => new Date(ms).toISOString();
const utcDay = (ms: number) => Math.floor(ms / DAY) * DAY;
const weekday = (ms: number) => (new Date(ms).getUTCDay() + 6) % 7; // Monday = 0

/**
 * The school days lessons may fall on: Monday to Friday from the first Monday on or after
 * 3 September of `now`'s academic year to a week before `now` (autumn term only, half-term
 * week off). Early in the term the timeline is compressed into the days before today.
 */
function schoolDays(now: Date): number[] {
	const year = now.getUTCMonth() >= 8 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
	const sep3 = Date.UTC(year, 8, 3);
	const termStart = sep3 + ((7 - weekday(sep3)) % 7) * DAY; // first Monday on or after 3 Sep
	const endOfTerm = Date.UTC(year, 11, 18);
	const lastDay = Math.min(utcDay(now.getTime()) - 7 * DAY, endOfTerm);
	// Half-term: the week of the last Monday in October.
	const oct31 = Date.UTC(year, 9, 31);
	const halfTerm = oct31 - weekday(oct31) * DAY;
	const days: number[] = [];
	for (let d = termStart; d <= lastDay; d += DAY) {
		if (weekday(d) < 5 && (d < halfTerm || d >= halfTerm + 7 * DAY)) days.push(d);
	}
	if (days.length >= 15) return days;
	// Too early in the term for a week's margin: the fifteen school days before today.
	const compressed: number[] = [];
	for (let d = utcDay(now.getTime()) - DAY; compressed.length < 15; d -= DAY) {
		if (weekday(d) < 5) compressed.unshift(d);
	}
	return compressed;
}

function lessonsOf(plan: ClassPlan, programme: Lesson[]): Lesson[] {
	const end = plan.count === 'all' ? programme.length : plan.first + plan.count;
	return programme.slice(plan.first, end);
}

/** The knowledge-check questions, and the step each question is on. */
function shapeOf(lesson: Lesson): { checks: Question[]; stepOf: Map<Question, number> } {
	const steps = new Map(lesson.steps.map((s) => [s.id, s.index]));
	return {
		checks: lesson.questions.filter((q) => q.check && q.scored),
		stepOf: new Map(lesson.questions.map((q) => [q, steps.get(q.stepId) ?? 0]))
	};
}

// ——— the rows ———

interface Rows {
	sessions: (Insertable<ClassSessionsTable> & { key: number })[];
	audience: { key: number; pupil_id: number }[];
	attendance: (Omit<Insertable<AttendanceTable>, 'session_id'> & { key: number })[];
	progress: (Omit<Insertable<ProgressTable>, 'session_id'> & { key: number })[];
	answers: (Omit<Insertable<AnswersTable>, 'session_id'> & { key: number })[];
	paper: Insertable<PaperCompletionsTable>[];
	audit: (Omit<Insertable<AuditEventsTable>, 'target_id'> & { key: number | null })[];
}

interface Pupil {
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

/**
 * Inserts in slices small enough for any SQLite's limit on bound parameters (999). Kysely
 * builds the statement for the first full slice; later slices of that size reuse its SQL with
 * their own parameters, because building ten thousand rows of query nodes took longer than
 * writing them. Every row of a table has the same columns in the same order.
 */
async function insertAll<T extends keyof DB & string>(
	trx: Transaction<DB>,
	table: T,
	rows: Insertable<DB[T]>[]
): Promise<void> {
	if (rows.length === 0) return;
	const columns = Object.keys(rows[0]) as (keyof Insertable<DB[T]>)[];
	const size = Math.max(1, Math.floor(900 / columns.length));
	let reusable: string | undefined;
	for (let i = 0; i < rows.length; i += size) {
		const slice = rows.slice(i, i + size);
		const parameters = slice.flatMap((row) => columns.map((c) => row[c]));
		if (reusable && slice.length === size) {
			await trx.executeQuery(CompiledQuery.raw(reusable, parameters));
			continue;
		}
		// Kysely cannot resolve a generic table's row type; the signature has checked the rows.
		const compiled = trx
			.insertInto(table)
			.values(slice as Parameters<ReturnType<typeof trx.insertInto<T>>['values']>[0])
			.compile();
		if (slice.length === size && compiled.parameters.every((v, n) => v === parameters[n]))
			reusable = compiled.sql;
		await trx.executeQuery(compiled);
	}
}

/**
 * Writes the autumn term's past sessions of the demo classes, inside seedDemo's transaction.
 * Deterministic for a given `now` and `random` state.
 */
export async function seedDemoHistory(
	trx: Transaction<DB>,
	now: Date,
	random: RandomInt,
	classes: DemoClassRef[]
): Promise<void> {
	const programme = getLibrary().lessons;
	if (programme.length === 0 || classes.length === 0) return;
	const gen = new Generator(random);
	const days = schoolDays(now);
	const planned = classes.flatMap((cls, i) => {
		const plan = HISTORY[cls.school]?.classes[cls.className];
		return plan ? [{ cls, plan, school: HISTORY[cls.school], slot: i }] : [];
	});
	if (planned.length === 0) return;
	// Where each lesson would fall at a lesson a week; squeezed to fit the days there are.
	const dayOf = (week: number, slot: number) => week * 5 + ((slot * 2) % 5);
	const wanted = Math.max(
		...planned.map(({ plan, slot }) =>
			dayOf(plan.week + lessonsOf(plan, programme).length - 1, slot)
		)
	);
	const squeeze = wanted >= days.length ? (days.length - 1) / wanted : 1;

	const pupilRows = await trx
		.selectFrom('pupils')
		.select('id')
		.select('class_id')
		.where(
			'class_id',
			'in',
			planned.map((p) => p.cls.classId)
		)
		.where('archived_at', 'is', null)
		.orderBy('id')
		.execute();

	for (const { cls, plan, school, slot } of planned) {
		const pupils: Pupil[] = pupilRows
			.filter((p) => p.class_id === cls.classId)
			.map((p) => ({
				id: p.id,
				knack: (gen.random(25) - 12) / 100,
				awayWeight: gen.chance(0.1) ? 5 : 1
			}));
		let previous = -Infinity;
		lessonsOf(plan, programme).forEach((lesson, n) => {
			const index = Math.floor(dayOf(plan.week + n, slot) * squeeze);
			let start = days[index] + SLOTS[slot % SLOTS.length] * MINUTE;
			// Squeezed onto the same day as the last one: later that day.
			if (start <= previous) start = previous + 70 * MINUTE;
			previous = start;
			const paper = plan.paper?.find((p) => p.lesson === n)?.kind;
			const missed = gen.liveLesson(cls, school, pupils, lesson, start, paper);
			if (plan.catchUpAfter === n && missed.length && lesson.delivery !== 'teacher-led') {
				const open = Math.min(index + 2, days.length - 1);
				gen.catchUp(cls, school, missed, lesson, days.slice(open, open + 4));
			}
		});
	}
	await write(trx, gen.rows);
}

export async function write(trx: Transaction<DB>, rows: Rows): Promise<void> {
	// Sessions in time order, so that ids grow with time as they do in use.
	const order = [...rows.sessions].sort((a, b) =>
		a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0
	);
	const before = await trx
		.selectFrom('class_sessions')
		.select((eb) => eb.fn.max('id').as('max'))
		.executeTakeFirst();
	await insertAll(
		trx,
		'class_sessions',
		order.map(({ key: _key, ...row }) => row)
	);
	const ids = await trx
		.selectFrom('class_sessions')
		.select('id')
		.where('id', '>', Number(before?.max ?? 0))
		.orderBy('id')
		.execute();
	const idOf = new Map(order.map((s, i) => [s.key, ids[i].id]));
	const withId = <R extends { key: number }>(list: R[]) =>
		list.map(({ key, ...row }) => ({ ...row, session_id: idOf.get(key)! }));

	await insertAll(trx, 'class_session_pupils', withId(rows.audience));
	await insertAll(trx, 'attendance', withId(rows.attendance));
	await insertAll(trx, 'progress', withId(rows.progress));
	const answers = withId(rows.answers).sort((a, b) =>
		a.answered_at < b.answered_at ? -1 : a.answered_at > b.answered_at ? 1 : 0
	);
	await insertAll(trx, 'answers', answers);
	await insertAll(trx, 'paper_completions', rows.paper);
	const audit = rows.audit
		.map(({ key, ...row }) => ({ ...row, target_id: key === null ? null : String(idOf.get(key)) }))
		.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
	await insertAll(trx, 'audit_events', audit);
}

// ——— a request for help ———

/**
 * One calm request for help at the demo's first school, made and answered on the last
 * school day of the history, so that the safeguarding lead's Concerns page has something
 * to show. Already acknowledged (in 43 minutes) with a note, so no banner turns red in a
 * demo, and written as requests.ts writes it: the request, its notes, its audit rows.
 */
export async function seedDemoHelpRequest(
	trx: Transaction<DB>,
	now: Date,
	input: { classRef: DemoClassRef; dslId: number }
): Promise<void> {
	const { classRef, dslId } = input;
	const pupils = await trx
		.selectFrom('pupils')
		.select('id')
		.where('class_id', '=', classRef.classId)
		.where('archived_at', 'is', null)
		.orderBy('id')
		.execute();
	// The fifth pupil: not one the e2e tests pick (the first of a class, the last of Oak).
	const pupil = pupils[Math.min(4, pupils.length - 1)];
	if (!pupil) return;
	const days = schoolDays(now);
	// 10:40 UTC is inside the school day in both GMT and BST.
	const made = days[days.length - 1] + (10 * 60 + 40) * MINUTE;
	const viewed = made + 42 * MINUTE;
	const acknowledged = viewed + MINUTE;
	const spoke = made + (2 * 60 + 15) * MINUTE;
	const { id } = await trx
		.insertInto('help_requests')
		.values({
			client_id: 'de000000000000000000000000000001',
			pupil_id: pupil.id,
			class_id: classRef.classId,
			school_id: classRef.schoolId,
			about: 'friend',
			topics: JSON.stringify(['unkind-messages']),
			message:
				"My friend keeps getting unkind messages in our class group chat. She is a bit sad about it and I don't know what to do.",
			urgency: 'soon',
			talk_to: 'teacher',
			routed_to: 'dsl',
			created_at: iso(made),
			acknowledged_at: iso(acknowledged),
			acknowledged_by: dslId
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	await trx
		.insertInto('help_request_notes')
		.values([
			{ request_id: id, staff_id: dslId, kind: 'acknowledged', created_at: iso(acknowledged) },
			{
				request_id: id,
				client_id: 'de000000000000000000000000000002',
				staff_id: dslId,
				kind: 'spoke',
				body: 'Spoke to them at lunchtime. We talked about saving the messages, blocking and telling a grown-up at home. I will check in with both friends on Friday.',
				created_at: iso(spoke)
			}
		])
		.execute();
	const audit = (at: number, action: string, actor: 'pupil' | 'staff') => ({
		at: iso(at),
		actor_type: actor,
		actor_id: actor === 'pupil' ? pupil.id : dslId,
		school_id: classRef.schoolId,
		action,
		target_type: 'help_request',
		target_id: String(id),
		detail: null,
		ip: null
	});
	await trx
		.insertInto('audit_events')
		.values([
			audit(made, 'help.requested', 'pupil'),
			audit(viewed, 'help.viewed', 'staff'),
			audit(acknowledged, 'help.acknowledged', 'staff'),
			audit(spoke, 'help.spoke', 'staff')
		])
		.execute();
}
