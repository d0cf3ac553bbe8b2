import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema/index.ts';
import { recordAudit } from '../../server/modules/moderation/audit.ts';
import { createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/app.ts';
import { createSpace, createUser, type TestUser } from '../helpers/factories.ts';

let t: TestApp;
beforeAll(async () => {
	t = await createTestApp();
});
afterAll(() => t.close());

const get = (url: string, cookie?: string) => t.app.inject({ url, headers: cookie ? { cookie } : {} });
const send = (method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, cookie: string, payload?: object) =>
	t.app.inject({ method, url, headers: { origin: TEST_ORIGIN, cookie }, ...(payload ? { payload } : {}) });

interface Entry {
	id: number;
	at: string;
	action: string;
	actor: { id: string | null; name: string };
	space: { id: string; slug: string | null } | null;
	target: { type: string; id: string; label: string; url: string | null };
	reason: string | null;
	before: unknown;
	after: unknown;
}
const audit = async (cookie: string, query = '') => {
	const res = await get(`/api/v1/moderation/audit${query}`, cookie);
	expect(res.statusCode, res.body).toBe(200);
	return res.json<{ items: Entry[]; next: string | null }>();
};

/** Makes `user` a moderator of the space, through the API (join, then the admin names them). */
async function makeModerator(space: { slug: string; admin: TestUser }, user: TestUser) {
	expect((await send('POST', `/api/v1/spaces/${space.slug}/membership`, user.cookie)).statusCode).toBe(200);
	const res = await send('PUT', `/api/v1/spaces/${space.slug}/members/${user.id}/role`, space.admin.cookie, {
		role: 'moderator'
	});
	expect(res.statusCode, res.body).toBe(200);
}

describe('who reads the audit log', () => {
	it('admins read every row; a space moderator only their spaces; members 403; visitors 401', async () => {
		const admin = await createUser(t, { role: 'admin' });
		const a = await createSpace(t, { admin });
		const b = await createSpace(t, { admin });
		const moderator = await createUser(t);
		await makeModerator(a, moderator);
		expect((await send('PATCH', `/api/v1/spaces/${a.slug}`, admin.cookie, { reportThreshold: 5 })).statusCode).toBe(200);
		expect((await send('PATCH', `/api/v1/spaces/${b.slug}`, admin.cookie, { reportThreshold: 7 })).statusCode).toBe(200);

		const all = await audit(admin.cookie, `?actor=${admin.id}`);
		expect(all.items.filter((e) => e.action === 'space.settings').map((e) => e.space?.id)).toEqual([b.id, a.id]);

		const mine = await audit(moderator.cookie);
		expect(mine.items.length).toBeGreaterThan(0);
		expect(mine.items.every((e) => e.space?.id === a.id)).toBe(true);
		expect(mine.items.map((e) => e.action)).toEqual(expect.arrayContaining(['space.settings', 'space.role', 'space.create']));
		// Naming another space does not widen the view.
		expect((await audit(moderator.cookie, `?space=${b.slug}`)).items).toEqual([]);
		expect((await audit(admin.cookie, `?space=${b.slug}`)).items.map((e) => e.action)).toEqual([
			'space.settings',
			'space.create'
		]);

		const member = await createUser(t);
		expect((await send('POST', `/api/v1/spaces/${a.slug}/membership`, member.cookie)).statusCode).toBe(200);
		expect((await get('/api/v1/moderation/audit', member.cookie)).statusCode).toBe(403);
		expect((await get('/api/v1/moderation/audit/export', member.cookie)).statusCode).toBe(403);
		expect((await get('/api/v1/moderation/audit')).statusCode).toBe(401);
		expect((await get('/api/v1/moderation/audit/export')).statusCode).toBe(401);

		// A moderator named and then removed reads nothing any more.
		expect(
			(await send('PUT', `/api/v1/spaces/${a.slug}/members/${moderator.id}/role`, admin.cookie, { role: 'member' })).statusCode
		).toBe(200);
		expect((await get('/api/v1/moderation/audit', moderator.cookie)).statusCode).toBe(403);
	});

	it('a site moderator reads the spaces they can read, not a private space they are out of', async () => {
		const admin = await createUser(t, { role: 'admin' });
		const open = await createSpace(t, { admin });
		const closed = await createSpace(t, { admin, visibility: 'private' });
		const siteModerator = await createUser(t, { role: 'moderator' });
		const seen = await audit(siteModerator.cookie, `?actor=${admin.id}`);
		const spaces = new Set(seen.items.map((e) => e.space?.id));
		expect(spaces.has(open.id)).toBe(true);
		expect(spaces.has(closed.id)).toBe(false);
		// Account changes are site-wide: admins only.
		expect(seen.items.every((e) => e.space !== null)).toBe(true);
	});
});

describe('filters and pages', () => {
	it('filters by actor (id or @handle), action (exact or prefix), target and UTC days', async () => {
		const admin = await createUser(t, { role: 'admin' });
		const space = await createSpace(t, { admin });
		const member = await createUser(t);
		expect((await send('POST', `/api/v1/spaces/${space.slug}/membership`, member.cookie)).statusCode).toBe(200);
		await send('PUT', `/api/v1/spaces/${space.slug}/members/${member.id}/role`, admin.cookie, { role: 'moderator' });
		await send('PATCH', `/api/v1/spaces/${space.slug}`, admin.cookie, { reportThreshold: 4 });
		const q = `?space=${space.id}`;

		expect((await audit(admin.cookie, q)).items.map((e) => e.action)).toEqual(['space.settings', 'space.role', 'space.create']);
		expect((await audit(admin.cookie, `${q}&action=space.role`)).items.map((e) => e.action)).toEqual(['space.role']);
		expect((await audit(admin.cookie, `${q}&action=space.`)).items).toHaveLength(3);
		expect((await audit(admin.cookie, `${q}&action=post.`)).items).toHaveLength(0);
		const role = (await audit(admin.cookie, `${q}&targetType=user&targetId=${member.id}`)).items;
		expect(role).toHaveLength(1);
		expect(role[0]).toMatchObject({
			action: 'space.role',
			actor: { id: admin.id },
			target: { type: 'user', id: member.id, url: `/membres/${member.id}` },
			before: { role: 'member' },
			after: { role: 'moderator' }
		});
		expect((await audit(admin.cookie, `${q}&actor=${member.id}`)).items).toHaveLength(0);
		expect((await audit(admin.cookie, `${q}&actor=${randomUUID()}`)).items).toHaveLength(0);
		expect((await audit(admin.cookie, `${q}&actor=@no-such-handle-${randomUUID().slice(0, 6)}`)).items).toHaveLength(0);

		const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
		expect((await audit(admin.cookie, `${q}&from=${day(0)}&to=${day(0)}`)).items).toHaveLength(3);
		expect((await audit(admin.cookie, `${q}&from=${day(1)}`)).items).toHaveLength(0);
		expect((await audit(admin.cookie, `${q}&to=${day(-1)}`)).items).toHaveLength(0);

		const bad = await get(`/api/v1/moderation/audit?from=31/12/2024`, admin.cookie);
		expect(bad.statusCode).toBe(400);
		expect(bad.json().error.fields).toEqual({ from: 'Date invalide : utilisez le format AAAA-MM-JJ.' });
		expect((await get(`/api/v1/moderation/audit?from=${day(1)}&to=${day(0)}`, admin.cookie)).statusCode).toBe(400);
		expect((await get(`/api/v1/moderation/audit?cursor=garbage`, admin.cookie)).statusCode).toBe(400);
	});

	it('pages 50 rows at a time, newest first, without gaps or repeats, rows of one transaction included', async () => {
		const admin = await createUser(t, { role: 'admin' });
		const space = await createSpace(t, { admin });
		const entry = (n: number) => ({
			action: 'thread.lock',
			spaceId: space.id,
			targetType: 'thread' as const,
			targetId: randomUUID(),
			targetLabel: `Fil ${n}`,
			reason: 'Hors sujet'
		});
		for (let n = 0; n < 40; n++) await recordAudit(t.database.db, null, entry(n));
		// Sixty rows of one transaction share the same `at`: only the id tells them apart.
		await t.database.db.transaction(async (tx) => {
			for (let n = 40; n < 100; n++) await recordAudit(tx, null, entry(n));
		});
		const q = `?space=${space.slug}&action=thread.lock`;
		const seen: Entry[] = [];
		let next: string | null = null;
		let pages = 0;
		do {
			const page = await audit(admin.cookie, next ? `${q}&cursor=${encodeURIComponent(next)}` : q);
			expect(page.items.length).toBeLessThanOrEqual(50);
			seen.push(...page.items);
			next = page.next;
			pages++;
		} while (next);
		expect(pages).toBe(2);
		expect(seen).toHaveLength(100);
		expect(seen.map((e) => e.target.label)).toEqual(Array.from({ length: 100 }, (_, i) => `Fil ${99 - i}`));
		expect(seen[0]).toMatchObject({ actor: { id: null, name: 'Palabre' }, target: { url: `/fils/${seen[0]!.target.id}` } });
	});
});

describe('CSV export', () => {
	it('exports the filtered rows as RFC 4180 CSV with a BOM, formulas defused', async () => {
		const admin = await createUser(t, { role: 'admin' });
		const space = await createSpace(t, { admin });
		await recordAudit(t.database.db, null, {
			action: 'post.hide',
			spaceId: space.id,
			targetType: 'post',
			targetId: randomUUID(),
			targetLabel: 'Cotisations, "mutuelles" et\nrégimes',
			reason: '=HYPERLINK("http://example.com")',
			before: { status: 'published' },
			after: { status: 'hidden' }
		});
		const res = await get(`/api/v1/moderation/audit/export?space=${space.slug}&action=post.hide&cursor=ignored`, admin.cookie);
		expect(res.statusCode, res.body).toBe(200);
		expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
		expect(res.headers['content-disposition']).toBe('attachment; filename="journal-moderation.csv"');
		expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
		const text = res.rawPayload.toString('utf8').slice(1);
		const [header, ...rest] = text.split('\r\n');
		expect(header).toBe('at,actor,action,space,target_type,target_id,target,reason,before,after');
		const line = rest.join('\r\n');
		expect(line).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z,Palabre,post\.hide,/);
		expect(line).toContain(`Espace ${space.slug},post,`);
		expect(line).toContain('"Cotisations, ""mutuelles"" et\nrégimes"');
		expect(line).toContain(`"'=HYPERLINK(""http://example.com"")"`);
		expect(line).toContain('"{""status"":""published""}","{""status"":""hidden""}"\r\n');
		expect(rest.filter(Boolean)).toHaveLength(1);

		// A space moderator exports only their spaces' part.
		const moderator = await createUser(t);
		const other = await createSpace(t, { admin });
		await makeModerator(other, moderator);
		const theirs = await get(`/api/v1/moderation/audit/export?space=${space.slug}`, moderator.cookie);
		expect(theirs.statusCode).toBe(200);
		expect(theirs.rawPayload.toString('utf8').split('\r\n').filter(Boolean)).toHaveLength(1);
	});
});

describe('append-only', () => {
	it('has no route to edit or delete a row, and the database refuses UPDATE and DELETE', async () => {
		const admin = await createUser(t, { role: 'admin' });
		const space = await createSpace(t, { admin });
		const [row] = await t.database.db.select().from(auditLog).where(eq(auditLog.spaceId, space.id));
		expect(row).toBeDefined();
		expect((await send('PATCH', `/api/v1/moderation/audit/${row!.id}`, admin.cookie, { reason: 'x' })).statusCode).toBe(404);
		expect((await send('DELETE', `/api/v1/moderation/audit/${row!.id}`, admin.cookie)).statusCode).toBe(404);
		await expect(t.database.db.update(auditLog).set({ reason: 'réécrit' }).where(eq(auditLog.id, row!.id))).rejects.toThrow();
		await expect(t.database.db.delete(auditLog).where(eq(auditLog.id, row!.id))).rejects.toThrow();
		const [again] = await t.database.db.select().from(auditLog).where(eq(auditLog.id, row!.id));
		expect(again).toEqual(row);
	});
});
