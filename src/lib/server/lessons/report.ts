// How problems are shown on a terminal and in staff pages: `path:line:column: message`.

import type { Problem } from './types';
import { plural } from '../../words';

/** One line: `lessons/a.md:12:5: message`, warnings marked after the location. */
export function formatProblem(problem: Problem, prefix = ''): string {
	const file = prefix ? `${prefix.replace(/\/+$/, '')}/${problem.path}` : problem.path;
	const severity = problem.severity === 'warning' ? 'warning: ' : '';
	return `${file}:${problem.line}:${problem.column}: ${severity}${problem.message}`;
}

/** The closing line: "6 lessons checked: 0 errors, 1 warning". */
export function summarise(fileCount: number, problems: readonly Problem[]): string {
	const errors = problems.filter((p) => p.severity === 'error').length;
	const warnings = problems.length - errors;
	return `${plural(fileCount, 'lesson')} checked: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}
