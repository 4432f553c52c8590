// The access matrix: every route of the app, read from src/routes so that a new route
// without an entry here fails, requested by ten kinds of person over real HTTP
// against a server of its own. Pupil names seeded as canaries must never appear in a
// denied response, nor in anything the coordinator receives; a pupil's request for help,
// seeded with a canary text, reaches their school's safeguarding lead and nobody else.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { createPupilSession, createStaffSession } from '../../src/lib/server/auth/session';
import {
	closeDatabase,
	getDb,
	nowIso,
	openDatabase,
	useHandle
} from '../../src/lib/server/platform/db';
import { makePicturePassword } from '../../src/lib/server/platform/random';
import { generateToken, hashToken } from '../../src/lib/server/auth/tokens';
import { getLibrary } from '../../src/lib/server/lessons';
import { submitHelpRequest } from '../../src/lib/server/safeguarding';
import { startServer, stopServer, type Running } from './server-process';

type Persona =
	| 'anonymous'
	| 'pupil'
	| 'otherPupil'
	| 'teacher'
	| 'otherTeacher'
	| 'lead'
	| 'otherLead'
	| 'dsl'
	| 'otherDsl'
	| 'coordinator';
const PERSONAS: Persona[] = [
	'anonymous',
	'pupil',
	'otherPupil',
	'teacher',
	'otherTeacher',
	'lead',
	'otherLead',
	'dsl',
	'otherDsl',
	'coordinator'
];

// ——— reading the routes ———

interface Route {
	id: string;
	page: boolean;
	actions: string[];
	endpoints: string[];
}

function readRoutes(dir = 'src/routes', prefix = ''): Route[] {
	const routes: Route[] = [];
	const entries = fs.readdirSync(dir, { withFileTypes: true });
	const files = new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
	const id = prefix || '/';
	const page = files.has('+page.svelte') || files.has('+page.server.ts');
	const actions: string[] = [];
	if (files.has('+page.server.ts')) {
		const source = fs.readFileSync(path.join(dir, '+page.server.ts'), 'utf8');
		if (source.includes('staffAdminActions('))
			actions.push(
				'invite',
				'revokeInvitation',
				'reset',
				'disable',
				'enable',
				'safeguarding',
				'role'
			);
		const block = /export const actions[^{]*\{([\s\S]*)\};?\s*$/m.exec(source)?.[1] ?? '';
		// Every key of the actions object, `name: async (event) =>` or `name: makeAction(…)`.
		for (const m of block.matchAll(/^\t([A-Za-z]+):/gm)) actions.push(m[1]);
	}
	const endpoints: string[] = [];
	if (files.has('+server.ts')) {
		const source = fs.readFileSync(path.join(dir, '+server.ts'), 'utf8');
		for (const m of source.matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g))
			endpoints.push(m[1]);
	}
	if (page || endpoints.length) routes.push({ id, page, actions, endpoints });
	for (const entry of entries.filter((e) => e.isDirectory())) {
		const segment = /^\(.+\)$/.test(entry.name) ? '' : `/${entry.name}`;
		routes.push(...readRoutes(path.join(dir, entry.name), prefix + segment));
	}
	return routes;
}

// ——— who may do what ———

type Rule = Persona[] | 'everyone';
interface Expectation {
	/** Who may GET the page (and its __data.json) or call the endpoint. */
	allow: Rule;
	/** Who may POST its form actions, when different from `allow`; per action where they differ. */
	act?: Rule;
	actions?: Record<string, Rule>;
	/** Signing out ends in a redirect to a sign-in page for everyone: that is success here. */
	signOut?: boolean;
	/** The requested file does not exist, so a 404 is the allowed person's right answer. */
	missingFile?: boolean;
	/**
	 * A valid form to send with the actions instead of an empty one, where an empty form
	 * would be turned away as invalid before anyone asked whose the object is.
	 */
	form?: Record<string, string>;
	/**
	 * Signed-in staff who are refused must get "not found" (404), not "forbidden": a page
	 * that must not even say whether there is anything behind it.
	 */
	notFoundForStaff?: boolean;
}

// The DSLs are teachers without a class of their own, as in the demo.
const schoolStaff: Persona[] = ['teacher', 'otherTeacher', 'lead', 'otherLead', 'dsl', 'otherDsl'];
const staffAll: Persona[] = [...schoolStaff, 'coordinator'];
const ourClass: Persona[] = ['teacher', 'lead'];
const leads: Persona[] = ['lead', 'otherLead'];
const pupils: Persona[] = ['pupil', 'otherPupil'];

