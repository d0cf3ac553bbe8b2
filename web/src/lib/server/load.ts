import { error } from '@sveltejs/kit';
import type { Locale } from '$db/schema/values';
import { isAppError } from '$server/lib/errors';
import { translate } from '$server/lib/i18n';

/**
 * Runs a load's service call and turns the domain's typed errors into SvelteKit's HTTP
 * errors (404 for a missing or unreadable space, thread or post), so the error page shows
 * the right status and not a 500. Anything else propagates to handleError.
 */
export async function orHttpError<T>(locale: Locale, call: () => Promise<T>): Promise<T> {
	try {
		return await call();
	} catch (caught) {
		if (!isAppError(caught)) throw caught;
		error(caught.status, { message: translate(caught.messageKey, locale), code: caught.code });
	}
}
