// A pupil's request for help: the choices and their words, shared by the pupil's form
// (browser) and the server's checks, so the two can never disagree. Words are for a
// ten-year-old reader: short, plain, never alarming.

export const HELP_ABOUT = [
	{ key: 'me', label: 'Me' },
	{ key: 'friend', label: 'A friend' },
	{ key: 'rather-not-say', label: "I'd rather not say" }
] as const;

export const HELP_TOPICS = [
	{ key: 'someone-online', label: 'Someone online' },
	{ key: 'something-i-saw', label: 'Something I saw' },
	{ key: 'unkind-messages', label: 'Unkind messages' },
	{ key: 'photo-or-video', label: 'A photo or video' },
	{ key: 'something-else', label: 'Something else' }
] as const;

export const HELP_URGENCY = [
	{ key: 'today', label: 'Today, please' },
	{ key: 'soon', label: 'Soon is fine' }
] as const;

export const HELP_TALK_TO = [
	{ key: 'teacher', label: 'My teacher' },
	{ key: 'other-adult', label: 'Another adult at school' },
	{ key: 'anyone', label: "I don't mind" }
] as const;

/** Long enough for a few sentences; short enough that nobody feels they must write a lot. */
export const HELP_MESSAGE_MAX = 600;

export type HelpAboutKey = (typeof HELP_ABOUT)[number]['key'];
export type HelpTopicKey = (typeof HELP_TOPICS)[number]['key'];
export type HelpUrgencyKey = (typeof HELP_URGENCY)[number]['key'];
export type HelpTalkToKey = (typeof HELP_TALK_TO)[number]['key'];

/** The words for a stored key, for staff pages; an unknown key is shown as it is. */
export function helpLabel(list: readonly { key: string; label: string }[], key: string): string {
	return list.find((item) => item.key === key)?.label ?? key;
}