const MATRIX: Record<string, Expectation> = {
	'/': { allow: 'everyone' },
	'/sign-in': { allow: 'everyone' },
	'/sign-out': { allow: 'everyone', signOut: true },
	'/invite/[token]': { allow: 'everyone' },
	'/reset/[token]': { allow: 'everyone' },
	'/join': { allow: 'everyone' },
	'/join/[code]': { allow: 'everyone' },
	'/join/[code]/[pupilId=id]': { allow: 'everyone' },
	'/card/[token]': { allow: 'everyone' },
	'/healthz': { allow: 'everyone' },
	// The privacy notices: public, so that families can read them before anyone signs in.
	'/privacy': { allow: 'everyone' },
	'/privacy/pupils': { allow: 'everyone' },
	// Decided by the address asking (METRICS_ALLOW), not by who is signed in: these requests
	// come from loopback, which the default allows (tests/e2e/operations.spec.ts refuses others).
	'/metrics': { allow: 'everyone' },
	'/api/session': { allow: 'everyone' },
	'/lesson-assets/[...path]': { allow: [...pupils, ...staffAll], missingFile: true },
	'/me': { allow: pupils, act: 'everyone', signOut: true },
	'/help': { allow: pupils },
	'/help/send': { allow: pupils },
	'/help/sent': { allow: pupils },
	'/certificate': { allow: pupils },
	'/session/[sid=id]': { allow: ['pupil'] },
	'/session/[sid=id]/answer': { allow: ['pupil'] },
	'/session/[sid=id]/events': { allow: ['pupil'] },
	'/session/[sid=id]/summary': { allow: ['pupil'] },
	'/account': { allow: staffAll },
	'/lessons': { allow: staffAll },
	'/lessons/[id]': { allow: staffAll },
	'/lessons/[id]/plan': { allow: staffAll },
	'/lessons/[id]/home': { allow: staffAll },
	'/lessons/[id]/preview/[step]': { allow: staffAll },
	'/lessons/[id]/board/[step]': { allow: staffAll },
	'/classes': { allow: schoolStaff },
	// Choosing a class's teachers decides who sees its pupils' names: the lead's call.
	'/classes/[id=id]': { allow: ourClass, actions: { teachers: ['lead'] } },
	'/classes/[id=id]/cards': { allow: ourClass },
	'/classes/[id=id]/pupils/[pupilId=id]': { allow: ourClass },
	'/classes/[id=id]/report': { allow: ourClass },
	'/classes/[id=id]/report.csv': { allow: ourClass },
	'/classes/[id=id]/sessions': { allow: ourClass },
	'/classes/[id=id]/sessions/new': { allow: ourClass },
	'/sessions/[sid=id]': { allow: ourClass },
	'/sessions/[sid=id]/board': { allow: ourClass },
	'/sessions/[sid=id]/attendance': { allow: ourClass },
	'/sessions/[sid=id]/completion': { allow: ourClass },
	'/sessions/[sid=id]/events': { allow: ourClass },
	'/school/staff': { allow: leads },
	// What the council did to a school's accounts: for its leads (all its staff while it has
	// no lead, which no demo school is); "not found" for anyone else, the council included.
	'/school/staff/council': { allow: leads, notFoundForStaff: true },
	'/school/report': { allow: leads },
	'/school/report.csv': { allow: leads },
	// Closing a year: each school's lead for their school (an empty form closes nothing).
	'/school/year': { allow: leads },
	// A family's rights: the school's lead finds the pupil, sees and downloads everything held
	// and erases it. Anyone else, another school's lead and the council included, gets "not
	// found". The canary's open request for help is withheld from the lead (not a reader).
	'/school/pupils': { allow: leads },
	'/school/pupils/[pupilId=id]': { allow: ['lead'], notFoundForStaff: true },
	'/school/pupils/[pupilId=id]/data.json': { allow: ['lead'], notFoundForStaff: true },
	'/school/pupils/[pupilId=id]/erase': { allow: ['lead'], notFoundForStaff: true },
	'/audit': { allow: [...leads, 'coordinator'] },
	// Each school's safeguarding lead reads their own school's list (the other DSL's is
	// empty); one school's request opens for its DSL alone. Leads of a school with a DSL,
	// teachers and the council get "not found".
	'/concerns': { allow: ['dsl', 'otherDsl'], notFoundForStaff: true },
	'/concerns/[id=id]': {
		allow: ['dsl'],
		notFoundForStaff: true,
		form: { clientId: 'ca000000000000000000000000000002', kind: 'note', body: 'Seen at break.' }
	},
	'/borough/report': { allow: ['coordinator'] },
	'/borough/report.csv': { allow: ['coordinator'] },
	'/borough/schools': { allow: ['coordinator'] },
	'/borough/schools/[id=id]': { allow: ['coordinator'] },
	'/borough/team': { allow: ['coordinator'] },
	'/borough/settings': { allow: ['coordinator'] },
	'/borough/year': { allow: ['coordinator'] }
};

