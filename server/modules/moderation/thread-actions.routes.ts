import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorResponses } from '../../lib/openapi.ts';
import type { Services } from '../../services.ts';
import { threadIdParams } from '../threads/threads.schema.ts';
import {
	closeWithSynthesisInput,
	moveThreadInput,
	reasonOptionalInput,
	reasonRequiredInput,
	setSlowModeInput,
	threadModerationNotices,
	threadModerationState
} from './thread-actions.schema.ts';

/**
 * Thread-level moderator actions. Each answers the thread's new moderation state; 401 signed
 * out, 404 when the caller cannot read the thread, 403 when they read it but do not moderate
 * its space, 409 when the thread is already in the asked state.
 */
export function threadActionsRoutes({ threadActions }: Services) {
	return async function routes(fastify: FastifyInstance) {
		const app = fastify.withTypeProvider<ZodTypeProvider>();
		const tags = ['moderation'];
		const base = '/moderation/threads/:id';
		const response = { 200: threadModerationState, ...errorResponses(400, 401, 403, 404, 409) };

		app.get(base, {
			schema: {
				operationId: 'moderation.threadNotices',
				tags,
				summary: 'Moderation state of a thread, the lock reason and the featured synthesis',
				params: threadIdParams,
				response: { 200: threadModerationNotices, ...errorResponses(404) }
			},
			handler: (request) => threadActions.notices(request.auth, request.params.id)
		});

		app.post(`${base}/lock`, {
			schema: {
				operationId: 'moderation.lockThread',
				tags,
				summary: 'Lock a thread: only moderators reply (reason required, shown to members)',
				params: threadIdParams,
				body: reasonRequiredInput,
				response
			},
			handler: (request) => threadActions.lock(request.auth, request.params.id, request.body.reason)
		});

		app.post(`${base}/unlock`, {
			schema: {
				operationId: 'moderation.unlockThread',
				tags,
				params: threadIdParams,
				body: reasonOptionalInput.optional(),
				response
			},
			handler: (request) => threadActions.unlock(request.auth, request.params.id, request.body?.reason)
		});

		app.post(`${base}/pin`, {
			schema: {
				operationId: 'moderation.pinThread',
				tags,
				summary: 'Pin a thread at the top of its space',
				params: threadIdParams,
				response
			},
			handler: (request) => threadActions.pin(request.auth, request.params.id)
		});

		app.post(`${base}/unpin`, {
			schema: { operationId: 'moderation.unpinThread', tags, params: threadIdParams, response },
			handler: (request) => threadActions.unpin(request.auth, request.params.id)
		});

		app.post(`${base}/move`, {
			schema: {
				operationId: 'moderation.moveThread',
				tags,
				summary: 'Move a thread to another space the caller moderates',
				params: threadIdParams,
				body: moveThreadInput,
				response
			},
			handler: (request) => threadActions.move(request.auth, request.params.id, request.body)
		});

		app.post(`${base}/delete`, {
			schema: {
				operationId: 'moderation.deleteThread',
				tags,
				summary: 'Delete a thread (soft; reason required): members no longer see it',
				params: threadIdParams,
				body: reasonRequiredInput,
				response
			},
			handler: (request) => threadActions.delete(request.auth, request.params.id, request.body.reason)
		});

		app.post(`${base}/restore`, {
			schema: {
				operationId: 'moderation.restoreThread',
				tags,
				params: threadIdParams,
				body: reasonOptionalInput.optional(),
				response
			},
			handler: (request) => threadActions.restore(request.auth, request.params.id, request.body?.reason)
		});

		app.post(`${base}/close`, {
			schema: {
				operationId: 'moderation.closeWithSynthesis',
				tags,
				summary: 'Close a thread with a synthesis post, featured at its top',
				params: threadIdParams,
				body: closeWithSynthesisInput,
				response
			},
			handler: (request) => threadActions.closeWithSynthesis(request.auth, request.params.id, request.body)
		});

		app.post(`${base}/reopen`, {
			schema: {
				operationId: 'moderation.reopenThread',
				tags,
				summary: 'Reopen a closed thread (its synthesis stays featured)',
				params: threadIdParams,
				body: reasonOptionalInput.optional(),
				response
			},
			handler: (request) => threadActions.reopen(request.auth, request.params.id, request.body?.reason)
		});

		app.put(`${base}/slow-mode`, {
			schema: {
				operationId: 'moderation.setSlowMode',
				tags,
				summary: 'Slow mode on the thread or its space (seconds 0 or null turns it off)',
				params: threadIdParams,
				body: setSlowModeInput,
				response
			},
			handler: (request) => threadActions.setSlowMode(request.auth, request.params.id, request.body)
		});
	};
}
