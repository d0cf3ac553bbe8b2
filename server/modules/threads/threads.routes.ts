import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../../lib/openapi.ts';
import type { Services } from '../../services.ts';
import { spaceSlugParams } from '../spaces/spaces.schema.ts';
import {
	acceptInput,
	catchUpQuery,
	createPostInput,
	createThreadInput,
	postIdParams,
	postOutput,
	revisionOutput,
	threadIdParams,
	threadListQuery,
	threadOutput,
	threadPostsQuery,
	updatePostInput,
	voteInput
} from './threads.schema.ts';

const threadPage = z.object({
	thread: threadOutput,
	accepted: postOutput.nullable(),
	posts: z.array(postOutput),
	/** Post number to ask with `before` for the previous page, or null. */
	previous: z.number().int().nullable(),
	/** Post number to ask with `n` for the next page, or null. */
	next: z.number().int().nullable()
});

export function threadsRoutes({ threads }: Services) {
	return async function routes(fastify: FastifyInstance) {
		const app = fastify.withTypeProvider<ZodTypeProvider>();

		app.get('/spaces/:slug/threads', {
			schema: {
				operationId: 'threads.list',
				tags: ['threads'],
				summary: 'Threads of a space by last activity, keyset-paginated',
				params: spaceSlugParams,
				querystring: threadListQuery,
				response: { 200: z.object({ items: z.array(threadOutput), next: z.string().nullable() }), ...errorResponses(404) }
			},
			handler: (request) => threads.list(request.auth, request.params.slug, request.query.after)
		});

		app.post('/spaces/:slug/threads', {
			schema: {
				operationId: 'threads.create',
				tags: ['threads'],
				params: spaceSlugParams,
				body: createThreadInput,
				response: { 201: threadPage, ...errorResponses(400, 401, 403, 404) }
			},
			handler: async (request, reply) =>
				reply.status(201).send(await threads.createThread(request.auth, request.params.slug, request.body))
		});

		app.get('/threads/:id', {
			schema: {
				operationId: 'threads.get',
				tags: ['threads'],
				summary: 'A thread and a page of posts (default: from the first unread)',
				params: threadIdParams,
				querystring: threadPostsQuery,
				response: { 200: threadPage, ...errorResponses(404) }
			},
			handler: (request) => threads.get(request.auth, request.params.id, request.query)
		});

		app.get('/threads/:id/changes', {
			schema: {
				operationId: 'threads.catchUp',
				tags: ['threads'],
				summary: 'Posts changed after a sequence number (after a reconnect)',
				params: threadIdParams,
				querystring: catchUpQuery,
				response: { 200: z.object({ thread: threadOutput, posts: z.array(postOutput) }), ...errorResponses(404) }
			},
			handler: (request) => threads.catchUp(request.auth, request.params.id, request.query.since)
		});

		app.put('/threads/:id/accepted', {
			schema: {
				operationId: 'threads.accept',
				tags: ['threads'],
				summary: 'Mark the accepted answer of a question (or none)',
				params: threadIdParams,
				body: acceptInput,
				response: { 200: threadPage, ...errorResponses(400, 401, 403, 404, 409) }
			},
			handler: (request) => threads.accept(request.auth, request.params.id, request.body.postId)
		});

		app.post('/threads/:id/posts', {
			schema: {
				operationId: 'posts.create',
				tags: ['posts'],
				summary: 'Reply (idempotent with clientKey)',
				params: threadIdParams,
				body: createPostInput,
				response: { 201: postOutput, ...errorResponses(400, 401, 403, 404) }
			},
			handler: async (request, reply) =>
				reply.status(201).send(await threads.reply(request.auth, request.params.id, request.body))
		});

		app.patch('/posts/:id', {
			schema: {
				operationId: 'posts.update',
				tags: ['posts'],
				summary: 'Edit a post (the earlier version is kept)',
				params: postIdParams,
				body: updatePostInput,
				response: { 200: postOutput, ...errorResponses(400, 401, 403, 404) }
			},
			handler: (request) => threads.edit(request.auth, request.params.id, request.body.body)
		});

		app.delete('/posts/:id', {
			schema: {
				operationId: 'posts.delete',
				tags: ['posts'],
				params: postIdParams,
				response: { 200: postOutput, ...errorResponses(401, 403, 404) }
			},
			handler: (request) => threads.delete(request.auth, request.params.id)
		});

		app.put('/posts/:id/vote', {
			schema: {
				operationId: 'posts.vote',
				tags: ['posts'],
				summary: 'Mark a post "utile" (or take it back)',
				params: postIdParams,
				body: voteInput,
				response: { 200: postOutput, ...errorResponses(400, 401, 403, 404, 409) }
			},
			handler: (request) => threads.vote(request.auth, request.params.id, request.body.useful)
		});

		app.get('/posts/:id/revisions', {
			schema: {
				operationId: 'posts.revisions',
				tags: ['posts'],
				params: postIdParams,
				response: { 200: z.object({ items: z.array(revisionOutput) }), ...errorResponses(404) }
			},
			handler: async (request) => ({ items: await threads.revisions(request.auth, request.params.id) })
		});
	};
}
