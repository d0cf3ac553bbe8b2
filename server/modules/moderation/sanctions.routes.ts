import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../../lib/openapi.ts';
import type { Services } from '../../services.ts';
import {
	sanctionStatusOutput,
	sanctionsPanelOutput,
	sanctionUserParams,
	suspendInput,
	unsuspendInput,
	warningOutput,
	warningParams,
	warnInput
} from './sanctions.schema.ts';

/** Thin transport: schema → service(auth, input) → status code. */
export function sanctionsRoutes({ sanctions }: Services) {
	return async function routes(fastify: FastifyInstance) {
		const app = fastify.withTypeProvider<ZodTypeProvider>();
		const tags = ['moderation'];

		app.get('/moderation/users/:id/sanctions', {
			schema: {
				operationId: 'moderation.sanctions',
				tags,
				summary: 'A member’s standing, past suspensions and warnings (admins, site moderators)',
				params: sanctionUserParams,
				response: { 200: sanctionsPanelOutput, ...errorResponses(401, 403, 404) }
			},
			handler: (request) => sanctions.panel(request.auth, request.params.id)
		});

		app.post('/moderation/users/:id/suspend', {
			schema: {
				operationId: 'moderation.suspend',
				tags,
				summary: 'Suspend a member until a date, for a duration or indefinitely: ends their sessions and sockets',
				params: sanctionUserParams,
				body: suspendInput,
				response: { 200: sanctionStatusOutput, ...errorResponses(400, 401, 403, 404, 409) }
			},
			handler: (request) => sanctions.suspend(request.auth, request.params.id, request.body)
		});

		app.post('/moderation/users/:id/unsuspend', {
			schema: {
				operationId: 'moderation.unsuspend',
				tags,
				summary: 'End a suspension early',
				params: sanctionUserParams,
				// No body at all is fine: Fastify then passes null.
				body: unsuspendInput.nullish(),
				response: { 200: sanctionStatusOutput, ...errorResponses(400, 401, 403, 404, 409) }
			},
			handler: (request) => sanctions.unsuspend(request.auth, request.params.id, request.body ?? {})
		});

		app.post('/moderation/users/:id/warn', {
			schema: {
				operationId: 'moderation.warn',
				tags,
				summary: 'Send a member a private warning they must acknowledge',
				params: sanctionUserParams,
				body: warnInput,
				response: { 201: warningOutput, ...errorResponses(400, 401, 403, 404, 409) }
			},
			handler: async (request, reply) =>
				reply.status(201).send(await sanctions.warn(request.auth, request.params.id, request.body))
		});

		app.get('/me/warnings', {
			schema: {
				operationId: 'moderation.myWarnings',
				tags,
				summary: 'The current user’s warnings, newest first',
				response: { 200: z.object({ items: z.array(warningOutput) }), ...errorResponses(401) }
			},
			handler: async (request) => ({ items: await sanctions.myWarnings(request.auth) })
		});

		app.post('/me/warnings/:id/acknowledge', {
			schema: {
				operationId: 'moderation.acknowledgeWarning',
				tags,
				summary: 'Acknowledge one of one’s own warnings',
				params: warningParams,
				response: {
					200: z.object({ id: z.uuid(), acknowledgedAt: z.iso.datetime() }),
					...errorResponses(401, 404)
				}
			},
			handler: (request) => sanctions.acknowledgeWarning(request.auth, request.params.id)
		});
	};
}
