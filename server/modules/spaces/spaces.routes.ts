import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../../lib/openapi.ts';
import type { Services } from '../../services.ts';
import { okOutput } from '../accounts/accounts.schema.ts';
import {
	createSpaceInput,
	decideJoinInput,
	inviteInput,
	joinInput,
	membershipOutput,
	setMemberRoleInput,
	spaceMemberOutput,
	spaceMemberParams,
	spaceOutput,
	spaceSlugParams,
	updateSpaceInput
} from './spaces.schema.ts';

/** Thin transport: schema → service(auth, input) → status code. */
export function spacesRoutes({ spaces }: Services) {
	return async function routes(fastify: FastifyInstance) {
		const app = fastify.withTypeProvider<ZodTypeProvider>();
		const tags = ['spaces'];

		app.get('/spaces', {
			schema: {
				operationId: 'spaces.list',
				tags,
				summary: 'Spaces the caller may read',
				response: { 200: z.object({ items: z.array(spaceOutput) }) }
			},
			handler: async (request) => ({ items: await spaces.list(request.auth) })
		});

		app.post('/spaces', {
			schema: {
				operationId: 'spaces.create',
				tags,
				summary: 'Open a space (admins)',
				body: createSpaceInput,
				response: { 201: spaceOutput, ...errorResponses(400, 401, 403, 409) }
			},
			handler: async (request, reply) => reply.status(201).send(await spaces.create(request.auth, request.body))
		});

		app.get('/spaces/:slug', {
			schema: {
				operationId: 'spaces.get',
				tags,
				params: spaceSlugParams,
				response: { 200: spaceOutput, ...errorResponses(404) }
			},
			handler: (request) => spaces.get(request.auth, request.params.slug)
		});

		app.patch('/spaces/:slug', {
			schema: {
				operationId: 'spaces.update',
				tags,
				summary: 'Change settings (space moderators); archive (admins)',
				params: spaceSlugParams,
				body: updateSpaceInput,
				response: { 200: spaceOutput, ...errorResponses(400, 401, 403, 404) }
			},
			handler: (request) => spaces.update(request.auth, request.params.slug, request.body)
		});

		app.post('/spaces/:slug/membership', {
			schema: {
				operationId: 'spaces.join',
				tags,
				summary: 'Join; for a private space, accept an invitation or ask to join',
				params: spaceSlugParams,
				// No body at all is fine: Fastify then passes null.
				body: joinInput.nullish(),
				response: { 200: membershipOutput, ...errorResponses(401, 404) }
			},
			handler: async (request) => ({ membership: await spaces.join(request.auth, request.params.slug, request.body?.message) })
		});

		app.delete('/spaces/:slug/membership', {
			schema: {
				operationId: 'spaces.leave',
				tags,
				params: spaceSlugParams,
				response: { 200: okOutput, ...errorResponses(401, 404) }
			},
			handler: async (request) => {
				await spaces.leave(request.auth, request.params.slug);
				return { ok: true as const };
			}
		});

		app.get('/spaces/:slug/members', {
			schema: {
				operationId: 'spaces.members',
				tags,
				params: spaceSlugParams,
				response: { 200: z.object({ items: z.array(spaceMemberOutput) }), ...errorResponses(404) }
			},
			handler: async (request) => ({ items: await spaces.members(request.auth, request.params.slug) })
		});

		app.post('/spaces/:slug/invitations', {
			schema: {
				operationId: 'spaces.invite',
				tags,
				summary: 'Invite a member by @handle (space moderators)',
				params: spaceSlugParams,
				body: inviteInput,
				response: { 201: spaceMemberOutput, ...errorResponses(400, 401, 403, 404, 409) }
			},
			handler: async (request, reply) =>
				reply.status(201).send(await spaces.invite(request.auth, request.params.slug, request.body.handle))
		});

		app.put('/spaces/:slug/requests/:userId', {
			schema: {
				operationId: 'spaces.decideJoin',
				tags,
				summary: 'Approve or refuse a join request (space moderators)',
				params: spaceMemberParams,
				body: decideJoinInput,
				response: { 200: okOutput, ...errorResponses(400, 401, 403, 404) }
			},
			handler: async (request) => {
				await spaces.decideJoin(request.auth, request.params.slug, request.params.userId, request.body.decision);
				return { ok: true as const };
			}
		});

		app.put('/spaces/:slug/members/:userId/role', {
			schema: {
				operationId: 'spaces.setMemberRole',
				tags,
				summary: 'Name a space moderator (admins) or make them a member again',
				params: spaceMemberParams,
				body: setMemberRoleInput,
				response: { 200: okOutput, ...errorResponses(400, 401, 403, 404) }
			},
			handler: async (request) => {
				await spaces.setMemberRole(request.auth, request.params.slug, request.params.userId, request.body.role);
				return { ok: true as const };
			}
		});

		app.delete('/spaces/:slug/members/:userId', {
			schema: {
				operationId: 'spaces.removeMember',
				tags,
				params: spaceMemberParams,
				response: { 200: okOutput, ...errorResponses(401, 403, 404) }
			},
			handler: async (request) => {
				await spaces.removeMember(request.auth, request.params.slug, request.params.userId);
				return { ok: true as const };
			}
		});
	};
}
