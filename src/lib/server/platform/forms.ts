// Small helpers for form actions: read FormData through a zod schema and turn its
// issues into messages per field, the way every form in Think Safe reports them. (A
// refusal from the domain becomes the same failure through refusal.ts.)
import { fail, type ActionFailure } from '@sveltejs/kit';
import type { z } from 'zod';

export interface FormFailure {
	message: string;
	fields: Record<string, string>;
	values?: Record<string, string>;
}

export function formValues(form: FormData): Record<string, string> {
	const values: Record<string, string> = {};
	for (const [key, value] of form.entries()) {
		if (typeof value === 'string') values[key] = value;
	}
	return values;
}

export type Parsed<T> = { ok: true; data: T } | { ok: false; failure: ActionFailure<FormFailure> };

export function parseForm<S extends z.ZodType>(
	schema: S,
	form: FormData,
	keep: string[] = []
): Parsed<z.infer<S>> {
	const values = formValues(form);
	const result = schema.safeParse(values);
	if (result.success) return { ok: true, data: result.data };
	const fields: Record<string, string> = {};
	for (const issue of result.error.issues) {
		const key = String(issue.path[0] ?? 'form');
		fields[key] ??= issue.message;
	}
	const kept = Object.fromEntries(keep.map((k) => [k, values[k] ?? '']));
	return {
		ok: false,
		failure: failWith('Please check the highlighted fields.', fields, 400, kept)
	};
}

export function failWith(
	message: string,
	fields: Record<string, string> = {},
	status = 400,
	values?: Record<string, string>
): ActionFailure<FormFailure> {
	const body: FormFailure = { message, fields, values };
	return fail(status, body);
}

/** The client's address for rate limits and the audit log. */
export function clientAddress(event: { getClientAddress(): string }): string | null {
	try {
		return event.getClientAddress();
	} catch {
		return null;
	}
}
