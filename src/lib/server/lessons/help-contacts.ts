// Where a child can get help, from the lessons' facts.yml, so that a changed number is
// changed in one place for every page. The fallbacks are Childline's long-standing ones.
import { getLibrary } from './';

export interface HelpContacts {
	childlinePhone: string;
	childlineWeb: string;
	/** The CEOP Safety Centre: for someone online asking for pictures or to meet. */
	ceopReport: string;
}

export function helpContacts(): HelpContacts {
	const facts = new Map(getLibrary().facts.map((f) => [f.name, f.text]));
	return {
		childlinePhone: facts.get('childline-phone') ?? '0800 1111',
		childlineWeb: facts.get('childline-web') ?? 'www.childline.org.uk',
		ceopReport: facts.get('ceop-report') ?? 'https://www.ceop.police.uk/Safety-Centre/'
	};
}
