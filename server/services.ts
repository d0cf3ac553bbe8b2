import type { Config } from './config.ts';
import type { Database, DatabaseDriver } from '../db/client.ts';
import { SessionService } from './auth/sessions.ts';
import type { RateLimiter } from './lib/rate-limit.ts';
import { AccountsService, defaultAccountsRateRules, type AccountsRateRules } from './modules/accounts/accounts.service.ts';
import type { RoomAuthority } from './realtime/gateway.ts';
import type { RealtimePublisher } from './realtime/publisher.ts';
import { AccountsRepository } from './modules/accounts/accounts.repository.ts';
import { NotificationsService } from './modules/notifications/notifications.service.ts';
import { SearchService } from './modules/search/search.service.ts';
import { SpacesService } from './modules/spaces/spaces.service.ts';
import { ThreadsService } from './modules/threads/threads.service.ts';

export interface ServiceDeps {
	config: Config;
	db: Database;
	driver: DatabaseDriver;
	ping: () => Promise<void>;
	limiter: RateLimiter;
	realtime: RealtimePublisher;
	rateRules?: Partial<AccountsRateRules> | undefined;
}

/** Every domain service, built once per process and shared by Fastify, SvelteKit and sockets. */
export function buildServices(deps: ServiceDeps) {
	const sessions = new SessionService(deps.db);
	const accounts = new AccountsService(deps.db, sessions, deps.limiter, deps.realtime, {
		...defaultAccountsRateRules,
		...deps.rateRules
	});
	const notifications = new NotificationsService(deps.db, deps.realtime);
	const spaces = new SpacesService(deps.db, deps.realtime, notifications);
	notifications.bindSpaces(spaces.repo);
	const threads = new ThreadsService(deps.db, spaces, new AccountsRepository(deps.db), notifications, deps.realtime);
	const search = new SearchService(deps.db);

	/** What the socket gateway asks before letting a socket into a room. */
	const rooms: RoomAuthority = {
		async watchThread(auth, threadId, since) {
			if (since === undefined) {
				const ctx = await threads.context(auth, threadId);
				return { spaceId: ctx.thread.thread.spaceId, lastSeq: ctx.thread.thread.lastSeq, posts: [] };
			}
			const caughtUp = await threads.catchUp(auth, threadId, since);
			return { spaceId: caughtUp.thread.space.id, lastSeq: caughtUp.thread.lastSeq, posts: caughtUp.posts };
		},
		async watchSpace(auth, slug) {
			return (await spaces.readable(auth, slug)).space.id;
		}
	};

	return {
		config: deps.config,
		sessions,
		accounts,
		notifications,
		spaces,
		threads,
		search,
		rooms,
		health: {
			async check() {
				const started = performance.now();
				try {
					await deps.ping();
					return { ok: true, driver: deps.driver, latencyMs: Math.round(performance.now() - started) };
				} catch {
					return { ok: false, driver: deps.driver, latencyMs: null };
				}
			}
		}
	};
}

export type Services = ReturnType<typeof buildServices>;

/** Where the host leaves the services for SvelteKit, which runs in another module graph. */
export const SERVICES_KEY = Symbol.for('palabre.services');
