// Builds a synthetic borough straight into a database, for benchmarks: schools,
// classes with a teacher each, pupils with picture passwords. Names are made up.
import type { Handle } from '../../src/lib/server/platform/db';
import {
	makeClassCode,
	makePicturePassword,
	seededInt
} from '../../src/lib/server/platform/random';

export interface BoroughShape {
	schools: number;
	classes: number;
	pupils: number;
}

export interface BuiltBorough {
	schoolIds: number[];
	classes: { id: number; schoolId: number; teacherId: number; pupilIds: number[] }[];
	pupilCount: number;
}

const NAMES = [
	'Amira',
	'Oliver',
	'Isla',
	'Noah',
	'Freya',
	'Leo',
	'Aisha',
	'Harry',
	'Mia',
	'Zara',
	'Theo',
	'Priya'
];

/** Synchronous and in one transaction: the fastest way to lay down thousands of rows. */
export function buildBorough(handle: Handle, shape: BoroughShape, seed = 7): BuiltBorough {
	const { sqlite } = handle;
	const random = seededInt(seed);
	const at = new Date().toISOString();
	const insertSchool = sqlite.prepare('insert into schools (name, created_at) values (?, ?)');
	const insertStaff = sqlite.prepare(
		"insert into staff_users (email, display_name, role, school_id, created_at) values (?, ?, 'teacher', ?, ?)"
	);
	const insertClass = sqlite.prepare(
		"insert into classes (school_id, name, year_group, academic_year, code, created_at) values (?, ?, 6, '2026/27', ?, ?)"
	);
	const insertTeacher = sqlite.prepare(
		'insert into class_teachers (class_id, user_id) values (?, ?)'
	);
	const insertPupil = sqlite.prepare(
		'insert into pupils (class_id, first_name, last_initial, picture_password, created_at) values (?, ?, ?, ?, ?)'
	);
	const built: BuiltBorough = { schoolIds: [], classes: [], pupilCount: 0 };
	const codes = new Set<string>();
	const takenByClass = new Map<number, Set<string>>();
	sqlite.transaction(() => {
		for (let s = 0; s < shape.schools; s++) {
			built.schoolIds.push(Number(insertSchool.run(`Bench School ${s + 1}`, at).lastInsertRowid));
		}
		for (let c = 0; c < shape.classes; c++) {
			const schoolId = built.schoolIds[c % built.schoolIds.length];
			let code = makeClassCode(random);
			while (codes.has(code)) code = makeClassCode(random);
			codes.add(code);
			const classId = Number(insertClass.run(schoolId, `Class ${c + 1}`, code, at).lastInsertRowid);
			const teacherId = Number(
				insertStaff.run(`teacher${c + 1}@bench.test`, `Teacher ${c + 1}`, schoolId, at)
					.lastInsertRowid
			);
			insertTeacher.run(classId, teacherId);
			built.classes.push({ id: classId, schoolId, teacherId, pupilIds: [] });
		}
		for (let p = 0; p < shape.pupils; p++) {
			const cls = built.classes[p % built.classes.length];
			if (!takenByClass.has(cls.id)) takenByClass.set(cls.id, new Set());
			const taken = takenByClass.get(cls.id)!;
			const pictures = makePicturePassword(taken, random).join('-');
			taken.add(pictures);
			const id = Number(
				insertPupil.run(cls.id, NAMES[p % NAMES.length], 'ABCDEFGHJKLMNPRSTW'[p % 18], pictures, at)
					.lastInsertRowid
			);
			cls.pupilIds.push(id);
		}
	})();
	built.pupilCount = shape.pupils;
	return built;
}
