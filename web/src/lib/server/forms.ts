import { fail, type ActionFailure } from '@sveltejs/kit';
import type { z } from 'zod';
import type { Locale } from '$db/schema/values';
import { issuesToFields } from '$server/lib/error-handler';
import { isAppError, isRateLimited, type FieldErrors } from '$server/lib/errors';
import { translate } from '$server/lib/i18n';

/** What a failed form action returns: errors beside the fields, and what was typed. */
export interface FormFailure {
	message: string;
	fields: Record<string, string>;
	/** Echoed back into the form; passwords are never included. */
	values: Record<string, string>;
	/** Which form of the page failed, when a page has several. */
	form?: string | undefined;
}

const SECRET_FIELDS = /password/i;

/** Text fields of a form, trimmed of nothing: the schema decides. Files are ignored. */
export function formValues(data: FormData): Record<string, string> {
	const values: Record<string, string> = {};
	for (const [key, value] of data) if (typeof value === 'string') values[key] = value;
	return values;
}

function keepable(values: Record<string, string>): Record<string, string> {
	return Object.fromEntries(Object.entries(values).filter(([k]) => !SECRET_FIELDS.test(k)));
}

function failure(
	status: number,
	locale: Locale,
	messageKey: string,
	fields: FieldErrors,
	values: Record<string, string>,
	form: string | undefined,
	inputs?: Record<string, unknown>
) {
	return fail(status, {
		form,
		message: translate(messageKey, locale, inputs),
		fields: Object.fromEntries(Object.entries(fields).map(([f, k]) => [f, translate(k, locale)])),
		values: keepable(values)
	} satisfies FormFailure);
}

/**
 * The form-action half of a transport: parse the submitted fields with the same zod schema
 * the API uses, call the service, and turn its typed errors into `fail(...)` with the
 * typed values kept. Unexpected errors propagate to `handleError`.
 */
export async function runForm<S extends z.ZodType, R>(
	event: { request: Request; locals: App.Locals; setHeaders: (h: Record<string, string>) => void },
	schema: S,
	action: (input: z.output<S>) => Promise<R>,
	options: { pick?: (values: Record<string, string>) => Record<string, unknown>; form?: string } = {}
): Promise<{ ok: true; result: R } | ActionFailure<FormFailure>> {
	const locale = event.locals.locale;
	const values = formValues(await event.request.formData());
	const input = options.pick ? options.pick(values) : values;
	const parsed = schema.safeParse(input);
	if (!parsed.success) {
		return failure(400, locale, 'form_errors_summary', issuesToFields(parsed.error.issues), values, options.form);
	}
	try {
		return { ok: true, result: await action(parsed.data) };
	} catch (error) {
		if (!isAppError(error)) throw error;
		if (isRateLimited(error)) event.setHeaders({ 'retry-after': String(error.retryAfterSeconds) });
		return failure(error.status, locale, error.messageKey, error.fields ?? {}, values, options.form, error.messageInputs(locale));
	}
}

export { safeNext } from './next';
