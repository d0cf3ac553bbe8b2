import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { clearSessionCookie, setSessionCookie } from '../../auth/plugin.ts';
import type { Services } from '../../services.ts';
import {
	adminUserOutput,
	changePasswordInput,
	listUsersQuery,
	loginInput,
	meOutput,
	memberOutput,
	okOutput,
	sessionOutput,
	setRoleInput,
	signupInput,
	updateProfileInput,
	userIdParams
} from './accounts.schema.ts';
import type { RequestMeta } from './accounts.service.ts';
import { errorResponses } from '../../lib/openapi.ts';

export const requestMeta = (request: FastifyRequest): RequestMeta => ({
	ip: request.ip,
	userAgent: request.headers['user-agent'] ?? ''
});

/** Thin transport: schema → service(auth, input) → status code. */
export function accountsRoutes(services: Services) {
	const { accounts } = services;
	const config = services.config;

	return async function routes(fastify: FastifyInstance) {
		const app = fastify.withTypeProvider<ZodTypeProvider>();

		app.post('/accounts', {
			schema: {
				operationId: 'accounts.signup',
				tags: ['accounts'],
				summary: 'Create an account and open a session',
				body: signupInput,
				response: { 201: meOutput, ...errorResponses(400, 409, 429) }
			},
			handler: async (request, reply) => {
				const { me, session } = await accounts.signup(request.body, requestMeta(request));
				setSessionCookie(reply, config, session);
				return reply.status(201).send(me);
			}
		});

		app.post('/sessions', {
			schema: {
				operationId: 'accounts.login',
				tags: ['accounts'],
				summary: 'Log in: sets the session cookie shared with the web pages',
				body: loginInput,
				response: { 200: meOutput, ...errorResponses(400, 401, 403, 429) }
			},
			handler: async (request, reply) => {
				const { me, session } = await accounts.login(request.body, requestMeta(request));
				setSessionCookie(reply, config, session);
				return me;
			}
		});

		app.delete('/sessions/current', {
			schema: {
				operationId: 'accounts.logout',
				tags: ['accounts'],
				summary: 'Log out of this session',
				response: { 200: okOutput }
			},
			handler: async (request, reply) => {
				await accounts.logout(request.auth);
				clearSessionCookie(reply, config);
				return { ok: true as const };
			}
		});

		app.delete('/sessions', {
			schema: {
				operationId: 'accounts.logoutEverywhere',
				tags: ['accounts'],
				summary: 'Log out of every device',
				response: { 200: okOutput, ...errorResponses(401) }
			},
			handler: async (request, reply) => {
				await accounts.logoutEverywhere(request.auth);
				clearSessionCookie(reply, config);
				return { ok: true as const };
			}
		});

		app.get('/sessions', {
			schema: {
				operationId: 'accounts.listSessions',
				tags: ['accounts'],
				summary: 'Open sessions of the current user',
				response: { 200: z.object({ items: z.array(sessionOutput) }), ...errorResponses(401) }
			},
			handler: async (request) => ({ items: await accounts.listSessions(request.auth) })
		});

		app.get('/me', {
			schema: {
				operationId: 'accounts.me',
				tags: ['accounts'],
				summary: 'The current user',
				response: { 200: meOutput, ...errorResponses(401) }
			},
			handler: (request) => accounts.me(request.auth)
		});

		app.patch('/me', {
			schema: {
				operationId: 'accounts.updateProfile',
				tags: ['accounts'],
				summary: 'Edit the current user’s profile',
				body: updateProfileInput,
				response: { 200: meOutput, ...errorResponses(400, 401) }
			},
			handler: (request) => accounts.updateProfile(request.auth, request.body)
		});

		app.put('/me/password', {
			schema: {
				operationId: 'accounts.changePassword',
				tags: ['accounts'],
				summary: 'Change password: ends every other session, renews this one',
				body: changePasswordInput,
				response: { 200: okOutput, ...errorResponses(400, 401, 429) }
			},
			handler: async (request, reply) => {
				const session = await accounts.changePassword(request.auth, request.body, requestMeta(request));
				setSessionCookie(reply, config, session);
				return { ok: true as const };
			}
		});

		app.get('/members/:id', {
			schema: {
				operationId: 'accounts.getMember',
				tags: ['accounts'],
				summary: 'A member’s public profile',
				params: userIdParams,
				response: { 200: memberOutput, ...errorResponses(404) }
			},
			handler: (request) => accounts.member(request.auth, request.params.id)
		});

		app.get('/admin/users', {
			schema: {
				operationId: 'admin.listUsers',
				tags: ['admin'],
				summary: 'Accounts, by e-mail, 50 a page',
				querystring: listUsersQuery,
				response: {
					200: z.object({ items: z.array(adminUserOutput), next: z.string().nullable() }),
					...errorResponses(401, 403)
				}
			},
			handler: (request) => accounts.listMembers(request.auth, request.query)
		});

		app.put('/admin/users/:id/role', {
			schema: {
				operationId: 'admin.setRole',
				tags: ['admin'],
				summary: 'Change a user’s role (ends their sessions)',
				params: userIdParams,
				body: setRoleInput,
				response: { 200: adminUserOutput, ...errorResponses(400, 401, 403, 404, 409) }
			},
			handler: (request) => accounts.setRole(request.auth, request.params.id, request.body.role)
		});
	};
}
