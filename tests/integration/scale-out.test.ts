import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/app.ts';
import { createUser, login, uniqueEmail } from '../helpers/factories.ts';
import { connect, connected, disconnectedBy } from '../helpers/sockets.ts';

/*
 * Two Palabre processes behind one load balancer: one PostgreSQL, one Redis. Runs in CI,
 * where both servers are there; on a laptop without them it has nothing to test.
 */
const servers = process.env.DATABASE_URL && process.env.REDIS_URL;

describe.runIf(servers)('two processes sharing PostgreSQL and Redis', () => {
	let a: TestApp;
	let b: TestApp;
	let urlB: string;
	beforeAll(async () => {
		const redis = { url: process.env.REDIS_URL!, prefix: `palabre-test-${randomUUID()}` };
		const rateRules = { loginPerAccount: { limit: 2, windowMs: 60_000 } };
		a = await createTestApp({ redis, rateRules });
		b = await createTestApp({ redis, rateRules });
		await a.listen();
		urlB = await b.listen();
	});
	afterAll(async () => {
		await a?.close();
		await b?.close();
	});

	it('a logout on one process closes the user’s socket on the other', async () => {
		const user = await createUser(a);
		const socket = connect(urlB, { cookie: user.cookie });
		try {
			await connected(socket);
			const closed = disconnectedBy(socket, 1000);
			const res = await a.app.inject({
				method: 'DELETE',
				url: '/api/v1/sessions',
				headers: { origin: TEST_ORIGIN, cookie: user.cookie }
			});
			expect(res.statusCode).toBe(200);
			expect(await closed).toBeLessThan(1000);
		} finally {
			socket.disconnect();
		}
	});

	it('shares the login rate limit between processes', async () => {
		const email = uniqueEmail();
		expect((await login(a, email, 'x', '10.7.0.1')).statusCode).toBe(401);
		expect((await login(b, email, 'x', '10.7.0.2')).statusCode).toBe(401);
		expect((await login(a, email, 'x', '10.7.0.3')).statusCode).toBe(429);
		expect((await login(b, email, 'x', '10.7.0.4')).statusCode).toBe(429);
	});
});
