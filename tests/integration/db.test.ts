import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase, DatabaseOpenError } from '../../src/lib/server/platform/db';
import { DEMO_SCHOOLS, demoSignIns, seedDemo } from '../../src/lib/server/demo/borough';
import { DEMO_PAST_YEAR } from '../../src/lib/server/demo/past-year';

/** This year's 280 pupils, and last year's closed class. */
const DEMO_PUPILS = 280 + DEMO_PAST_YEAR.pupils;
import { useTestDatabase } from './context';

const ctx = useTestDatabase();

describe('the database', () => {
	it('opens in WAL mode with synchronous=FULL, foreign keys and no busy timeout (writes wait without blocking)', () => {
		const { sqlite } = ctx.handle;
		expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
		expect(sqlite.pragma('synchronous', { simple: true })).toBe(2);
		expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
		// A busy timeout would sleep Node's only thread: see db/patient-driver.ts.
		expect(sqlite.pragma('busy_timeout', { simple: true })).toBe(0);
	});

	it('applies every migration once, and again is a no-op', async () => {
		const again = await migrateToLatest(ctx.handle.db);
		expect(again.results).toEqual([]);
		const tables = ctx.handle.sqlite
			.prepare("select name from sqlite_schema where type = 'table' order by name")
			.all()
			.map((r) => (r as { name: string }).name);
		for (const table of [
			'schools',
			'staff_users',
			'staff_sessions',
			'classes',
			'pupils',
			'class_sessions',
			'attendance',
			'progress',
			'answers',
			'audit_events'
		]) {
			expect(tables).toContain(table);
		}
	});

	it('refuses a pupil in a class that does not exist', async () => {
		await expect(ctx.newPupil({ classId: 9999 })).rejects.toThrow(/FOREIGN KEY/);
	});

	it('refuses a coordinator tied to a school and a teacher with no school', async () => {
		const schoolId = await ctx.newSchool();
		await expect(
			ctx.handle.db
				.insertInto('staff_users')
				.values({
					email: 'x@y.test',
					display_name: 'X',
					role: 'teacher',
					school_id: null,
					created_at: 'now'
				})
				.execute()
		).rejects.toThrow(/CHECK/);
		await expect(
			ctx.handle.db
				.insertInto('staff_users')
				.values({
					email: 'c@y.test',
					display_name: 'C',
					role: 'coordinator',
					school_id: schoolId,
					created_at: 'now'
				})
				.execute()
		).rejects.toThrow(/CHECK/);
	});

	it('says plainly when a file is not a SQLite database', () => {
		const file = path.join(ctx.dir, 'notes.db');
		fs.writeFileSync(file, 'not a database at all, just words\n'.repeat(100));
		expect(() => openDatabase(file)).toThrow(DatabaseOpenError);
		expect(() => openDatabase(file)).toThrow(/is not a usable SQLite database/);
	});
});

describe('the demo borough', () => {
	it('loads six schools, a coordinator, a lead and a safeguarding lead per school, a teacher per class and about 280 pupils', async () => {
		expect(await seedDemo(ctx.handle.db)).toBe(true);
		const db = ctx.handle.db;
		const count = async (table: 'schools' | 'classes' | 'pupils' | 'staff_users') =>
			Number(
				(
					await db
						.selectFrom(table)
						.select((eb) => eb.fn.countAll<number>().as('n'))
						.executeTakeFirstOrThrow()
				).n
			);
		expect(await count('schools')).toBe(6);
		const classes = DEMO_SCHOOLS.reduce((n, s) => n + s.classes.length, 0);
		expect(await count('classes')).toBe(classes + 1);
		expect(await count('staff_users')).toBe(1 + 6 * 2 + classes);
		expect(await count('pupils')).toBe(DEMO_PUPILS);
		const settings = await db.selectFrom('borough_settings').selectAll().executeTakeFirstOrThrow();
		expect(settings).toMatchObject({ name: 'Basingstoke and Deane (demo)', pupil_target: 1900 });
	});

	it('stores only a first name and a one-letter last initial for each pupil', async () => {
		await seedDemo(ctx.handle.db);
		const pupils = await ctx.handle.db
			.selectFrom('pupils')
			.select(['first_name', 'last_initial'])
			.execute();
		for (const p of pupils) {
			expect(p.first_name).toMatch(/^[A-Z][a-z]+$/);
			expect(p.last_initial).toMatch(/^[A-Z]$/);
		}
	});

	it('is the same every time and is not loaded twice', async () => {
		await seedDemo(ctx.handle.db);
		expect(await seedDemo(ctx.handle.db)).toBe(false);
		const first = await ctx.handle.db
			.selectFrom('pupils')
			.select(['first_name', 'last_initial', 'picture_password'])
			.orderBy('id')
			.execute();
		const other = openDatabase(path.join(ctx.dir, 'second.db'));
		await migrateToLatest(other.db);
		await seedDemo(other.db);
		const second = await other.db
			.selectFrom('pupils')
			.select(['first_name', 'last_initial', 'picture_password'])
			.orderBy('id')
			.execute();
		await other.db.destroy();
		expect(second).toEqual(first);
		expect(
			await ctx.handle.db
				.selectFrom('pupils')
				.select((eb) => eb.fn.countAll<number>().as('n'))
				.executeTakeFirstOrThrow()
		).toEqual({ n: DEMO_PUPILS });
	});

	it('gives every demo sign-in a unique address', () => {
		const emails = demoSignIns().map((s) => s.email);
		expect(new Set(emails).size).toBe(emails.length);
	});
});

describe('npm run db:backup', () => {
	it('writes a consistent copy while another connection keeps writing', async () => {
		await seedDemo(ctx.handle.db);
		const target = path.join(ctx.dir, 'backups', 'copy.db');
		// The backup runs in another process while this one keeps committing rows.
		let writes = 0;
		const writer = setInterval(() => {
			ctx.handle.sqlite
				.prepare(
					"insert into audit_events (at, actor_type, action) values ('2026-11-28T00:00:00Z', 'system', 'tick')"
				)
				.run();
			writes++;
		}, 2);
		const result = await promisify(execFile)(
			process.execPath,
			['--import', 'tsx', 'scripts/backup.ts', target],
			{
				env: { ...process.env, DATABASE_PATH: ctx.handle.path },
				encoding: 'utf8'
			}
		);
		clearInterval(writer);
		expect(writes).toBeGreaterThan(0);
		expect(result.stderr).toBe('');
		expect(result.stdout).toContain('integrity check ok');
		const copy = new Database(target, { readonly: true });
		expect((copy.prepare('select count(*) as n from pupils').get() as { n: number }).n).toBe(
			DEMO_PUPILS
		);
		copy.close();
	});

	it('refuses to overwrite an existing file', () => {
		const target = path.join(ctx.dir, 'exists.db');
		fs.writeFileSync(target, 'keep me');
		const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/backup.ts', target], {
			env: { ...process.env, DATABASE_PATH: ctx.handle.path },
			encoding: 'utf8'
		});
		expect(result.status).toBe(1);
		expect(result.stderr).toContain('already exists');
		expect(fs.readFileSync(target, 'utf8')).toBe('keep me');
	});
});
