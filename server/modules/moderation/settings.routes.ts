import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorResponses } from '../../lib/openapi.ts';
import type { Services } from '../../services.ts';
import { siteSettingsInput, siteSettingsOutput } from './settings.schema.ts';

export function settingsRoutes({ settings }: Services) {
	return async function routes(fastify: FastifyInstance) {
		const app = fastify.withTypeProvider<ZodTypeProvider>();
		const tags = ['moderation'];

		app.get('/moderation/settings', {
			schema: {
				operationId: 'moderation.settings',
				tags,
				summary: 'Site-wide moderation settings (admins)',
				response: { 200: siteSettingsOutput, ...errorResponses(401, 403) }
			},
			handler: (request) => settings.get(request.auth)
		});

		app.put('/moderation/settings', {
			schema: {
				operationId: 'moderation.updateSettings',
				tags,
				summary: 'Change site-wide moderation settings (admins); audited',
				body: siteSettingsInput,
				response: { 200: siteSettingsOutput, ...errorResponses(400, 401, 403) }
			},
			handler: (request) => settings.update(request.auth, request.body)
		});
	};
}
