// One way for the domain to say no, and one way for routes to answer it.
//
// The convention: a domain module that refuses a request (a rule of the data, not a fault)
// throws `Refused` with a message the person can act on, optionally the form field it is
// about and an HTTP status (400 unless said otherwise). It never returns `{ ok: false }`
// for a refusal and never calls SvelteKit's `error()` itself: access.ts alone answers 404s.
// Routes turn a Refused into a response here, and only here:
//   - a form action: `orRefusal(() => task(), values)` then `if (wasRefused(r)) return r;`,
//     or in a catch block `return refusalFailure(caught, values)`;
//   - a load or an endpoint: `refusalError(caught)`;
//   - a JSON endpoint whose client reads `{ ok: false, message }` (the answer queue, the help
//     outbox): `return refusalJson(caught)`.
// Anything that is not a Refused is a real fault, thrown on to the error page and the log.
// (Typed outcomes that are not refusals stay results: a picture password that is wrong or
// locked, a name that needs changing in an import, a parsed lesson file.)
import { error, isActionFailure, json, type ActionFailure } from '@sveltejs/kit';
import { failWith, type FormFailure } from './forms';

export type RefusalStatus = 400 | 403 | 404 | 409 | 429;

/** A request the rules refuse, with a message a person can act on (and the field it is about). */
export class Refused extends Error {
	override name = 'Refused';
	constructor(
		message: string,
		readonly field?: string,
		readonly status: RefusalStatus = 400
	) {
		super(message);
	}

	/** The form's message per field: the one field this refusal is about, if any. */
	get fields(): Record<string, string> {
		return this.field ? { [this.field]: this.message } : {};
	}
}

/** The refusal in `caught`, or `caught` thrown on when it is a real fault. */
export function refusalOf(caught: unknown): Refused {
	if (caught instanceof Refused) return caught;
	throw caught;
}

/** A Refused as the form's failure (with what was typed, when given); anything else rethrown. */
export function refusalFailure(
	caught: unknown,
	values?: Record<string, string>
): ActionFailure<FormFailure> {
	const refused = refusalOf(caught);
	return failWith(refused.message, refused.fields, refused.status, values);
}

/** A Refused as an HTTP error for a load or an endpoint; anything else rethrown. */
export function refusalError(caught: unknown): never {
	const refused = refusalOf(caught);
	error(refused.status, refused.message);
}

/** A Refused as the JSON a fetch client reads, `{ ok: false, message }`, with its status. */
export function refusalJson(caught: unknown): Response {
	const refused = refusalOf(caught);
	return json({ ok: false, message: refused.message }, { status: refused.status });
}

/**
 * Runs a task the domain may refuse: a Refused comes back as the form's failure for the
 * action to return; anything else is a real error.
 */
export async function orRefusal<T>(
	task: () => Promise<T>,
	values?: Record<string, string>
): Promise<T | ActionFailure<FormFailure>> {
	try {
		return await task();
	} catch (caught) {
		return refusalFailure(caught, values);
	}
}

/** Whether orRefusal's result is the refusal (typed, unlike kit's own isActionFailure). */
export function wasRefused<T>(
	result: T | ActionFailure<FormFailure>
): result is ActionFailure<FormFailure> {
	return isActionFailure(result);
}
