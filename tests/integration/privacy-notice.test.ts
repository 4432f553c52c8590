// Both privacy notices are worded from the settings the deleting jobs read: change a period
// and both pages say the new one, from the same data their loads return.
import { render } from 'svelte/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getPrivacyNotice } from '../../src/lib/server/records/privacy-notice';
import ParentsPage from '../../src/routes/(public)/privacy/+page.svelte';
import PupilsPage from '../../src/routes/(public)/privacy/pupils/+page.svelte';
import { useTestDatabase } from './context';

const ctx = useTestDatabase();

afterEach(() => {
	vi.unstubAllEnvs();
});

async function pages(): Promise<{ parents: string; pupils: string }> {
	const notice = await getPrivacyNotice();
	const text = (html: string) =>
		html
			.replace(/<[^>]+>/g, ' ')
			.replace(/\s+/g, ' ')
			.replace(/ ([,.;:)])/g, '$1')
			.trim();
	const parents = render(ParentsPage, {
		props: { data: { notice, signedIn: null } as never }
	}).body;
	const pupils = render(PupilsPage, {
		props: { data: { periods: notice.periods, signedIn: false } as never }
	}).body;
	return { parents: text(parents), pupils: text(pupils) };
}

describe('the privacy notices', () => {
	it('both say the periods the server keeps, and change when a period is changed', async () => {
		const before = await pages();
		expect(before.pupils).toContain('are kept for 1 year after the end of the school year');
		expect(before.pupils).toContain('30 days after that, Think Safe deletes your words');
		expect(before.pupils).toContain('Each copy is deleted after 14 days');
		expect(before.parents).toContain('1 year after the end of the academic year');
		expect(before.parents).toContain('30 days after the school');
		expect(before.parents).toContain('14 days, then deleted');
		// The server deletes pupils' records itself now (retention/former-pupils.ts), keeping the
		// year's figures without the child; the notices no longer leave it to a lead.
		expect(before.pupils).toContain('Then Think Safe deletes them by itself');
		expect(before.pupils).toContain('they never say who you are');
		expect(before.parents).toContain(
			'1 year after the end of the academic year (31 August) they belong to; then Think Safe deletes them by itself'
		);
		expect(before.parents).toContain('counted without saying who');
		expect(before.parents).not.toContain('does not yet delete');
		expect(before.pupils).not.toContain('Then your school deletes them');

		vi.stubEnv('PUPIL_RETENTION_MONTHS', '18');
		vi.stubEnv('HELP_TEXT_RETENTION_DAYS', '45');
		vi.stubEnv('BACKUP_RETENTION_DAYS', '21');
		const after = await pages();
		expect(after.pupils).toContain('are kept for 18 months after the end of the school year');
		expect(after.pupils).toContain('45 days after that, Think Safe deletes your words');
		expect(after.pupils).toContain('Each copy is deleted after 21 days');
		expect(after.parents).toContain('18 months after the end of the academic year');
		expect(after.parents).toContain('45 days after the school');
		expect(after.parents).toContain('21 days, then deleted');
		expect(after.parents).not.toContain('1 year after the end of the academic year');
	});

	it('names the council from the borough settings, and marks what it has not filled in', async () => {
		await ctx.handle.db
			.insertInto('borough_settings')
			.values({
				id: 1,
				name: 'Lantern Vale',
				pupil_target: 100,
				updated_at: new Date().toISOString()
			})
			.execute();
		const unset = await pages();
		expect(unset.parents).toContain('run by the council, Lantern Vale,');
		expect(unset.parents).toContain('Not filled in yet. How to contact');
		expect(unset.parents).toContain('Not filled in yet. The council');

		vi.stubEnv('PRIVACY_CONTACT', 'Data Protection Officer, dpo@lantern-vale.example');
		vi.stubEnv('PRIVACY_LAWFUL_BASIS', 'Public task, in the words of our officer.');
		const filled = await pages();
		expect(filled.parents).toContain('Data Protection Officer, dpo@lantern-vale.example');
		expect(filled.parents).toContain('Public task, in the words of our officer.');
		expect(filled.parents).not.toContain('Not filled in yet');
	});
});
