import { describe, expect, it } from 'vitest';
import { staffSections } from '../../src/lib/server/access';

describe('the staff navigation', () => {
	it('offers each role only the parts of the site its pages let it open', () => {
		expect(staffSections({ role: 'coordinator' })).toEqual({
			classes: false,
			school: false,
			borough: true,
			audit: true
		});
		expect(staffSections({ role: 'lead' })).toEqual({
			classes: true,
			school: true,
			borough: false,
			audit: true
		});
		expect(staffSections({ role: 'teacher' })).toEqual({
			classes: true,
			school: false,
			borough: false,
			audit: false
		});
	});
});
