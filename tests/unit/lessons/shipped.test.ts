// The programme itself: every lesson in lessons/ must pass the checker.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLessons } from '../../../src/lib/server/lessons/load';
import { formatProblem } from '../../../src/lib/server/lessons/report';

describe('the shipped lessons folder', () => {
	const library = loadLessons(path.resolve('lessons'));

	it('has no errors', () => {
		const errors = library.problems.filter((p) => p.severity === 'error');
		expect(errors.map((p) => formatProblem(p, 'lessons'))).toEqual([]);
		expect(library.invalid).toEqual([]);
	});

	it('has lessons, each with steps and unique ids and order', () => {
		expect(library.lessons.length).toBeGreaterThan(0);
		for (const lesson of library.lessons) expect(lesson.steps.length).toBeGreaterThan(0);
		const orders = library.lessons.map((l) => l.order);
		expect(new Set(orders).size).toBe(orders.length);
	});
});
