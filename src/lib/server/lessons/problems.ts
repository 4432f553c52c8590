// Collects the problems found in one file, turning character offsets into line and column.

import type { Problem, Severity } from './types';
import { LineIndex } from './text';

export class ProblemList {
	readonly items: Problem[] = [];

	constructor(
		readonly path: string,
		readonly lines: LineIndex
	) {}

	add(severity: Severity, offset: number, rule: string, message: string): void {
		const { line, column } = this.lines.at(offset);
		this.items.push({ path: this.path, line, column, severity, message, rule });
	}

	error(offset: number, rule: string, message: string): void {
		this.add('error', offset, rule, message);
	}

	warning(offset: number, rule: string, message: string): void {
		this.add('warning', offset, rule, message);
	}

	get errorCount(): number {
		return this.items.filter((p) => p.severity === 'error').length;
	}
}

export function sortProblems(problems: Problem[]): Problem[] {
	return problems.sort(
		(a, b) =>
			(a.path < b.path ? -1 : a.path > b.path ? 1 : 0) || a.line - b.line || a.column - b.column
	);
}

export function hasErrors(problems: readonly Problem[]): boolean {
	return problems.some((p) => p.severity === 'error');
}
