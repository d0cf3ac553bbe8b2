import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorResponses } from '../../lib/openapi.ts';
import type { Services } from '../../services.ts';
import { outboxIdParams, outboxItemOutput, outboxPageOutput, outboxQuery } from './mail.schema.ts';

/** The outbox, read-only, for admins: e-mails sent, waiting, failed, or kept locally without SMTP. */
export function mailRoutes({ mail }: Services) {
	return async function routes(fastify: FastifyInstance) {
		const app = fastify.withTypeProvider<ZodTypeProvider>();
		const tags = ['mail'];

		app.get('/admin/outbox', {
			schema: {
				operationId: 'mail.outbox',
				tags,
				summary: 'Outgoing e-mails, newest first, 50 a page (admins)',
				querystring: outboxQuery,
				response: { 200: outboxPageOutput, ...errorResponses(400, 401, 403) }
			},
			handler: (request) => mail.outbox(request.auth, request.query)
		});

		app.get('/admin/outbox/:id', {
			schema: {
				operationId: 'mail.outboxItem',
				tags,
				summary: 'One outgoing e-mail with its text (admins)',
				params: outboxIdParams,
				response: { 200: outboxItemOutput, ...errorResponses(400, 401, 403, 404) }
			},
			handler: (request) => mail.outboxItem(request.auth, request.params.id)
		});
	};
}
