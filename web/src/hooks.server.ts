import { AsyncLocalStorage } from 'node:async_hooks';
import type { Handle, HandleServerError } from '@sveltejs/kit';
import type { Locale } from '$db/schema/values';
import { SESSION_COOKIE } from '$server/auth/auth';
import { sessionCookieOptions } from '$server/auth/plugin';
import { clearSessionCookie } from '$lib/server/session-cookie';
import { isAppError } from '$server/lib/errors';
import { translate } from '$server/lib/i18n';
import { LOCALE_COOKIE, negotiateLocale } from '$server/lib/locale';
import type { Services } from '$server/services';
import { overwriteGetLocale } from '$lib/paraglide/runtime';

/*
 * The host (server/app.ts) leaves the services on globalThis before SvelteKit loads: Kit
 * bundles its own module graph, so a shared import would build a second copy. Only the
 * Services *type* is imported here, keeping database drivers out of the web bundle.
 */
const SERVICES_KEY = Symbol.for('palabre.services');

/** Each request renders in its own locale, even when requests interleave. */
const requestLocale = new AsyncLocalStorage<Locale>();
overwriteGetLocale(() => requestLocale.getStore() ?? 'fr');

export const handle: Handle = async ({ event, resolve }) => {
	const services = (globalThis as Record<symbol, Services | undefined>)[SERVICES_KEY];
	if (!services) throw new Error('Palabre services missing: start the app with `npm start` or `npm run dev`.');
	event.locals.services = services;

	const token = event.cookies.get(SESSION_COOKIE);
	const validated = token ? await services.sessions.validate(token) : null;
	if (token && !validated) clearSessionCookie(event.cookies, services.config.cookieSecure);
	if (token && validated?.refreshedCookieExpiry) {
		event.cookies.set(SESSION_COOKIE, token, sessionCookieOptions(services.config, validated.refreshedCookieExpiry));
	}
	event.locals.auth = validated?.auth ?? null;

	const locale = negotiateLocale({
		userLocale: event.locals.auth?.user.locale,
		cookie: event.cookies.get(LOCALE_COOKIE),
		acceptLanguage: event.request.headers.get('accept-language')
	});
	event.locals.locale = locale;

	const response = await requestLocale.run(locale, () =>
		resolve(event, { transformPageChunk: ({ html }) => html.replace('%lang%', locale) })
	);
	// Pages depend on the session (header, forms): never let a shared cache keep them.
	if (token) response.headers.set('cache-control', 'private, no-store');
	response.headers.set('vary', 'Cookie, Accept-Language');
	return response;
};

export const handleError: HandleServerError = ({ error, event, status }) => {
	const locale = event.locals.locale ?? 'fr';
	if (isAppError(error)) return { message: translate(error.messageKey, locale), code: error.code };
	if (status === 404) return { message: translate('error_not_found', locale), code: 'not_found' };
	console.error(error);
	return { message: translate('error_internal', locale), code: 'internal' };
};
