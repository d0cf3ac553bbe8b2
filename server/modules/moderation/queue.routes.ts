import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../../lib/openapi.ts';
import type { Services } from '../../services.ts';
import { postIdParams, postOutput, threadIdParams } from '../threads/threads.schema.ts';
import { claimInput, noteInput, queueItem, queueQuery, reasonInput, reportInput, threadReportsDecision } from './queue.schema.ts';

/** The review queue, reports and post decisions: `/api/v1/moderation/…`. */
export function queueRoutes({ moderation }: Services) {
	return async function routes(fastify: FastifyInstance) {
		const app = fastify.withTypeProvider<ZodTypeProvider>();
		const tags = ['moderation'];

		app.get('/moderation/queue', {
			schema: {
				operationId: 'moderation.queue',
				tags,
				summary: 'Posts waiting for review and reported items of the spaces the caller moderates, oldest first',
				querystring: queueQuery,
				response: { 200: z.object({ items: z.array(queueItem) }), ...errorResponses(401, 403) }
			},
			handler: async (request) => ({ items: await moderation.queue(request.auth, { spaceSlug: request.query.space }) })
		});

		app.post('/moderation/claims', {
			schema: {
				operationId: 'moderation.claim',
				tags,
				summary: 'Take a queue item so that no other moderator handles it too (409 names who holds it)',
				body: claimInput,
				response: {
					200: z.object({ kind: claimInput.shape.kind, targetId: z.uuid(), moderatorId: z.uuid() }),
					...errorResponses(401, 403, 404, 409)
				}
			},
			handler: (request) => moderation.claim(request.auth, request.body.kind, request.body.targetId)
		});

		app.delete('/moderation/claims', {
			schema: {
				operationId: 'moderation.release',
				tags,
				body: claimInput,
				response: { 204: z.null(), ...errorResponses(401, 403, 404) }
			},
			handler: async (request, reply) => {
				await moderation.release(request.auth, request.body.kind, request.body.targetId);
				return reply.status(204).send(null);
			}
		});

		app.post('/moderation/posts/:id/approve', {
			schema: {
				operationId: 'moderation.approve',
				tags,
				params: postIdParams,
				response: { 200: postOutput, ...errorResponses(401, 403, 404, 409) }
			},
			handler: (request) => moderation.approve(request.auth, request.params.id)
		});

		app.post('/moderation/posts/:id/reject', {
			schema: {
				operationId: 'moderation.reject',
				tags,
				summary: 'Back to its author with a ready-made reason (+ text); the author edits and resubmits',
				params: postIdParams,
				body: reasonInput,
				response: { 200: postOutput, ...errorResponses(400, 401, 403, 404, 409) }
			},
			handler: (request) => moderation.reject(request.auth, request.params.id, request.body)
		});

		app.post('/moderation/reports', {
			schema: {
				operationId: 'moderation.report',
				tags,
				summary: 'Report a post or a thread (once per member); enough reports hide it pending review',
				body: reportInput,
				response: { 201: z.object({ reported: z.boolean(), hidden: z.boolean() }), ...errorResponses(400, 401, 403, 404, 409) }
			},
			handler: async (request, reply) => reply.status(201).send(await moderation.report(request.auth, request.body))
		});

		app.post('/moderation/posts/:id/hide', {
			schema: {
				operationId: 'moderation.hidePost',
				tags,
				params: postIdParams,
				body: reasonInput,
				response: { 200: postOutput, ...errorResponses(400, 401, 403, 404) }
			},
			handler: (request) => moderation.hidePost(request.auth, request.params.id, request.body)
		});

		app.post('/moderation/posts/:id/restore', {
			schema: {
				operationId: 'moderation.restorePost',
				tags,
				params: postIdParams,
				body: noteInput,
				response: { 200: postOutput, ...errorResponses(400, 401, 403, 404) }
			},
			handler: (request) => moderation.restorePost(request.auth, request.params.id, request.body)
		});

		app.post('/moderation/threads/:id/reports', {
			schema: {
				operationId: 'moderation.decideThreadReports',
				tags,
				summary: 'Keep a reported thread hidden, or show it again and dismiss the reports',
				params: threadIdParams,
				body: threadReportsDecision,
				response: { 200: z.object({ threadId: z.uuid(), hidden: z.boolean() }), ...errorResponses(400, 401, 403, 404, 409) }
			},
			handler: (request) =>
				moderation.decideThreadReports(request.auth, request.params.id, request.body.decision, { note: request.body.note })
		});
	};
}
