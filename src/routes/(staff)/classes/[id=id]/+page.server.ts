import { error, fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import {
	archiveClass,
	getClass,
	listTeachersOfSchool,
	MAX_CLASS_NAME_LENGTH,
	regenerateClassCode,
	renameClass,
	restoreClass,
	setClassTeachers,
	signClassOut,
	MAX_IMPORT_BYTES,
	MAX_NAMES_PER_IMPORT,
	normaliseName,
	parsePastedNames,
	parsePupilCsv,
	tooBig,
	type ImportResult,
	type PupilName,
	addPupils,
	countArchivedPupils,
	listPupils,
	previewPupilImport,
	unlockPupil
} from '$lib/server/people';
import { isSchoolLead } from '$lib/server/access';
import { getSignInPause, liftSignInPause } from '$lib/server/auth';
import { recordsDeletedInClass } from '$lib/server/records';
import { nextLessonFor } from '$lib/server/screens';
import { clientAddress, parseForm } from '$lib/server/platform';
import {
	failFor,
	guardClass,
	guardPupil,
	plural,
	refusal,
	setFlash,
	takeFlash
} from '../routes.server';
import type { ImportProblemView, ImportState, ReviewRow } from './import';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { staff, classId } = await guardClass(event);
	const cls = (await getClass(classId))!;
	const showArchived = event.url.searchParams.get('archived') === '1';
	const isLead = isSchoolLead(staff);
	return {
		cls,
		pupils: await listPupils(classId, { includeArchived: showArchived }),
		archivedCount: await countArchivedPupils(classId),
		recordsDeleted: await recordsDeletedInClass(classId),
		signInPause: await getSignInPause(classId),
		nextLesson: cls.archived ? null : await nextLessonFor(classId),
		showArchived,
		isLead,
		schoolTeachers: isLead
			? (await listTeachersOfSchool(cls.schoolId)).map((t) => ({
					id: t.id,
					displayName: t.displayName
				}))
			: [],
		flash: takeFlash(event)
	};
};

const actor = (access: { staff: { id: number; schoolId: number | null } }) => ({
	id: access.staff.id,
	schoolId: access.staff.schoolId
});

function importFix(
	message: string,
	problems: ImportProblemView[],
	text: string,
	fields: Record<string, string> = {}
) {
	return fail(400, {
		action: 'import',
		step: 'fix',
		message,
		problems,
		text,
		fields
	} satisfies ImportState);
}

/** Reads the pasted names or the uploaded file (not both). */
async function readImport(
	form: FormData
): Promise<{ result: ImportResult; text: string } | { missing: string }> {
	const text = String(form.get('names') ?? '');
	const file = form.get('file');
	const hasFile = file instanceof File && file.size > 0;
	if (hasFile && text.trim() !== '') return { missing: 'Paste names or choose a file, not both.' };
	if (!hasFile && text.trim() === '') return { missing: 'Paste the names, or choose a CSV file.' };
	if (!hasFile) return { result: parsePastedNames(text), text };
	// Refused before reading, so a huge upload costs nothing more.
	if (file.size > MAX_IMPORT_BYTES) return { result: { rows: [], problems: [tooBig()] }, text: '' };
	return { result: parsePupilCsv(new Uint8Array(await file.arrayBuffer())), text: '' };
}

/** The review list as the teacher edited it: parallel fields, one set a row. */
function readReview(form: FormData): { names: PupilName[]; rows: ReviewRow[] } {
	const firsts = form.getAll('first').map(String);
	const initials = form.getAll('initial').map(String);
	if (firsts.length !== initials.length || firsts.length > MAX_NAMES_PER_IMPORT) {
		error(400, 'The list of names was not complete. Please start again.');
	}
	const left = new Set(form.getAll('leave').map(String));
	const rows: ReviewRow[] = [];
	const names: PupilName[] = [];
	firsts.forEach((first, index) => {
		if (left.has(String(index))) return;
		const result = normaliseName(`${first} ${initials[index]}`);
		if (result.ok) {
			names.push({ firstName: result.firstName, lastInitial: result.lastInitial });
			rows.push({
				firstName: result.firstName,
				lastInitial: result.lastInitial,
				clash: null,
				problem: null
			});
		} else {
			rows.push({
				firstName: first.trim(),
				lastInitial: initials[index].trim(),
				clash: null,
				problem: result.message
			});
		}
	});
	return { names, rows };
}

/** Marks clashes on the rows whose names are valid; returns whether the list can be saved. */
async function checkReview(classId: number, rows: ReviewRow[], names: PupilName[]) {
	const preview = await previewPupilImport(classId, names);
	let next = 0;
	const checked = rows.map((row) =>
		row.problem ? row : { ...row, clash: preview.rows[next++].clash }
	);
	const clean = rows.length > 0 && checked.every((r) => !r.problem && !r.clash);
	return { rows: checked, clean };
}

function reviewMessage(rows: ReviewRow[], clean: boolean): string | null {
	if (rows.length === 0) return 'Every name has been left out. Start again to add pupils.';
	if (clean) return null;
	const count = rows.filter((r) => r.problem || r.clash).length;
	return `${plural(count, 'name')} need${count === 1 ? 's' : ''} changing before anything can be added. Change a last initial, or tick "Leave out".`;
}

