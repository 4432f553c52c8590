import { describe, expect, it } from 'vitest';
import { GET } from '../../src/routes/healthz/+server';
import { useTestDatabase } from './context';

const ctx = useTestDatabase();
type Event = Parameters<typeof GET>[0];

describe('GET /healthz', () => {
	it('answers 200 {"status":"ok"} when the database answers', async () => {
		const response = await GET({} as Event);
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({ status: 'ok' });
	});

	it('answers 503 with a short reason when the database is unusable', async () => {
		ctx.handle.sqlite.close();
		const response = await GET({} as Event);
		expect(response.status).toBe(503);
		const body = await response.json();
		expect(body.status).toBe('unavailable');
		expect(body.reason).toMatch(/^database: /);
	});
});
