// The demo borough: the same schools, staff and pupils on every machine, so that a
// fresh `npm start` has something real to show and the README's sign-ins work.
import type { Kysely } from 'kysely';
import { hashPassword } from '../auth';
import { seedDemoHistory, type DemoClassRef } from './history';
import { seedDemoHelpRequest } from './help-request-seed';
import { DEMO_PAST_YEAR, seedDemoPastYear } from './past-year';
import { nowIso, makeClassCode, makePicturePassword, seededInt, academicYearOf } from '../platform';
import type { DB, Role, SafeguardingRole } from '../platform';

export const DEMO_BOROUGH = 'Basingstoke and Deane (demo)';
/** Demo only: printed by `npm start` and listed in the README. */
export const DEMO_PASSWORD = 'think-safe-demo';

interface DemoSchool {
	name: string;
	slug: string;
	classes: { name: string; pupils: number }[];
}

export const DEMO_SCHOOLS: DemoSchool[] = [
	{
		name: 'Loddon Vale Primary',
		slug: 'loddon-vale',
		classes: [
			{ name: 'Willow', pupils: 26 },
			{ name: 'Oak', pupils: 25 }
		]
	},
	{
		name: 'Kempshott Meadow Primary',
		slug: 'kempshott-meadow',
		classes: [
			{ name: 'Kestrel', pupils: 26 },
			{ name: 'Heron', pupils: 25 }
		]
	},
	{
		name: 'Tadley Common Primary',
		slug: 'tadley-common',
		classes: [
			{ name: 'Maple', pupils: 27 },
			{ name: 'Birch', pupils: 24 }
		]
	},
	{
		name: 'Whitchurch Fields Primary',
		slug: 'whitchurch-fields',
		classes: [{ name: 'Year 6', pupils: 26 }]
	},
	{
		name: 'Overton Mill Primary',
		slug: 'overton-mill',
		classes: [
			{ name: 'Falcon', pupils: 26 },
			{ name: 'Otter', pupils: 25 }
		]
	},
	{
		name: 'Popley Brook Primary',
		slug: 'popley-brook',
		classes: [
			{ name: 'Cedar', pupils: 25 },
			{ name: 'Rowan', pupils: 25 }
		]
	}
];

const FIRST_NAMES = [
	'Amira',
	'Oliver',
	'Noah',
	'Isla',
	'Freya',
	'Leo',
	'Aisha',
	'Harry',
	'Mia',
	'Jacob',
	'Zara',
	'George',
	'Ava',
	'Muhammad',
	'Ella',
	'Arthur',
	'Lily',
	'Oscar',
	'Grace',
	'Theo',
	'Priya',
	'Charlie',
	'Sophie',
	'Alfie',
	'Hana',
	'Jack',
	'Emily',
	'Kofi',
	'Ruby',
	'Finley',
	'Maya',
	'Yusuf',
	'Evie',
	'Tomasz',
	'Poppy',
	'Ethan',
	'Layla',
	'Samuel',
	'Chloe',
	'Reuben',
	'Imogen',
	'Dylan',
	'Anaya',
	'Joshua',
	'Florence',
	'Luca',
	'Niamh',
	'Ibrahim',
	'Erin',
	'Max',
	'Zainab',
	'Archie',
	'Daisy',
	'Adam',
	'Esme',
	'Rory',
	'Matilda',
	'Kai',
	'Scarlett',
	'Elijah'
];
const INITIALS = 'ABCDEFGHJKLMNOPRSTWY';

export interface DemoSignIn {
	role: Role;
	/** What the start-up output and the README call this kind of account. */
	label: string;
	email: string;
	name: string;
	school?: string;
	className?: string;
	safeguardingRole?: SafeguardingRole;
}

export function demoSignIns(): DemoSignIn[] {
	const rows: DemoSignIn[] = [
		{
			role: 'coordinator',
			label: 'coordinator',
			email: 'coordinator@demo.thinksafe.test',
			name: 'Sam Okafor'
		}
	];
	for (const school of DEMO_SCHOOLS) {
		rows.push({
			role: 'lead',
			label: 'school lead',
			email: `lead.${school.slug}@demo.thinksafe.test`,
			name: `Lead of ${school.name}`,
			school: school.name
		});
		for (const cls of school.classes) {
			const classSlug = cls.name.toLowerCase().replace(/\s+/g, '');
			rows.push({
				role: 'teacher',
				label: 'teacher',
				email: `${classSlug}.${school.slug}@demo.thinksafe.test`,
				name: `Teacher of ${cls.name}`,
				school: school.name,
				className: cls.name
			});
		}
		// Last in the school's list, so "the first teacher" is still a class teacher. A
		// teacher without a class, not a school lead: reading requests for help needs the
		// safeguarding role alone, and the school lead stays a separate person who is not a DSL.
		rows.push({
			role: 'teacher',
			label: 'safeguarding lead (DSL)',
			email: `dsl.${school.slug}@demo.thinksafe.test`,
			name: `Safeguarding lead of ${school.name}`,
			school: school.name,
			safeguardingRole: 'dsl'
		});
	}
	return rows;
}

