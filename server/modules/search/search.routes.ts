import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorResponses } from '../../lib/openapi.ts';
import type { Services } from '../../services.ts';
import { searchOutput, searchQuery } from './search.schema.ts';

/** Thin transport: schema → service(auth, input). */
export function searchRoutes({ search }: Services) {
	return async function routes(fastify: FastifyInstance) {
		const app = fastify.withTypeProvider<ZodTypeProvider>();

		app.get('/search', {
			schema: {
				operationId: 'search.query',
				tags: ['search'],
				summary:
					'Full-text search over thread titles, posts and published fiches d’expérience the caller may read, keyset-paginated',
				querystring: searchQuery,
				response: { 200: searchOutput, ...errorResponses(400) }
			},
			handler: (request) => search.query(request.auth, request.query)
		});
	};
}
