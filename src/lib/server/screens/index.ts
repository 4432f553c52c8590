// screens: what each page shows. Page models that gather from the wings below for one screen:
// the teacher's lesson choices, control view, board and register, the pupil's lesson and
// header, the staff library, staff administration and the council's notices to schools.
export { boardView } from './board';
export { classSessionHeader, type ClassSessionHeader } from './class-session-labels';
export {
	type ChartData,
	controlView,
	LIVE_DEPENDENCY,
	type LiveControl,
	type QuestionStatus,
	revealOnCurrentStep,
	type SelfPacedMonitor
} from './control';
export { councilNotice, type CouncilNotice, markCouncilNoticeSeen } from './council-notices';
export {
	classSessionRows,
	lessonChoices,
	lessonHistory,
	lessonToStart,
	liveSessionSummary,
	type NextLesson,
	nextLessonFor,
	startCatchUp,
	startClassSession,
	startClassSessionSchema
} from './lesson-choices';
export {
	lessonPlan,
	libraryOverview,
	previewStep,
	requireLesson,
	staffLessonView
} from './library';
export { getPupilHeader } from './pupil-header';
export {
	answerFromRequest,
	movePupil,
	moveSchema,
	openPupilSession,
	sessionHref,
	summaryHref
} from './pupil-lesson';
export { pupilSummary } from './pupil-summary';
export { certificateStatus, pupilHomeSessions } from './pupil-home';
export { attendanceView, completionView, saveAttendance, savePaperCompletion } from './register';
export { loadStaffAdmin, type ScopeOf, staffAdminActions } from './staff-admin';
