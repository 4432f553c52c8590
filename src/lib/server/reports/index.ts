// reports: facts -> figures -> reports -> tables/exports, in one direction. scope.ts says
// whose facts and their shape; facts.ts reads them (answer-facts.ts the answers, pupil-pairs.ts
// combining a pupil's rows); figures.ts defines every figure once (with disclosure.ts hiding
// what could identify a child) and group-figures.ts adds up a group of loaded facts;
// class-report.ts, school-report.ts and borough-dashboard.ts make the reports (the borough's
// from the kept totals, borough-totals.ts with borough-kept.ts, borough-refresh.ts and
// borough-views.ts, a cache of the same definition); tables.ts and exports.ts lay them out
// for pages and CSV files. Each pupil's own completion (pupil-completion.ts) is read the
// same way.
export { prepareBoroughTotals } from './borough-refresh';
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
export { pupilLessonFacts } from './facts';
export type { AnswerRow } from './scope';
export { noFacts, pupilCompletion, type PupilCompletion } from './figures';
export { classReport } from './class-report';
export { anyHidden } from './tables';
export { type Completion, lessonCompletion, lessonsCompletion } from './pupil-completion';
export { keepChoiceCounts, withKeptChoices } from './kept-choices';
