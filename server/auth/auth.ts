import { UnauthenticatedError } from '../lib/errors.ts';
import type { Locale, Role } from '../../db/schema/values.ts';

/** The caller, as every service method receives it. `null` = anonymous visitor. */
export interface AuthUser {
	id: string;
	email: string;
	displayName: string;
	role: Role;
	locale: Locale;
}

export interface AuthSession {
	id: string;
	expiresAt: Date;
}

export type Auth = { user: AuthUser; session: AuthSession } | null;

/** The signed-in caller, or UnauthenticatedError (401). */
export function requireUser(auth: Auth): NonNullable<Auth> {
	if (!auth) throw new UnauthenticatedError();
	return auth;
}

/** Cookie shared by browsers, API clients and the socket handshake. */
export const SESSION_COOKIE = 'palabre_session';
