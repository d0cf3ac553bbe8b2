import type { Locale } from '../../db/schema/values.ts';

/**
 * Typed errors with a stable `code`. Services throw them; one Fastify error handler and one
 * SvelteKit `handleError` map them to responses. `message` is a message-catalogue key, so
 * each transport renders it in the reader's language.
 */
export type ErrorCode =
	| 'bad_request'
	| 'validation_failed'
	| 'unauthenticated'
	| 'forbidden'
	| 'not_found'
	| 'conflict'
	| 'rate_limited'
	| 'payload_too_large'
	| 'unsupported_media_type'
	| 'foreign_origin'
	/** A watched word refused the post (server/modules/moderation/watched-words.service.ts). */
	| 'watched_word_blocked'
	| 'internal';

export type FieldErrors = Record<string, string>;

/**
 * Marks our errors across module graphs: SvelteKit bundles its own copy of this file, so
 * `instanceof` fails for errors thrown by the host's services. Check with `isAppError`.
 */
const APP_ERROR = Symbol.for('palabre.AppError');

export function isAppError(error: unknown): error is AppError {
	return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[APP_ERROR] === true;
}

export function isRateLimited(error: unknown): error is RateLimitedError {
	return isAppError(error) && error.code === 'rate_limited';
}

export class AppError extends Error {
	readonly [APP_ERROR] = true;

	constructor(
		readonly status: number,
		readonly code: ErrorCode,
		/** Catalogue key of the user-facing message (see messages/fr.json, `error_*`). */
		readonly messageKey: string,
		readonly fields?: FieldErrors
	) {
		super(messageKey);
		this.name = new.target.name;
	}

	/** Values the message needs (a date, a reason), rendered in the reader's language. */
	messageInputs(_locale: Locale): Record<string, unknown> {
		return {};
	}
}

/** 400: the input breaks a rule; `fields` maps field names to catalogue keys. */
export class ValidationError extends AppError {
	constructor(fields: FieldErrors, messageKey = 'error_validation') {
		super(400, 'validation_failed', messageKey, fields);
	}
}

export class UnauthenticatedError extends AppError {
	constructor(messageKey = 'error_unauthenticated') {
		super(401, 'unauthenticated', messageKey);
	}
}

export class ForbiddenError extends AppError {
	constructor(messageKey = 'error_forbidden') {
		super(403, 'forbidden', messageKey);
	}
}

/** Also used for "exists but you may not see it": denied reads look missing. */
export class NotFoundError extends AppError {
	constructor(messageKey = 'error_not_found') {
		super(404, 'not_found', messageKey);
	}
}

export class ConflictError extends AppError {
	constructor(messageKey: string, fields?: FieldErrors) {
		super(409, 'conflict', messageKey, fields);
	}
}

export class RateLimitedError extends AppError {
	constructor(readonly retryAfterSeconds: number) {
		super(429, 'rate_limited', 'error_rate_limited');
	}
}
