import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { registerAuth } from './auth/plugin.ts';
import type { Config } from './config.ts';
import { registerErrorHandler } from './lib/error-handler.ts';
import { registerSecurity } from './lib/security.ts';
import { accountsRoutes } from './modules/accounts/accounts.routes.ts';
import { notificationsRoutes } from './modules/notifications/notifications.routes.ts';
import { searchRoutes } from './modules/search/search.routes.ts';
import { auditRoutes } from './modules/moderation/audit.routes.ts';
import { reasonsRoutes } from './modules/moderation/reasons.routes.ts';
import { settingsRoutes } from './modules/moderation/settings.routes.ts';
import { sanctionsRoutes } from './modules/moderation/sanctions.routes.ts';
import { spacesRoutes } from './modules/spaces/spaces.routes.ts';
import { threadsRoutes } from './modules/threads/threads.routes.ts';
import { threadActionsRoutes } from './modules/moderation/thread-actions.routes.ts';
import { watchedWordsRoutes } from './modules/moderation/watched-words.routes.ts';
import { attachGateway, type RealtimeServer } from './realtime/gateway.ts';
import { eventsRoutes } from './modules/events/events.routes.ts';
import { roomRoutes } from './modules/events/room.routes.ts';
import { roomSockets } from './modules/events/room.socket.ts';
import type { LateBoundPublisher } from './realtime/publisher.ts';
import { SERVICES_KEY, type Services } from './services.ts';
import { queueRoutes } from './modules/moderation/queue.routes.ts';
import { attachmentsRoutes } from './modules/experiences/attachments.routes.ts';
import { experiencesRoutes } from './modules/experiences/experiences.routes.ts';
import { mountWeb } from './web/mount.ts';
import { mailRoutes } from './modules/mail/mail.routes.ts';
import { JobRunner } from './lib/jobs.ts';
import { PageCache } from './web/page-cache.ts';
import type { ServerOptions } from 'socket.io';

export interface AppOptions {
	config: Config;
	services: Services;
	/** The publisher the services were built with; bound here to the socket gateway. */
	publisher: LateBoundPublisher;
	/** `'build'` = adapter-node output, `'dev'` = Vite with hot reload, `false` = API only (tests). */
	web: 'build' | 'dev' | false;
	socketAdapter?: ServerOptions['adapter'];
	logger?: boolean;
	/** Run the background jobs (reminders, e-mail sender) every JOBS_INTERVAL_SECONDS; tests run them by hand. */
	jobs?: boolean;
}

export interface PalabreApp {
	app: FastifyInstance;
	io: RealtimeServer;
}

/** 64 KiB: a long post fits; a flood does not. */
const BODY_LIMIT = 64 * 1024;

const healthOutput = z.object({
	status: z.enum(['ok', 'degraded']),
	database: z.object({ ok: z.boolean(), driver: z.enum(['pglite', 'postgres']), latencyMs: z.number().nullable() })
});

/**
 * Builds the whole host, in one explicit order:
 * infrastructure → security → auth → domain modules → realtime → web → errors.
 */
