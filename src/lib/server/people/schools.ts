// The borough and its schools: the coordinator's part of the setup.
import { recordAudit, getDb, nowIso, Refused } from '../platform';
import type { StaffPrincipal } from '../auth';

export interface BoroughSettings {
	name: string;
	pupilTarget: number;
}

const DEFAULT_SETTINGS: BoroughSettings = { name: 'Our borough', pupilTarget: 1900 };

export async function getBoroughSettings(): Promise<BoroughSettings> {
	const row = await getDb()
		.selectFrom('borough_settings')
		.selectAll()
		.where('id', '=', 1)
		.executeTakeFirst();
	return row ? { name: row.name, pupilTarget: row.pupil_target } : DEFAULT_SETTINGS;
}

export async function updateBoroughSettings(
	settings: BoroughSettings,
	by: StaffPrincipal
): Promise<void> {
	const at = nowIso();
	await getDb()
		.transaction()
		.execute(async (trx) => {
			await trx
				.insertInto('borough_settings')
				.values({ id: 1, name: settings.name, pupil_target: settings.pupilTarget, updated_at: at })
				.onConflict((oc) =>
					oc.column('id').doUpdateSet({
						name: settings.name,
						pupil_target: settings.pupilTarget,
						updated_at: at
					})
				)
				.execute();
			await recordAudit(
				{
					actor: { type: 'staff', id: by.id, schoolId: null },
					action: 'borough.settings_changed',
					detail: { ...settings }
				},
				trx
			);
		});
}

export interface SchoolSummary {
	id: number;
	name: string;
	classes: number;
	staff: number;
	pupils: number;
}

export async function listSchools(): Promise<SchoolSummary[]> {
	const db = getDb();
	const rows = await db
		.selectFrom('schools as s')
		.select((eb) => [
			's.id',
			's.name',
			eb
				.selectFrom('classes')
				.select(eb.fn.countAll<number>().as('n'))
				.whereRef('classes.school_id', '=', 's.id')
				.where('classes.archived_at', 'is', null)
				.as('classes'),
			eb
				.selectFrom('staff_users')
				.select(eb.fn.countAll<number>().as('n'))
				.whereRef('staff_users.school_id', '=', 's.id')
				.where('staff_users.disabled_at', 'is', null)
				.as('staff'),
			eb
				.selectFrom('pupils')
				.innerJoin('classes', 'classes.id', 'pupils.class_id')
				.select(eb.fn.countAll<number>().as('n'))
				.whereRef('classes.school_id', '=', 's.id')
				.where('pupils.archived_at', 'is', null)
				.where('classes.archived_at', 'is', null)
				.as('pupils')
		])
		.where('s.archived_at', 'is', null)
		.orderBy('s.name')
		.execute();
	return rows.map((r) => ({
		id: r.id,
		name: r.name,
		classes: Number(r.classes ?? 0),
		staff: Number(r.staff ?? 0),
		pupils: Number(r.pupils ?? 0)
	}));
}

export async function getSchool(id: number): Promise<{ id: number; name: string } | undefined> {
	return getDb()
		.selectFrom('schools')
		.select(['id', 'name'])
		.where('id', '=', id)
		.where('archived_at', 'is', null)
		.executeTakeFirst();
}

/** A new school's id; Refused (on its name) when there is one of that name already. */
export async function createSchool(name: string, by: StaffPrincipal): Promise<number> {
	const clean = name.trim().replace(/\s+/g, ' ');
	const db = getDb();
	const existing = await db
		.selectFrom('schools')
		.select('id')
		.where('name', '=', clean)
		.executeTakeFirst();
	if (existing) throw new Refused(`There is already a school called "${clean}".`, 'name');
	return db.transaction().execute(async (trx) => {
		const { id } = await trx
			.insertInto('schools')
			.values({ name: clean, created_at: nowIso() })
			.returning('id')
			.executeTakeFirstOrThrow();
		await recordAudit(
			{
				actor: { type: 'staff', id: by.id, schoolId: null },
				action: 'school.created',
				schoolId: id,
				detail: { name: clean }
			},
			trx
		);
		return id;
	});
}
