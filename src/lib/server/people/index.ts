// people: the borough's schools, staff accounts, classes and pupils, pupils' names, the
// council's first coordinator and closing a school year.
export {
	archiveClass,
	createClass,
	getClass,
	listClassesForStaff,
	listClassesOfSchool,
	listTeachersOfSchool,
	MAX_CLASS_NAME_LENGTH,
	regenerateClassCode,
	renameClass,
	restoreClass,
	setClassTeachers,
	signClassOut,
	YEAR_GROUPS
} from './classes';
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
export {
	addPupils,
	archivePupil,
	countArchivedPupils,
	getPupil,
	issueClassLoginCards,
	listPupils,
	movePupilToClass,
	previewPupilImport,
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
export {
	acceptInvitation,
	changePassword,
	changeRole,
	createInvitation,
	createPasswordReset,
	findOpenInvitation,
	findOpenReset,
	getStaffUser,
	INVITATION_DAYS,
	invitationSchool,
	listPendingInvitations,
	listStaff,
	RESET_HOURS,
	resetPassword,
	revokeInvitation,
	setDisabled,
	setSafeguardingRole,
	signIn
} from './staff';
