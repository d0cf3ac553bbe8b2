import type { FastifyError, FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, NotFoundError } from '../../lib/errors.ts';
import { errorResponses } from '../../lib/openapi.ts';
import type { Services } from '../../services.ts';
import { filenameOf, sendStoredFile } from '../experiences/attachments.routes.ts';
import { MAX_ATTACHMENT_BYTES } from '../experiences/attachments.schema.ts';
import { AttachmentTooLargeError, contentDisposition } from '../experiences/attachments.service.ts';
import {
	calendarFeedOutput,
	calendarFeedParams,
	calendarFeedStatus,
	cancelEventInput,
	createEventInput,
	documentParams,
	eventDocumentOutput,
	eventIdParams,
	eventListOutput,
	eventListQuery,
	eventOutput,
	participantsOutput,
	participantsQuery,
	registrationOutput,
	updateEventInput,
	uploadQuery
} from './events.schema.ts';

const CALENDAR_TYPE = 'text/calendar; charset=utf-8';

/**
 * Events over HTTP: lists, the event, organisers' writes, registration, participants (JSON
 * or CSV), `.ics` files, documents, and members' private calendar feeds. The live room's
 * routes are in room.routes.ts. Documents are raw request bodies
 * (`application/octet-stream`), parsed only in this encapsulated plugin.
 */
