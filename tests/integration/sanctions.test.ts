import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, notifications, suspensions, users, warnings } from '../../db/schema/index.ts';
import { createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/app.ts';
import { createSpace, createUser, login, type TestUser } from '../helpers/factories.ts';
import { connect, connected, disconnectedBy, type ClientSocket } from '../helpers/sockets.ts';

let t: TestApp;
let baseUrl: string;
const open: ClientSocket[] = [];

beforeAll(async () => {
	t = await createTestApp();
	baseUrl = await t.listen();
});
afterEach(() => {
	for (const s of open.splice(0)) s.disconnect();
});
afterAll(() => t.close());

const send = (method: 'GET' | 'POST', url: string, cookie: string | undefined, payload?: object) =>
	t.app.inject({
		method,
		url: `/api/v1${url}`,
		headers: { origin: TEST_ORIGIN, ...(cookie ? { cookie } : {}) },
		...(payload ? { payload } : {})
	});
const suspend = (caller: TestUser | undefined, targetId: string, payload: object) =>
	send('POST', `/moderation/users/${targetId}/suspend`, caller?.cookie, payload);
const unsuspend = (caller: TestUser | undefined, targetId: string, payload: object = {}) =>
	send('POST', `/moderation/users/${targetId}/unsuspend`, caller?.cookie, payload);
const warn = (caller: TestUser | undefined, targetId: string, message = 'Merci de garder un ton courtois.') =>
	send('POST', `/moderation/users/${targetId}/warn`, caller?.cookie, { message });
const me = (user: TestUser) => t.app.inject({ url: '/api/v1/me', headers: { cookie: user.cookie } });
const auditOf = (targetId: string, action: string) =>
	t.database.db
		.select()
		.from(auditLog)
		.where(and(eq(auditLog.targetId, targetId), eq(auditLog.action, action)));
const userRow = async (id: string) => (await t.database.db.select().from(users).where(eq(users.id, id)))[0]!;

let ipCounter = 0;
const nextIp = () => `10.77.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;

/** A member who moderates one space only: no site-wide sanctions for them. */
async function spaceOnlyModerator(): Promise<TestUser> {
	const { slug, admin } = await createSpace(t);
	const user = await createUser(t);
	expect((await send('POST', `/spaces/${slug}/membership`, user.cookie)).statusCode).toBe(200);
	expect(
		(
			await t.app.inject({
				method: 'PUT',
				url: `/api/v1/spaces/${slug}/members/${user.id}/role`,
				headers: { origin: TEST_ORIGIN, cookie: admin.cookie },
				payload: { role: 'moderator' }
			})
		).statusCode
	).toBe(200);
	return user;
}

describe('suspend', () => {
	it('lets a site moderator suspend a member for a duration: sessions end, status and history are kept, audit written', async () => {
		const moderator = await createUser(t, { role: 'moderator' });
		const target = await createUser(t);
		const before = Date.now();
		const res = await suspend(moderator, target.id, { reason: 'Propos injurieux répétés.', duration: '3d' });
		expect(res.statusCode).toBe(200);
		const body = res.json();
		expect(body.status).toBe('suspended');
		expect(body.suspensionReason).toBe('Propos injurieux répétés.');
		const until = new Date(body.suspendedUntil).getTime();
		expect(until).toBeGreaterThanOrEqual(before + 3 * 24 * 3600_000 - 1000);
		expect(until).toBeLessThanOrEqual(Date.now() + 3 * 24 * 3600_000 + 1000);

		// The existing session cookie is refused at once.
		expect((await me(target)).statusCode).toBe(401);

		const row = await userRow(target.id);
		expect(row.status).toBe('suspended');
		expect(row.suspensionReason).toBe('Propos injurieux répétés.');
		const history = await t.database.db.select().from(suspensions).where(eq(suspensions.userId, target.id));
		expect(history).toHaveLength(1);
		expect(history[0]!.moderatorId).toBe(moderator.id);
		expect(history[0]!.liftedAt).toBeNull();

		const audit = await auditOf(target.id, 'user.suspend');
		expect(audit).toHaveLength(1);
		expect(audit[0]!.actorId).toBe(moderator.id);
		expect(audit[0]!.reason).toBe('Propos injurieux répétés.');
		expect(audit[0]!.targetType).toBe('user');
		expect(audit[0]!.before).toMatchObject({ status: 'active' });
		expect(audit[0]!.after).toMatchObject({ status: 'suspended', suspendedUntil: body.suspendedUntil });
	});

	it('suspends until a given date or indefinitely', async () => {
		const admin = await createUser(t, { role: 'admin' });
		const a = await createUser(t);
		const until = new Date(Date.now() + 10 * 24 * 3600_000).toISOString();
		const dated = await suspend(admin, a.id, { reason: 'Spam.', until });
		expect(dated.statusCode).toBe(200);
		expect(dated.json().suspendedUntil).toBe(until);

		const b = await createUser(t);
		const forever = await suspend(admin, b.id, { reason: 'Usurpation d’identité.', until: null });
		expect(forever.statusCode).toBe(200);
		expect(forever.json()).toMatchObject({ status: 'suspended', suspendedUntil: null });
		const c = await createUser(t);
		expect((await suspend(admin, c.id, { reason: 'Idem.', duration: 'indefinite' })).json().suspendedUntil).toBeNull();
	});

	it('replaces a current suspension, closing the previous history row', async () => {
		const admin = await createUser(t, { role: 'admin' });
		const target = await createUser(t);
		expect((await suspend(admin, target.id, { reason: 'Première fois.', duration: '1d' })).statusCode).toBe(200);
		expect((await suspend(admin, target.id, { reason: 'Récidive.', duration: '1m' })).statusCode).toBe(200);
		const history = await t.database.db.select().from(suspensions).where(eq(suspensions.userId, target.id));
		expect(history).toHaveLength(2);
		expect(history.filter((h) => h.liftedAt === null).map((h) => h.reason)).toEqual(['Récidive.']);
		expect((await userRow(target.id)).suspensionReason).toBe('Récidive.');
	});

	it('refuses bad input with 400: no reason, no end, an end in the past, unknown fields', async () => {
		const admin = await createUser(t, { role: 'admin' });
		const target = await createUser(t);
		const cases: object[] = [
			{ reason: '', duration: '1d' },
			{ reason: '   ', duration: '1d' },
			{ reason: 'Raison.' },
			{ reason: 'Raison.', duration: 'custom' },
			{ reason: 'Raison.', duration: 'custom', until: null },
			{ reason: 'Raison.', duration: '2y' },
			{ reason: 'Raison.', until: 'demain' },
			{ reason: 'Raison.', until: new Date(Date.now() - 60_000).toISOString() },
			{ reason: 'Raison.', duration: '1d', status: 'active' }
		];
		for (const payload of cases) {
			const res = await suspend(admin, target.id, payload);
			expect(res.statusCode, JSON.stringify(payload)).toBe(400);
		}
		expect((await userRow(target.id)).status).toBe('active');
		expect(await auditOf(target.id, 'user.suspend')).toHaveLength(0);
	});

	it('says who may not: anonymous 401, members and space-only moderators 403, moderator on a moderator or an admin 403, self 409, unknown 404', async () => {
		const target = await createUser(t);
		const payload = { reason: 'Raison.', duration: '1d' };
		expect((await suspend(undefined, target.id, payload)).statusCode).toBe(401);
		expect((await suspend(await createUser(t), target.id, payload)).statusCode).toBe(403);
		expect((await suspend(await spaceOnlyModerator(), target.id, payload)).statusCode).toBe(403);

		const moderator = await createUser(t, { role: 'moderator' });
		const otherModerator = await createUser(t, { role: 'moderator' });
		const admin = await createUser(t, { role: 'admin' });
		expect((await suspend(moderator, otherModerator.id, payload)).statusCode).toBe(403);
		expect((await suspend(moderator, admin.id, payload)).statusCode).toBe(403);
		expect((await suspend(moderator, moderator.id, payload)).statusCode).toBe(409);
		expect((await suspend(admin, admin.id, payload)).statusCode).toBe(409);
		expect((await suspend(admin, '00000000-0000-4000-8000-000000000000', payload)).statusCode).toBe(404);
		expect((await suspend(admin, 'pas-un-uuid', payload)).statusCode).toBe(400);

		for (const id of [target.id, otherModerator.id, admin.id]) expect((await userRow(id)).status).toBe('active');
		// An admin may suspend a moderator.
		expect((await suspend(admin, otherModerator.id, payload)).statusCode).toBe(200);
	});

	it('closes the member’s connected sockets within one second', async () => {
		const moderator = await createUser(t, { role: 'moderator' });
		const target = await createUser(t);
		const socket = connect(baseUrl, { cookie: target.cookie });
		open.push(socket);
		await connected(socket);
		expect((await t.io.in(`user:${target.id}`).fetchSockets()).length).toBe(1);
		const closed = disconnectedBy(socket, 1000);
		expect((await suspend(moderator, target.id, { reason: 'Raison.', duration: '1w' })).statusCode).toBe(200);
		expect(await closed).toBeLessThan(1000);
		expect((await t.io.in(`user:${target.id}`).fetchSockets()).length).toBe(0);
		// And it cannot come back in as the member.
		const again = connect(baseUrl, { cookie: target.cookie });
		open.push(again);
		await connected(again);
		expect((await t.io.in(`user:${target.id}`).fetchSockets()).length).toBe(0);
	});
});

describe('login while suspended', () => {
	it('answers with why and until when, only to someone who knows the password', async () => {
		const admin = await createUser(t, { role: 'admin' });
		const target = await createUser(t);
		const until = '2099-03-12T10:30:00.000Z';
		expect((await suspend(admin, target.id, { reason: 'Messages publicitaires.', until })).statusCode).toBe(200);

		const wrong = await login(t, target.email, 'pas le bon mot de passe', nextIp());
		const unknown = await login(t, 'personne-ici@test.example', 'pas le bon mot de passe', nextIp());
		expect(wrong.statusCode).toBe(401);
		expect(wrong.json()).toEqual(unknown.json());
		expect(wrong.body).not.toContain('suspendu');

		const right = await login(t, target.email, target.password, nextIp());
		expect(right.statusCode).toBe(403);
		expect(right.headers['set-cookie']).toBeUndefined();
		const message: string = right.json().error.message;
		expect(message).toMatch(/^Votre compte est suspendu jusqu’au 12 mars 2099 à \d\d:30 : Messages publicitaires\.$/);

		const english = await t.app.inject({
			method: 'POST',
			url: '/api/v1/sessions',
			headers: { origin: TEST_ORIGIN, 'accept-language': 'en' },
			remoteAddress: nextIp(),
			payload: { email: target.email, password: target.password }
		});
		expect(english.json().error.message).toMatch(
			/^Your account is suspended until 12 March 2099 at \d\d:30: Messages publicitaires\.$/
		);
	});

	it('says so for an indefinite suspension', async () => {
		const admin = await createUser(t, { role: 'admin' });
		const target = await createUser(t);
		await suspend(admin, target.id, { reason: 'Usurpation.', until: null });
		const right = await login(t, target.email, target.password, nextIp());
		expect(right.statusCode).toBe(403);
		expect(right.json().error.message).toBe('Votre compte est suspendu pour une durée indéterminée : Usurpation.');
	});

	it('lifts an expired suspension at the next login, audited as Palabre’s own act', async () => {
		const admin = await createUser(t, { role: 'admin' });
		const target = await createUser(t);
		await suspend(admin, target.id, { reason: 'Un jour de pause.', duration: '1d' });
		// A day has passed.
		await t.database.db
			.update(users)
			.set({ suspendedUntil: new Date(Date.now() - 1000) })
			.where(eq(users.id, target.id));

		const res = await login(t, target.email, target.password, nextIp());
		expect(res.statusCode).toBe(200);
		expect(res.headers['set-cookie']).toBeDefined();
		const row = await userRow(target.id);
		expect(row).toMatchObject({ status: 'active', suspendedUntil: null, suspensionReason: null });
		const history = await t.database.db.select().from(suspensions).where(eq(suspensions.userId, target.id));
		expect(history[0]!.liftedAt).not.toBeNull();
		expect(history[0]!.liftedBy).toBeNull();
		const audit = await auditOf(target.id, 'user.unsuspend');
		expect(audit).toHaveLength(1);
		expect(audit[0]!.actorId).toBeNull();
		expect(audit[0]!.actorName).toBe('Palabre');
		expect(audit[0]!.after).toMatchObject({ status: 'active', expired: true });
	});

	it('keeps the per-account rate limit in front of the suspension answer', async () => {
		const limited = await createTestApp({ rateRules: { loginPerAccount: { limit: 2, windowMs: 60_000 } } });
		try {
			const admin = await createUser(limited, { role: 'admin' });
			const target = await createUser(limited);
			await limited.app.inject({
				method: 'POST',
				url: `/api/v1/moderation/users/${target.id}/suspend`,
				headers: { origin: TEST_ORIGIN, cookie: admin.cookie },
				payload: { reason: 'Raison.', duration: '1d' }
			});
			const statuses = [];
			for (let i = 0; i < 3; i++) statuses.push((await login(limited, target.email, target.password, `10.78.0.${i}`)).statusCode);
			expect(statuses).toEqual([403, 403, 429]);
		} finally {
			await limited.close();
		}
	});
});

describe('unsuspend', () => {
	it('ends a suspension early: the member logs in again; audited with the reason', async () => {
		const moderator = await createUser(t, { role: 'moderator' });
		const target = await createUser(t);
		await suspend(moderator, target.id, { reason: 'Erreur de ma part ?', duration: '1m' });
		const res = await unsuspend(moderator, target.id, { reason: 'Malentendu éclairci.' });
		expect(res.statusCode).toBe(200);
		expect(res.json()).toEqual({ userId: target.id, status: 'active', suspendedUntil: null, suspensionReason: null });
		expect((await login(t, target.email, target.password, nextIp())).statusCode).toBe(200);
		const history = await t.database.db.select().from(suspensions).where(eq(suspensions.userId, target.id));
		expect(history[0]!.liftedBy).toBe(moderator.id);
		const audit = await auditOf(target.id, 'user.unsuspend');
		expect(audit).toHaveLength(1);
		expect(audit[0]!.actorId).toBe(moderator.id);
		expect(audit[0]!.reason).toBe('Malentendu éclairci.');
		expect(audit[0]!.before).toMatchObject({ status: 'suspended' });
	});

	it('takes no body at all, and answers 409 when there is nothing to lift', async () => {
		const admin = await createUser(t, { role: 'admin' });
		const target = await createUser(t);
		const bare = () =>
			t.app.inject({
				method: 'POST',
				url: `/api/v1/moderation/users/${target.id}/unsuspend`,
				headers: { origin: TEST_ORIGIN, cookie: admin.cookie }
			});
		expect((await bare()).statusCode).toBe(409);
		await suspend(admin, target.id, { reason: 'Raison.', duration: '1d' });
		expect((await bare()).statusCode).toBe(200);
	});

	it('says who may not', async () => {
		const admin = await createUser(t, { role: 'admin' });
		const target = await createUser(t);
		await suspend(admin, target.id, { reason: 'Raison.', duration: '1d' });
		expect((await unsuspend(undefined, target.id)).statusCode).toBe(401);
		expect((await unsuspend(await createUser(t), target.id)).statusCode).toBe(403);
		expect((await unsuspend(await spaceOnlyModerator(), target.id)).statusCode).toBe(403);
		const suspendedModerator = await createUser(t, { role: 'moderator' });
		await suspend(admin, suspendedModerator.id, { reason: 'Raison.', duration: '1d' });
		expect((await unsuspend(await createUser(t, { role: 'moderator' }), suspendedModerator.id)).statusCode).toBe(403);
		expect((await unsuspend(admin, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
		expect((await userRow(target.id)).status).toBe('suspended');
		expect(await auditOf(target.id, 'user.unsuspend')).toHaveLength(0);
	});
});

describe('warn', () => {
	it('records the warning, audits it and notifies the member, who sees it and acknowledges it', async () => {
		const moderator = await createUser(t, { role: 'moderator' });
		const target = await createUser(t);
		const res = await warn(moderator, target.id, 'Merci de citer vos sources.');
		expect(res.statusCode).toBe(201);
		const warning = res.json();
		expect(warning).toMatchObject({
			message: 'Merci de citer vos sources.',
			acknowledgedAt: null,
			moderator: { id: moderator.id }
		});

		const audit = await auditOf(target.id, 'user.warn');
		expect(audit).toHaveLength(1);
		expect(audit[0]!.actorId).toBe(moderator.id);
		expect(audit[0]!.reason).toBe('Merci de citer vos sources.');

		const sent = await t.database.db.select().from(notifications).where(eq(notifications.userId, target.id));
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({ kind: 'warning', actorId: moderator.id, spaceId: null });
		const listed = (await t.app.inject({ url: '/api/v1/notifications', headers: { cookie: target.cookie } })).json();
		expect(listed.items[0]).toMatchObject({ kind: 'warning', url: '/avertissements', space: null });
		expect(listed.unread).toBe(1);

		expect((await t.services.badges({ id: target.id, role: 'member' })).unacknowledgedWarnings).toBe(1);
		const mine = await send('GET', '/me/warnings', target.cookie);
		expect(mine.statusCode).toBe(200);
		expect(mine.json().items.map((w: { id: string }) => w.id)).toEqual([warning.id]);

		// Only the warned member acknowledges: anyone else's try looks like nothing is there.
		const other = await createUser(t);
		expect((await send('POST', `/me/warnings/${warning.id}/acknowledge`, other.cookie)).statusCode).toBe(404);
		expect((await send('POST', `/me/warnings/${warning.id}/acknowledge`, moderator.cookie)).statusCode).toBe(404);
		expect((await send('POST', `/me/warnings/${warning.id}/acknowledge`, undefined)).statusCode).toBe(401);
		expect((await send('POST', '/me/warnings/00000000-0000-4000-8000-000000000000/acknowledge', target.cookie)).statusCode).toBe(
			404
		);
		expect((await t.services.badges({ id: target.id, role: 'member' })).unacknowledgedWarnings).toBe(1);

		const ack = await send('POST', `/me/warnings/${warning.id}/acknowledge`, target.cookie);
		expect(ack.statusCode).toBe(200);
		const at = ack.json().acknowledgedAt;
		expect((await t.services.badges({ id: target.id, role: 'member' })).unacknowledgedWarnings).toBe(0);
		// Acknowledging twice keeps the first date.
		expect((await send('POST', `/me/warnings/${warning.id}/acknowledge`, target.cookie)).json().acknowledgedAt).toBe(at);
		const [stored] = await t.database.db.select().from(warnings).where(eq(warnings.id, warning.id));
		expect(stored!.acknowledgedAt?.toISOString()).toBe(at);
	});

	it('refuses an empty message (400) and says who may not', async () => {
		const admin = await createUser(t, { role: 'admin' });
		const target = await createUser(t);
		expect((await warn(admin, target.id, '  ')).statusCode).toBe(400);
		expect((await warn(undefined, target.id)).statusCode).toBe(401);
		expect((await warn(await createUser(t), target.id)).statusCode).toBe(403);
		expect((await warn(await spaceOnlyModerator(), target.id)).statusCode).toBe(403);
		const moderator = await createUser(t, { role: 'moderator' });
		expect((await warn(moderator, admin.id)).statusCode).toBe(403);
		expect((await warn(moderator, moderator.id)).statusCode).toBe(409);
		expect((await warn(admin, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
		expect(await t.database.db.select().from(warnings).where(eq(warnings.userId, target.id))).toHaveLength(0);
		expect(await auditOf(target.id, 'user.warn')).toHaveLength(0);
	});
});

describe('history and panel', () => {
	it('shows moderators a member’s standing, suspended or not; others get 403', async () => {
		const moderator = await createUser(t, { role: 'moderator' });
		const target = await createUser(t);
		await suspend(moderator, target.id, { reason: 'Raison.', duration: '1d' });
		const panel = await send('GET', `/moderation/users/${target.id}/sanctions`, moderator.cookie);
		expect(panel.statusCode).toBe(200);
		expect(panel.json()).toMatchObject({
			member: { id: target.id },
			state: { status: 'suspended', suspensionReason: 'Raison.' },
			canSanction: true,
			warnings: []
		});
		expect(panel.json().suspensions).toHaveLength(1);
		const admin = await createUser(t, { role: 'admin' });
		expect((await send('GET', `/moderation/users/${admin.id}/sanctions`, moderator.cookie)).json().canSanction).toBe(false);
		expect((await send('GET', `/moderation/users/${target.id}/sanctions`, (await createUser(t)).cookie)).statusCode).toBe(403);
		expect((await send('GET', `/moderation/users/${target.id}/sanctions`, undefined)).statusCode).toBe(401);
	});
});

describe('OpenAPI', () => {
	it('documents every sanctions operation', async () => {
		const doc = (await t.app.inject({ url: '/api/openapi.json' })).json();
		const ids = Object.values(doc.paths as Record<string, Record<string, { operationId?: string }>>).flatMap((p) =>
			Object.values(p).map((op) => op.operationId)
		);
		for (const id of ['moderation.suspend', 'moderation.unsuspend', 'moderation.warn', 'moderation.acknowledgeWarning']) {
			expect(ids).toContain(id);
		}
		expect(ids).not.toContain('admin.setStatus');
	});
});