function allowed(rule: Rule, who: Persona): boolean {
	return rule === 'everyone' || rule.includes(who);
}

// ——— the world the matrix runs in ———

const CANARY_FIRST = 'Zephyrine';
const CANARY_OTHER = 'Quillon';
/** The canary pupil's own words in a request for help: for Loddon Vale's DSL only. */
const CANARY_HELP = 'Canary words Vorpalwise: someone online keeps asking where I live';
let server: Running;
let dir: string;
let dbFile: string;
const params: Record<string, string> = {};
let willow: { classId: number; pupilId: number; code: string; schoolId: number };
let oak: { pupilId: number };
let helpRequestId: string;

test.setTimeout(600_000);

test.beforeAll(async () => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thinksafe-matrix-'));
	dbFile = path.join(dir, 'matrix.db');
	server = await startServer({ DATABASE_PATH: dbFile }, 4480 + Math.floor(Math.random() * 100));
	const handle = openDatabase(dbFile);
	useHandle(handle);
	const db = handle.sqlite;
	const cls = db
		.prepare("select c.id, c.code, c.school_id from classes c where c.name = 'Willow'")
		.get() as { id: number; code: string; school_id: number };
	const oakClass = db.prepare("select id from classes where name = 'Oak'").get() as { id: number };
	const add = db.prepare(
		'insert into pupils (class_id, first_name, last_initial, picture_password, created_at) values (?, ?, ?, ?, ?)'
	);
	const freePictures = (classId: number) => {
		const taken = new Set(
			(
				db.prepare('select picture_password as p from pupils where class_id = ?').all(classId) as {
					p: string;
				}[]
			).map((r) => r.p)
		);
		return makePicturePassword(taken).join('-');
	};
	const canary = Number(
		add.run(cls.id, CANARY_FIRST, 'Q', freePictures(cls.id), nowIso()).lastInsertRowid
	);
	const other = Number(
		add.run(oakClass.id, CANARY_OTHER, 'X', freePictures(oakClass.id), nowIso()).lastInsertRowid
	);
	willow = { classId: cls.id, pupilId: canary, code: cls.code, schoolId: cls.school_id };
	oak = { pupilId: other };
	const teacher = db
		.prepare("select id from staff_users where email = 'willow.loddon-vale@demo.thinksafe.test'")
		.get() as { id: number };
	const lesson = getLibrary().lessons[0];
	const session = db
		.prepare(
			"insert into class_sessions (class_id, lesson_id, lesson_hash, mode, status, current_step, started_by, created_at, audience) values (?, ?, ?, 'live', 'running', 0, ?, ?, 'class')"
		)
		.run(cls.id, lesson.id, lesson.hash, teacher.id, nowIso());
	// A real login card for the canary: the card link is public, the token its credential.
	const cardToken = generateToken();
	db.prepare('insert into pupil_login_tokens (id, pupil_id, created_at) values (?, ?, ?)').run(
		hashToken(cardToken),
		canary,
		nowIso()
	);
	// The canary pupil asks for help, as the pupil's page sends it.
	const asked = await submitHelpRequest(
		{ id: canary, classId: cls.id, schoolId: cls.school_id },
		{
			clientId: 'ca000000000000000000000000000001',
			about: 'me',
			topics: ['someone-online'],
			message: CANARY_HELP,
			urgency: 'today',
			talkTo: 'anyone'
		}
	);
	helpRequestId = String(asked.id);
	Object.assign(params, {
		token: 'not-a-real-token-aaaaaaaaaaaaaaaa',
		cardToken,
		code: cls.code,
		pupilId: String(canary),
		id: String(cls.id),
		sid: String(session.lastInsertRowid),
		step: '1',
		'...path': 'pictures/missing.png'
	});
});

test.afterAll(async () => {
	await closeDatabase();
	if (server) await stopServer(server);
	fs.rmSync(dir, { recursive: true, force: true });
});

