import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../../lib/openapi.ts';
import type { Services } from '../../services.ts';
import { spaceSlugParams } from '../spaces/spaces.schema.ts';
import { EXPORT_COLUMNS, experiencesCsv } from './experiences.service.ts';
import {
	addAuthorInput,
	compareOutput,
	compareQuery,
	experienceContentInput,
	experienceIdParams,
	experienceListOutput,
	experienceListQuery,
	experienceOutput,
	exportQuery,
	returnInput,
	submittedOutput,
	versionOutput
} from './experiences.schema.ts';

export const EXPORT_FILENAME = 'fiches-experience';

export function experiencesRoutes({ experiences }: Services) {
	return async function routes(fastify: FastifyInstance) {
		const app = fastify.withTypeProvider<ZodTypeProvider>();
		const tags = ['experiences'];

		app.get('/experiences', {
			schema: {
				operationId: 'experiences.list',
				tags,
				summary: 'Published fiches, filtered, 20 a page, with the count of each facet value',
				querystring: experienceListQuery,
				response: { 200: experienceListOutput, ...errorResponses(400) }
			},
			handler: (request) => experiences.list(request.auth, request.query)
		});

		// Before `/experiences/:id`, which would otherwise not match "compare" anyway (not a uuid).
		app.get('/experiences/compare', {
			schema: {
				operationId: 'experiences.compare',
				tags,
				summary: 'Two to four published fiches side by side, field by field (?ids=a,b)',
				querystring: compareQuery,
				response: { 200: compareOutput, ...errorResponses(400, 404) }
			},
			handler: (request) => experiences.compare(request.auth, request.query.ids)
		});

		app.get('/experiences/export', {
			schema: {
				operationId: 'experiences.export',
				tags,
				summary: 'The filtered fiches, every field, one row per fiche: CSV (UTF-8 with BOM) or JSON',
				querystring: exportQuery,
				produces: ['text/csv', 'application/json'],
				response: {
					// CSV text or a JSON array, sent as bytes: documented, not serialized.
					200: z.any().describe(`Columns: ${EXPORT_COLUMNS.join(', ')}`),
					...errorResponses(400)
				}
			},
			handler: async (request, reply) => {
				const { format, ...query } = request.query;
				const rows = await experiences.exportRows(request.auth, query);
				reply.header('cache-control', 'private, no-store');
				if (format === 'json') {
					return reply
						.type('application/json; charset=utf-8')
						.header('content-disposition', `attachment; filename="${EXPORT_FILENAME}.json"`)
						.send(Buffer.from(JSON.stringify(rows)));
				}
				return reply
					.type('text/csv; charset=utf-8')
					.header('content-disposition', `attachment; filename="${EXPORT_FILENAME}.csv"`)
					.send(Buffer.from(experiencesCsv(rows)));
			}
		});

		app.get('/experiences/submitted', {
			schema: {
				operationId: 'experiences.submitted',
				tags,
				summary: 'Fiches waiting for review in the spaces the caller moderates, oldest first',
				response: { 200: submittedOutput, ...errorResponses(401) }
			},
			handler: (request) => experiences.submitted(request.auth)
		});

		app.get('/experiences/:id', {
			schema: {
				operationId: 'experiences.get',
				tags,
				params: experienceIdParams,
				response: { 200: experienceOutput, ...errorResponses(404) }
			},
			handler: (request) => experiences.get(request.auth, request.params.id)
		});

		app.post('/spaces/:slug/experiences', {
			schema: {
				operationId: 'experiences.create',
				tags,
				summary: 'Start a fiche (a draft only its authors see); the body is its content, possibly partial',
				params: spaceSlugParams,
				body: experienceContentInput,
				response: { 201: experienceOutput, ...errorResponses(400, 401, 403, 404) }
			},
			handler: async (request, reply) =>
				reply.status(201).send(await experiences.create(request.auth, { spaceSlug: request.params.slug, content: request.body }))
		});

		app.put('/experiences/:id', {
			schema: {
				operationId: 'experiences.update',
				tags,
				summary: 'Save the working copy (authors); a published fiche stays visible until its next version',
				params: experienceIdParams,
				body: experienceContentInput,
				response: { 200: experienceOutput, ...errorResponses(400, 401, 403, 404) }
			},
			handler: (request) => experiences.update(request.auth, request.params.id, request.body)
		});

		app.post('/experiences/:id/submit', {
			schema: {
				operationId: 'experiences.submit',
				tags,
				summary: 'Submit the working copy to the space’s moderators (all required fields checked)',
				params: experienceIdParams,
				response: { 200: experienceOutput, ...errorResponses(400, 401, 403, 404, 409) }
			},
			handler: (request) => experiences.submit(request.auth, request.params.id)
		});

		app.post('/experiences/:id/publish', {
			schema: {
				operationId: 'experiences.publish',
				tags,
				summary: 'Publish the submitted fiche as its next version (space moderators)',
				params: experienceIdParams,
				response: { 200: experienceOutput, ...errorResponses(401, 403, 404, 409) }
			},
			handler: (request) => experiences.publish(request.auth, request.params.id)
		});

		app.post('/experiences/:id/return', {
			schema: {
				operationId: 'experiences.return',
				tags,
				summary: 'Return the submitted fiche to its authors with comments (space moderators)',
				params: experienceIdParams,
				body: returnInput,
				response: { 200: experienceOutput, ...errorResponses(400, 401, 403, 404, 409) }
			},
			handler: (request) => experiences.returnToAuthors(request.auth, request.params.id, request.body.comment)
		});

		app.get('/experiences/:id/versions', {
			schema: {
				operationId: 'experiences.versions',
				tags,
				summary: 'Published versions, oldest first, with who approved each and what changed',
				params: experienceIdParams,
				response: { 200: z.object({ items: z.array(versionOutput) }), ...errorResponses(404) }
			},
			handler: async (request) => ({ items: await experiences.versions(request.auth, request.params.id) })
		});

		app.post('/experiences/:id/authors', {
			schema: {
				operationId: 'experiences.addAuthor',
				tags,
				summary: 'Add a co-author by handle (authors and space moderators)',
				params: experienceIdParams,
				body: addAuthorInput,
				response: { 200: experienceOutput, ...errorResponses(400, 401, 403, 404, 409) }
			},
			handler: (request) => experiences.addAuthor(request.auth, request.params.id, request.body.handle)
		});
	};
}
