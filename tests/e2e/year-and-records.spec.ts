// The turn of the school year and a family's rights, in a real browser against a server of
// its own (closing a year and erasing a pupil would change the demo the other specs share):
// a school that has not closed last year is reminded; its lead closes it and its class code
// and login cards stop working; the coordinator closes a year for every school; a lead finds
// a pupil, prints and downloads everything held about them, and erases them once the
// safeguarding lead has recorded their request for help. Axe runs on every new page.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { issueLoginCardToken } from '../../src/lib/server/auth/login-cards';
import {
	closeDatabase,
	getDb,
	nowIso,
	openDatabase,
	useHandle
} from '../../src/lib/server/platform/db';
import { getClassSession } from '../../src/lib/server/teaching/class-sessions';
import { createClassSession } from '../../src/lib/server/teaching/class-session-start';
import { getLibrary } from '../../src/lib/server/lessons';
import { answerFromRequest, openPupilSession } from '../../src/lib/server/screens/pupil-lesson';
import { makeClassCode, makePicturePassword } from '../../src/lib/server/platform/random';
import { addHelpNote, submitHelpRequest } from '../../src/lib/server/safeguarding';
import { runRetention } from '../../src/lib/server/records';
import { classReport } from '../../src/lib/server/reports/class-report';
import { freePort } from './free-port';
import { expectAccessible, waitForHydration } from './helpers';
import { startServer, stopServer, type Running } from './server-process';
import { DEMO, signInAs } from './staff-auth';

const LAST_YEAR = '2025/26';
const OLDER_YEAR = '2024/25';
const WORDS = 'Canary words Brindlewick: a game chat keeps asking for my photo';

let server: Running;
let dir: string;
let hazel: { code: string; card: string };
let ash: { id: number; pupilIds: number[] };
let zebedee: { id: number; requestId: number; schoolId: number; dslId: number };

test.setTimeout(120_000);

async function staffId(email: string) {
	return await getDb()
		.selectFrom('staff_users')
		.select(['id', 'school_id'])
		.where('email', '=', email)
		.executeTakeFirstOrThrow();
}

