// Safe to tell (Step 7): pupils' requests for help, the safeguarding leads who answer
// them, email alerts, and letting the pupil's words go once the school has recorded them.
export {
	HELP_ABOUT,
	HELP_MESSAGE_MAX,
	HELP_TALK_TO,
	HELP_TOPICS,
	HELP_URGENCY
} from '../../help-request';
export { helpReadersOf } from '../access';
export { alertHelpReaders } from './alerts';
export { askForHelp, helpInputFromForm } from './ask';
export {
	HELP_COUNTS_LEGEND,
	boroughHelpCounts,
	formatAckMinutes,
	helpTermOf,
	schoolsWithoutSafeguardingLead,
	type HelpCounts,
	type HelpFigure,
	type HelpSchoolCount,
	type HelpTerm
} from './counts';
export { staffHelpBanner, type StaffHelpBanner } from './banner';
export { scheduleHelpTextRemoval } from './retention';
export { submitHelpRequest } from './requests';
export {
	isOverdue,
	listHelpRequests,
	unacknowledgedHelp,
	viewHelpRequest,
	type HelpBanner,
	type HelpNote,
	type HelpRequestDetail,
	type HelpRequestSummary
} from './lead-view';
export { NOTE_KINDS, acknowledgeHelpRequest, addHelpNote } from './chronology';
export { removeDueHelpText, removeHelpText } from './text-removal';
export { parseSchoolDay, schoolMinutesBetween, type SchoolDay } from '../platform';