async function cookieFor(who: Persona): Promise<string> {
	const staffEmail: Partial<Record<Persona, string>> = {
		teacher: 'willow.loddon-vale@demo.thinksafe.test',
		otherTeacher: 'kestrel.kempshott-meadow@demo.thinksafe.test',
		lead: 'lead.loddon-vale@demo.thinksafe.test',
		otherLead: 'lead.kempshott-meadow@demo.thinksafe.test',
		dsl: 'dsl.loddon-vale@demo.thinksafe.test',
		otherDsl: 'dsl.kempshott-meadow@demo.thinksafe.test',
		coordinator: 'coordinator@demo.thinksafe.test'
	};
	if (who === 'anonymous') return '';
	if (who === 'pupil' || who === 'otherPupil') {
		// A fresh session every time: some actions (sign out) end the one they were sent with.
		const { token } = await createPupilSession(who === 'pupil' ? willow.pupilId : oak.pupilId);
		return `ts-pupil=${token}`;
	}
	const user = await getDb()
		.selectFrom('staff_users')
		.select('id')
		.where('email', '=', staffEmail[who]!)
		.executeTakeFirstOrThrow();
	const { token } = await createStaffSession(user.id);
	return `ts-staff=${token}`;
}

function urlOf(route: Route, sid?: string): string {
	return route.id.replace(/\[([^\]]+)\]/g, (_, name: string) => {
		const key = name.replace(/=.*$/, '');
		if (key === 'id' && route.id.startsWith('/borough/schools')) return String(willow.schoolId);
		if (key === 'id' && route.id.startsWith('/lessons')) return getLibrary().lessons[0].id;
		if (key === 'id' && route.id.startsWith('/concerns')) return helpRequestId;
		if (key === 'sid' && sid) return sid;
		if (key === 'token' && route.id.startsWith('/card/')) return params.cardToken;
		return params[key] ?? params[name];
	});
}

/** The status a refusal carries: the response's own, or the one inside SvelteKit's JSON. */
function refusalStatus(status: number, body: string): number {
	if (status !== 200 || !body.startsWith('{"type":')) return status;
	try {
		const outcome = JSON.parse(body) as {
			type: string;
			status?: number;
			nodes?: ({ type: string; status?: number } | null)[];
		};
		if (outcome.type === 'error') return outcome.status ?? status;
		const failed = (outcome.nodes ?? []).find((n) => n?.type === 'error');
		return failed?.status ?? status;
	} catch {
		return status;
	}
}

function isDenied(status: number, location: string | undefined, body: string): boolean {
	// __data.json and enhanced form actions answer 200 with the outcome inside the JSON.
	if (status === 200 && body.startsWith('{"type":')) {
		try {
			const outcome = JSON.parse(body) as {
				type: string;
				status?: number;
				location?: string;
				nodes?: ({ type: string; status?: number } | null)[];
			};
			const refused = (s?: number) => [401, 403, 404].includes(s ?? 0);
			if (outcome.type === 'error') return refused(outcome.status);
			if (outcome.type === 'redirect')
				return /^\/(sign-in|join)(\?|$)/.test(outcome.location ?? '');
			if (outcome.type === 'data')
				return (outcome.nodes ?? []).some((n) => n?.type === 'error' && refused(n.status));
		} catch {
			return false;
		}
	}
	if ([401, 403, 404].includes(status)) return true;
	return status >= 300 && status < 400 && /^\/(sign-in|join)(\?|$)/.test(location ?? '');
}

interface Call {
	method: string;
	url: string;
	headers?: Record<string, string>;
	body?: string;
}

async function call(c: Call, cookie: string) {
	const response = await fetch(`${server.url}${c.url}`, {
		method: c.method,
		redirect: 'manual',
		headers: { cookie, origin: server.url, ...(c.headers ?? {}) },
		body: c.body
	});
	const body = c.url.endsWith('/events') ? '' : await response.text();
	if (c.url.endsWith('/events')) await response.body?.cancel();
	return { status: response.status, location: response.headers.get('location') ?? undefined, body };
}