/** A class of an earlier year left open, as a school that forgot would have it. */
async function openClassOf(schoolName: string, name: string, year: string, pupils: string[]) {
	const db = getDb();
	const school = await db
		.selectFrom('schools')
		.select('id')
		.where('name', '=', schoolName)
		.executeTakeFirstOrThrow();
	const code = makeClassCode();
	const { id } = await db
		.insertInto('classes')
		.values({
			school_id: school.id,
			name,
			year_group: 6,
			academic_year: year,
			code,
			created_at: nowIso()
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	const taken = new Set<string>();
	const ids: number[] = [];
	for (const first of pupils) {
		const pictures = makePicturePassword(taken).join('-');
		taken.add(pictures);
		const row = await db
			.insertInto('pupils')
			.values({
				class_id: id,
				first_name: first,
				last_initial: 'T',
				picture_password: pictures,
				created_at: nowIso()
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		ids.push(row.id);
	}
	return { id, code, pupilIds: ids };
}

test.beforeAll(async () => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thinksafe-year-'));
	const file = path.join(dir, 'year.db');
	server = await startServer({ DATABASE_PATH: file, DEMO: '1', ORIGIN: '' }, await freePort());
	useHandle(openDatabase(file));
	const old = await openClassOf('Loddon Vale Primary', 'Hazel', LAST_YEAR, ['Ada', 'Bram', 'Cleo']);
	hazel = { code: old.code, card: await issueLoginCardToken(old.pupilIds[0]) };
	ash = await openClassOf('Tadley Common Primary', 'Ash', OLDER_YEAR, ['Dev']);

	// Zebedee, in Willow: a lesson at their own pace, an answer, and a request for help.
	const willow = await getDb()
		.selectFrom('classes')
		.select(['id', 'school_id'])
		.where('name', '=', 'Willow')
		.executeTakeFirstOrThrow();
	const teacher = await staffId(DEMO.teacher);
	const dsl = await staffId('dsl.loddon-vale@demo.thinksafe.test');
	const { id: pupilId } = await getDb()
		.insertInto('pupils')
		.values({
			class_id: willow.id,
			first_name: 'Zebedee',
			last_initial: 'Q',
			picture_password: '11-10-9',
			created_at: nowIso()
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	const lesson = getLibrary().lessons.find((l) => l.delivery !== 'teacher-led')!;
	const principal = (id: number, schoolId: number) => ({
		kind: 'staff' as const,
		id,
		email: '',
		displayName: '',
		role: 'teacher' as const,
		schoolId,
		sessionId: ''
	});
	const sessionId = await createClassSession(
		{ classId: willow.id, lessonId: lesson.id, mode: 'self', openUntil: '2099-07-20' },
		principal(teacher.id, willow.school_id)
	);
	const pupil = { id: pupilId, classId: willow.id };
	await openPupilSession(pupil, (await getClassSession(sessionId))!);
	const question = lesson.questions.find((q) => q.check && q.scored)!;
	await answerFromRequest(pupil, (await getClassSession(sessionId))!, {
		clientId: 'ae000000000000000000000000000001',
		questionId: question.id,
		phase: 'pre',
		selected: [0]
	});
	const asked = await submitHelpRequest(
		{ ...pupil, schoolId: willow.school_id },
		{
			clientId: 'ae000000000000000000000000000002',
			about: 'me',
			topics: ['someone-online'],
			message: WORDS,
			urgency: 'soon',
			talkTo: 'teacher'
		}
	);
	zebedee = { id: pupilId, requestId: asked.id, schoolId: willow.school_id, dslId: dsl.id };
});

test.afterAll(async () => {
	await closeDatabase();
	if (server) await stopServer(server);
	fs.rmSync(dir, { recursive: true, force: true });
});

async function pageAs(browser: Browser, email?: string): Promise<Page> {
	const context = await browser.newContext({ baseURL: server.url, acceptDownloads: true });
	const page = await context.newPage();
	if (email) await signInAs(page, email);
	return page;
}

test('a teacher is reminded that last year is still open, and told that the school lead closes it', async ({
	browser
}) => {
	const page = await pageAs(browser, DEMO.teacher);
	await page.goto('/classes');
	const reminder = page.getByRole('status').filter({ hasText: 'A new school year has begun' });
	await expect(reminder).toContainText('your school still has 1 class of 2025/26 open');
	await expect(reminder).toContainText('Your school lead closes last year');
	await expect(reminder.getByRole('link')).toHaveCount(0);
	await expectAccessible(page);
	// Another school, without a forgotten year, is not reminded.
	const other = await pageAs(browser, DEMO.otherTeacher);
	await other.goto('/classes');
	await expect(other.getByText('A new school year has begun')).toHaveCount(0);
	await page.context().close();
	await other.context().close();
});

test('a lead closes last year: its class code and login cards stop working, and the reminder goes', async ({
	browser
}) => {
	const page = await pageAs(browser, DEMO.lead);
	await page.goto('/classes');
	await page.getByRole('link', { name: 'Close 2025/26' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'New school year' })).toBeVisible();
	const year = page.getByRole('region', { name: /2025\/26/ });
	await expect(year.getByRole('rowheader', { name: 'Hazel' })).toBeVisible();
	await expect(year.getByText('Should be closed')).toBeVisible();
	await expectAccessible(page);
	await waitForHydration(page);
	await year.getByText('Close 2025/26…').click();
	await expect(year.getByText('their figures stay in the reports')).toBeVisible();
	await expectAccessible(page);
	await year.getByRole('button', { name: 'Yes, close 2025/26' }).click();
	await expect(page.getByRole('status').filter({ hasText: '2025/26 is closed.' })).toContainText(
		"1 class archived, 3 pupils kept in the year's figures"
	);
	await expect(page.getByRole('region', { name: /2025\/26/ })).toHaveCount(0);
	await expect(page.getByText('A new school year has begun')).toHaveCount(0);
	await expectAccessible(page);
	await page.getByRole('link', { name: "Set up this year's Year 6 under Classes" }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Classes at your school' })
	).toBeVisible();

	// A pupil of last year's class can no longer get in, by code or by card.
	const child = await pageAs(browser);
	await child.goto('/join');
	await waitForHydration(child);
	await child.getByLabel('Class code').fill(hazel.code);
	await child.getByLabel('Class code').press('Enter');
	await expect(child.getByRole('alert')).toHaveText(
		"We couldn't find that class code. Check the board and try again."
	);
	const card = await child.goto(`/card/${hazel.card}`);
	expect(card?.status()).toBe(404);
	await expect(child.getByText('This login card does not work any more.')).toBeVisible();

	// The closing is in the school's audit log.
	await page.goto('/audit');
	await expect(page.getByRole('rowheader', { name: 'Academic year closed' }).first()).toBeVisible();
	await page.context().close();
	await child.context().close();
});

test('the coordinator closes a year for every school, seeing each school’s counts and no class names', async ({
	browser
}) => {
	const page = await pageAs(browser, DEMO.coordinator);
	await page.getByRole('link', { name: 'New school year' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'New school year' })).toBeVisible();
	const older = page.getByRole('region', { name: /2024\/25/ });
	await expect(older.getByRole('rowheader', { name: 'Tadley Common Primary' })).toBeVisible();
	await expect(page.getByText('Ash', { exact: true })).toHaveCount(0);
	await expectAccessible(page);
	await waitForHydration(page);
	await older.getByText('Close 2024/25…').click();
	await older.getByRole('button', { name: 'Yes, close 2024/25' }).click();
	await expect(page.getByRole('status').filter({ hasText: '2024/25 is closed.' })).toBeVisible();
	await expectAccessible(page);
	await page.context().close();
});

test('a lead finds a pupil, prints and downloads everything held, and erases it once the safeguarding lead has recorded their request', async ({
	browser
}) => {
	test.slow();
	const page = await pageAs(browser, DEMO.lead);
	await page.getByRole('link', { name: "Pupils' records" }).click();
	await expect(page.getByRole('heading', { level: 1, name: "Pupils' records" })).toBeVisible();
	await waitForHydration(page);
	// Last year's closed class is searched too.
	await page.getByLabel("Pupil's name").fill('ada');
	await page.getByRole('button', { name: 'Find' }).click();
	await expect(page.getByRole('row', { name: /Ada T\..* Hazel 2025\/26/ })).toBeVisible();
	await page.getByLabel("Pupil's name").fill('Zeb');
	await page.getByRole('button', { name: 'Find' }).click();
	await expect(page).toHaveURL(/\/school\/pupils$/);
	await expectAccessible(page);
	await page.getByRole('link', { name: 'Zebedee Q.' }).click();

	await expect(
		page.getByRole('heading', { level: 1, name: 'Everything Think Safe holds about Zebedee Q.' })
	).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Answers' })).toBeVisible();
	await expect(page.getByText('Before the lesson', { exact: false }).first()).toBeVisible();
	// The lead does not read the school's requests: they exist, and their words are withheld.
	await expect(page.getByText('There is a request for help from this pupil')).toBeVisible();
	await expect(page.getByText(WORDS)).toHaveCount(0);
	await expectAccessible(page);
	await page.emulateMedia({ media: 'print' });
	await expect(page.getByRole('button', { name: 'Print' })).toBeHidden();
	await page.emulateMedia({ media: 'screen' });

	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('link', { name: 'Download as a file (JSON)' }).click()
	]);
	expect(download.suggestedFilename()).toMatch(/^think-safe-pupil-\d+-\d{4}-\d{2}-\d{2}\.json$/);
	const file = JSON.parse(fs.readFileSync((await download.path())!, 'utf8'));
	expect(file.pupil).toMatchObject({ firstName: 'Zebedee', lastInitial: 'Q' });
	expect(file.answers.length).toBeGreaterThan(0);
	expect(file.attendance.length).toBe(1);
	expect(JSON.stringify(file)).not.toContain('11-10-9');
	expect(JSON.stringify(file)).not.toContain(WORDS);

	// While the request is open, nothing can be erased.
	await page.getByRole('link', { name: 'Erase these records…' }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: "Erase Zebedee Q.'s records" })
	).toBeVisible();
	await expect(page.getByRole('alert')).toContainText('Nothing can be erased yet');
	await expect(page.getByRole('alert')).toContainText('Safeguarding lead of Loddon Vale Primary');
	await expect(page.getByRole('button', { name: /Erase Zebedee/ })).toHaveCount(0);
	await expectAccessible(page);

	// The safeguarding lead records it in the school's own system.
	const dsl = {
		kind: 'staff' as const,
		id: zebedee.dslId,
		email: '',
		displayName: '',
		role: 'teacher' as const,
		schoolId: zebedee.schoolId,
		sessionId: ''
	};
	const noted = await addHelpNote(dsl, zebedee.schoolId, zebedee.requestId, {
		clientId: 'ae000000000000000000000000000003',
		kind: 'recorded',
		body: 'In CPOMS.'
	});
	expect(noted).toMatchObject({ ok: true });

	await page.reload();
	await expect(page.getByRole('heading', { name: 'What is erased, for good' })).toBeVisible();
	await expectAccessible(page);
	await waitForHydration(page);
	await page.getByLabel(/These are the records of Zebedee Q\. in Willow/).check();
	await page.getByRole('button', { name: "Erase Zebedee Q.'s records now" }).click();
	await expect(page).toHaveURL(/\/school\/pupils\?erased=1$/);
	await expect(
		page.getByRole('status').filter({ hasText: "The pupil's records were erased." })
	).toBeVisible();
	await expectAccessible(page);
	await waitForHydration(page);
	await page.getByLabel("Pupil's name").fill('Zebedee');
	await page.getByRole('button', { name: 'Find' }).click();
	await expect(page.getByText('No pupil of your school has that name.')).toBeVisible();
	const gone = await page.goto(`/school/pupils/${zebedee.id}`);
	expect(gone?.status()).toBe(404);
	await page.context().close();
});

