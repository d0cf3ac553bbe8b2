import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../../lib/openapi.ts';
import type { Services } from '../../services.ts';
import { auditFilterInput, auditPageOutput } from './audit.schema.ts';

export const AUDIT_CSV_FILENAME = 'journal-moderation.csv';

/** Read-only on purpose: there is no route that edits or deletes an audit row. */
export function auditRoutes({ audit }: Services) {
	return async function routes(fastify: FastifyInstance) {
		const app = fastify.withTypeProvider<ZodTypeProvider>();
		const tags = ['moderation'];

		app.get('/moderation/audit', {
			schema: {
				operationId: 'moderation.auditLog',
				tags,
				summary: 'Audit log, newest first, 50 a page (admins: all; moderators: their spaces)',
				querystring: auditFilterInput,
				response: { 200: auditPageOutput, ...errorResponses(400, 401, 403) }
			},
			handler: (request) => audit.list(request.auth, request.query)
		});

		app.get('/moderation/audit/export', {
			schema: {
				operationId: 'moderation.auditLogExport',
				tags,
				summary: 'The filtered audit log as CSV (UTF-8 with BOM), up to 50,000 rows',
				querystring: auditFilterInput,
				produces: ['text/csv'],
				response: {
					// A stream of CSV text, not JSON: documented, not serialized.
					200: z.any().describe('CSV: at,actor,action,space,target_type,target_id,target,reason,before,after'),
					...errorResponses(400, 401, 403)
				}
			},
			handler: async (request, reply) => {
				const { cursor: _cursor, ...filter } = request.query;
				const chunks = await audit.exportCsv(request.auth, filter);
				return reply
					.type('text/csv; charset=utf-8')
					.header('content-disposition', `attachment; filename="${AUDIT_CSV_FILENAME}"`)
					.header('cache-control', 'private, no-store')
					.send(Readable.from(chunks));
			}
		});
	};
}
