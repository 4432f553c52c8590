import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { canMovePupilInto } from '$lib/server/access';
import {
	getClass,
	listClassesOfSchool,
	displayName,
	normaliseName,
	archivePupil,
	getPupil,
	movePupilToClass,
	regeneratePicturePassword,
	renamePupil,
	restorePupil,
	unlockPupil
} from '$lib/server/people';
import { parseForm } from '$lib/server/platform';
import { pictureName } from '$lib/pictures';
import { failFor, guardPupil, refusal, setFlash, takeFlash } from '../../../routes.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async (event) => {
	const { classId, pupilId } = await guardPupil(event, event.params.pupilId);
	const cls = (await getClass(classId))!;
	const others = (await listClassesOfSchool(cls.schoolId)).filter((c) => c.id !== classId);
	return {
		cls: { id: cls.id, name: cls.name, archived: cls.archived },
		pupil: (await getPupil(pupilId))!,
		otherClasses: others.map((c) => ({ id: c.id, name: c.name, academicYear: c.academicYear })),
		flash: takeFlash(event)
	};
};

const guard = (event: RequestEvent, options: { active?: boolean } = { active: true }) =>
	guardPupil(event, event.params.pupilId, options);

const actor = (staff: { id: number; schoolId: number | null }) => ({
	id: staff.id,
	schoolId: staff.schoolId
});

const Rename = z.object({
	firstName: z.string().trim().min(1, 'Enter the first name.').max(60, 'That is too long.'),
	lastInitial: z.string().trim().min(1, 'Enter the first letter of the last name.').max(30)
});

const Move = z.object({
	toClassId: z.coerce.number({ error: 'Choose a class.' }).int().positive('Choose a class.')
});

export const actions: Actions = {
	rename: async (event) => {
		const { staff, classId, pupilId } = await guard(event);
		const parsed = parseForm(Rename, await event.request.formData(), ['firstName', 'lastInitial']);
		if (!parsed.ok) {
			const { fields, values } = parsed.failure.data;
			return failFor('rename', 'Please check the name.', fields, values);
		}
		const values = parsed.data;
		const name = normaliseName(`${values.firstName} ${values.lastInitial}`);
		if (!name.ok) return failFor('rename', name.message, { firstName: name.message }, values);
		try {
			await renamePupil(pupilId, name, actor(staff));
		} catch (caught) {
			return refusal('rename', caught, values);
		}
		setFlash(event, `Saved: the pupil is now ${displayName(name)}`);
		redirect(303, `/classes/${classId}/pupils/${pupilId}`);
	},

	pictures: async (event) => {
		const { staff, classId, pupilId } = await guard(event);
		const pictures = await regeneratePicturePassword(pupilId, actor(staff));
		setFlash(
			event,
			`New pictures: ${pictures.map(pictureName).join(', ')}. Their old login card shows the old pictures, so print a new one.`
		);
		redirect(303, `/classes/${classId}/pupils/${pupilId}`);
	},

	move: async (event) => {
		const { staff, classId, pupilId } = await guard(event);
		const parsed = parseForm(Move, await event.request.formData());
		if (!parsed.ok) return failFor('move', 'Choose a class.', { toClassId: 'Choose a class.' });
		const { toClassId } = parsed.data;
		if (!(await canMovePupilInto(staff, toClassId))) {
			return failFor('move', 'Choose one of your school’s classes.', {
				toClassId: 'Choose one of your school’s classes.'
			});
		}
		let moved;
		try {
			moved = await movePupilToClass(pupilId, toClassId, actor(staff));
		} catch (caught) {
			return refusal('move', caught);
		}
		const target = (await getClass(toClassId))!;
		setFlash(
			event,
			`Moved to ${target.name}. ` +
				(moved.picturesChanged
					? `Their pictures were taken in ${target.name}, so they have new ones: ${moved.pictures.map(pictureName).join(', ')}.`
					: 'Their pictures stay the same.') +
				` They sign in with ${target.name}’s class code from now on.`
		);
		redirect(303, `/classes/${classId}`);
	},

	archive: async (event) => {
		const { staff, classId, pupilId } = await guard(event);
		await archivePupil(pupilId, actor(staff));
		setFlash(
			event,
			'The pupil is archived and signed out. You can restore them from the class page.'
		);
		redirect(303, `/classes/${classId}`);
	},

	restore: async (event) => {
		const { staff, classId, pupilId } = await guard(event);
		try {
			await restorePupil(pupilId, actor(staff));
		} catch (caught) {
			return refusal('restore', caught);
		}
		setFlash(event, 'The pupil is back in the class and can sign in again.');
		redirect(303, `/classes/${classId}/pupils/${pupilId}`);
	},

	unlock: async (event) => {
		const { staff, classId, pupilId } = await guard(event, {});
		await unlockPupil(pupilId, actor(staff));
		setFlash(event, 'Unlocked: the pupil can try their pictures again now.');
		redirect(303, `/classes/${classId}/pupils/${pupilId}`);
	}
};
