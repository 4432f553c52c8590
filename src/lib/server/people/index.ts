// people: the borough's schools, staff accounts, classes and pupils, pupils' names, the
// council's first coordinator and closing a school year.
export {
	archiveClass,
	createClass,
	MAX_CLASS_NAME_LENGTH,
	regenerateClassCode,
	renameClass,
	restoreClass,
	setClassTeachers,
	signClassOut,
	YEAR_GROUPS
} from './classes';
export {
	getClass,
	listClassesForStaff,
	listClassesOfSchool,
	listTeachersOfSchool
} from './class-lists';
export {
	displayName,
	type ImportResult,
	MAX_IMPORT_BYTES,
	MAX_NAMES_PER_IMPORT,
	normaliseName,
	parsePastedNames,
	parsePupilCsv,
	type PupilName,
	tooBig
} from './pupil-names';
export { addPupils, previewPupilImport } from './pupil-import';
export {
	archivePupil,
	countArchivedPupils,
	getPupil,
	issueClassLoginCards,
	listPupils,
	movePupilToClass,
	regeneratePicturePassword,
	renamePupil,
	restorePupil,
	unlockPupil
} from './pupils';
export {
	closeAcademicYear,
	schoolYearReminder,
	type YearReminder,
	yearsToClose
} from './school-year';
export {
	createSchool,
	getBoroughSettings,
	getSchool,
	listSchools,
	updateBoroughSettings
} from './schools';
export { changeRole, getStaffUser, listStaff, setDisabled, setSafeguardingRole } from './staff';
export {
	acceptInvitation,
	createInvitation,
	findOpenInvitation,
	INVITATION_DAYS,
	invitationSchool,
	listPendingInvitations,
	revokeInvitation
} from './staff-invitations';
export {
	changePassword,
	createPasswordReset,
	findOpenReset,
	RESET_HOURS,
	resetPassword
} from './staff-passwords';
export { signIn } from './staff-sign-in';
