import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestLocale } from '../../lib/error-handler.ts';
import { errorResponses } from '../../lib/openapi.ts';
import type { Services } from '../../services.ts';
import { eventIdParams, roomStateOutput, transcriptQuery } from './room.schema.ts';

/** The live room over HTTP: organisers open and close it; anyone who may read the event exports its transcript. */
export function roomRoutes({ room }: Services) {
	return async function routes(fastify: FastifyInstance) {
		const app = fastify.withTypeProvider<ZodTypeProvider>();
		const tags = ['events'];

		app.post('/events/:id/open', {
			schema: {
				operationId: 'events.open',
				tags,
				summary: 'Opens the live room now (before the start, or again after closing it); organisers and moderators',
				params: eventIdParams,
				response: { 200: roomStateOutput, ...errorResponses(401, 403, 404) }
			},
			handler: (request) => room.open(request.auth, request.params.id)
		});

		app.post('/events/:id/close', {
			schema: {
				operationId: 'events.close',
				tags,
				summary: 'Closes the live room: nobody posts any more, the transcript stays; organisers and moderators',
				params: eventIdParams,
				response: { 200: roomStateOutput, ...errorResponses(401, 403, 404) }
			},
			handler: (request) => room.close(request.auth, request.params.id)
		});

		app.get('/events/:id/transcript', {
			schema: {
				operationId: 'events.transcript',
				tags,
				summary:
					'The room’s transcript as a file: chat without removed lines, Q&A with answers without hidden questions, times in the event’s zone',
				params: eventIdParams,
				querystring: transcriptQuery,
				produces: ['text/markdown', 'text/plain'],
				response: {
					// A text file, not JSON: documented, not serialized.
					200: z.any().describe('Markdown (format=md) or plain text (format=txt), UTF-8'),
					...errorResponses(400, 404)
				}
			},
			handler: async (request, reply) => {
				const locale = requestLocale(request);
				const markdown = request.query.format === 'md';
				const file = markdown
					? await room.transcriptMarkdown(request.auth, request.params.id, locale)
					: await room.transcriptText(request.auth, request.params.id, locale);
				return reply
					.type(markdown ? 'text/markdown; charset=utf-8' : 'text/plain; charset=utf-8')
					.header('content-disposition', `attachment; filename="${file.filename}"`)
					.header('cache-control', 'private, no-store')
					.send(file.content);
			}
		});
	};
}
