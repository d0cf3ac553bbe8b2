import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, sessions, users } from '../../db/schema/index.ts';
import { createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/app.ts';
import { createUser, login, PASSWORD, sessionCookieFrom, signupBody, uniqueEmail } from '../helpers/factories.ts';

let t: TestApp;
beforeAll(async () => {
	t = await createTestApp();
});
afterAll(() => t.close());

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
	t.app.inject({ method: 'POST', url, headers: { origin: TEST_ORIGIN, ...headers }, payload: payload as object });

describe('sign-up', () => {
	it('creates the account, opens a session and never returns the hash', async () => {
		const body = signupBody({ email: `  ${uniqueEmail().toUpperCase()} ` });
		const res = await post('/api/v1/accounts', body);
		expect(res.statusCode).toBe(201);
		const me = res.json();
		expect(me).toMatchObject({ displayName: 'Awa Ndiaye', role: 'member', locale: 'fr', country: 'SN' });
		expect(me.email).toBe(body.email.trim().toLowerCase());
		expect(me.url).toBe(`/membres/${me.id}`);
		expect(me.organisation).toMatchObject({ type: 'mutuelle', country: 'SN' });
		expect(JSON.stringify(me)).not.toMatch(/argon|hash|password/i);

		const cookie = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('palabre_session='))!;
		expect(cookie).toMatch(/HttpOnly/);
		expect(cookie).toMatch(/SameSite=Lax/);
		expect(cookie).toMatch(/Path=\//);
		expect(cookie).toMatch(/Expires=/);

		const [row] = await t.database.db.select().from(users).where(eq(users.id, me.id));
		expect(row!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
	});

	it('refuses a taken e-mail with 409, whatever its case', async () => {
		const body = signupBody();
		expect((await post('/api/v1/accounts', body)).statusCode).toBe(201);
		const again = await post('/api/v1/accounts', { ...body, email: body.email.toUpperCase() });
		expect(again.statusCode).toBe(409);
		expect(again.json().error.code).toBe('conflict');
		expect(again.json().error.fields.email).toBeTruthy();
	});

	it('gives namesakes signing up at the same moment distinct @handles', async () => {
		const displayName = `Homonyme ${Date.now()}`;
		const results = await Promise.all(
			Array.from({ length: 8 }, () =>
				t.app.inject({
					method: 'POST',
					url: '/api/v1/accounts',
					headers: { origin: TEST_ORIGIN },
					payload: signupBody({ displayName }),
					remoteAddress: `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`
				})
			)
		);
		expect(results.map((r) => r.statusCode)).toEqual(Array(8).fill(201));
		expect(new Set(results.map((r) => r.json().handle)).size).toBe(8);
	});

	it('reports every bad field at once, in the requested language', async () => {
		const res = await post(
			'/api/v1/accounts',
			{
				displayName: 'A',
				email: 'pas-une-adresse',
				password: 'court',
				organisationName: 'M',
				organisationType: 'banque',
				country: 'XX'
			},
			{ 'accept-language': 'en-GB,en;q=0.9' }
		);
		expect(res.statusCode).toBe(400);
		const { error } = res.json();
		expect(error.code).toBe('validation_failed');
		expect(Object.keys(error.fields).sort()).toEqual(
			['country', 'displayName', 'email', 'organisationName', 'organisationType', 'password'].sort()
		);
		expect(error.fields.password).toBe('At least 8 characters.');
	});

	it.each([
		['password', 'too_common'],
		['x'.repeat(129), 'too long']
	])('applies the password policy (%#)', async (password) => {
		const res = await post('/api/v1/accounts', signupBody({ password }));
		expect(res.statusCode).toBe(400);
		expect(res.json().error.fields.password).toBeTruthy();
	});

	it('refuses extra fields such as role instead of storing them (mass assignment)', async () => {
		const body = signupBody({
			role: 'admin',
			status: 'active',
			id: '00000000-0000-4000-8000-000000000000',
			createdAt: '2000-01-01'
		});
		const res = await post('/api/v1/accounts', body);
		expect(res.statusCode).toBe(400);
		expect(Object.keys(res.json().error.fields).sort()).toEqual(['createdAt', 'id', 'role', 'status']);
		const rows = await t.database.db
			.select()
			.from(users)
			.where(eq(users.email, body.email as string));
		expect(rows).toHaveLength(0);
	});
});

describe('login and sessions', () => {
	it('logs in with JSON and the cookie then authenticates /me', async () => {
		const user = await createUser(t);
		const res = await login(t, user.email.toUpperCase(), user.password);
		expect(res.statusCode).toBe(200);
		const cookie = sessionCookieFrom(res.headers['set-cookie']);
		expect(cookie).not.toBe(user.cookie); // a new session on every login
		const me = await t.app.inject({ url: '/api/v1/me', headers: { cookie } });
		expect(me.statusCode).toBe(200);
		expect(me.json().id).toBe(user.id);
		expect(me.headers['cache-control']).toBe('private, no-store');
	});

	it('gives one generic message for an unknown account and a wrong password', async () => {
		const user = await createUser(t);
		const wrong = await login(t, user.email, 'mauvais mot de passe', '10.2.0.1');
		const unknown = await login(t, uniqueEmail(), 'mauvais mot de passe', '10.2.0.2');
		expect(wrong.statusCode).toBe(401);
		expect(unknown.statusCode).toBe(401);
		expect(wrong.json()).toEqual(unknown.json());
		expect(wrong.headers['set-cookie']).toBeUndefined();
	});

	it('stores only a hash of the session secret', async () => {
		const user = await createUser(t);
		const [id, secret] = user.cookie.split('=')[1]!.split('.');
		const [row] = await t.database.db.select().from(sessions).where(eq(sessions.id, id!));
		expect(row).toBeDefined();
		expect(Buffer.from(row!.secretHash).toString('hex')).not.toContain(Buffer.from(secret!).toString('hex'));
		expect(row!.secretHash).toHaveLength(32);
		// A right id with a wrong secret is no session.
		const forged = await t.app.inject({ url: '/api/v1/me', headers: { cookie: `palabre_session=${id}.${'a'.repeat(32)}` } });
		expect(forged.statusCode).toBe(401);
	});

	it('expires a session after inactivity and after its absolute lifetime', async () => {
		const a = await createUser(t);
		const b = await createUser(t);
		const idOf = (cookie: string) => cookie.split('=')[1]!.split('.')[0]!;
		await t.database.db
			.update(sessions)
			.set({ lastSeenAt: new Date(Date.now() - 15 * 24 * 3600_000) })
			.where(eq(sessions.id, idOf(a.cookie)));
		await t.database.db
			.update(sessions)
			.set({ expiresAt: new Date(Date.now() - 1000) })
			.where(eq(sessions.id, idOf(b.cookie)));
		for (const cookie of [a.cookie, b.cookie]) {
			const res = await t.app.inject({ url: '/api/v1/me', headers: { cookie } });
			expect(res.statusCode).toBe(401);
		}
	});

	it('slides the inactivity window and re-sends the cookie', async () => {
		const user = await createUser(t);
		const id = user.cookie.split('=')[1]!.split('.')[0]!;
		await t.database.db
			.update(sessions)
			.set({ lastSeenAt: new Date(Date.now() - 2 * 3600_000) })
			.where(eq(sessions.id, id));
		const res = await t.app.inject({ url: '/api/v1/me', headers: { cookie: user.cookie } });
		expect(res.statusCode).toBe(200);
		expect(String(res.headers['set-cookie'])).toContain(user.cookie);
		const [row] = await t.database.db.select().from(sessions).where(eq(sessions.id, id));
		expect(Date.now() - row!.lastSeenAt.getTime()).toBeLessThan(60_000);
	});

	it('logs out this session only', async () => {
		const user = await createUser(t);
		const other = sessionCookieFrom((await login(t, user.email, user.password)).headers['set-cookie']);
		const res = await t.app.inject({
			method: 'DELETE',
			url: '/api/v1/sessions/current',
			headers: { origin: TEST_ORIGIN, cookie: user.cookie }
		});
		expect(res.statusCode).toBe(200);
		expect(String(res.headers['set-cookie'])).toMatch(/palabre_session=;.*Expires=Thu, 01 Jan 1970/);
		expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie: user.cookie } })).statusCode).toBe(401);
		expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie: other } })).statusCode).toBe(200);
	});

	it('logs out of every device', async () => {
		const user = await createUser(t);
		const other = sessionCookieFrom((await login(t, user.email, user.password)).headers['set-cookie']);
		const res = await t.app.inject({
			method: 'DELETE',
			url: '/api/v1/sessions',
			headers: { origin: TEST_ORIGIN, cookie: user.cookie }
		});
		expect(res.statusCode).toBe(200);
		for (const cookie of [user.cookie, other]) {
			expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(401);
		}
	});

	it('lists the open sessions, marking the current one', async () => {
		const user = await createUser(t);
		await login(t, user.email, user.password);
		const res = await t.app.inject({ url: '/api/v1/sessions', headers: { cookie: user.cookie } });
		expect(res.statusCode).toBe(200);
		const items = res.json().items as { current: boolean }[];
		expect(items).toHaveLength(2);
		expect(items.filter((s) => s.current)).toHaveLength(1);
		expect(JSON.stringify(items)).not.toMatch(/secret|hash/i);
	});

	it('answers 401 to anonymous callers of private endpoints', async () => {
		for (const url of ['/api/v1/me', '/api/v1/sessions']) {
			const res = await t.app.inject({ url });
			expect(res.statusCode).toBe(401);
			expect(res.json().error.code).toBe('unauthenticated');
		}
	});
});

