// The lesson engine's public surface: load and check lessons, project them for pupils, grade.

export type * from './types';
export { STRANDS, QUESTION_TYPES } from './types';
export {
	loadLessons,
	getLibrary,
	getLesson,
	reloadLibrary,
	watchLessons,
	lessonsDir,
	listLessonFiles,
	resetLibrary,
	type LoadOptions
} from './load';
export { compileLesson, lessonHash, type CompileOptions, type CompileResult } from './compile';
export { parseFacts, type FactTable } from './facts';
export { resolveLessonAsset, type AssetResult } from './assets';
export { renderMarkdown, renderInline, sanitize, type RenderContext } from './render';
export { toPupilQuestion, toPupilStep, toPupilCheck, checkQuestions } from './pupil';
export { gradeAnswer, validateSelection } from './grade';
export { formatProblem, summarise } from './report';
export {
	compileRevision,
	keptRevisionOf,
	revisionChanges,
	revisionWarnings,
	hasChanges,
	type KeptRevision,
	type RevisionChanges
} from './revisions';
export { helpContacts } from './help-contacts';