function callsOf(route: Route): { kind: 'read' | 'act'; action?: string; call: Call }[] {
	const url = urlOf(route);
	const calls: { kind: 'read' | 'act'; action?: string; call: Call }[] = [];
	if (route.page) {
		calls.push({ kind: 'read', call: { method: 'GET', url, headers: { accept: 'text/html' } } });
		calls.push({
			kind: 'read',
			call: { method: 'GET', url: `${url === '/' ? '' : url}/__data.json` }
		});
		for (const action of route.actions) {
			calls.push({
				kind: 'act',
				action,
				call: {
					method: 'POST',
					url: action === 'default' ? url : `${url}?/${action}`,
					headers: {
						'content-type': 'application/x-www-form-urlencoded',
						accept: 'application/json',
						'x-sveltekit-action': 'true'
					},
					body: new URLSearchParams(MATRIX[route.id]?.form ?? {}).toString()
				}
			});
		}
	}
	for (const method of route.endpoints) {
		calls.push({
			kind: method === 'GET' ? 'read' : 'act',
			call: {
				method,
				url,
				headers: method === 'GET' ? {} : { 'content-type': 'application/json' },
				body: method === 'GET' ? undefined : '{}'
			}
		});
	}
	return calls;
}

const routes = readRoutes();

test('every route of the app has an entry in the access matrix', () => {
	const missing = routes.map((r) => r.id).filter((id) => !(id in MATRIX));
	expect(missing, 'add these routes to MATRIX in tests/e2e/access-matrix.spec.ts').toEqual([]);
	const stale = Object.keys(MATRIX).filter((id) => !routes.some((r) => r.id === id));
	expect(stale, 'these MATRIX entries have no route any more').toEqual([]);
});

async function checkRoute(route: Route, kinds: ('read' | 'act')[]) {
	const rule = MATRIX[route.id];
	if (!rule) throw new Error(`${route.id} has no entry in MATRIX (see the first test)`);
	const failures: string[] = [];
	for (const who of PERSONAS) {
		for (const { kind, action, call: c } of callsOf(route)) {
			if (!kinds.includes(kind)) continue;
			const actRule = (action ? rule.actions?.[action] : undefined) ?? rule.act ?? rule.allow;
			const expectAllow = allowed(kind === 'act' ? actRule : rule.allow, who);
			const result = await call(c, await cookieFor(who));
			let denied = isDenied(result.status, result.location, result.body);
			if (rule.signOut && kind === 'act') denied = false;
			if (rule.missingFile && result.status === 404) denied = false;
			const label = `${who} ${c.method} ${c.url} → ${result.status}${result.location ? ` ${result.location}` : ''}`;
			// An allowed action sent with an empty form may find nothing to act on (404).
			if (expectAllow && denied && !(kind === 'act' && result.status === 404))
				failures.push(`should be allowed: ${label}`);
			if (!expectAllow && !denied) failures.push(`should be denied: ${label}`);
			const staff = who !== 'anonymous' && !pupils.includes(who);
			if (rule.notFoundForStaff && staff && !expectAllow) {
				const refused = refusalStatus(result.status, result.body);
				if (refused !== 404) failures.push(`should be "not found" (404): ${label} (${refused})`);
			}
			if (result.status >= 500) failures.push(`server error: ${label}`);
			// The class code is what opens a class's name grid, so /join/CODE shows names to anyone.
			const namesByCode = route.id.startsWith('/join/') || route.id.startsWith('/card/');
			// The DSL has no class: the pupil's name reaches them only with the request.
			const concerns = route.id.startsWith('/concerns');
			const mayKnowCanary =
				namesByCode ||
				((who === 'teacher' || who === 'lead' || who === 'pupil') && !denied && !concerns) ||
				(who === 'dsl' && concerns && !denied);
			if (result.body.includes(CANARY_HELP) && !(who === 'dsl' && concerns && !denied))
				failures.push(`a pupil's request for help reached someone else: ${label}`);
			if (
				route.id === '/concerns/[id=id]' &&
				who === 'dsl' &&
				c.method === 'GET' &&
				!result.body.includes(CANARY_HELP)
			)
				failures.push(`the school's DSL cannot read the request: ${label}`);
			if (!mayKnowCanary && result.body.includes(CANARY_FIRST))
				failures.push(`canary pupil name leaked: ${label}`);
			if (
				who === 'coordinator' &&
				!namesByCode &&
				(result.body.includes(CANARY_FIRST) || result.body.includes(CANARY_OTHER))
			) {
				failures.push(`a pupil's name reached the coordinator: ${label}`);
			}
		}
	}
	expect(failures).toEqual([]);
}

// Every read first, then the actions: an allowed action (sent with an empty form) may
// change the world the reads expect, e.g. archive the class.
for (const route of routes) {
	test(`reads of ${route.id}`, () => checkRoute(route, ['read']));
}
for (const route of routes.filter(
	(r) => r.actions.length || r.endpoints.some((m) => m !== 'GET')
)) {
	test(`actions of ${route.id}`, () => checkRoute(route, ['act']));
}

