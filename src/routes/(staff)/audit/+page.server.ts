import { error } from '@sveltejs/kit';
import { auditScope, requireCoordinatorOrLead } from '$lib/server/access';
import { listAuditEvents } from '$lib/server/platform';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireCoordinatorOrLead(event);
	const scope = auditScope(user);
	if (scope === false) error(403, 'Your account cannot open the audit log.');
	const before = Number(event.url.searchParams.get('before')) || undefined;
	const events = await listAuditEvents({ schoolId: scope, before, limit: 100 });
	return {
		events: events.map((e) => ({
			id: e.id,
			at: e.at,
			action: e.action,
			actor:
				e.actorName ??
				(e.actorType === 'anonymous'
					? 'Someone not signed in'
					: e.actorType === 'pupil'
						? 'A pupil'
						: // A staff account deleted under the retention periods keeps its number here.
							e.actorType === 'staff'
							? `A deleted account (staff #${e.actorId})`
							: 'Think Safe'),
			school: e.schoolName,
			// Pupils are never named or numbered in the log's view: "a pupil" is enough.
			target:
				e.targetType === 'pupil'
					? 'a pupil'
					: e.targetType === 'staff'
						? `staff #${e.targetId}`
						: e.targetType === 'academic_year'
							? `academic year ${e.targetId}`
							: (e.targetType ?? ''),
			email: typeof e.detail?.email === 'string' ? e.detail.email : null,
			ip: e.ip
		})),
		nextBefore: events.length === 100 ? events[events.length - 1].id : null
	};
};
