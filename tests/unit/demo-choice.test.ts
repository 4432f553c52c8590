// When `npm start` may load and serve the demo borough, whose staff password is published.
import { describe, expect, it } from 'vitest';
import { demoChoice, isLoopback } from '../../src/lib/server/platform/config';

describe('isLoopback', () => {
	it('knows the addresses only this computer can reach', () => {
		for (const host of ['localhost', 'app.localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]']) {
			expect(isLoopback(host), host).toBe(true);
		}
		for (const host of ['0.0.0.0', '::', '192.168.1.20', 'thinksafe.example.gov.uk', '128.0.0.1']) {
			expect(isLoopback(host), host).toBe(false);
		}
	});
});

describe('demoChoice', () => {
	it('loads the two-command demo on this computer alone, unless DEMO=0', () => {
		expect(demoChoice({}).load).toBe(true);
		expect(demoChoice({ ORIGIN: 'http://localhost:3000', HOST: '127.0.0.1' }).load).toBe(true);
		expect(demoChoice({ DEMO: '0' }).load).toBe(false);
		expect(demoChoice({}).exposed).toBeUndefined();
	});

	it('where other computers can reach the server, loads it only with DEMO=1, and says so', () => {
		const lan = demoChoice({ ORIGIN: 'http://192.168.1.20:3000' });
		expect(lan.load).toBe(false);
		expect(lan.note).toContain('DEMO=1');
		const asked = demoChoice({ ORIGIN: 'http://192.168.1.20:3000', DEMO: '1' });
		expect(asked.load).toBe(true);
		expect(asked.exposed).toContain('http://192.168.1.20:3000');
		// Listening on every interface is reachable whatever ORIGIN says.
		expect(demoChoice({ HOST: '0.0.0.0' }).load).toBe(false);
		expect(demoChoice({ HOST: '0.0.0.0', DEMO: '1' }).exposed).toContain('HOST 0.0.0.0');
	});

	it('never serves the demo at an https ORIGIN: DEMO=1 there is refused', () => {
		const https = demoChoice({ ORIGIN: 'https://thinksafe.example.gov.uk' });
		expect(https.load).toBe(false);
		expect(https.https).toBe(true);
		expect(https.refused).toBeUndefined();
		const refused = demoChoice({ ORIGIN: 'https://thinksafe.example.gov.uk', DEMO: '1' });
		expect(refused.load).toBe(false);
		expect(refused.refused).toContain('DEMO=1 cannot be used with an https ORIGIN');
		expect(demoChoice({ ORIGIN: 'https://localhost', DEMO: '1' }).refused).toBeTruthy();
	});
});
