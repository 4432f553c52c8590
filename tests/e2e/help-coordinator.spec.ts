// Requests for help as the council sees them: counts per school per term and the median
// time to acknowledge, small counts hidden, never a name or a word of a request; and a
// plain warning, for the coordinator and for the school's lead, when a school has no DSL.
import { expect, test } from '@playwright/test';
import type { PupilPrincipal, StaffPrincipal } from '../../src/lib/server/auth/session';
import { acknowledgeHelpRequest, submitHelpRequest } from '../../src/lib/server/safeguarding';
import { expectAccessible } from './helpers';
import { withServerDb } from './pupil-devices';
import { DEMO, signInAs } from './staff-auth';

const WORDS = 'Please help, a stranger keeps messaging me';
const NO_DSL = 'whitchurch-fields';
/** Requests made here, by school: 2 and 3 are hidden, 8 and 6 are shown. */
const PLAN = { 'kempshott-meadow': 2, 'tadley-common': 3, 'popley-brook': 8, 'overton-mill': 6 };
const MINUTE = 60_000;
let names: string[] = [];
let made: number[] = [];

/** 10:00 UTC (10:00 or 11:00 in the UK) on the first weekday of the current term. */
function firstSchoolDayOfTerm(now: Date): Date {
	const month = now.getUTCMonth();
	const startMonth = month >= 8 ? 8 : month >= 3 ? 3 : 0;
	const day = new Date(Date.UTC(now.getUTCFullYear(), startMonth, 1, 10));
	while (day.getUTCDay() === 0 || day.getUTCDay() === 6) day.setUTCDate(day.getUTCDate() + 1);
	return day;
}

test.beforeAll(async () => {
	({ names, made } = await withServerDb(async (db) => {
		const at = firstSchoolDayOfTerm(new Date());
		const seen: string[] = [];
		const ids: number[] = [];
		let n = 0;
		for (const [slug, count] of Object.entries(PLAN)) {
			const dsl = await db
				.selectFrom('staff_users')
				.select(['id', 'school_id'])
				.where('email', '=', `dsl.${slug}@demo.thinksafe.test`)
				.executeTakeFirstOrThrow();
			const reader: StaffPrincipal = {
				kind: 'staff',
				id: dsl.id,
				email: `dsl.${slug}@demo.thinksafe.test`,
				displayName: 'DSL',
				role: 'teacher',
				schoolId: dsl.school_id,
				sessionId: ''
			};
			const pupils = await db
				.selectFrom('pupils as p')
				.innerJoin('classes as c', 'c.id', 'p.class_id')
				.select(['p.id', 'p.class_id', 'p.first_name', 'p.last_initial'])
				.where('c.school_id', '=', dsl.school_id!)
				.orderBy('p.id')
				.limit(count)
				.execute();
			for (const p of pupils) {
				const pupil: Pick<PupilPrincipal, 'id' | 'classId' | 'schoolId'> = {
					id: p.id,
					classId: p.class_id,
					schoolId: dsl.school_id!
				};
				const result = await submitHelpRequest(
					pupil,
					{
						clientId: `c0${String(++n).padStart(30, '0')}`,
						about: 'me',
						topics: ['someone-online'],
						message: WORDS,
						urgency: 'today',
						talkTo: 'anyone'
					},
					at
				);
				// Acknowledged, so no school's banner changes for the specs that follow.
				await acknowledgeHelpRequest(
					reader,
					dsl.school_id!,
					result.id,
					new Date(at.getTime() + 25 * MINUTE)
				);
				ids.push(result.id);
				seen.push(`${p.first_name} ${p.last_initial}`);
			}
		}
		// One school whose DSL has stepped down and nobody has been named yet.
		await db
			.updateTable('staff_users')
			.set({ safeguarding_role: null })
			.where('email', '=', `dsl.${NO_DSL}@demo.thinksafe.test`)
			.execute();
		return { names: seen, made: ids };
	}));
});

test.afterAll(async () => {
	// Put the shared demo back as the other specs expect it.
	await withServerDb(async (db) => {
		await db
			.updateTable('staff_users')
			.set({ safeguarding_role: 'dsl' })
			.where('email', '=', `dsl.${NO_DSL}@demo.thinksafe.test`)
			.execute();
		if (made.length === 0) return;
		await db.deleteFrom('help_request_notes').where('request_id', 'in', made).execute();
		await db.deleteFrom('help_requests').where('id', 'in', made).execute();
	});
});

test('the coordinator sees requests for help as counts per school, small ones hidden, and which schools have no DSL', async ({
	page
}) => {
	await signInAs(page, DEMO.coordinator);
	await page.getByRole('link', { name: 'Schools', exact: true }).click();
	await expect(page).toHaveURL(/\/borough\/schools$/);

	// The plain warning, above the list and in the school's own row.
	await expect(
		page.getByText(/schools? ha(s|ve) no safeguarding lead in Think Safe/)
	).toBeVisible();
	const schools = page.getByRole('table', { name: 'Schools' });
	await expect(
		schools
			.getByRole('row', { name: /Whitchurch Fields Primary/ })
			.getByRole('cell')
			.last()
	).toHaveText("None: requests for help go to the school's leads");
	await expect(
		schools
			.getByRole('row', { name: /Loddon Vale Primary/ })
			.getByRole('cell')
			.last()
	).toHaveText('Set');

	const help = page.getByRole('table', {
		name: /^Requests for help, (Autumn|Spring|Summer) \d{4}$/
	});
	await expect(help).toBeVisible();
	const cells = async (school: string) =>
		help
			.getByRole('row', { name: new RegExp(school) })
			.getByRole('cell')
			.allTextContents();
	// 2 and 3 requests are hidden; 8 and 6 show, with the median time to acknowledge.
	expect(await cells('Kempshott Meadow Primary')).toEqual(['[c]', '[c]']);
	expect(await cells('Tadley Common Primary')).toEqual(['[c]', '[c]']);
	expect(await cells('Popley Brook Primary')).toEqual(['8', '25 min']);
	expect(await cells('Overton Mill Primary')).toEqual(['6', '25 min']);
	await expect(page.getByText(/\[c\] = fewer than 6 requests/)).toBeVisible();
	await expectAccessible(page);

	// Counts only: no pupil's name and no word of a request, on the page or in its data.
	const html = await page.content();
	const data = await (await page.request.get('/borough/schools/__data.json')).text();
	for (const text of [html, data]) {
		expect(text).not.toContain(WORDS);
		for (const name of names) expect(text).not.toContain(name);
	}
});

test('the lead of a school with no DSL sees a plain warning on their pages', async ({ page }) => {
	await signInAs(page, `lead.${NO_DSL}@demo.thinksafe.test`);
	await expect(page.getByText('Your school has no safeguarding lead in Think Safe.')).toBeVisible();
	await expectAccessible(page);
	// Where the lead's own school has one, there is no warning.
	await page.context().clearCookies();
	await signInAs(page, DEMO.lead);
	await expect(page.getByText('Your school has no safeguarding lead in Think Safe.')).toHaveCount(
		0
	);
});
