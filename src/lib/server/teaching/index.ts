// teaching: lessons delivered to classes. Class sessions (a lesson delivered to a class, not a
// sign-in session), where each pupil is and who was there (progress.ts), pupils' answers
// (graded on the server, stored once by group commit), completion's one rule, and the
// revisions of each lesson as it was taught.
export {
	type AnswerResult,
	answersOfPupil,
	type QuestionTally,
	sessionResults,
	submitAnswer
} from './answers';
export {
	type ClassSessionInfo,
	effectiveStatus,
	getClassSession,
	isInAudience,
	listClassSessions,
	liveSessionOfClass,
	openClassSessionsForPupil
} from './class-sessions';
export { closingTime, createClassSession, type NewClassSession } from './class-session-start';
export { endClassSession, liveState, revealQuestion, setLiveStep } from './live-state';
export { completionState, type CompletionState, isCompleted } from './completion';
export {
	lessonOfSession,
	type RevisionEntry,
	revisionHistory,
	revisionsByHash,
	revisionsOfLessons,
	settleRevisions
} from './lesson-revisions';
export {
	attendanceCounts,
	type AttendanceRow,
	getProgress,
	hasSeenLesson,
	joinSession,
	markAttendance,
	markPaperCompletion,
	markRestAbsent,
	recordStep,
	sessionRoster
} from './progress';
