import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, ValidationError } from '../../lib/errors.ts';
import { errorResponses } from '../../lib/openapi.ts';
import type { Services } from '../../services.ts';
import { AttachmentTooLargeError, contentDisposition } from './attachments.service.ts';
import {
	attachmentIdParams,
	attachmentOutput,
	experienceIdParams,
	MAX_ATTACHMENT_BYTES,
	uploadQuery
} from './attachments.schema.ts';

/** The name from `?nom=` (already decoded) or the X-Filename header (percent-encoded UTF-8). */
export function filenameOf(query: string | undefined, header: string | string[] | undefined): string {
	if (query) return query;
	const raw = Array.isArray(header) ? header[0] : header;
	if (raw) {
		try {
			return decodeURIComponent(raw);
		} catch {
			// Not percent-encoded UTF-8: refused below.
		}
	}
	throw new ValidationError({ nom: 'att_error_filename' }, 'att_error_filename');
}

/**
 * Attachments of fiches d'expérience. The file is the raw request body
 * (`Content-Type: application/octet-stream`, at most 10 MB), parsed only in this
 * encapsulated plugin; the web form goes through SvelteKit, which parses multipart itself.
 */
/** A stored file as a download: never shown inline, type as detected at upload, cacheable only when `cacheable`. */
export function sendStoredFile(
	reply: FastifyReply,
	file: { mimeType: string; size: number; filename: string; sha256: string; stream: unknown },
	cacheable: boolean
) {
	reply
		.header('Content-Type', file.mimeType)
		.header('Content-Length', String(file.size))
		.header('Content-Disposition', contentDisposition(file.filename))
		.header('X-Content-Type-Options', 'nosniff')
		.header('ETag', `"${file.sha256}"`)
		.header('Cache-Control', cacheable ? 'private, max-age=3600' : 'private, no-store');
	// The bytes as a stream: 200 has no schema (nothing to serialize), hence the cast.
	return reply.send(file.stream as never);
}

export function attachmentsRoutes({ attachments }: Services) {
	return async function routes(fastify: FastifyInstance) {
		fastify.addContentTypeParser(
			'application/octet-stream',
			{ parseAs: 'buffer', bodyLimit: MAX_ATTACHMENT_BYTES },
			(_request, body, done) => done(null, body)
		);
		// Fastify's own 413 says "request too large"; ours says what the limit is. Other
		// errors go on to the app's handler.
		fastify.setErrorHandler((error: FastifyError) => {
			throw error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? new AttachmentTooLargeError() : error;
		});

		const app = fastify.withTypeProvider<ZodTypeProvider>();

		app.post('/experiences/:id/attachments', {
			bodyLimit: MAX_ATTACHMENT_BYTES,
			schema: {
				operationId: 'attachments.upload',
				tags: ['experiences'],
				summary: 'Attach a file to a fiche (authors and the space’s moderators)',
				description:
					'The raw file as the body, `Content-Type: application/octet-stream`, at most 10 MB; its name in ' +
					'`?nom=` or the `X-Filename` header (UTF-8, percent-encoded). The type is detected from the bytes ' +
					'and must match the extension: PDF, PNG, JPEG, GIF, WebP, docx/xlsx/pptx, odt/ods/odp, doc/xls/ppt, ' +
					'UTF-8 txt/csv. At most 20 files per fiche.',
				consumes: ['application/octet-stream'],
				params: experienceIdParams,
				querystring: uploadQuery,
				response: { 201: attachmentOutput, ...errorResponses(400, 401, 403, 404, 409, 413, 415) }
			},
			handler: async (request, reply) => {
				if (!Buffer.isBuffer(request.body)) {
					throw new AppError(415, 'unsupported_media_type', 'error_unsupported_media_type');
				}
				const filename = filenameOf(request.query.nom, request.headers['x-filename']);
				const created = await attachments.upload(request.auth, request.params.id, { filename, bytes: request.body });
				return reply.status(201).send(created);
			}
		});

		app.get('/attachments/:id', {
			schema: {
				operationId: 'attachments.get',
				tags: ['experiences'],
				summary: 'Download an attachment (whoever may read its fiche)',
				description:
					'Always `Content-Disposition: attachment` (never displayed inline, images included), with the ' +
					'type detected at upload and `X-Content-Type-Options: nosniff`.',
				params: attachmentIdParams,
				response: errorResponses(404)
			},
			handler: async (request, reply) => {
				const file = await attachments.open(request.auth, request.params.id);
				// Files of a fiche never published stay out of every cache.
				return sendStoredFile(reply, file, file.published);
			}
		});

		app.delete('/attachments/:id', {
			schema: {
				operationId: 'attachments.delete',
				tags: ['experiences'],
				summary: 'Remove an attachment (authors and the space’s moderators)',
				params: attachmentIdParams,
				response: { 204: z.null(), ...errorResponses(401, 403, 404) }
			},
			handler: async (request, reply) => {
				await attachments.remove(request.auth, request.params.id);
				return reply.status(204).send(null);
			}
		});
	};
}
