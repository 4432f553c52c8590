import { beforeEach, describe, expect, it } from 'vitest';
import {
	noteSignInAddress,
	proxyStartWarning,
	resetSignInAddresses,
	SCHOOLS_BEFORE_WARNING
} from '../../src/lib/server/auth/client-address';

describe('telling schools apart by address', () => {
	beforeEach(() => resetSignInAddresses());

	it('warns once when pupils of several schools all sign in from one address', () => {
		const logged: string[] = [];
		const log = (m: string) => logged.push(m);
		for (let school = 1; school <= SCHOOLS_BEFORE_WARNING + 2; school++) {
			for (let pupil = 0; pupil < 3; pupil++) noteSignInAddress('10.0.0.1', school, {}, log);
		}
		expect(logged).toHaveLength(1);
		expect(logged[0]).toContain('ADDRESS_HEADER');
		expect(logged[0]).toContain('Running behind a proxy');
	});

	it('stays quiet once a second address is seen, or with ADDRESS_HEADER set', () => {
		const logged: string[] = [];
		const log = (m: string) => logged.push(m);
		noteSignInAddress('10.0.0.1', 1, {}, log);
		noteSignInAddress('10.0.0.2', 2, {}, log);
		for (let school = 3; school < 10; school++) noteSignInAddress('10.0.0.1', school, {}, log);
		resetSignInAddresses();
		const env = { ADDRESS_HEADER: 'x-forwarded-for' };
		for (let school = 1; school < 10; school++) noteSignInAddress('10.0.0.1', school, env, log);
		expect(logged).toEqual([]);
	});

	it('warns at start-up when an https ORIGIN has no ADDRESS_HEADER', () => {
		expect(proxyStartWarning({ ORIGIN: 'https://thinksafe.example.gov.uk' })).toContain(
			'ADDRESS_HEADER'
		);
		expect(
			proxyStartWarning({
				ORIGIN: 'https://thinksafe.example.gov.uk',
				ADDRESS_HEADER: 'x-forwarded-for'
			})
		).toBeNull();
		expect(proxyStartWarning({ ORIGIN: 'http://127.0.0.1:3000' })).toBeNull();
	});
});
