// The tables every report shows, built once and used twice: the page renders them and the
// CSV writes them, so the figures on screen and in the spreadsheet cannot drift apart.
// Every rate arrives already passed through disclosure.ts; counts of pupils published to
// the council pass through it here.
import { suppressBreakdowns, SUPPRESSED, type Disclosed } from './disclosure';
import type { BoroughDashboard } from './borough-dashboard';
import type { ClassReport } from './class-report';
import type { Figures } from './figures';
import type { SchoolSummary } from './school-report';
import type { Cell, Column, ReportTable } from '$lib/report-table';
import type { CompletionState } from '../teaching';

export type { Cell, Column, ReportTable };

// ——— cells ———

function textCell(text: string): Cell {
	return { text, value: text };
}

function countCell(n: number): Cell {
	return { text: n.toLocaleString('en-GB'), value: n };
}

const DASH: Cell = { text: '–', value: null };
const HIDDEN: Cell = { text: SUPPRESSED, value: SUPPRESSED };

/** A disclosed rate as a percentage: "83%" on screen, 83 in the CSV. */
export function rateCell(d: Disclosed): Cell {
	if (d.suppressed) return HIDDEN;
	if (d.value === null) return DASH;
	const percent = Math.round(d.value * 100);
	return { text: `${percent}%`, value: percent };
}

/** A change in percentage points: "+12 points" on screen, 12 in the CSV. */
export function pointsCell(d: Disclosed): Cell {
	if (d.suppressed) return HIDDEN;
	if (d.value === null) return DASH;
	const points = Math.round(d.value * 100);
	return { text: `${points > 0 ? '+' : ''}${points} points`, value: points };
}

/** A count of pupils published beyond the school: 1–5 is hidden. */
function pupilCountCell(n: number, hidden: boolean): Cell {
	return hidden ? HIDDEN : countCell(n);
}

// ——— the common figures ———

const FIGURE_COLUMNS: Column[] = [
	{ label: 'Pupils' },
	{ label: 'Pupils reached' },
	{ label: 'Sessions delivered' },
	{ label: 'Attendance', unit: '%' },
	{ label: 'Completion', unit: '%' },
	{ label: 'Average score', unit: '%' },
	{ label: 'Correct before', unit: '%' },
	{ label: 'Correct after', unit: '%' },
	{ label: 'Knowledge gain', unit: 'points' }
];

function figureCells(f: Figures, reached: Cell = countCell(f.reached)): Cell[] {
	return [
		countCell(f.pupils),
		reached,
		countCell(f.sessionsDelivered),
		rateCell(f.attendance),
		rateCell(f.completion),
		rateCell(f.averageScore),
		rateCell(f.gain.before),
		rateCell(f.gain.after),
		pointsCell(f.gain.change)
	];
}

/** Whether any cell of these tables is hidden, so the page knows to show the legend. */
export function anyHidden(tables: ReportTable[]): boolean {
	return tables.some((t) =>
		[...t.rows, ...(t.total ? [t.total] : [])].some((r) =>
			r.cells.some((c) => c.text === SUPPRESSED)
		)
	);
}

// ——— school ———

export function schoolTables(summary: SchoolSummary): ReportTable[] {
	return [
		{
			id: 'classes',
			title: 'Classes side by side',
			caption: `Each class of ${summary.name}, with the school's totals`,
			columns: [{ label: 'Class' }, ...FIGURE_COLUMNS],
			rows: summary.classes.map((c) => ({
				key: String(c.classId),
				header: textCell(c.name),
				cells: figureCells(c),
				href: `/classes/${c.classId}/report`
			})),
			total: { key: 'total', header: textCell('Whole school'), cells: figureCells(summary.totals) },
			empty: 'The school has no classes yet.'
		},
		{
			id: 'lessons',
			title: 'Lesson by lesson',
			caption: `Each lesson across ${summary.name}`,
			columns: [{ label: 'Lesson' }, ...FIGURE_COLUMNS],
			rows: summary.byLesson.map((l) => ({
				key: l.lessonId,
				header: textCell(l.title),
				cells: figureCells(l)
			})),
			empty: 'There are no lessons in the library.'
		}
	];
}

// ——— borough ———

/**
 * Which counts of pupils reached the council may see. The schools' counts add up to the
 * borough's and were hidden with it (`borough-dashboard.ts`); lessons and weeks overlap (a pupil is in
 * several), so they are hidden by their own rule against the same total. With figures that
 * agree, none of them ever asks to hide a total the schools' table shows: a lone small group
 * with no other beside it would make the total that group, 1–5, hidden already.
 */
