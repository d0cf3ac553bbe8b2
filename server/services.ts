import type { Config } from './config.ts';
import type { Database, DatabaseDriver } from '../db/client.ts';
import { SessionService } from './auth/sessions.ts';
import type { RateLimiter } from './lib/rate-limit.ts';
import { AccountsService, defaultAccountsRateRules, type AccountsRateRules } from './modules/accounts/accounts.service.ts';
import type { RealtimePublisher } from './realtime/publisher.ts';

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
	return {
		config: deps.config,
		sessions,
		accounts,
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
