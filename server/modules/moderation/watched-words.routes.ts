import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../../lib/openapi.ts';
import type { Services } from '../../services.ts';
import { okOutput } from '../accounts/accounts.schema.ts';
import {
	importSummaryOutput,
	importWatchedWordsInput,
	watchedWordInput,
	watchedWordOutput,
	watchedWordParams
} from './watched-words.schema.ts';

/** The file name admins get; French first, like the rest of the site. */
export const WATCHED_WORDS_CSV_NAME = 'mots-surveilles.csv';

/** Thin transport: schema → service(auth, input) → status code. Admins only. */
export function watchedWordsRoutes({ watchedWords }: Services) {
	return async function routes(fastify: FastifyInstance) {
		const app = fastify.withTypeProvider<ZodTypeProvider>();
		const tags = ['moderation'];
		const base = '/moderation/watched-words';

		app.get(base, {
			schema: {
				operationId: 'moderation.watchedWords',
				tags,
				summary: 'The watched words (admins)',
				response: { 200: z.object({ items: z.array(watchedWordOutput) }), ...errorResponses(401, 403) }
			},
			handler: async (request) => ({ items: await watchedWords.list(request.auth) })
		});

		app.post(base, {
			schema: {
				operationId: 'moderation.addWatchedWord',
				tags,
				summary: 'Add a watched word: block, send to review, or replace (admins)',
				body: watchedWordInput,
				response: { 201: watchedWordOutput, ...errorResponses(400, 401, 403, 409) }
			},
			handler: async (request, reply) => reply.status(201).send(await watchedWords.create(request.auth, request.body))
		});

		app.put(`${base}/:id`, {
			schema: {
				operationId: 'moderation.updateWatchedWord',
				tags,
				params: watchedWordParams,
				body: watchedWordInput,
				response: { 200: watchedWordOutput, ...errorResponses(400, 401, 403, 404, 409) }
			},
			handler: (request) => watchedWords.update(request.auth, request.params.id, request.body)
		});

		app.delete(`${base}/:id`, {
			schema: {
				operationId: 'moderation.deleteWatchedWord',
				tags,
				params: watchedWordParams,
				response: { 200: okOutput, ...errorResponses(401, 403, 404) }
			},
			handler: async (request) => {
				await watchedWords.remove(request.auth, request.params.id);
				return { ok: true as const };
			}
		});

		app.post(`${base}/import`, {
			schema: {
				operationId: 'moderation.importWatchedWords',
				tags,
				summary: 'Import a CSV (phrase,action,replacement,whole_word); all or nothing (admins)',
				description:
					'Comma or semicolon separated, UTF-8 (a BOM is ignored). When a line is bad nothing is imported ' +
					'and the 400 answer lists every bad line as the field `csv.<line number>`.',
				body: importWatchedWordsInput,
				response: { 200: importSummaryOutput, ...errorResponses(400, 401, 403) }
			},
			handler: (request) => watchedWords.importCsv(request.auth, request.body.csv, request.body.mode)
		});

		app.get(`${base}/export`, {
			schema: {
				operationId: 'moderation.exportWatchedWords',
				tags,
				summary: 'The list as CSV, UTF-8 with BOM (admins)',
				response: { 200: z.string(), ...errorResponses(401, 403) }
			},
			handler: async (request, reply) => {
				const csv = await watchedWords.exportCsv(request.auth);
				return reply
					.type('text/csv; charset=utf-8')
					.header('content-disposition', `attachment; filename="${WATCHED_WORDS_CSV_NAME}"`)
					.header('cache-control', 'private, no-store')
					.send(csv);
			}
		});
	};
}