function reachedDisclosure(d: BoroughDashboard) {
	const { totalHidden, hidden } = suppressBreakdowns(
		{ count: d.totals.reached, hidden: d.reachedTotalHidden },
		[
			d.byLesson.map((l) => ({ key: `lesson:${l.lessonId}`, count: l.reached })),
			d.byWeek.map((w) => ({ key: `week:${w.week}`, count: w.pupilsReached }))
		]
	);
	return {
		totalHidden: d.reachedTotalHidden || totalHidden,
		lesson: (id: string) => hidden[0].has(`lesson:${id}`),
		week: (week: string) => hidden[1].has(`week:${week}`)
	};
}

function boroughTotalsTable(d: BoroughDashboard, reachedHidden: boolean): ReportTable {
	const t = d.totals;
	const target = d.pupilTarget;
	const ofTarget: Cell =
		reachedHidden || !target
			? DASH
			: {
					text: `${Math.round((t.reached / target) * 100)}%`,
					value: Math.round((t.reached / target) * 100)
				};
	const rows: [string, Cell][] = [
		['Pupils reached', pupilCountCell(t.reached, reachedHidden)],
		['Target', target ? countCell(target) : textCell('Not set')],
		['Share of target reached (%)', ofTarget],
		['Schools taking part', countCell(d.schoolsTakingPart)],
		['Schools registered', countCell(d.schoolsRegistered)],
		['Sessions delivered', countCell(t.sessionsDelivered)],
		['Attendance (%)', rateCell(t.attendance)],
		['Completion (%)', rateCell(t.completion)],
		['Average score (%)', rateCell(t.averageScore)],
		['Correct before (%)', rateCell(t.gain.before)],
		['Correct after (%)', rateCell(t.gain.after)],
		['Knowledge gain (points)', pointsCell(t.gain.change)]
	];
	return {
		id: 'totals',
		title: 'Borough totals',
		caption: 'The borough’s headline figures',
		columns: [{ label: 'Measure' }, { label: 'Value' }],
		rows: rows.map(([label, cell]) => ({ key: label, header: textCell(label), cells: [cell] }))
	};
}

export function boroughTables(d: BoroughDashboard): ReportTable[] {
	const reached = reachedDisclosure(d);
	const reachedHidden = reached.totalHidden;
	return [
		boroughTotalsTable(d, reachedHidden),
		{
			id: 'schools',
			title: 'By school',
			caption: 'Each school, with the borough’s totals',
			columns: [{ label: 'School' }, ...FIGURE_COLUMNS],
			rows: d.bySchool.map((s) => ({
				key: String(s.schoolId),
				header: textCell(s.name),
				cells: figureCells(
					{ ...s, reached: s.reached.value ?? 0 },
					s.reached.suppressed ? HIDDEN : countCell(s.reached.value ?? 0)
				)
			})),
			total: {
				key: 'total',
				header: textCell('Borough'),
				cells: figureCells(d.totals, pupilCountCell(d.totals.reached, reachedHidden))
			},
			empty: 'No schools are registered yet.'
		},
		{
			id: 'lessons',
			title: 'By lesson',
			caption: 'Each lesson across the borough',
			columns: [{ label: 'Lesson' }, ...FIGURE_COLUMNS],
			rows: d.byLesson.map((l) => ({
				key: l.lessonId,
				header: textCell(l.title),
				cells: figureCells(l, pupilCountCell(l.reached, reached.lesson(l.lessonId)))
			})),
			empty: 'There are no lessons in the library.'
		},
		{
			id: 'weeks',
			title: 'By week',
			caption: 'Sessions delivered and pupils reached in each week (weeks start on Monday)',
			columns: [
				{ label: 'Week beginning' },
				{ label: 'Sessions delivered' },
				{ label: 'Pupils reached' }
			],
			rows: d.byWeek.map((w) => ({
				key: w.week,
				header: textCell(weekStart(w.week)),
				cells: [countCell(w.sessions), pupilCountCell(w.pupilsReached, reached.week(w.week))]
			})),
			empty: 'No sessions have been delivered in this period.'
		}
	];
}

/** `2026-W48` → `2026-11-23`, the Monday that starts it. */
export function weekStart(week: string): string {
	const [year, w] = week.split('-W').map(Number);
	const jan4 = new Date(Date.UTC(year, 0, 4));
	const monday = new Date(jan4);
	monday.setUTCDate(jan4.getUTCDate() - ((jan4.getUTCDay() + 6) % 7) + (w - 1) * 7);
	return monday.toISOString().slice(0, 10);
}

// ——— class ———

// A state is always written out: the grid must never rely on colour alone.
const STATE_WORDS: Record<CompletionState, string> = {
	completed: 'Completed',
	paper: 'On paper',
	started: 'Started',
	'not-started': 'Not started'
};

