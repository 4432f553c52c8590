// A class's lessons so far: live and self-paced sessions, newest first.
import { assertCanSeeClass, parseId } from '$lib/server/access';
import { requireStaff } from '$lib/server/auth/guards';
import { getClass } from '$lib/server/classes';
import { classSessionRows } from '$lib/server/teacher-session';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const staff = requireStaff(event, 'teacher', 'lead');
	const classId = parseId(event.params.id);
	await assertCanSeeClass(staff, classId);
	const cls = (await getClass(classId))!;
	return {
		cls: { id: cls.id, name: cls.name, archived: cls.archived },
		sessions: await classSessionRows(classId)
	};
};
