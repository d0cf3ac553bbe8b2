import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { Locale } from '../../db/schema/values.ts';
import { isAppError, isRateLimited, type ErrorCode, type FieldErrors } from './errors.ts';
import { translate } from './i18n.ts';
import { LOCALE_COOKIE, negotiateLocale } from './locale.ts';

export interface ErrorBody {
	error: { code: ErrorCode; message: string; fields?: Record<string, string> };
}

interface ZodLikeIssue {
	code?: string;
	message?: string;
	path?: PropertyKey[];
	keys?: string[];
	instancePath?: string;
}

/** zod issues → `{ field: catalogue key }`; our schemas already use keys as messages. */
export function issuesToFields(issues: readonly ZodLikeIssue[]): FieldErrors {
	const fields: FieldErrors = {};
	for (const issue of issues) {
		if (issue.code === 'unrecognized_keys') {
			for (const key of issue.keys ?? []) fields[[...(issue.path ?? []), key].join('.')] = 'error_field_unknown';
			continue;
		}
		const name = (issue.path ?? []).map(String).join('.') || '_';
		if (fields[name]) continue;
		// Catalogue keys: `error_*`, or a module's own `<prefix>_error_*` (`reasons_error_label`).
		fields[name] = /^(?:[a-z]+_)?error_[a-z_]+$/.test(issue.message ?? '')
			? issue.message!
			: issue.code === 'invalid_type'
				? 'error_field_type'
				: 'error_field_invalid';
	}
	return fields;
}

export function requestLocale(request: FastifyRequest): Locale {
	return negotiateLocale({
		userLocale: request.auth?.user.locale,
		cookie: request.cookies?.[LOCALE_COOKIE],
		acceptLanguage: request.headers['accept-language']
	});
}

function send(
	reply: FastifyReply,
	locale: Locale,
	status: number,
	code: ErrorCode,
	key: string,
	fields?: FieldErrors,
	inputs?: Record<string, unknown>
) {
	const body: ErrorBody = { error: { code, message: translate(key, locale, inputs) } };
	if (fields && Object.keys(fields).length > 0) {
		body.error.fields = Object.fromEntries(Object.entries(fields).map(([f, k]) => [f, translate(k, locale)]));
	}
	return reply.status(status).type('application/json; charset=utf-8').send(body);
}

const fastifyCodes: Record<string, [number, ErrorCode, string]> = {
	FST_ERR_CTP_BODY_TOO_LARGE: [413, 'payload_too_large', 'error_payload_too_large'],
	FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type', 'error_unsupported_media_type'],
	FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'bad_request', 'error_bad_request'],
	FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'bad_request', 'error_malformed_json'],
	FST_ERR_CTP_INVALID_JSON_BODY: [400, 'bad_request', 'error_malformed_json']
};

/** The one place errors become responses: same shape everywhere, never a stack trace. */
export function registerErrorHandler(app: FastifyInstance) {
	app.setErrorHandler((error: FastifyError, request, reply) => {
		const locale = requestLocale(request);
		if (isAppError(error)) {
			if (isRateLimited(error)) reply.header('Retry-After', String(error.retryAfterSeconds));
			return send(reply, locale, error.status, error.code, error.messageKey, error.fields, error.messageInputs(locale));
		}
		if (hasZodFastifySchemaValidationErrors(error)) {
			const issues = error.validation.map((v) => ({
				code: v.keyword,
				message: v.message,
				path: v.instancePath.split('/').filter(Boolean),
				keys: (v.params as { keys?: string[] }).keys
			}));
			return send(reply, locale, 400, 'validation_failed', 'error_validation', issuesToFields(issues));
		}
		const known = error.code ? fastifyCodes[error.code] : undefined;
		if (known) return send(reply, locale, ...known);
		if (error instanceof SyntaxError || (error.statusCode === 400 && /JSON/i.test(error.message))) {
			return send(reply, locale, 400, 'bad_request', 'error_malformed_json');
		}
		if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
			request.log.info({ err: error }, 'client error');
			return send(reply, locale, error.statusCode, 'bad_request', 'error_bad_request');
		}
		request.log.error({ err: error }, 'unhandled error');
		return send(reply, locale, 500, 'internal', 'error_internal');
	});

	app.setNotFoundHandler((request, reply) => send(reply, requestLocale(request), 404, 'not_found', 'error_not_found'));
}
