import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { academicYearOf, isAcademicYear, parseForm } from '$lib/server/platform';
import { canCreateClassIn, isSchoolLead, requireClassStaff } from '$lib/server/access';
import {
	createClass,
	listClassesForStaff,
	listTeachersOfSchool,
	MAX_CLASS_NAME_LENGTH,
	YEAR_GROUPS
} from '$lib/server/people';
import { refusal, setFlash, takeFlash } from './routes.server';
import type { Actions, PageServerLoad } from './$types';

function nextAcademicYear(year: string): string {
	const start = Number(year.slice(0, 4)) + 1;
	return `${start}/${String((start + 1) % 100).padStart(2, '0')}`;
}

export const load: PageServerLoad = async (event) => {
	const staff = requireClassStaff(event);
	const showArchived = event.url.searchParams.get('archived') === '1';
	const current = academicYearOf(new Date());
	const teachers =
		isSchoolLead(staff) && staff.schoolId !== null
			? (await listTeachersOfSchool(staff.schoolId)).map((t) => ({
					id: t.id,
					displayName: t.displayName
				}))
			: [];
	return {
		classes: await listClassesForStaff(staff, { includeArchived: showArchived }),
		showArchived,
		isLead: isSchoolLead(staff),
		teachers,
		// Classes are often set up in the summer term for September: offer next year too.
		academicYears: [current, nextAcademicYear(current)],
		flash: takeFlash(event)
	};
};

const NewClass = z.object({
	name: z
		.string()
		.trim()
		.min(1, 'Give the class a name, for example "Willow" or "6B".')
		.max(MAX_CLASS_NAME_LENGTH, `A class name can be at most ${MAX_CLASS_NAME_LENGTH} characters.`),
	yearGroup: z.coerce
		.number({ error: 'Choose a year group.' })
		.int('Choose a year group.')
		.min(YEAR_GROUPS.min, 'Choose a year group.')
		.max(YEAR_GROUPS.max, 'Choose a year group.'),
	academicYear: z.string().refine(isAcademicYear, 'Choose an academic year.')
});

export const actions: Actions = {
	create: async (event) => {
		const staff = requireClassStaff(event);
		if (staff.schoolId === null || !canCreateClassIn(staff, staff.schoolId)) {
			error(403, 'Your account cannot create classes.');
		}
		const form = await event.request.formData();
		const parsed = parseForm(NewClass, form, ['name', 'yearGroup', 'academicYear']);
		if (!parsed.ok) return parsed.failure;
		// A teacher's new class is theirs; a lead chooses its teachers (possibly none yet).
		const teacherIds = isSchoolLead(staff)
			? form
					.getAll('teacherIds')
					.map(Number)
					.filter((id) => Number.isSafeInteger(id) && id > 0)
			: [staff.id];
		let created;
		try {
			created = await createClass(
				{ schoolId: staff.schoolId, ...parsed.data, teacherIds },
				{ id: staff.id, schoolId: staff.schoolId }
			);
		} catch (caught) {
			return refusal('create', caught, {
				name: parsed.data.name,
				yearGroup: String(parsed.data.yearGroup),
				academicYear: parsed.data.academicYear
			});
		}
		setFlash(event, `${created.name} is ready. Add its pupils below.`);
		redirect(303, `/classes/${created.id}`);
	}
};
