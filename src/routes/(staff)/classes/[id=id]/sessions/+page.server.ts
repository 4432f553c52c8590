// A class's lessons so far: live and self-paced sessions, newest first.
import { getClass } from '$lib/server/people';
import { classSessionRows } from '$lib/server/screens';
import { guardClass } from '../../routes.server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { classId } = await guardClass(event);
	const cls = (await getClass(classId))!;
	return {
		cls: { id: cls.id, name: cls.name, archived: cls.archived },
		sessions: await classSessionRows(classId)
	};
};