/** "Completed, 80%" — the score is a pupil's own, shown only to their teachers. */
function cellText(cell: { state: CompletionState; score: number | null }): string {
	const word = STATE_WORDS[cell.state];
	return cell.score === null ? word : `${word}, ${Math.round(cell.score * 100)}%`;
}

export interface ClassTableInput {
	report: ClassReport;
	titles: Map<string, string>;
	/** "Tue 4 Nov, 09:10" for a session. */
	when: (iso: string) => string;
	/** Plain text of a question's prompt, by lesson and question id. */
	prompt: (lessonId: string, questionId: string) => { number: number; text: string };
}

export function classTables(input: ClassTableInput): ReportTable[] {
	const { report, titles, when, prompt } = input;
	const title = (id: string) => titles.get(id) ?? id;
	const sessionName = (s: ClassReport['sessions'][number]) =>
		`${title(s.lessonId)}, ${when(s.createdAt)}`;
	return [
		{
			id: 'grid',
			title: 'Who has done which lesson',
			caption: `Each lesson for each pupil of ${report.className}`,
			columns: [{ label: 'Pupil' }, ...report.lessons.map((l) => ({ label: l.title }))],
			rows: report.grid.map((row) => ({
				key: String(row.pupilId),
				header: textCell(row.name),
				cells: report.lessons.map((l) => ({
					...textCell(cellText(row.lessons[l.id])),
					mark: row.lessons[l.id].state
				}))
			})),
			empty: 'There are no pupils in this class yet.'
		},
		{
			id: 'catch-up',
			title: 'Catch-up',
			caption: `Pupils of ${report.className} who have not completed a lesson the class has had`,
			columns: [{ label: 'Lesson' }, { label: 'Pupils to catch up' }, { label: 'Names' }],
			rows: report.catchUp.map((c) => ({
				key: c.lessonId,
				header: textCell(title(c.lessonId)),
				cells: [countCell(c.pupils.length), textCell(c.pupils.map((p) => p.name).join(', '))]
			})),
			empty: 'Nobody has missed a lesson the class has had.'
		},
		{
			id: 'gain',
			title: 'What the class understood',
			caption: `Knowledge gain per lesson for ${report.className}`,
			columns: [
				{ label: 'Lesson' },
				{ label: 'Correct before', unit: '%' },
				{ label: 'Correct after', unit: '%' },
				{ label: 'Knowledge gain', unit: 'points' },
				{ label: 'Pupils it rests on' }
			],
			rows: report.gain.map((g) => ({
				key: g.lessonId,
				header: textCell(title(g.lessonId)),
				cells: [
					rateCell(g.gain.before),
					rateCell(g.gain.after),
					pointsCell(g.gain.change),
					countCell(g.gain.pupils)
				]
			}))
		},
		{
			id: 'attendance',
			title: 'Attendance by session',
			caption: `Attendance in each session of ${report.className}`,
			columns: [
				{ label: 'Session' },
				{ label: 'Present' },
				{ label: 'Absent' },
				{ label: 'Not marked' }
			],
			rows: report.sessions.map((s) => ({
				key: String(s.sessionId),
				header: textCell(sessionName(s)),
				cells: [countCell(s.present), countCell(s.absent), countCell(s.unmarked)]
			})),
			empty: 'The class has not had a lesson yet.'
		},
		...report.sessions.map((s): ReportTable => ({
			id: `session-${s.sessionId}`,
			title: sessionName(s),
			caption: `Each question answered in ${sessionName(s)}`,
			columns: [
				{ label: 'Question' },
				{ label: 'Asked' },
				{ label: 'Answers' },
				{ label: 'Correct', unit: '%' },
				{ label: 'What pupils chose' },
				{ label: 'Most common wrong answer' }
			],
			rows: s.questions.map((q) => {
				const p = prompt(s.lessonId, q.questionId);
				return {
					key: `${q.phase}:${q.questionId}`,
					header: textCell(`${p.number}. ${p.text}`),
					cells: [
						textCell(q.phase === 'pre' ? 'Before the lesson' : 'In the lesson'),
						countCell(q.answers),
						q.correctRate ? rateCell(q.correctRate) : textCell('Poll (no right answer)'),
						q.spread
							? textCell(q.spread.map((o) => `${o.count} chose “${o.option}”`).join(', '))
							: q.answers > 0
								? HIDDEN
								: DASH,
						q.misconception
							? textCell(
									`${q.misconception.options.map((o) => `“${o}”`).join(' and ')} (${q.misconception.count})`
								)
							: textCell('None')
					]
				};
			}),
			empty: 'No answers were given in this session.'
		}))
	];
}
