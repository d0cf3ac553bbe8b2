import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/app.ts';
import { createUser, login, sessionCookieFrom } from '../helpers/factories.ts';
import { connect, connected, disconnectedBy, emitWithAck, refused, type ClientSocket } from '../helpers/sockets.ts';

let t: TestApp;
let baseUrl: string;
const open: ClientSocket[] = [];
const track = (s: ClientSocket) => (open.push(s), s);

beforeAll(async () => {
	t = await createTestApp();
	baseUrl = await t.listen();
});
afterEach(() => {
	for (const s of open.splice(0)) s.disconnect();
});
afterAll(() => t.close());

const roomsOf = async (userId: string) => {
	const sockets = await t.io.in(`user:${userId}`).fetchSockets();
	return sockets.length;
};

describe('handshake', () => {
	it.each(['websocket', 'polling'] as const)('refuses a foreign Origin even with a valid cookie (%s)', async (transport) => {
		const user = await createUser(t);
		const socket = track(connect(baseUrl, { cookie: user.cookie, origin: 'https://evil.example', transports: [transport] }));
		await refused(socket);
		expect(await roomsOf(user.id)).toBe(0);
	});

	it('accepts an anonymous socket, which may read public rooms only', async () => {
		const socket = track(connect(baseUrl));
		await connected(socket);
		expect(await emitWithAck(socket, 'room:join', { room: 'site' })).toEqual({ ok: true, data: { room: 'site' } });
		for (const room of ['user:someone', 'session:x', 'space:private']) {
			expect(await emitWithAck(socket, 'room:join', { room })).toEqual({ ok: false, code: 'not_found' });
		}
	});

	it('authenticates by the session cookie and joins the user room', async () => {
		const user = await createUser(t);
		const socket = track(connect(baseUrl, { cookie: user.cookie }));
		await connected(socket);
		expect(await roomsOf(user.id)).toBe(1);
	});

	it('treats a forged cookie as anonymous', async () => {
		const user = await createUser(t);
		const [id] = user.cookie.split('=')[1]!.split('.');
		const socket = track(connect(baseUrl, { cookie: `palabre_session=${id}.${'b'.repeat(32)}` }));
		await connected(socket);
		expect(await roomsOf(user.id)).toBe(0);
	});

	it('exposes no namespace but the main one', async () => {
		const { io } = await import('socket.io-client');
		const socket = io(`${baseUrl}/admin`, {
			transports: ['websocket'],
			extraHeaders: { origin: TEST_ORIGIN },
			reconnection: false,
			forceNew: true
		}) as ClientSocket;
		track(socket);
		const error = await refused(socket);
		expect(error.message).toMatch(/Invalid namespace/);
	});
});

describe('revocation closes sockets within a second', () => {
	it('on logout of that session, leaving the user’s other sessions connected', async () => {
		const user = await createUser(t);
		const other = sessionCookieFrom((await login(t, user.email, user.password)).headers['set-cookie']);
		const a = track(connect(baseUrl, { cookie: user.cookie }));
		const b = track(connect(baseUrl, { cookie: other }));
		await Promise.all([connected(a), connected(b)]);
		const closed = disconnectedBy(a, 1000);
		await t.app.inject({
			method: 'DELETE',
			url: '/api/v1/sessions/current',
			headers: { origin: TEST_ORIGIN, cookie: user.cookie }
		});
		expect(await closed).toBeLessThan(1000);
		expect(b.connected).toBe(true);
	});

	it('on logout everywhere', async () => {
		const user = await createUser(t);
		const sockets = [track(connect(baseUrl, { cookie: user.cookie })), track(connect(baseUrl, { cookie: user.cookie }))];
		await Promise.all(sockets.map(connected));
		const closed = sockets.map((s) => disconnectedBy(s, 1000));
		await t.app.inject({ method: 'DELETE', url: '/api/v1/sessions', headers: { origin: TEST_ORIGIN, cookie: user.cookie } });
		await Promise.all(closed);
	});

	it('on a role change and on a suspension', async () => {
		const admin = await createUser(t, { role: 'admin' });
		for (const [method, path, payload] of [
			['PUT', 'admin/users/:id/role', { role: 'moderator' }],
			['POST', 'moderation/users/:id/suspend', { reason: 'Compte compromis.', until: null }]
		] as const) {
			const target = await createUser(t);
			const socket = track(connect(baseUrl, { cookie: target.cookie }));
			await connected(socket);
			const closed = disconnectedBy(socket, 1000);
			const res = await t.app.inject({
				method,
				url: `/api/v1/${path.replace(':id', target.id)}`,
				headers: { origin: TEST_ORIGIN, cookie: admin.cookie },
				payload
			});
			expect(res.statusCode).toBe(200);
			await closed;
			// And it cannot come back with the old cookie.
			const again = track(connect(baseUrl, { cookie: target.cookie }));
			await connected(again);
			expect(await roomsOf(target.id)).toBe(0);
		}
	});

	it('on a password change', async () => {
		const user = await createUser(t);
		const socket = track(connect(baseUrl, { cookie: user.cookie }));
		await connected(socket);
		const closed = disconnectedBy(socket, 1000);
		await t.app.inject({
			method: 'PUT',
			url: '/api/v1/me/password',
			headers: { origin: TEST_ORIGIN, cookie: user.cookie },
			payload: { currentPassword: user.password, newPassword: 'encore une autre phrase' }
		});
		await closed;
	});
});

describe('robustness', () => {
	it('survives odd events and payloads and keeps serving', async () => {
		const socket = track(connect(baseUrl));
		await connected(socket);
		const raw = socket as unknown as { emit: (...args: unknown[]) => void };
		const deep: Record<string, unknown> = {};
		let cursor = deep;
		for (let i = 0; i < 2000; i++) cursor = (cursor.n = {}) as Record<string, unknown>;
		raw.emit('room:join');
		raw.emit('room:join', null);
		raw.emit('room:join', 42, () => {});
		raw.emit('room:join', { room: 'x'.repeat(10_000) }, () => {});
		raw.emit('room:join', deep, () => {});
		raw.emit('no:such:event', { a: 1 });
		raw.emit('__proto__', {});
		raw.emit('constructor');
		const bad = await emitWithAck(socket, 'room:join', { room: 42 });
		expect(bad).toEqual({ ok: false, code: 'bad_request' });
		const extra = await emitWithAck(socket, 'room:join', { room: 'site', admin: true });
		expect(extra).toEqual({ ok: false, code: 'bad_request' });

		// A payload over the size limit closes that socket only; the server carries on.
		const big = track(connect(baseUrl));
		await connected(big);
		const closed = new Promise((resolve) => big.once('disconnect', resolve));
		(big as unknown as { emit: (...args: unknown[]) => void }).emit('room:join', { room: 'y'.repeat(200_000) });
		await closed;

		const health = await fetch(`${baseUrl}/api/health`);
		expect(health.status).toBe(200);
		const fresh = track(connect(baseUrl));
		await connected(fresh);
	});
});