describe('profile and password', () => {
	it('edits the profile, creating the organisation when new', async () => {
		const user = await createUser(t);
		const res = await t.app.inject({
			method: 'PATCH',
			url: '/api/v1/me',
			headers: { origin: TEST_ORIGIN, cookie: user.cookie },
			payload: {
				displayName: 'Awa N.',
				bio: 'Gérante',
				organisationName: 'Union des mutuelles de Thiès',
				organisationType: 'federation_mutuelles',
				locale: 'en'
			}
		});
		expect(res.statusCode).toBe(200);
		expect(res.json()).toMatchObject({
			displayName: 'Awa N.',
			bio: 'Gérante',
			locale: 'en',
			organisation: { name: 'Union des mutuelles de Thiès', type: 'federation_mutuelles' }
		});
	});

	it('refuses role or email changes through the profile', async () => {
		const user = await createUser(t);
		const res = await t.app.inject({
			method: 'PATCH',
			url: '/api/v1/me',
			headers: { origin: TEST_ORIGIN, cookie: user.cookie },
			payload: { role: 'admin', email: 'x@y.z' }
		});
		expect(res.statusCode).toBe(400);
		const [row] = await t.database.db.select().from(users).where(eq(users.id, user.id));
		expect(row!.role).toBe('member');
	});

	it('changes the password, ends other sessions and renews this one', async () => {
		const user = await createUser(t);
		const other = sessionCookieFrom((await login(t, user.email, user.password)).headers['set-cookie']);
		const wrong = await t.app.inject({
			method: 'PUT',
			url: '/api/v1/me/password',
			headers: { origin: TEST_ORIGIN, cookie: user.cookie },
			payload: { currentPassword: 'pas le bon', newPassword: 'une toute nouvelle phrase' }
		});
		expect(wrong.statusCode).toBe(400);
		expect(wrong.json().error.fields.currentPassword).toBeTruthy();

		const res = await t.app.inject({
			method: 'PUT',
			url: '/api/v1/me/password',
			headers: { origin: TEST_ORIGIN, cookie: user.cookie },
			payload: { currentPassword: PASSWORD, newPassword: 'une toute nouvelle phrase' }
		});
		expect(res.statusCode).toBe(200);
		const renewed = sessionCookieFrom(res.headers['set-cookie']);
		for (const cookie of [user.cookie, other]) {
			expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(401);
		}
		expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie: renewed } })).statusCode).toBe(200);
		expect((await login(t, user.email, PASSWORD, '10.3.0.1')).statusCode).toBe(401);
		expect((await login(t, user.email, 'une toute nouvelle phrase', '10.3.0.2')).statusCode).toBe(200);
	});
});

