import { isHttpError } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import {
	orRefusal,
	Refused,
	refusalError,
	refusalFailure,
	refusalJson,
	wasRefused
} from '../../src/lib/server/platform/refusal';

describe('the refusal convention', () => {
	it('turns a refusal into the form’s failure, with its field, status and what was typed', () => {
		const failure = refusalFailure(new Refused('Choose a later day.', 'openUntil', 409), {
			openUntil: '2020-01-01'
		});
		expect(failure.status).toBe(409);
		expect(failure.data).toEqual({
			message: 'Choose a later day.',
			fields: { openUntil: 'Choose a later day.' },
			values: { openUntil: '2020-01-01' }
		});
		expect(refusalFailure(new Refused('No.')).status).toBe(400);
	});

	it('throws anything that is not a refusal on, as a real fault', async () => {
		const fault = new Error('disk full');
		expect(() => refusalFailure(fault)).toThrow(fault);
		expect(() => refusalError(fault)).toThrow(fault);
		await expect(orRefusal(() => Promise.reject(fault))).rejects.toBe(fault);
	});

	it('runs a task and hands back either its result or the refusal', async () => {
		const done = await orRefusal(async () => 7);
		expect(wasRefused(done)).toBe(false);
		expect(done).toBe(7);
		const refused = await orRefusal(async () => {
			throw new Refused('This session has ended.');
		});
		expect(wasRefused(refused) && refused.data.message).toBe('This session has ended.');
	});

	it('turns a refusal into an HTTP error for a load or an endpoint', () => {
		let thrown: unknown;
		try {
			refusalError(new Refused('There is no such request.', undefined, 404));
		} catch (caught) {
			thrown = caught;
		}
		expect(isHttpError(thrown, 404) && thrown.body.message).toBe('There is no such request.');
	});

	it('turns a refusal into the JSON a fetch client reads, with its status', async () => {
		const response = refusalJson(new Refused('This lesson has finished.', undefined, 409));
		expect(response.status).toBe(409);
		expect(await response.json()).toEqual({ ok: false, message: 'This lesson has finished.' });
		const fault = new Error('disk full');
		expect(() => refusalJson(fault)).toThrow(fault);
	});
});
