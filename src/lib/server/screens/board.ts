// The projector's screen for a class session: what the whole class may see. Counts, never
// names; the lobby's join code and QR code; the answer key only for the question revealed.
import QRCode from 'qrcode';
import type { PupilStep } from '../../lesson-view';
import type { ClassSessionInfo } from '../teaching';
import { chartFor, rosterResults, type ChartData } from './control';
import { getLesson, toPupilStep } from '../lessons';
import { sessionRoster } from '../teaching';

const qrCache = new Map<string, string>();

async function qrSvg(url: string): Promise<string> {
	const cached = qrCache.get(url);
	if (cached) return cached;
	const svg = (
		await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
	).replace('<svg ', '<svg aria-hidden="true" focusable="false" ');
	if (qrCache.size > 200) qrCache.clear();
	qrCache.set(url, svg);
	return svg;
}

export interface BoardView {
	id: number;
	className: string;
	lessonTitle: string;
	mode: 'live' | 'self';
	status: ClassSessionInfo['status'];
	currentStep: number;
	stepCount: number;
	introHtml: string;
	step: PupilStep | null;
	lobby: { code: string; joinHost: string; joinUrl: string; qrSvg: string; joined: number } | null;
	chart: ChartData | null;
}

/**
 * The projector: what the whole class may see. Counts, never names; the answer key
 * only for the question the teacher revealed.
 */
export async function boardView(session: ClassSessionInfo, origin: string): Promise<BoardView> {
	const lesson = getLesson(session.lessonId);
	const step = session.currentStep;
	const view: BoardView = {
		id: session.id,
		className: session.className,
		lessonTitle: lesson?.title ?? session.lessonId,
		mode: session.mode,
		status: session.status,
		currentStep: step,
		stepCount: lesson?.steps.length ?? 0,
		introHtml: lesson?.introHtml ?? '',
		step: lesson && step >= 0 ? (toPupilStep(lesson, step) ?? null) : null,
		lobby: null,
		chart: null
	};
	if (!lesson || session.status === 'ended') return view;
	if (step < 0) {
		const code = session.classCode;
		const joinUrl = `${origin}/join/${code}`;
		const roster = await sessionRoster(session);
		view.lobby = {
			code,
			joinHost: `${new URL(origin).host}/join`,
			joinUrl,
			qrSvg: await qrSvg(joinUrl),
			joined: roster.filter((r) => r.status === 'present').length
		};
	}
	if (session.revealedQuestion) {
		const { tally } = await rosterResults(session, lesson, 'main', await sessionRoster(session));
		view.chart = chartFor(lesson, session.revealedQuestion, tally);
	}
	return view;
}