describe('administration', () => {
	it('lets an admin change a role: audited, and the target’s sessions end', async () => {
		const admin = await createUser(t, { role: 'admin' });
		const target = await createUser(t);
		const res = await t.app.inject({
			method: 'PUT',
			url: `/api/v1/admin/users/${target.id}/role`,
			headers: { origin: TEST_ORIGIN, cookie: admin.cookie },
			payload: { role: 'moderator' }
		});
		expect(res.statusCode).toBe(200);
		expect(res.json().role).toBe('moderator');
		expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie: target.cookie } })).statusCode).toBe(401);
		const audit = await t.database.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.targetId, target.id), eq(auditLog.action, 'account.role_changed')));
		expect(audit).toHaveLength(1);
		expect(audit[0]!.actorId).toBe(admin.id);
		expect(audit[0]!.before).toMatchObject({ role: 'member' });
		expect(audit[0]!.after).toMatchObject({ role: 'moderator' });
	});

	it('refuses members and moderators (403) and hides nothing behind 404 for unknown users', async () => {
		const target = await createUser(t);
		for (const role of ['member', 'moderator'] as const) {
			const caller = await createUser(t, { role });
			const res = await t.app.inject({
				method: 'PUT',
				url: `/api/v1/admin/users/${target.id}/role`,
				headers: { origin: TEST_ORIGIN, cookie: caller.cookie },
				payload: { role: 'admin' }
			});
			expect(res.statusCode).toBe(403);
		}
		const admin = await createUser(t, { role: 'admin' });
		const missing = await t.app.inject({
			method: 'PUT',
			url: '/api/v1/admin/users/00000000-0000-4000-8000-000000000000/role',
			headers: { origin: TEST_ORIGIN, cookie: admin.cookie },
			payload: { role: 'admin' }
		});
		expect(missing.statusCode).toBe(404);
		const [row] = await t.database.db.select().from(users).where(eq(users.id, target.id));
		expect(row!.role).toBe('member');
	});

	it('suspends an account: its sessions end and it cannot log in', async () => {
		const admin = await createUser(t, { role: 'admin' });
		const target = await createUser(t);
		// Suspensions go through moderation (tests/integration/sanctions.test.ts has the details).
		const res = await t.app.inject({
			method: 'POST',
			url: `/api/v1/moderation/users/${target.id}/suspend`,
			headers: { origin: TEST_ORIGIN, cookie: admin.cookie },
			payload: { reason: 'Compte compromis.', until: null }
		});
		expect(res.statusCode).toBe(200);
		expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie: target.cookie } })).statusCode).toBe(401);
		const attempt = await login(t, target.email, target.password, '10.4.0.1');
		expect(attempt.statusCode).toBe(403);
		expect(attempt.headers['set-cookie']).toBeUndefined();
		// Its public profile disappears too.
		expect((await t.app.inject({ url: `/api/v1/members/${target.id}` })).statusCode).toBe(404);
	});

	it('keeps an admin from demoting or suspending themself', async () => {
		const admin = await createUser(t, { role: 'admin' });
		const res = await t.app.inject({
			method: 'PUT',
			url: `/api/v1/admin/users/${admin.id}/role`,
			headers: { origin: TEST_ORIGIN, cookie: admin.cookie },
			payload: { role: 'member' }
		});
		expect(res.statusCode).toBe(409);
	});

	it('lists accounts for admins only', async () => {
		const admin = await createUser(t, { role: 'admin' });
		const member = await createUser(t);
		const list = await t.app.inject({
			url: `/api/v1/admin/users?q=${encodeURIComponent(member.email)}`,
			headers: { cookie: admin.cookie }
		});
		expect(list.statusCode).toBe(200);
		expect(list.json().items.map((u: { id: string }) => u.id)).toEqual([member.id]);
		expect((await t.app.inject({ url: '/api/v1/admin/users', headers: { cookie: member.cookie } })).statusCode).toBe(403);
	});
});

