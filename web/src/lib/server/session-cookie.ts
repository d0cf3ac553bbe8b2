import type { Cookies } from '@sveltejs/kit';
import { SESSION_COOKIE } from '$server/auth/auth';
import { sessionCookieOptions } from '$server/auth/plugin';
import type { IssuedSession } from '$server/auth/sessions';

/** Same cookie, same attributes as the API's (server/auth/plugin.ts). */
export function setSessionCookie(cookies: Cookies, secure: boolean, session: IssuedSession) {
	cookies.set(SESSION_COOKIE, session.token, sessionCookieOptions({ cookieSecure: secure }, session.cookieExpiresAt));
}

export function clearSessionCookie(cookies: Cookies, secure: boolean) {
	cookies.set(SESSION_COOKIE, '', sessionCookieOptions({ cookieSecure: secure }, new Date(0)));
}

export function requestMeta(event: { getClientAddress: () => string; request: Request }) {
	return { ip: event.getClientAddress(), userAgent: event.request.headers.get('user-agent') ?? '' };
}