test('a teacher, another school’s lead and the coordinator get “not found” for a pupil’s records', async ({
	browser
}) => {
	const ada = await getDb()
		.selectFrom('pupils')
		.select('id')
		.where('first_name', '=', 'Ada')
		.executeTakeFirstOrThrow();
	for (const email of [DEMO.teacher, DEMO.otherLead, DEMO.coordinator]) {
		const page = await pageAs(browser, email);
		const response = await page.goto(`/school/pupils/${ada.id}`);
		expect(response?.status(), email).toBe(404);
		await expect(page.getByText('Ada')).toHaveCount(0);
		await page.context().close();
	}
});

test('a class two years back loses its pupils’ records to the daily job: its pages say when, and the figures stay', async ({
	browser
}) => {
	// Ash (2024/25) ended on 31 August 2025: twelve months on, its records are due. The job
	// runs at start and daily; here it runs once more, now, as the next day's run would.
	const before = await classReport(ash.id, getLibrary().lessons);
	const run = await runRetention();
	expect(run.pupilsDeleted).toBeGreaterThanOrEqual(1);
	const page = await pageAs(browser, 'lead.tadley-common@demo.thinksafe.test');
	const notice = /The records of 1 pupil were deleted on .*Their class's figures are kept/;

	for (const where of [
		`/classes/${ash.id}`,
		`/classes/${ash.id}/report`,
		`/classes/${ash.id}/cards`
	]) {
		await page.goto(where);
		await expect(page.getByText(notice).first(), where).toBeVisible();
		await expect(page.getByText('Dev T')).toHaveCount(0);
		await expectAccessible(page);
	}
	await page.goto('/school/pupils?q=Dev');
	await expect(page.getByText('Dev T')).toHaveCount(0);
	await expectAccessible(page);
	const response = await page.goto(`/school/pupils/${ash.pupilIds[0]}`);
	expect(response?.status()).toBe(410);
	await expect(page.getByRole('heading', { name: 'No longer held' })).toBeVisible();
	await expect(page.getByText(/This pupil's records were deleted on/)).toBeVisible();
	await expectAccessible(page);
	// The class's figures are the same as before the deletion.
	const after = await classReport(ash.id, getLibrary().lessons);
	expect(after.totals).toEqual(before.totals);
	expect(after.totals.pupils).toBe(1);
	await page.context().close();
});
