// Who is asking, as every layer sees them once auth/ has signed them in: a member of staff or
// a pupil, and the sign-in they came with. Kept in platform/ (types only) so that the audit
// log and the live streams can name who did something without reaching up into auth/.
import type { Role } from './db/schema';

export interface StaffPrincipal {
	kind: 'staff';
	id: number;
	email: string;
	displayName: string;
	role: Role;
	schoolId: number | null;
	sessionId: string;
}

export interface PupilPrincipal {
	kind: 'pupil';
	id: number;
	classId: number;
	schoolId: number;
	firstName: string;
	lastInitial: string;
	sessionId: string;
}
