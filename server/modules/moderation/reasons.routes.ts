import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestLocale } from '../../lib/error-handler.ts';
import { errorResponses } from '../../lib/openapi.ts';
import type { Services } from '../../services.ts';
import { createReasonInput, listReasonsQuery, reasonOutput, reasonParams, updateReasonInput } from './reasons.schema.ts';

export function reasonsRoutes({ reasons }: Services) {
	return async function routes(fastify: FastifyInstance) {
		const app = fastify.withTypeProvider<ZodTypeProvider>();
		const tags = ['moderation'];

		app.get('/moderation/reasons', {
			schema: {
				operationId: 'moderation.reasons',
				tags,
				summary: 'Ready-made reasons, in order, labelled in the caller’s language (signed-in members)',
				querystring: listReasonsQuery,
				response: { 200: z.object({ items: z.array(reasonOutput) }), ...errorResponses(401, 403) }
			},
			handler: async (request) => ({
				items: await reasons.list(request.auth, requestLocale(request), { all: request.query.all === '1' })
			})
		});

		app.post('/moderation/reasons', {
			schema: {
				operationId: 'moderation.addReason',
				tags,
				summary: 'Add a reason (admins)',
				body: createReasonInput,
				response: { 201: reasonOutput, ...errorResponses(400, 401, 403, 409) }
			},
			handler: async (request, reply) => reply.status(201).send(await reasons.create(request.auth, request.body))
		});

		app.patch('/moderation/reasons/:id', {
			schema: {
				operationId: 'moderation.updateReason',
				tags,
				summary: 'Change labels or position, deactivate or reactivate a reason (admins)',
				params: reasonParams,
				body: updateReasonInput,
				response: { 200: reasonOutput, ...errorResponses(400, 401, 403, 404) }
			},
			handler: (request) => reasons.update(request.auth, request.params.id, request.body)
		});
	};
}