export function eventsRoutes({ events }: Services) {
	return async function routes(fastify: FastifyInstance) {
		fastify.addContentTypeParser(
			'application/octet-stream',
			{ parseAs: 'buffer', bodyLimit: MAX_ATTACHMENT_BYTES },
			(_request, body, done) => done(null, body)
		);
		fastify.setErrorHandler((error: FastifyError) => {
			throw error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? new AttachmentTooLargeError() : error;
		});

		const app = fastify.withTypeProvider<ZodTypeProvider>();
		const tags = ['events'];

		app.get('/events', {
			schema: {
				operationId: 'events.list',
				tags,
				summary: 'Upcoming (soonest first) or past (latest first) events of the spaces the caller reads',
				description:
					'Filters: `periode` (a-venir | passes), `type` (atelier, seminaire, webinaire, formation), `espace` ' +
					'(space slug), `pays` (repeated or comma-separated ISO codes); `apres` is the `next` cursor of the previous page.',
				querystring: eventListQuery,
				response: { 200: eventListOutput, ...errorResponses(400) }
			},
			handler: (request) => events.list(request.auth, request.query)
		});

		app.post('/events', {
			schema: {
				operationId: 'events.create',
				tags,
				summary: 'Create an event in a space the caller moderates; the caller becomes an organiser',
				description:
					'`startsAt`, `endsAt` and `registrationDeadline` are local date-times (`2026-12-01T10:00`) in `timeZone` ' +
					'(IANA). A time skipped by a daylight-saving change is refused; a time that occurs twice takes the first.',
				body: createEventInput,
				response: { 201: eventOutput, ...errorResponses(400, 401, 403) }
			},
			handler: async (request, reply) => reply.status(201).send(await events.create(request.auth, request.body))
		});

		app.get('/events/:id', {
			schema: {
				operationId: 'events.get',
				tags,
				summary: 'One event, with the caller’s registration and what they may do',
				params: eventIdParams,
				response: { 200: eventOutput, ...errorResponses(404) }
			},
			handler: (request) => events.get(request.auth, request.params.id)
		});

		app.patch('/events/:id', {
			schema: {
				operationId: 'events.update',
				tags,
				summary: 'Change an event (organisers, the host space’s moderators); also the synthesis and recording link',
				description:
					'Any subset of the fields. Changing the time, place or link notifies registered and waiting members; ' +
					'a raised capacity gives seats to the waiting list in order.',
				params: eventIdParams,
				body: updateEventInput,
				response: { 200: eventOutput, ...errorResponses(400, 401, 403, 404) }
			},
			handler: (request) => events.update(request.auth, request.params.id, request.body)
		});

		app.post('/events/:id/cancel', {
			schema: {
				operationId: 'events.cancel',
				tags,
				summary: 'Cancel an event (kept, marked cancelled); registered and waiting members are told',
				params: eventIdParams,
				body: cancelEventInput.nullish(),
				response: { 200: eventOutput, ...errorResponses(400, 401, 403, 404, 409) }
			},
			handler: (request) => events.cancel(request.auth, request.params.id, request.body ?? {})
		});

		app.post('/events/:id/registration', {
			schema: {
				operationId: 'events.register',
				tags,
				summary: 'Register: a seat while there is one, else the waiting list (idempotent)',
				params: eventIdParams,
				response: { 200: registrationOutput, ...errorResponses(401, 404, 409) }
			},
			handler: (request) => events.register(request.auth, request.params.id)
		});

		app.delete('/events/:id/registration', {
			schema: {
				operationId: 'events.unregister',
				tags,
				summary: 'Unregister; a freed seat goes to the first of the waiting list (idempotent)',
				params: eventIdParams,
				response: { 200: registrationOutput, ...errorResponses(401, 404, 409) }
			},
			handler: (request) => events.unregister(request.auth, request.params.id)
		});

		app.get('/events/:id/participants', {
			schema: {
				operationId: 'events.participants',
				tags,
				summary: 'Registered members then the waiting list, for organisers: JSON, or CSV with `?format=csv`',
				params: eventIdParams,
				querystring: participantsQuery,
				produces: ['application/json', 'text/csv'],
				response: { 200: participantsOutput.or(z.string()), ...errorResponses(401, 403, 404) }
			},
			handler: async (request, reply) => {
				if (request.query.format === 'json') return events.participants(request.auth, request.params.id);
				const file = await events.participantsCsv(request.auth, request.params.id);
				return reply
					.type('text/csv; charset=utf-8')
					.header('Content-Disposition', contentDisposition(file.filename))
					.send(Buffer.from(file.body) as never);
			}
		});

		app.get('/events/:id/ics', {
			schema: {
				operationId: 'events.ics',
				tags,
				summary: 'The event as an iCalendar file (RFC 5545), without the video-room link',
				params: eventIdParams,
				produces: ['text/calendar'],
				response: { 200: z.string(), ...errorResponses(404) }
			},
			handler: async (request, reply) => {
				const file = await events.ics(request.auth, request.params.id);
				return reply
					.type(CALENDAR_TYPE)
					.header('Content-Disposition', contentDisposition(file.filename))
					.send(Buffer.from(file.body) as never);
			}
		});

		/* ---- documents ---- */

		app.get('/events/:id/documents', {
			schema: {
				operationId: 'events.listDocuments',
				tags,
				summary: 'Documents attached to the event (slides, reports)',
				params: eventIdParams,
				response: { 200: z.array(eventDocumentOutput), ...errorResponses(404) }
			},
			handler: (request) => events.documents(request.auth, request.params.id)
		});

		app.post('/events/:id/documents', {
			bodyLimit: MAX_ATTACHMENT_BYTES,
			schema: {
				operationId: 'events.uploadDocument',
				tags,
				summary: 'Attach a document (organisers)',
				description:
					'The raw file as the body, `Content-Type: application/octet-stream`, at most 10 MB; its name in `?nom=` ' +
					'or the `X-Filename` header (UTF-8, percent-encoded). Same formats as fiches’ attachments; at most 20.',
				consumes: ['application/octet-stream'],
				params: eventIdParams,
				querystring: uploadQuery,
				response: { 201: eventDocumentOutput, ...errorResponses(400, 401, 403, 404, 409, 413, 415) }
			},
			handler: async (request, reply) => {
				if (!Buffer.isBuffer(request.body)) {
					throw new AppError(415, 'unsupported_media_type', 'error_unsupported_media_type');
				}
				const filename = filenameOf(request.query.nom, request.headers['x-filename']);
				const created = await events.uploadDocument(request.auth, request.params.id, { filename, bytes: request.body });
				return reply.status(201).send(created);
			}
		});

		app.get('/events/:id/documents/:documentId', {
			schema: {
				operationId: 'events.getDocument',
				tags,
				summary: 'Download a document (whoever may read the event); always as an attachment',
				params: documentParams,
				response: errorResponses(404)
			},
			handler: async (request, reply) => {
				const file = await events.openDocument(request.auth, request.params.id, request.params.documentId);
				return sendStoredFile(reply, file, false);
			}
		});

		app.delete('/events/:id/documents/:documentId', {
			schema: {
				operationId: 'events.deleteDocument',
				tags,
				summary: 'Remove a document (organisers)',
				params: documentParams,
				response: { 204: z.null(), ...errorResponses(401, 403, 404) }
			},
			handler: async (request, reply) => {
				await events.removeDocument(request.auth, request.params.id, request.params.documentId);
				return reply.status(204).send(null);
			}
		});

		/* ---- private calendar feed ---- */

		app.get('/calendar/feed', {
			schema: {
				operationId: 'calendar.feedStatus',
				tags,
				summary: 'Whether the caller has a private calendar feed (its address is only shown when created)',
				response: { 200: calendarFeedStatus, ...errorResponses(401) }
			},
			handler: (request) => events.calendarFeedStatus(request.auth)
		});

		app.post('/calendar/feed', {
			schema: {
				operationId: 'calendar.createFeed',
				tags,
				summary: 'Create or rotate the caller’s private calendar feed; the previous address stops working',
				response: { 201: calendarFeedOutput, ...errorResponses(401) }
			},
			handler: async (request, reply) => reply.status(201).send(await events.createCalendarFeed(request.auth))
		});

		app.delete('/calendar/feed', {
			schema: {
				operationId: 'calendar.revokeFeed',
				tags,
				summary: 'Revoke the caller’s private calendar feed',
				response: { 204: z.null(), ...errorResponses(401) }
			},
			handler: async (request, reply) => {
				await events.revokeCalendarFeed(request.auth);
				return reply.status(204).send(null);
			}
		});

		app.get('/calendar/:file', {
			schema: {
				operationId: 'events.calendarFeed',
				tags,
				summary: 'A member’s private feed (`/api/v1/calendar/<token>.ics`): the events they registered for',
				description: 'No session needed: the token is the key. An unknown or revoked token answers 404.',
				params: calendarFeedParams,
				produces: ['text/calendar'],
				response: { 200: z.string(), ...errorResponses(404) }
			},
			handler: async (request, reply) => {
				const match = /^(.+)\.ics$/.exec(request.params.file);
				if (!match) throw new NotFoundError();
				const body = await events.calendarFeed(match[1]!);
				return reply.type(CALENDAR_TYPE).send(Buffer.from(body) as never);
			}
		});
	};
}
