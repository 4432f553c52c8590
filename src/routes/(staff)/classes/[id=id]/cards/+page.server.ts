// Printable login cards. Printing issues new card tokens and so ends the old cards,
// which is why it is a POST action and not something a GET (or a prefetch) can do.
// The tokens exist only in this one response: nothing stores or shows them again.
import QRCode from 'qrcode';
import { getClass, issueClassLoginCards, listPupils } from '$lib/server/people';
import { recordsDeletedInClass } from '$lib/server/records';
import { guardClass, refusal } from '../../routes.server';
import type { Actions, PageServerLoad } from './$types';

interface LoginCard {
	pupilId: number;
	name: string;
	pictures: number[];
	/** The QR code as SVG markup, made here from our own URL: safe to insert as HTML. */
	qrSvg: string;
}

export const load: PageServerLoad = async (event) => {
	const { classId } = await guardClass(event);
	const cls = (await getClass(classId))!;
	const pupils = await listPupils(classId);
	return {
		cls: { id: cls.id, name: cls.name, code: cls.code, archived: cls.archived },
		// For pupils without a camera: the address to type, printed on each card.
		joinAddress: `${event.url.host}/join`,
		pupils: pupils.map((p) => ({ id: p.id, name: p.name, pictures: p.pictures })),
		recordsDeleted: pupils.length === 0 ? await recordsDeletedInClass(classId) : null
	};
};

async function qrSvg(url: string): Promise<string> {
	const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
	// The card names the code in words; the drawing itself is decoration for a screen reader.
	return svg.replace('<svg ', '<svg aria-hidden="true" focusable="false" ');
}

export const actions: Actions = {
	issue: async (event) => {
		const { staff, classId } = await guardClass(event, { active: true });
		let tokens: Map<number, string>;
		try {
			tokens = await issueClassLoginCards(classId, { id: staff.id, schoolId: staff.schoolId });
		} catch (caught) {
			return refusal('issue', caught);
		}
		const pupils = await listPupils(classId);
		const cards: LoginCard[] = [];
		for (const pupil of pupils) {
			const token = tokens.get(pupil.id);
			// A pupil added a moment ago, after the tokens were made, gets a card next time.
			if (!token) continue;
			cards.push({
				pupilId: pupil.id,
				name: pupil.name,
				pictures: pupil.pictures,
				qrSvg: await qrSvg(`${event.url.origin}/card/${token}`)
			});
		}
		return { action: 'issue', cards, printedAt: new Date().toISOString() };
	}
};