test('only the school’s lead or the coordinator can make one of its staff a safeguarding lead', async () => {
	const db = getDb();
	const oakTeacher = await db
		.selectFrom('staff_users')
		.select('id')
		.where('email', '=', 'oak.loddon-vale@demo.thinksafe.test')
		.executeTakeFirstOrThrow();
	const roleNow = async () =>
		(
			await db
				.selectFrom('staff_users')
				.select('safeguarding_role')
				.where('id', '=', oakTeacher.id)
				.executeTakeFirstOrThrow()
		).safeguarding_role;
	const appoint = (who: Persona, url: string, safeguarding: string) =>
		cookieFor(who).then((cookie) =>
			call(
				{
					method: 'POST',
					url: `${url}?/safeguarding`,
					headers: {
						'content-type': 'application/x-www-form-urlencoded',
						accept: 'application/json',
						'x-sveltekit-action': 'true'
					},
					body: new URLSearchParams({ userId: String(oakTeacher.id), safeguarding }).toString()
				},
				cookie
			)
		);
	const denied = (r: { status: number; location?: string; body: string }) =>
		isDenied(r.status, r.location, r.body);
	const school = `/borough/schools/${willow.schoolId}`;
	const refused: [Persona, string][] = [
		['teacher', '/school/staff'],
		['dsl', '/school/staff'],
		['otherDsl', '/school/staff'],
		// Another school's lead names their own page, but the person is not theirs.
		['otherLead', '/school/staff'],
		['otherLead', school],
		['coordinator', '/borough/team'],
		['pupil', '/school/staff'],
		['anonymous', '/school/staff']
	];
	const failures: string[] = [];
	for (const [who, url] of refused) {
		const result = await appoint(who, url, 'dsl');
		if (!denied(result)) failures.push(`should be refused: ${who} ${url} → ${result.status}`);
		if ((await roleNow()) !== null) failures.push(`${who} ${url} changed the role`);
	}
	expect(failures).toEqual([]);

	expect(denied(await appoint('lead', '/school/staff', 'deputy'))).toBe(false);
	expect(await roleNow()).toBe('deputy');
	expect(denied(await appoint('coordinator', school, 'none'))).toBe(false);
	expect(await roleNow()).toBeNull();
});

test('the coordinator cannot give any account of a school that has a lead sight of its pupils', async () => {
	const db = getDb();
	const person = (email: string) =>
		db
			.selectFrom('staff_users')
			.select(['id', 'role', 'disabled_at'])
			.where('email', '=', email)
			.executeTakeFirstOrThrow();
	const lead = await person('lead.loddon-vale@demo.thinksafe.test');
	const oak = await person('oak.loddon-vale@demo.thinksafe.test');
	const school = `/borough/schools/${willow.schoolId}`;
	const cookie = await cookieFor('coordinator');
	const count = async (table: 'password_resets' | 'staff_invitations') =>
		(await db.selectFrom(table).select('id').execute()).length;
	const before = {
		resets: await count('password_resets'),
		invites: await count('staff_invitations')
	};
	const attempts: [string, Record<string, string>][] = [
		['reset', { userId: String(lead.id) }],
		['reset', { userId: String(oak.id) }],
		['invite', { role: 'lead' }],
		['invite', { role: 'teacher' }],
		['role', { userId: String(oak.id), role: 'lead' }]
	];
	const failures: string[] = [];
	for (const [action, form] of attempts) {
		const result = await call(
			{
				method: 'POST',
				url: `${school}?/${action}`,
				headers: {
					'content-type': 'application/x-www-form-urlencoded',
					accept: 'application/json',
					'x-sveltekit-action': 'true'
				},
				body: new URLSearchParams(form).toString()
			},
			cookie
		);
		const outcome = JSON.parse(result.body) as { type: string; status?: number; data?: string };
		if (outcome.type !== 'failure' || outcome.status !== 403)
			failures.push(`should be refused: ${action} ${JSON.stringify(form)} → ${result.body}`);
		else if (!outcome.data?.includes('Lead of Loddon Vale Primary'))
			failures.push(`should name the school's lead: ${action} → ${outcome.data}`);
	}
	expect(failures).toEqual([]);
	expect(await count('password_resets')).toBe(before.resets);
	expect(await count('staff_invitations')).toBe(before.invites);
	expect((await person('oak.loddon-vale@demo.thinksafe.test')).role).toBe('teacher');
});