export async function isEmpty(db: Kysely<DB>): Promise<boolean> {
	const row = await db
		.selectFrom('schools')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	return Number(row.n) === 0;
}

/** Loads the demo borough into an empty database, in one transaction. Returns false if it already had data. */
export async function seedDemo(db: Kysely<DB>, now = new Date()): Promise<boolean> {
	if (!(await isEmpty(db))) return false;
	const passwordHash = await hashPassword(DEMO_PASSWORD);
	const random = seededInt(2026);
	const at = nowIso();
	const academicYear = academicYearOf(now);
	const signIns = demoSignIns();

	await db.transaction().execute(async (trx) => {
		await trx
			.insertInto('borough_settings')
			.values({ id: 1, name: DEMO_BOROUGH, pupil_target: 1900, updated_at: at })
			.onConflict((oc) => oc.column('id').doUpdateSet({ name: DEMO_BOROUGH, updated_at: at }))
			.execute();

		const staff = async (person: DemoSignIn, schoolId: number | null) => {
			const row = await trx
				.insertInto('staff_users')
				.values({
					email: person.email,
					display_name: person.name,
					role: person.role,
					school_id: schoolId,
					password_hash: passwordHash,
					password_changed_at: at,
					created_at: at,
					safeguarding_role: person.safeguardingRole ?? null
				})
				.returning('id')
				.executeTakeFirstOrThrow();
			return row.id;
		};

		await staff(signIns[0], null);
		const codes = new Set<string>();
		const made: DemoClassRef[] = [];
		const schoolIds = new Map<string, number>();
		const leadIds = new Map<string, number>();
		for (const school of DEMO_SCHOOLS) {
			const { id: schoolId } = await trx
				.insertInto('schools')
				.values({ name: school.name, created_at: at })
				.returning('id')
				.executeTakeFirstOrThrow();
			schoolIds.set(school.name, schoolId);
			leadIds.set(
				school.slug,
				await staff(
					signIns.find((s) => s.role === 'lead' && s.school === school.name)!,
					schoolId
				)
			);

			for (const cls of school.classes) {
				let code = makeClassCode(random);
				while (codes.has(code)) code = makeClassCode(random);
				codes.add(code);
				const { id: classId } = await trx
					.insertInto('classes')
					.values({
						school_id: schoolId,
						name: cls.name,
						year_group: 6,
						academic_year: academicYear,
						code,
						created_at: at
					})
					.returning('id')
					.executeTakeFirstOrThrow();
				const teacher = signIns.find((s) => s.school === school.name && s.className === cls.name)!;
				const teacherId = await staff(teacher, schoolId);
				await trx
					.insertInto('class_teachers')
					.values({ class_id: classId, user_id: teacherId })
					.execute();
				made.push({ classId, schoolId, school: school.slug, className: cls.name, teacherId });

				const taken = new Set<string>();
				const names = new Set<string>();
				const pupils = [];
				while (pupils.length < cls.pupils) {
					const first = FIRST_NAMES[random(FIRST_NAMES.length)];
					const initial = INITIALS[random(INITIALS.length)];
					if (names.has(first + initial)) continue;
					names.add(first + initial);
					const pictures = makePicturePassword(taken, random).join('-');
					taken.add(pictures);
					pupils.push({
						class_id: classId,
						first_name: first,
						last_initial: initial,
						picture_password: pictures,
						created_at: at
					});
				}
				await trx.insertInto('pupils').values(pupils).execute();
			}
		}
		// After every other account, so that theirs keep the ids they had before DSLs came.
		const dsls = new Map<string, number>();
		for (const person of signIns.filter((s) => s.safeguardingRole === 'dsl')) {
			dsls.set(person.school!, await staff(person, schoolIds.get(person.school!)!));
		}
		// A term of past lessons, so the reports have something to show on first start.
		await seedDemoHistory(trx, now, random, made);
		// One calm, answered request for help, so that Concerns has something to show.
		const loddon = DEMO_SCHOOLS[0];
		await seedDemoHelpRequest(trx, now, {
			classRef: made.find((c) => c.school === loddon.slug && c.className === 'Willow')!,
			dslId: dsls.get(loddon.name)!
		});
		// Last, with its own random numbers: last year's closed class leaves all of the above
		// exactly as it was.
		const past = made.find((c) => c.school === DEMO_PAST_YEAR.school)!;
		await seedDemoPastYear(trx, now, {
			schoolId: past.schoolId,
			teacherId: past.teacherId,
			leadId: leadIds.get(DEMO_PAST_YEAR.school)!,
			firstNames: FIRST_NAMES,
			initials: INITIALS
		});
	});
	return true;
}