describe('rate limits', () => {
	it('limits login attempts per account with 429 and Retry-After', async () => {
		const limited = await createTestApp({ rateRules: { loginPerAccount: { limit: 3, windowMs: 60_000 } } });
		try {
			const user = await createUser(limited);
			const statuses = [];
			for (let i = 0; i < 4; i++) statuses.push((await login(limited, user.email, 'mauvais', `10.5.0.${i}`)).statusCode);
			expect(statuses).toEqual([401, 401, 401, 429]);
			const blocked = await login(limited, user.email, user.password, '10.5.0.9');
			expect(blocked.statusCode).toBe(429);
			expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
			expect(blocked.json().error.code).toBe('rate_limited');
		} finally {
			await limited.close();
		}
	});

	it('limits login and sign-up per IP', async () => {
		const limited = await createTestApp({
			rateRules: { loginPerIp: { limit: 2, windowMs: 60_000 }, signupPerIp: { limit: 1, windowMs: 60_000 } }
		});
		try {
			// A spoofed X-Forwarded-For does not buy new attempts: no proxy is trusted by default.
			const codes = [];
			for (let i = 0; i < 3; i++) {
				const res = await limited.app.inject({
					method: 'POST',
					url: '/api/v1/sessions',
					headers: { origin: TEST_ORIGIN, 'x-forwarded-for': `203.0.113.${i}` },
					remoteAddress: '10.6.0.1',
					payload: { email: uniqueEmail(), password: 'x' }
				});
				codes.push(res.statusCode);
			}
			expect(codes).toEqual([401, 401, 429]);
			const signup = (ip: string) =>
				limited.app.inject({
					method: 'POST',
					url: '/api/v1/accounts',
					headers: { origin: TEST_ORIGIN },
					remoteAddress: ip,
					payload: signupBody()
				});
			expect((await signup('10.6.0.2')).statusCode).toBe(201);
			const second = await signup('10.6.0.2');
			expect(second.statusCode).toBe(429);
			expect(second.headers['retry-after']).toBeDefined();
			expect((await signup('10.6.0.3')).statusCode).toBe(201);
		} finally {
			await limited.close();
		}
	});
});