const ClassName = z.object({
	name: z
		.string()
		.trim()
		.min(1, 'Give the class a name.')
		.max(MAX_CLASS_NAME_LENGTH, `A class name can be at most ${MAX_CLASS_NAME_LENGTH} characters.`)
});

export const actions: Actions = {
	/** Step 1: read the names and show them for review. Nothing is saved. */
	preview: async (event) => {
		const { classId } = await guardClass(event, { active: true });
		const read = await readImport(await event.request.formData());
		if ('missing' in read) return importFix(read.missing, [], '', { names: read.missing });
		const { result, text } = read;
		if (result.problems.length > 0) {
			return importFix(
				`Nothing has been added. Fix ${result.problems.length === 1 ? 'this' : 'these'} and check again:`,
				result.problems,
				text
			);
		}
		const rows = result.rows.map((r): ReviewRow => ({ ...r, clash: null, problem: null }));
		const review = await checkReview(classId, rows, result.rows);
		return {
			action: 'import',
			step: 'review',
			message: reviewMessage(review.rows, review.clean),
			...review
		} satisfies ImportState;
	},

	/** Step 2, again: the teacher changed initials or left names out. Nothing is saved. */
	review: async (event) => {
		const { classId } = await guardClass(event, { active: true });
		const { rows, names } = readReview(await event.request.formData());
		const review = await checkReview(classId, rows, names);
		const state = {
			action: 'import',
			step: 'review',
			message: reviewMessage(review.rows, review.clean),
			...review
		} satisfies ImportState;
		return review.clean ? state : fail(400, state);
	},

	/** Step 3: save the list, only when every name is fine and none repeats another. */
	add: async (event) => {
		const access = await guardClass(event, { active: true });
		const { rows, names } = readReview(await event.request.formData());
		const review = await checkReview(access.classId, rows, names);
		if (!review.clean) {
			return fail(400, {
				action: 'import',
				step: 'review',
				message: reviewMessage(review.rows, review.clean),
				...review
			} satisfies ImportState);
		}
		try {
			await addPupils(access.classId, names, actor(access));
		} catch (caught) {
			return refusal('import', caught);
		}
		setFlash(
			event,
			`${plural(names.length, 'pupil')} added, each with their own three pictures. Print their login cards when you are ready.`
		);
		redirect(303, `/classes/${access.classId}`);
	},

	unlock: async (event) => {
		const form = await event.request.formData();
		const access = await guardPupil(event, String(form.get('pupilId') ?? ''));
		await unlockPupil(access.pupilId, actor(access));
		setFlash(event, 'Unlocked: the pupil can try their pictures again now.');
		redirect(303, `/classes/${access.classId}`);
	},

	liftSignInPause: async (event) => {
		const access = await guardClass(event);
		await liftSignInPause(access.classId, actor(access), clientAddress(event));
		setFlash(event, 'Pupils can try their pictures again now, without waiting.');
		redirect(303, `/classes/${access.classId}`);
	},

	regenerateCode: async (event) => {
		const access = await guardClass(event, { active: true });
		const code = await regenerateClassCode(access.classId, actor(access));
		setFlash(event, `The new class code is ${code}. The old code no longer works.`);
		redirect(303, `/classes/${access.classId}`);
	},

	signOut: async (event) => {
		const access = await guardClass(event);
		const ended = await signClassOut(access.classId, actor(access));
		setFlash(
			event,
			ended === 0
				? 'No pupil of this class was signed in.'
				: `Signed the class out: ${plural(ended, 'sign-in')} ended.`
		);
		redirect(303, `/classes/${access.classId}`);
	},

	rename: async (event) => {
		const access = await guardClass(event, { active: true });
		const parsed = parseForm(ClassName, await event.request.formData(), ['name']);
		if (!parsed.ok) {
			const { fields, values } = parsed.failure.data;
			return failFor('rename', fields.name ?? 'Please check the class name.', fields, values);
		}
		try {
			await renameClass(access.classId, parsed.data.name, actor(access));
		} catch (caught) {
			return refusal('rename', caught, { name: parsed.data.name });
		}
		setFlash(event, `The class is now called ${parsed.data.name}.`);
		redirect(303, `/classes/${access.classId}`);
	},

	teachers: async (event) => {
		const access = await guardClass(event, { active: true });
		if (!isSchoolLead(access.staff))
			error(403, 'Only your school lead can change who teaches a class.');
		const ids = (await event.request.formData())
			.getAll('teacherIds')
			.map(Number)
			.filter((id) => Number.isSafeInteger(id) && id > 0);
		try {
			await setClassTeachers(access.classId, ids, actor(access));
		} catch (caught) {
			return refusal('teachers', caught);
		}
		setFlash(event, 'The class’s teachers are saved.');
		redirect(303, `/classes/${access.classId}`);
	},

	archive: async (event) => {
		const access = await guardClass(event, { active: true });
		await archiveClass(access.classId, actor(access));
		setFlash(event, 'The class is archived and its pupils are signed out.');
		redirect(303, `/classes/${access.classId}`);
	},

	restore: async (event) => {
		const access = await guardClass(event);
		await restoreClass(access.classId, actor(access));
		setFlash(event, 'The class is back in use.');
		redirect(303, `/classes/${access.classId}`);
	}
};
