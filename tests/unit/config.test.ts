import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';

describe('configuration', () => {
	it('has working defaults: embedded database in ./data on port 3000', () => {
		const config = loadConfig({});
		expect(config).toMatchObject({
			port: 3000,
			publicOrigin: 'http://localhost:3000',
			databaseUrl: undefined,
			dataDir: './data',
			redisUrl: undefined,
			cookieSecure: false,
			trustProxy: false,
			logLevel: 'info'
		});
	});

	it('turns Secure cookies on for an https origin unless told otherwise', () => {
		expect(loadConfig({ PUBLIC_ORIGIN: 'https://palabre.example.org/' }).cookieSecure).toBe(true);
		expect(loadConfig({ PUBLIC_ORIGIN: 'https://palabre.example.org', COOKIE_SECURE: 'false' }).cookieSecure).toBe(false);
		expect(loadConfig({ PUBLIC_ORIGIN: 'https://palabre.example.org/forum' }).publicOrigin).toBe('https://palabre.example.org');
	});

	it('lists every bad variable in one message', () => {
		let error: unknown;
		try {
			loadConfig({
				PORT: 'trois-mille',
				PUBLIC_ORIGIN: 'ftp://x',
				DATABASE_URL: 'mysql://db',
				REDIS_URL: 'localhost:6379',
				COOKIE_SECURE: 'peut-être',
				LOG_LEVEL: 'bavard',
				TRUST_PROXY: 'oui'
			});
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(ConfigError);
		const message = (error as ConfigError).message;
		for (const key of ['PORT', 'PUBLIC_ORIGIN', 'DATABASE_URL', 'REDIS_URL', 'COOKIE_SECURE', 'LOG_LEVEL', 'TRUST_PROXY']) {
			expect(message).toContain(`${key}=`);
		}
		expect((error as ConfigError).problems).toHaveLength(7);
	});

	it('reads proxy trust as a flag or a hop count', () => {
		expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
		expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
	});

	it('treats empty values as unset', () => {
		expect(loadConfig({ DATABASE_URL: '', PORT: ' ' }).port).toBe(3000);
	});
});