describe('contract at the edge', () => {
	it('answers malformed JSON with the error shape and no stack', async () => {
		const res = await t.app.inject({
			method: 'POST',
			url: '/api/v1/sessions',
			headers: { origin: TEST_ORIGIN, 'content-type': 'application/json' },
			payload: '{"email": "a@b.c", "password":'
		});
		expect(res.statusCode).toBe(400);
		expect(res.json()).toEqual({ error: { code: 'bad_request', message: expect.any(String) } });
		expect(res.body).not.toMatch(/at \w+ \(|node_modules/);
	});

	it('refuses objects and arrays where strings belong (operator injection)', async () => {
		for (const payload of [
			{ email: { $ne: null }, password: 'x' },
			{ email: ['a@b.c'], password: { $gt: '' } }
		]) {
			const res = await post('/api/v1/sessions', payload);
			expect(res.statusCode).toBe(400);
			expect(res.json().error.code).toBe('validation_failed');
		}
	});

	it('limits the body size (413)', async () => {
		const res = await post('/api/v1/sessions', { email: 'a@b.c', password: 'x'.repeat(100_000) });
		expect(res.statusCode).toBe(413);
		expect(res.json().error.code).toBe('payload_too_large');
	});

	it('refuses unsupported content types with the same shape', async () => {
		const res = await t.app.inject({
			method: 'POST',
			url: '/api/v1/sessions',
			headers: { origin: TEST_ORIGIN, 'content-type': 'application/xml' },
			payload: '<x/>'
		});
		expect(res.statusCode).toBe(415);
		expect(res.json().error.code).toBe('unsupported_media_type');
	});

	it('answers unknown API paths with a JSON 404', async () => {
		const res = await t.app.inject({ url: '/api/v1/nothing-here' });
		expect(res.statusCode).toBe(404);
		expect(res.json().error.code).toBe('not_found');
	});

	it('refuses cross-origin writes whatever the Content-Type (CSRF)', async () => {
		const user = await createUser(t);
		const attempts: { headers: Record<string, string>; payload?: string }[] = [
			{ headers: { 'content-type': 'text/plain' }, payload: '{"displayName":"pirate"}' },
			{ headers: { 'content-type': 'application/json' }, payload: '{"displayName":"pirate"}' },
			{ headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'displayName=pirate' },
			{ headers: {} }
		];
		for (const attempt of attempts) {
			const res = await t.app.inject({
				method: 'PATCH',
				url: '/api/v1/me',
				headers: { ...attempt.headers, origin: 'https://evil.example', cookie: user.cookie },
				...(attempt.payload ? { payload: attempt.payload } : {})
			});
			expect(res.statusCode).toBe(403);
			expect(res.json().error.code).toBe('foreign_origin');
		}
		const viaFetchMetadata = await t.app.inject({
			method: 'DELETE',
			url: '/api/v1/sessions',
			headers: { 'sec-fetch-site': 'cross-site', cookie: user.cookie }
		});
		expect(viaFetchMetadata.statusCode).toBe(403);
		const me = await t.app.inject({ url: '/api/v1/me', headers: { cookie: user.cookie } });
		expect(me.json().displayName).toBe('Awa Ndiaye');
	});

	it('sends the security headers on API responses', async () => {
		const res = await t.app.inject({ url: '/api/health' });
		expect(res.headers['x-content-type-options']).toBe('nosniff');
		expect(res.headers['referrer-policy']).toBeDefined();
		expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
	});
});

describe('health and OpenAPI', () => {
	it('reports the database state', async () => {
		const res = await t.app.inject({ url: '/api/health' });
		expect(res.statusCode).toBe(200);
		expect(res.json()).toMatchObject({
			status: 'ok',
			database: { ok: true, driver: process.env.DATABASE_URL ? 'postgres' : 'pglite' }
		});
	});

	it('documents every operation with a domain.verb operationId', async () => {
		const res = await t.app.inject({ url: '/api/openapi.json' });
		expect(res.statusCode).toBe(200);
		const doc = res.json();
		expect(doc.openapi).toMatch(/^3\./);
		const ids: string[] = Object.values(doc.paths as Record<string, Record<string, { operationId?: string }>>).flatMap((ops) =>
			Object.values(ops).map((op) => op.operationId ?? 'missing')
		);
		for (const id of ids) expect(id).toMatch(/^[a-z]+\.[a-zA-Z]+$/);
		expect(ids).toEqual(
			expect.arrayContaining([
				'accounts.signup',
				'accounts.login',
				'accounts.logout',
				'accounts.me',
				'accounts.updateProfile',
				'accounts.changePassword',
				'admin.setRole'
			])
		);
		expect(JSON.stringify(doc.paths['/api/v1/sessions'].post.requestBody)).toContain('"email"');
	});
});
