import { afterEach, describe, expect, it } from 'vitest';
import {
	forgetMetricsReaders,
	metricsReaders,
	parseAddressList
} from '../../src/lib/server/platform/address-list';

describe('an address list (METRICS_ALLOW)', () => {
	it('matches single addresses and ranges, IPv4 and IPv6', () => {
		const list = parseAddressList('127.0.0.1, 10.20.0.0/16 fd00:1::/32');
		expect(list.includes('127.0.0.1')).toBe(true);
		expect(list.includes('10.20.255.7')).toBe(true);
		expect(list.includes('fd00:1:0:0::9')).toBe(true);
		expect(list.includes('10.21.0.1')).toBe(false);
		expect(list.includes('127.0.0.2')).toBe(false);
		expect(list.includes('fd00:2::9')).toBe(false);
		expect(list.problems).toEqual([]);
	});

	it('matches an IPv4 address written as IPv6, as a dual-stack socket reports it', () => {
		const list = parseAddressList('10.20.0.0/16');
		expect(list.includes('::ffff:10.20.3.4')).toBe(true);
		expect(list.includes('::ffff:10.30.3.4')).toBe(false);
	});

	it('never includes an unknown address or something that is not an address', () => {
		const list = parseAddressList('0.0.0.0/0, ::/0');
		expect(list.includes(null)).toBe(false);
		expect(list.includes('unknown')).toBe(false);
		expect(list.includes('')).toBe(false);
	});

	it('leaves out entries it cannot read, and says which', () => {
		const list = parseAddressList(
			'10.0.0.0/8, monitoring.example, 10.1.0.0/33, 1.2.3.4/8/1, ::1/x'
		);
		expect(list.entries).toEqual(['10.0.0.0/8']);
		expect(list.problems).toHaveLength(4);
		expect(list.problems[0]).toContain('"monitoring.example" is not an address or a range');
		expect(list.includes('10.9.9.9')).toBe(true);
	});
});

describe('who may read /metrics', () => {
	const saved = process.env.METRICS_ALLOW;
	afterEach(() => {
		if (saved === undefined) delete process.env.METRICS_ALLOW;
		else process.env.METRICS_ALLOW = saved;
		forgetMetricsReaders();
	});

	it('is the loopback addresses when METRICS_ALLOW is not set', () => {
		delete process.env.METRICS_ALLOW;
		forgetMetricsReaders();
		expect(metricsReaders().includes('127.0.0.1')).toBe(true);
		expect(metricsReaders().includes('::1')).toBe(true);
		expect(metricsReaders().includes('192.0.2.2')).toBe(false);
	});

	it('is exactly the list when METRICS_ALLOW is set', () => {
		process.env.METRICS_ALLOW = '192.0.2.0/24';
		forgetMetricsReaders();
		expect(metricsReaders().includes('192.0.2.2')).toBe(true);
		expect(metricsReaders().includes('127.0.0.1')).toBe(false);
	});
});
