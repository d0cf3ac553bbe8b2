import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notificationKinds } from '../../../db/schema/values.ts';
import { errorResponses } from '../../lib/openapi.ts';
import type { Services } from '../../services.ts';

const notificationOutput = z.object({
	id: z.uuid(),
	kind: z.enum(notificationKinds),
	url: z.string(),
	actor: z.object({ displayName: z.string() }).nullable(),
	space: z.object({ name: z.string() }).nullable(),
	thread: z.object({ title: z.string() }).nullable(),
	postNumber: z.number().int().nullable(),
	data: z.record(z.string(), z.unknown()),
	createdAt: z.iso.datetime(),
	read: z.boolean()
});

export function notificationsRoutes({ notifications }: Services) {
	return async function routes(fastify: FastifyInstance) {
		const app = fastify.withTypeProvider<ZodTypeProvider>();

		app.get('/notifications', {
			schema: {
				operationId: 'notifications.list',
				tags: ['notifications'],
				querystring: z.strictObject({ before: z.iso.datetime().optional() }),
				response: { 200: z.object({ items: z.array(notificationOutput), unread: z.number().int() }), ...errorResponses(401) }
			},
			handler: (request) => notifications.list(request.auth, request.query.before)
		});

		app.post('/notifications/read', {
			schema: {
				operationId: 'notifications.markRead',
				tags: ['notifications'],
				body: z.strictObject({ ids: z.array(z.uuid()).max(100).optional() }),
				response: { 200: z.object({ unread: z.number().int() }), ...errorResponses(400, 401) }
			},
			handler: async (request) => ({ unread: await notifications.markRead(request.auth, request.body.ids) })
		});
	};
}
