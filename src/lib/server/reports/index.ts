// reports: facts -> figures -> tables -> exports, in one direction. facts.ts reads what
// pupils did; figures.ts defines every figure once (with disclosure.ts hiding what could
// identify a child); reports.ts makes the class, school and borough reports (the borough's
// from the kept totals, borough-totals.ts, a cache of the same definition); tables.ts and
// exports.ts lay them out for pages and CSV files. Each pupil's own completion
// (pupil-completion.ts) is read the same way.
export { prepareBoroughTotals } from './borough-totals';
export { LEGEND, MIN_PUPILS, SUPPRESSED, suppressTable } from './disclosure';
export {
	boroughCsv,
	classCsv,
	csvResponse,
	loadBoroughReport,
	loadClassReportTables,
	loadSchoolReport,
	parseReportFilter,
	schoolCsv,
	withReportControls
} from './exports';
export { type AnswerRow, pupilLessonFacts } from './facts';
export { noFacts, pupilCompletion, type PupilCompletion } from './figures';
export { classReport } from './reports';
export { anyHidden } from './tables';
export { type Completion, lessonCompletion, lessonsCompletion } from './pupil-completion';
export { keepChoiceCounts, withKeptChoices } from './kept-choices';
