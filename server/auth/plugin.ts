import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Config } from '../config.ts';
import { SESSION_COOKIE, type Auth } from './auth.ts';
import type { IssuedSession, SessionService } from './sessions.ts';

declare module 'fastify' {
	interface FastifyRequest {
		auth: Auth;
	}
}

export interface SessionCookieOptions {
	httpOnly: true;
	sameSite: 'lax';
	secure: boolean;
	path: '/';
	expires: Date;
}

export function sessionCookieOptions(config: Pick<Config, 'cookieSecure'>, expires: Date): SessionCookieOptions {
	return { httpOnly: true, sameSite: 'lax', secure: config.cookieSecure, path: '/', expires };
}

export function setSessionCookie(reply: FastifyReply, config: Config, session: IssuedSession) {
	reply.setCookie(SESSION_COOKIE, session.token, sessionCookieOptions(config, session.cookieExpiresAt));
}

export function clearSessionCookie(reply: FastifyReply, config: Config) {
	reply.setCookie(SESSION_COOKIE, '', sessionCookieOptions(config, new Date(0)));
}

/**
 * Resolves `request.auth` from the session cookie for the routes registered in this scope
 * (the API). SvelteKit pages do the same in their own hook, with the same SessionService.
 */
export function registerAuth(app: FastifyInstance, sessions: SessionService, config: Config) {
	app.addHook('onRequest', async (request, reply) => {
		const token = request.cookies[SESSION_COOKIE];
		if (!token) return;
		const validated = await sessions.validate(token);
		if (!validated) {
			clearSessionCookie(reply, config);
			return;
		}
		request.auth = validated.auth;
		if (validated.refreshedCookieExpiry) {
			reply.setCookie(SESSION_COOKIE, token, sessionCookieOptions(config, validated.refreshedCookieExpiry));
		}
	});
}
