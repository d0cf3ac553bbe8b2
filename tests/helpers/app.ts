import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { createClient, type RedisClientType } from 'redis';
import type { ServerOptions } from 'socket.io';
import { openDatabase, type DatabaseHandle } from '../../db/client.ts';
import { buildApp, type PalabreApp } from '../../server/app.ts';
import { loadConfig, type Config } from '../../server/config.ts';
import { MemoryRateLimitStore, RateLimiter, RedisRateLimitStore } from '../../server/lib/rate-limit.ts';
import { FileSystemStorage } from '../../server/lib/storage.ts';
import type { AccountsRateRules } from '../../server/modules/accounts/accounts.service.ts';
import { LateBoundPublisher } from '../../server/realtime/publisher.ts';
import { buildServices, type Services } from '../../server/services.ts';

/** The origin tests send: what a browser on the real site would send. */
export const TEST_ORIGIN = 'http://palabre.test';

export interface TestApp extends PalabreApp {
	services: Services;
	database: DatabaseHandle;
	config: Config;
	/** Listens on a free loopback port (for sockets); returns its base URL. */
	listen(): Promise<string>;
	close(): Promise<void>;
}

/**
 * A whole Palabre host on a real database: PostgreSQL when DATABASE_URL is set (CI), else
 * a fresh in-memory PGlite. API and sockets only; the browser tests run the built web app.
 */
export async function createTestApp(
	options: {
		rateRules?: Partial<AccountsRateRules>;
		/** Share rate limits and socket rooms through Redis under this key prefix. */
		redis?: { url: string; prefix: string };
	} = {}
): Promise<TestApp> {
	const config: Config = {
		...loadConfig({ DATABASE_URL: process.env.DATABASE_URL, LOG_LEVEL: 'silent' }),
		publicOrigin: TEST_ORIGIN,
		cookieSecure: false
	};
	const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: null, max: 4 });
	const memoryStore = new MemoryRateLimitStore();
	let redis: RedisClientType | undefined;
	let socketAdapter: ServerOptions['adapter'] | undefined;
	if (options.redis) {
		redis = createClient({ url: options.redis.url });
		await redis.connect();
		socketAdapter = createAdapter(redis, { streamName: `${options.redis.prefix}:socket.io` });
	}
	const store = redis && options.redis ? new RedisRateLimitStore(redis, `${options.redis.prefix}:rl:`) : memoryStore;
	const publisher = new LateBoundPublisher();
	// Attachments go to a temporary folder, removed on close.
	const storageDir = mkdtempSync(join(tmpdir(), 'palabre-attachments-'));
	const services = buildServices({
		config,
		db: database.db,
		driver: database.driver,
		ping: database.ping,
		limiter: new RateLimiter(store),
		realtime: publisher,
		rateRules: options.rateRules,
		storage: new FileSystemStorage(storageDir)
	});
	const built = await buildApp({ config, services, publisher, web: false, logger: false, socketAdapter });
	return {
		...built,
		services,
		database,
		config,
		async listen() {
			await built.app.listen({ port: 0, host: '127.0.0.1' });
			return `http://127.0.0.1:${(built.app.server.address() as AddressInfo).port}`;
		},
		async close() {
			await built.app.close();
			memoryStore.close();
			await redis?.quit();
			await database.close();
			rmSync(storageDir, { recursive: true, force: true });
		}
	};
}