export async function buildApp(options: AppOptions): Promise<PalabreApp> {
	const { config, services } = options;
	const app = Fastify({
		logger: options.logger === false ? false : { level: config.logLevel },
		bodyLimit: BODY_LIMIT,
		// A hop count becomes the function form Fastify's types accept.
		trustProxy:
			typeof config.trustProxy === 'number'
				? (_address: string, hop: number) => hop < (config.trustProxy as number)
				: config.trustProxy,
		// The same services reach SvelteKit in-process; Fastify never calls itself over HTTP.
		forceCloseConnections: true
	});
	app.setValidatorCompiler(validatorCompiler);
	app.setSerializerCompiler(serializerCompiler);
	app.decorateRequest('auth', null);

	(globalThis as Record<symbol, unknown>)[SERVICES_KEY] = services;

	await app.register(fastifyCookie);
	registerSecurity(app, config.publicOrigin);
	registerErrorHandler(app);

	await app.register(fastifySwagger, {
		openapi: {
			openapi: '3.1.0',
			info: {
				title: 'Palabre API',
				version: '1',
				description:
					'JSON API of Palabre. Sessions use the same cookie as the web pages (accounts.login sets it). ' +
					'Errors share one shape: { "error": { "code", "message", "fields"? } }.'
			}
		},
		transform: jsonSchemaTransform
	});

	await app.register(async (api) => {
		registerAuth(api, services.sessions, config);
		const typed = api.withTypeProvider<ZodTypeProvider>();

		typed.get('/api/health', {
			schema: { operationId: 'system.health', tags: ['system'], response: { 200: healthOutput, 503: healthOutput } },
			handler: async (_request, reply) => {
				const database = await services.health.check();
				return reply.status(database.ok ? 200 : 503).send({ status: database.ok ? 'ok' : 'degraded', database });
			}
		});

		api.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

		await api.register(accountsRoutes(services), { prefix: '/api/v1' });
		await api.register(spacesRoutes(services), { prefix: '/api/v1' });
		await api.register(threadsRoutes(services), { prefix: '/api/v1' });
		await api.register(notificationsRoutes(services), { prefix: '/api/v1' });
		await api.register(searchRoutes(services), { prefix: '/api/v1' });
		await api.register(threadActionsRoutes(services), { prefix: '/api/v1' });
		await api.register(auditRoutes(services), { prefix: '/api/v1' });
		await api.register(reasonsRoutes(services), { prefix: '/api/v1' });
		await api.register(settingsRoutes(services), { prefix: '/api/v1' });
		await api.register(sanctionsRoutes(services), { prefix: '/api/v1' });
		await api.register(watchedWordsRoutes(services), { prefix: '/api/v1' });
		await api.register(queueRoutes(services), { prefix: '/api/v1' });
		await api.register(attachmentsRoutes(services), { prefix: '/api/v1' });
		await api.register(experiencesRoutes(services), { prefix: '/api/v1' });
		await api.register(mailRoutes(services), { prefix: '/api/v1' });
		await api.register(eventsRoutes(services), { prefix: '/api/v1' });
		await api.register(roomRoutes(services), { prefix: '/api/v1' });
	});

	const gateway = attachGateway(app.server, {
		publicOrigin: config.publicOrigin,
		sessions: services.sessions,
		authority: services.rooms,
		extensions: [roomSockets(services.room)],
		adapter: options.socketAdapter
	});
	options.publisher.bind(gateway.publisher);
	// Before the HTTP server closes: it waits for every open connection, and upgraded
	// websockets only end when socket.io closes them (else a shutdown hangs while clients are connected).
	app.addHook('preClose', async () => {
		// The room's writes under way finish (and broadcast) first.
		await services.room.drain();
		await gateway.io.close();
	});

	if (options.jobs && config.jobsIntervalSeconds > 0) {
		const jobs = new JobRunner(
			[
				{ name: 'event-reminders', run: () => services.reminders.runOnce() },
				{ name: 'mail-sender', run: () => services.mail.sendDue() }
			],
			config.jobsIntervalSeconds * 1000,
			app.log
		);
		app.addHook('onReady', async () => jobs.start());
		// Before the database closes: a run in progress finishes first.
		app.addHook('onClose', async () => jobs.stop());
	}
	app.addHook('onClose', async () => services.mail.close());

	if (options.web) {
		// Pages are cached for anonymous readers only; any change empties the cache: a change
		// published by a service, or any state-changing request that succeeded (form or API).
		const pageCache = new PageCache({ ttlMs: options.web === 'dev' ? 0 : config.pageCacheSeconds * 1000 });
		options.publisher.onChange(() => pageCache.clear());
		app.addHook('onRequest', async (request, reply) => {
			if (request.method === 'GET' || request.method === 'HEAD') return;
			reply.raw.once('finish', () => {
				if (reply.raw.statusCode < 400) pageCache.clear();
			});
		});
		await mountWeb(app, { publicOrigin: config.publicOrigin, dev: options.web === 'dev', pageCache });
	}

	return { app, io: gateway.io };
}
