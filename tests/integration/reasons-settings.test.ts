import { randomUUID } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, users } from '../../db/schema/index.ts';
import { isAppError } from '../../server/lib/errors.ts';
import { createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/app.ts';
import { createSpace, createUser } from '../helpers/factories.ts';

let t: TestApp;
beforeAll(async () => {
	t = await createTestApp();
});
afterAll(() => t.close());

const get = (url: string, cookie?: string) => t.app.inject({ url, headers: cookie ? { cookie } : {} });
const send = (method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, cookie: string, payload?: object) =>
	t.app.inject({ method, url, headers: { origin: TEST_ORIGIN, cookie }, ...(payload ? { payload } : {}) });

const auditRows = (where: { action: string; targetId: string }) =>
	t.database.db
		.select()
		.from(auditLog)
		.where(and(eq(auditLog.action, where.action), eq(auditLog.targetId, where.targetId)))
		.orderBy(desc(auditLog.id));

describe('moderation reasons', () => {
	it('are listed to signed-in members, in order and in their language; visitors 401', async () => {
		const member = await createUser(t);
		const fr = await get('/api/v1/moderation/reasons', member.cookie);
		expect(fr.statusCode).toBe(200);
		const items = fr.json<{ items: { code: string; label: string; needsNote: boolean; position: number }[] }>().items;
		expect(items.map((r) => r.code).slice(0, 5)).toEqual([
			'hors_sujet',
			'doublon',
			'information_personnelle',
			'ton_inapproprie',
			'publicite'
		]);
		expect(items.find((r) => r.code === 'ton_inapproprie')?.label).toBe('Ton inapproprié');
		expect(items.find((r) => r.code === 'autre')?.needsNote).toBe(true);
		const positions = items.map((r) => r.position);
		expect(positions).toEqual([...positions].sort((a, b) => a - b));
		await t.database.db.update(users).set({ locale: 'en' }).where(eq(users.id, member.id));
		const en = (await get('/api/v1/moderation/reasons', member.cookie)).json<{ items: { code: string; label: string }[] }>();
		expect(en.items.find((r) => r.code === 'ton_inapproprie')?.label).toBe('Inappropriate tone');
		expect((await get('/api/v1/moderation/reasons')).statusCode).toBe(401);
		expect((await get('/api/v1/moderation/reasons?all=1', member.cookie)).statusCode).toBe(403);
	});

	it('are added and changed by admins only, each change audited; inactive ones are no longer offered', async () => {
		const admin = await createUser(t, { role: 'admin' });
		const member = await createUser(t);
		const moderator = await createUser(t, { role: 'moderator' });
		const code = `essai_${randomUUID().slice(0, 8).replace(/-/g, '')}`;
		const body = { code, labelFr: 'Hors charte', labelEn: 'Against the charter', position: 10 };
		expect((await send('POST', '/api/v1/moderation/reasons', member.cookie, body)).statusCode).toBe(403);
		expect((await send('POST', '/api/v1/moderation/reasons', moderator.cookie, body)).statusCode).toBe(403);
		const created = await send('POST', '/api/v1/moderation/reasons', admin.cookie, body);
		expect(created.statusCode, created.body).toBe(201);
		const reason = created.json<{ id: string; active: boolean }>();
		expect(reason.active).toBe(true);
		expect((await send('POST', '/api/v1/moderation/reasons', admin.cookie, body)).statusCode).toBe(409);
		expect(
			(await send('POST', '/api/v1/moderation/reasons', admin.cookie, { ...body, code: 'Pas Un Code!' })).json().error.fields
		).toEqual({ code: expect.stringMatching(/^Le code : de 2 à 40 lettres minuscules/) });
		const [createdRow] = await auditRows({ action: 'reason.create', targetId: code });
		expect(createdRow).toMatchObject({ actorId: admin.id, spaceId: null, after: { code, labelFr: 'Hors charte', active: true } });

		expect((await send('PATCH', `/api/v1/moderation/reasons/${reason.id}`, member.cookie, { active: false })).statusCode).toBe(
			403
		);
		const off = await send('PATCH', `/api/v1/moderation/reasons/${reason.id}`, admin.cookie, {
			active: false,
			labelFr: 'Hors charte'
		});
		expect(off.statusCode).toBe(200);
		const [updatedRow] = await auditRows({ action: 'reason.update', targetId: code });
		expect(updatedRow).toMatchObject({ before: { active: true }, after: { active: false } });
		const offered = (await get('/api/v1/moderation/reasons', member.cookie)).json<{ items: { code: string }[] }>().items;
		expect(offered.map((r) => r.code)).not.toContain(code);
		const everything = (await get('/api/v1/moderation/reasons?all=1', admin.cookie)).json<{ items: { code: string }[] }>().items;
		expect(everything.map((r) => r.code)).toContain(code);
		expect((await send('PATCH', `/api/v1/moderation/reasons/${randomUUID()}`, admin.cookie, { active: true })).statusCode).toBe(
			404
		);
		await expect(t.services.reasons.resolve(code, '', 'fr')).rejects.toSatisfy(
			(e) => isAppError(e) && e.status === 400 && e.fields?.reason === 'reasons_error_unknown'
		);
	});

	it('resolve: a known active code gives its label and note; `autre` needs text', async () => {
		const { reasons } = t.services;
		expect(await reasons.resolve('hors_sujet', '', 'fr')).toBe('Hors sujet');
		expect(await reasons.resolve('hors_sujet', '  déjà traité dans un autre fil ', 'fr')).toBe(
			'Hors sujet — déjà traité dans un autre fil'
		);
		expect(await reasons.resolve('doublon', null, 'en')).toBe('Duplicate');
		expect(await reasons.resolve('autre', 'Message publicitaire déguisé', 'fr')).toBe('Autre — Message publicitaire déguisé');
		await expect(reasons.resolve('autre', '   ', 'fr')).rejects.toSatisfy(
			(e) => isAppError(e) && e.status === 400 && e.fields?.note === 'reasons_error_note_required'
		);
		await expect(reasons.resolve('autre', undefined, 'fr', { code: 'reasonCode', note: 'reasonNote' })).rejects.toSatisfy(
			(e) => isAppError(e) && e.fields?.reasonNote === 'reasons_error_note_required'
		);
		await expect(reasons.resolve('inconnu', 'x', 'fr')).rejects.toSatisfy(
			(e) => isAppError(e) && e.fields?.reason === 'reasons_error_unknown'
		);
	});
});

describe('site settings', () => {
	it('review_first_posts: default 2, changed by admins only (0–20), audited with before/after', async () => {
		const admin = await createUser(t, { role: 'admin' });
		const member = await createUser(t);
		const current = await t.services.settings.reviewFirstPosts();
		expect(current).toBeGreaterThanOrEqual(0);
		expect((await get('/api/v1/moderation/settings', member.cookie)).statusCode).toBe(403);
		expect((await get('/api/v1/moderation/settings')).statusCode).toBe(401);
		expect((await send('PUT', '/api/v1/moderation/settings', member.cookie, { reviewFirstPosts: 4 })).statusCode).toBe(403);
		expect((await send('PUT', '/api/v1/moderation/settings', admin.cookie, { reviewFirstPosts: 21 })).statusCode).toBe(400);
		expect((await send('PUT', '/api/v1/moderation/settings', admin.cookie, { reviewFirstPosts: 1.5 })).statusCode).toBe(400);
		const next = current === 4 ? 5 : 4;
		const res = await send('PUT', '/api/v1/moderation/settings', admin.cookie, { reviewFirstPosts: next });
		expect(res.statusCode).toBe(200);
		expect(res.json()).toEqual({ reviewFirstPosts: next });
		expect(await t.services.settings.reviewFirstPosts()).toBe(next);
		const [row] = await auditRows({ action: 'setting.update', targetId: 'review_first_posts' });
		expect(row).toMatchObject({
			actorId: admin.id,
			targetType: 'setting',
			before: { reviewFirstPosts: current },
			after: { reviewFirstPosts: next }
		});
		// Back to the default, for other tests sharing a database.
		await send('PUT', '/api/v1/moderation/settings', admin.cookie, { reviewFirstPosts: 2 });
	});
});

describe('space settings and membership decisions are audited', () => {
	it('a settings change records only what changed, before and after; bounds are checked', async () => {
		const { slug, id, admin } = await createSpace(t, { reviewFirstPosts: null });
		const res = await send('PATCH', `/api/v1/spaces/${slug}`, admin.cookie, {
			name: `Espace ${slug}`,
			reviewFirstPosts: 0,
			reportThreshold: 5,
			themes: ['santé']
		});
		expect(res.statusCode, res.body).toBe(200);
		expect(res.json().moderationSettings).toEqual({ reviewFirstPosts: 0, reportThreshold: 5 });
		const [row] = await auditRows({ action: 'space.settings', targetId: id });
		expect(row).toMatchObject({ actorId: admin.id, spaceId: id, targetType: 'space', targetLabel: `Espace ${slug}` });
		expect(row!.before).toEqual({ themes: [], reviewFirstPosts: null, reportThreshold: 3 });
		expect(row!.after).toEqual({ themes: ['santé'], reviewFirstPosts: 0, reportThreshold: 5 });
		expect((await send('PATCH', `/api/v1/spaces/${slug}`, admin.cookie, { reportThreshold: 0 })).statusCode).toBe(400);
		expect((await send('PATCH', `/api/v1/spaces/${slug}`, admin.cookie, { reportThreshold: 51 })).statusCode).toBe(400);
		expect((await send('PATCH', `/api/v1/spaces/${slug}`, admin.cookie, { reviewFirstPosts: 21 })).statusCode).toBe(400);
		expect((await send('PATCH', `/api/v1/spaces/${slug}`, admin.cookie, { reviewFirstPosts: null })).statusCode).toBe(200);
		// Readers do not see the moderation settings.
		const member = await createUser(t);
		expect((await get(`/api/v1/spaces/${slug}`, member.cookie)).json().moderationSettings).toBeNull();

		const archived = await send('PATCH', `/api/v1/spaces/${slug}`, admin.cookie, { archived: true });
		expect(archived.statusCode).toBe(200);
		const [archiveRow] = await auditRows({ action: 'space.archive', targetId: id });
		expect(archiveRow).toMatchObject({ before: { archived: false }, after: { archived: true } });
	});

	it('a space moderator’s settings change is audited; a member’s is refused and writes nothing', async () => {
		const { slug, id, admin } = await createSpace(t);
		const moderator = await createUser(t);
		await send('POST', `/api/v1/spaces/${slug}/membership`, moderator.cookie);
		await send('PUT', `/api/v1/spaces/${slug}/members/${moderator.id}/role`, admin.cookie, { role: 'moderator' });
		const member = await createUser(t);
		await send('POST', `/api/v1/spaces/${slug}/membership`, member.cookie);
		expect((await send('PATCH', `/api/v1/spaces/${slug}`, member.cookie, { reportThreshold: 9 })).statusCode).toBe(403);
		expect(await auditRows({ action: 'space.settings', targetId: id })).toHaveLength(0);
		expect((await send('PATCH', `/api/v1/spaces/${slug}`, moderator.cookie, { reportThreshold: 9 })).statusCode).toBe(200);
		const [row] = await auditRows({ action: 'space.settings', targetId: id });
		expect(row).toMatchObject({ actorId: moderator.id, before: { reportThreshold: 3 }, after: { reportThreshold: 9 } });
	});

	it('moderator nomination and removal, member removal and join decisions write rows', async () => {
		const { slug, id, admin } = await createSpace(t, { visibility: 'private' });
		const asker = await createUser(t);
		const refused = await createUser(t);
		for (const user of [asker, refused]) {
			expect((await send('POST', `/api/v1/spaces/${slug}/membership`, user.cookie, { message: 'Bonjour' })).statusCode).toBe(200);
		}
		expect(
			(await send('PUT', `/api/v1/spaces/${slug}/requests/${asker.id}`, admin.cookie, { decision: 'approve' })).statusCode
		).toBe(200);
		expect(
			(await send('PUT', `/api/v1/spaces/${slug}/requests/${refused.id}`, admin.cookie, { decision: 'refuse' })).statusCode
		).toBe(200);
		const [approved] = await auditRows({ action: 'space.join_decision', targetId: asker.id });
		expect(approved).toMatchObject({
			spaceId: id,
			targetType: 'user',
			before: { status: 'requested' },
			after: { decision: 'approve', status: 'active' }
		});
		const [refusal] = await auditRows({ action: 'space.join_decision', targetId: refused.id });
		expect(refusal).toMatchObject({ after: { decision: 'refuse', status: null } });

		await send('PUT', `/api/v1/spaces/${slug}/members/${asker.id}/role`, admin.cookie, { role: 'moderator' });
		await send('PUT', `/api/v1/spaces/${slug}/members/${asker.id}/role`, admin.cookie, { role: 'member' });
		const roles = await auditRows({ action: 'space.role', targetId: asker.id });
		expect(roles.map((r) => r.after)).toEqual([{ role: 'member' }, { role: 'moderator' }]);
		expect(roles[0]!.before).toEqual({ role: 'moderator' });

		expect((await send('DELETE', `/api/v1/spaces/${slug}/members/${asker.id}`, admin.cookie)).statusCode).toBe(200);
		const [removal] = await auditRows({ action: 'space.member_remove', targetId: asker.id });
		expect(removal).toMatchObject({ actorId: admin.id, spaceId: id, before: { role: 'member', status: 'active' } });
	});
});
