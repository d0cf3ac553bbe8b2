import { createClient, type RedisClientType } from 'redis';
import { openDatabase } from '../db/client.ts';
import { seedIfEmpty } from '../db/seed/demo.ts';
import { attachmentStorage } from './lib/storage.ts';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { MemoryRateLimitStore, RateLimiter, RedisRateLimitStore } from './lib/rate-limit.ts';
import { LateBoundPublisher } from './realtime/publisher.ts';
import { buildServices } from './services.ts';

async function start() {
	let config: Config;
	try {
		config = loadConfig();
	} catch (error) {
		if (error instanceof ConfigError) {
			console.error(error.message);
			process.exit(1);
		}
		throw error;
	}
	const dev = process.argv.includes('--dev');

	const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
	// Demo data only ever lands in a fresh embedded database; a real server gets it from `npm run db:seed`.
	if (database.driver === 'pglite') {
		const seeded = await seedIfEmpty(database.db, attachmentStorage(config.dataDir));
		if (seeded) console.log('Données de démonstration créées (demo data seeded).');
	}

	let redis: RedisClientType | undefined;
	let socketAdapter;
	if (config.redisUrl) {
		redis = createClient({ url: config.redisUrl });
		redis.on('error', (error) => console.error('redis:', error.message));
		await redis.connect();
		const { createAdapter } = await import('@socket.io/redis-streams-adapter');
		socketAdapter = createAdapter(redis);
	}
	const limiter = new RateLimiter(redis ? new RedisRateLimitStore(redis) : new MemoryRateLimitStore());
	const publisher = new LateBoundPublisher();
	const services = buildServices({
		config,
		db: database.db,
		driver: database.driver,
		ping: database.ping,
		limiter,
		realtime: publisher
	});

	const { app } = await buildApp({ config, services, publisher, web: dev ? 'dev' : 'build', socketAdapter, jobs: true });

	let closing = false;
	const shutdown = async (signal: string) => {
		if (closing) return;
		closing = true;
		app.log.info(`${signal}: arrêt en cours`);
		const force = setTimeout(() => process.exit(1), 10_000).unref();
		try {
			await app.close();
			await redis?.quit();
			await database.close();
		} finally {
			clearTimeout(force);
			process.exit(0);
		}
	};
	process.on('SIGINT', () => void shutdown('SIGINT'));
	process.on('SIGTERM', () => void shutdown('SIGTERM'));

	await app.listen({ port: config.port, host: config.host });
	console.log(`Palabre écoute sur ${config.publicOrigin} (${database.driver}${dev ? ', dev' : ''})`);
}

start().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
