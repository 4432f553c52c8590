// An unexpected error: the person sees plain words and a reference; the log holds what
// went wrong under that same reference.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleError } from '../../src/hooks.server';
import { createLogger, useLogger } from '../../src/lib/server/platform/log';

type Input = Parameters<typeof handleError>[0];
let lines: string[];
let previous: ReturnType<typeof useLogger>;
beforeEach(() => {
	lines = [];
	previous = useLogger(createLogger({ write: (line: string) => lines.push(line) }));
});
afterEach(() => useLogger(previous));

function failing(status: number, error: unknown, message = 'Internal Error'): Input {
	const event = { locals: { requestId: 'KM7Q-3XTA' }, route: { id: '/(pupil)/me' } };
	return { error, event, status, message } as unknown as Input;
}

describe('an unexpected error', () => {
	it('gives the page plain words and the request reference, and logs the error under it', async () => {
		const result = await handleError(failing(500, new Error('no such table: class_sessions')));
		expect(result).toEqual({
			message: 'Something went wrong on our side. Please try again in a moment.',
			requestId: 'KM7Q-3XTA'
		});
		expect(lines).toHaveLength(1);
		const line = JSON.parse(lines[0]);
		expect(line).toMatchObject({
			level: 'error',
			event: 'request.error',
			reqId: 'KM7Q-3XTA',
			route: '/(pupil)/me',
			status: 500,
			error: { type: 'Error', message: 'no such table: class_sessions' }
		});
	});

	it('passes a refusal (4xx) through with its own words, and logs no error for it', async () => {
		const result = await handleError(failing(404, new Error('Not found: /nowhere'), 'Not Found'));
		expect(result).toEqual({ message: 'Not Found', requestId: 'KM7Q-3XTA' });
		expect(lines).toEqual([]);
	});
});
