import { afterEach, describe, expect, it } from 'vitest';
import {
	createLogger,
	describeError,
	logEvent,
	logRequest,
	newRequestId,
	useLogger
} from '../../src/lib/server/platform/log';

let lines: string[] = [];
let previous: ReturnType<typeof useLogger>;

function capture(level = 'info'): void {
	lines = [];
	previous = useLogger(createLogger({ write: (line: string) => lines.push(line) }, level));
}

afterEach(() => useLogger(previous));

describe('the server log', () => {
	it('writes one JSON line per request with its reference, route, status and time', () => {
		capture();
		logRequest({
			requestId: 'ACDE-FGHJ',
			method: 'POST',
			route: '/(pupil)/session/[sid=id]/answer',
			status: 200,
			seconds: 0.01234,
			who: 'pupil'
		});
		expect(lines).toHaveLength(1);
		expect(lines[0].endsWith('\n')).toBe(true);
		const line = JSON.parse(lines[0]);
		expect(line).toMatchObject({
			level: 'info',
			event: 'request',
			reqId: 'ACDE-FGHJ',
			method: 'POST',
			route: '/(pupil)/session/[sid=id]/answer',
			status: 200,
			ms: 12.3,
			who: 'pupil'
		});
		expect(Date.parse(line.time)).not.toBeNaN();
	});

	it('writes a failed request at error level', () => {
		capture();
		logRequest({
			requestId: 'ACDE-FGHJ',
			method: 'GET',
			route: null,
			status: 503,
			seconds: 0,
			who: 'anyone'
		});
		expect(JSON.parse(lines[0]).level).toBe('error');
	});

	it('hides names, tokens, passwords and cookies even in an object logged whole', () => {
		capture();
		logEvent('info', 'test', 'something', {
			pupil: { firstName: 'Zebedee', name: 'Zebedee Q', token: 'tok-123' },
			headers: { cookie: 'ts_pupil=abc' },
			password: 'think-safe-demo',
			email: 'someone@example.test'
		});
		expect(lines[0]).not.toMatch(/Zebedee|tok-123|abc|think-safe-demo|someone@/);
		expect(JSON.parse(lines[0]).event).toBe('test');
	});

	it('says nothing below its level', () => {
		capture('warn');
		logEvent('info', 'quiet', 'not written');
		logEvent('warn', 'loud', 'written');
		expect(lines.map((l) => JSON.parse(l).event)).toEqual(['loud']);
	});

	it('falls back to info for a level it does not know', () => {
		capture('chatty');
		logEvent('info', 'kept', 'written');
		expect(lines).toHaveLength(1);
	});

	it('gives each request a reference that is easy to read out: XXXX-XXXX, no look-alike letters', () => {
		const ids = new Set(Array.from({ length: 500 }, () => newRequestId()));
		expect(ids.size).toBe(500);
		for (const id of ids)
			expect(id).toMatch(/^[ACDEFGHJKMNPQRTUVWXY3479]{4}-[ACDEFGHJKMNPQRTUVWXY3479]{4}$/);
	});

	it('describes an error by its type and message only', () => {
		const described = describeError(Object.assign(new TypeError('no such table'), { row: 'x' }));
		expect(described.type).toBe('TypeError');
		expect(described.message).toBe('no such table');
		expect(described).not.toHaveProperty('row');
		expect(describeError('plain')).toEqual({ type: 'string', message: 'plain' });
	});
});
