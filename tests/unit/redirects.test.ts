import { describe, expect, it } from 'vitest';
import { safeNext } from '../../src/lib/server/auth/redirects';

describe('safeNext', () => {
	it('follows a same-site path, with its query', () => {
		expect(safeNext('/classes')).toBe('/classes');
		expect(safeNext('/classes/3?tab=pupils')).toBe('/classes/3?tab=pupils');
		expect(safeNext('/borough/report#totals')).toBe('/borough/report#totals');
	});

	it('refuses nothing, other sites and other schemes', () => {
		for (const next of [
			null,
			'',
			'classes',
			'//evil.example',
			'//evil.example/classes',
			'/\\\\evil.example',
			'/\\evil.example',
			'\\\\evil.example',
			'https://evil.example',
			'javascript:alert(1)',
			'/%2F%2Fevil.example',
			'%2F%2Fevil.example',
			'/%5Cevil.example',
			'/\tevil',
			'/\n/evil.example'
		]) {
			expect(safeNext(next), JSON.stringify(next)).toBeNull();
		}
	});

	it('refuses a path that is not a valid redirect (an ideographic full stop, broken escapes)', () => {
		// "/。evil" is read by browsers as "/.evil", but SvelteKit refuses to send it: a 500.
		expect(safeNext('/\u3002evil')).toBeNull();
		expect(safeNext('/%E3%80%82evil')).toBeNull();
		expect(safeNext('/%E3%80')).toBeNull();
		expect(safeNext('/%zz')).toBeNull();
	});
});
