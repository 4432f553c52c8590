// Migrations are listed here rather than read from a folder so that they survive
// bundling into the built server. Keys sort in the order they run.
import type { Migration } from 'kysely';
import * as m001 from './001-initial';
import * as m002 from './002-staff-invitations';
import * as m003 from './003-session-audience';
import * as m004 from './004-one-live-session';
import * as m005 from './005-answer-facts-index';
import * as m006 from './006-report-changes';
import * as m009 from './009-help-requests';
import * as m010 from './010-lesson-revisions';
import * as m012 from './012-fresh-runs';
import * as m013 from './013-former-pupils';

export const migrations: Record<string, Migration> = {
	'001-initial': m001,
	'002-staff-invitations': m002,
	'003-session-audience': m003,
	'004-one-live-session': m004,
	'005-answer-facts-index': m005,
	'006-report-changes': m006,
	'009-help-requests': m009,
	'010-lesson-revisions': m010,
	'012-fresh-runs': m012,
	'013-former-pupils': m013
};
