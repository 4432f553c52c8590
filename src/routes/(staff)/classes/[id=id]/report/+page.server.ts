// A teacher's report on one class: who has done which lesson, who needs to catch up, and
// what the class understood. Every rate arrives already passed through disclosure.ts.
import { assertCanSeeClass, parseId } from '$lib/server/access';
import { requireStaff } from '$lib/server/auth/guards';
import { getLibrary } from '$lib/server/lessons';
import { classReport } from '$lib/server/reports';
import { formatWhen } from '$lib/server/teacher-session';
import { cellText } from './view';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const staff = requireStaff(event, 'teacher', 'lead');
	const classId = parseId(event.params.id);
	await assertCanSeeClass(staff, classId);
	const lessons = getLibrary().lessons;
	const report = await classReport(classId, lessons);
	const byId = new Map(lessons.map((l) => [l.id, l]));
	const title = (lessonId: string) => byId.get(lessonId)?.title ?? lessonId;

	const sessions = report.sessions.map((s) => {
		const lesson = byId.get(s.lessonId);
		const numberOf = new Map(lesson?.questions.map((q, i) => [q.id, i + 1]));
		return {
			id: s.sessionId,
			lessonTitle: title(s.lessonId),
			when: formatWhen(s.createdAt),
			present: s.present,
			absent: s.absent,
			unmarked: s.unmarked,
			questions: s.questions.map((q) => ({
				key: `${q.phase}:${q.questionId}`,
				number: numberOf.get(q.questionId) ?? 0,
				promptHtml: lesson?.questions.find((x) => x.id === q.questionId)?.promptHtml ?? '',
				phase: q.phase === 'pre' ? 'Before the lesson' : 'In the lesson',
				answers: q.answers,
				correct: q.correctRate?.display ?? 'Poll (no right answer)',
				suppressed: q.correctRate?.suppressed ?? false,
				spread: q.spread
					? q.spread.map((o) => `${o.count} chose “${o.option}”`).join(', ')
					: q.answers > 0
						? '[c]'
						: '–',
				misconception: q.misconception
					? `${q.misconception.options.map((o) => `“${o}”`).join(' and ')} (${q.misconception.count})`
					: null
			}))
		};
	});

	const gain = report.gain.map((g) => ({
		lessonId: g.lessonId,
		title: title(g.lessonId),
		before: g.gain.before.display,
		after: g.gain.after.display,
		change: g.gain.change.display,
		pupils: g.gain.pupils
	}));

	const anySuppressed =
		report.gain.some((g) => g.gain.before.suppressed || g.gain.after.suppressed) ||
		sessions.some((s) => s.questions.some((q) => q.suppressed || q.spread === '[c]'));

	return {
		cls: { id: report.classId, name: report.className },
		lessons: report.lessons,
		grid: report.grid.map((row) => ({
			pupilId: row.pupilId,
			name: row.name,
			cells: report.lessons.map((l) => cellText(row.lessons[l.id]))
		})),
		catchUp: report.catchUp.map((c) => ({
			lessonId: c.lessonId,
			title: title(c.lessonId),
			names: c.pupils.map((p) => p.name)
		})),
		gain,
		sessions,
		legend: anySuppressed ? report.legend : null
	};
};
