import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, notifications, posts, spaces, threadReads, threads } from '../../db/schema/index.ts';
import type { ThreadModeratedEvent, ThreadWatchResult } from '../../server/realtime/events.ts';
import { createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/app.ts';
import { createSpace, createThread, createUser, reply, type TestUser } from '../helpers/factories.ts';
import { connect, connected, type ClientSocket } from '../helpers/sockets.ts';

let t: TestApp;
let baseUrl: string;
const open: ClientSocket[] = [];

type Person = 'admin' | 'spaceModerator' | 'member' | 'otherModerator' | 'outsider' | 'author';
const people = {} as Record<Person, TestUser>;
/** a: the public space of the tests · b: another public space the space moderator also moderates · c: the other moderator's · p: private. */
const spacesBy = {} as Record<'a' | 'b' | 'c' | 'p', { slug: string; id: string }>;

const send = (method: 'POST' | 'PUT' | 'DELETE', url: string, cookie: string | undefined, payload?: object) =>
	t.app.inject({ method, url, headers: { origin: TEST_ORIGIN, ...(cookie ? { cookie } : {}) }, ...(payload ? { payload } : {}) });
const get = (url: string, cookie?: string) => t.app.inject({ url, headers: cookie ? { cookie } : {} });
const act = (threadId: string, path: string, who: TestUser | undefined, body?: object, method: 'POST' | 'PUT' = 'POST') =>
	send(method, `/api/v1/moderation/threads/${threadId}/${path}`, who?.cookie, body);
const future = (seconds = 3600) => new Date(Date.now() + seconds * 1000).toISOString();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function handleOf(user: TestUser): Promise<string> {
	return (await get('/api/v1/me', user.cookie)).json().handle;
}

async function join(slug: string, user: TestUser, options: { moderator?: boolean; invite?: boolean } = {}) {
	if (options.invite) {
		const invited = await send('POST', `/api/v1/spaces/${slug}/invitations`, people.admin.cookie, {
			handle: await handleOf(user)
		});
		expect(invited.statusCode).toBe(201);
	}
	expect((await send('POST', `/api/v1/spaces/${slug}/membership`, user.cookie)).statusCode).toBe(200);
	if (options.moderator) {
		const res = await send('PUT', `/api/v1/spaces/${slug}/members/${user.id}/role`, people.admin.cookie, { role: 'moderator' });
		expect(res.statusCode).toBe(200);
	}
}

beforeAll(async () => {
	t = await createTestApp();
	baseUrl = await t.listen();
	people.admin = await createUser(t, { role: 'admin' });
	for (const p of ['spaceModerator', 'member', 'otherModerator', 'outsider', 'author'] as const) people[p] = await createUser(t);
	for (const key of ['a', 'b', 'c'] as const) spacesBy[key] = await createSpace(t, { admin: people.admin });
	spacesBy.p = await createSpace(t, { admin: people.admin, visibility: 'private' });
	await join(spacesBy.a.slug, people.spaceModerator, { moderator: true });
	await join(spacesBy.b.slug, people.spaceModerator, { moderator: true });
	await join(spacesBy.p.slug, people.spaceModerator, { moderator: true, invite: true });
	await join(spacesBy.a.slug, people.member);
	await join(spacesBy.a.slug, people.author);
	await join(spacesBy.p.slug, people.author, { invite: true });
	await join(spacesBy.c.slug, people.otherModerator, { moderator: true });
});
afterEach(() => {
	for (const s of open.splice(0)) s.disconnect();
});
afterAll(() => t.close());

async function auditRows(threadId: string, action: string) {
	return t.database.db
		.select()
		.from(auditLog)
		.where(and(eq(auditLog.targetId, threadId), eq(auditLog.action, action)));
}

async function moderationNotifications(threadId: string) {
	return t.database.db
		.select()
		.from(notifications)
		.where(
			and(eq(notifications.userId, people.author.id), eq(notifications.threadId, threadId), eq(notifications.kind, 'moderation'))
		);
}

interface Step {
	path: string;
	method?: 'POST' | 'PUT';
	body?: () => object;
	audit: string;
}
interface ActionCase extends Step {
	operation: string;
	inverse: Step;
	reason?: string;
}

const actions: ActionCase[] = [
	{
		operation: 'moderation.lockThread',
		path: 'lock',
		body: () => ({ reason: 'Échanges trop vifs' }),
		reason: 'Échanges trop vifs',
		audit: 'thread.lock',
		inverse: { path: 'unlock', body: () => ({}), audit: 'thread.unlock' }
	},
	{
		operation: 'moderation.pinThread',
		path: 'pin',
		audit: 'thread.pin',
		inverse: { path: 'unpin', audit: 'thread.unpin' }
	},
	{
		operation: 'moderation.moveThread',
		path: 'move',
		body: () => ({ spaceId: spacesBy.b.id, reason: 'Mieux à sa place là-bas' }),
		reason: 'Mieux à sa place là-bas',
		audit: 'thread.move',
		inverse: { path: 'move', body: () => ({ spaceId: spacesBy.a.id }), audit: 'thread.move' }
	},
	{
		operation: 'moderation.deleteThread',
		path: 'delete',
		body: () => ({ reason: 'Publicité' }),
		reason: 'Publicité',
		audit: 'thread.delete',
		inverse: { path: 'restore', body: () => ({ reason: 'Erreur de ma part' }), audit: 'thread.restore' }
	},
	{
		operation: 'moderation.closeWithSynthesis',
		path: 'close',
		body: () => ({ body: 'Ce qu’il faut **retenir** : deux pistes.' }),
		audit: 'thread.close',
		inverse: { path: 'reopen', body: () => ({}), audit: 'thread.reopen' }
	},
	{
		operation: 'moderation.setSlowMode',
		path: 'slow-mode',
		method: 'PUT',
		body: () => ({ scope: 'thread', seconds: 60, until: future(), reason: 'Laisser chacun réfléchir' }),
		reason: 'Laisser chacun réfléchir',
		audit: 'thread.slow_mode',
		inverse: { path: 'slow-mode', method: 'PUT', body: () => ({ scope: 'thread', seconds: 0 }), audit: 'thread.slow_mode' }
	}
];

describe.each(actions)('$operation', (a) => {
	const run = (threadId: string, step: Step, who: TestUser | undefined) =>
		act(threadId, step.path, who, step.body?.(), step.method);

	it('is refused to anonymous (401), members and other spaces’ moderators (403), outsiders of a private space (404)', async () => {
		const { threadId } = await createThread(t, people.author, spacesBy.a.slug);
		expect((await run(threadId, a, undefined)).statusCode).toBe(401);
		expect((await run(threadId, a, people.member)).statusCode).toBe(403);
		expect((await run(threadId, a, people.otherModerator)).statusCode).toBe(403);
		expect((await run(threadId, a, people.author)).statusCode).toBe(403);
		const secret = await createThread(t, people.author, spacesBy.p.slug);
		expect((await run(secret.threadId, a, people.outsider)).statusCode).toBe(404);
		expect((await run(secret.threadId, a, people.otherModerator)).statusCode).toBe(404);
		expect(await auditRows(threadId, a.audit)).toHaveLength(0);
		expect(await auditRows(secret.threadId, a.audit)).toHaveLength(0);
	});

	it('is done by the space moderator (audit row, author notified) and undone by an admin', async () => {
		const { threadId } = await createThread(t, people.author, spacesBy.a.slug);
		const done = await run(threadId, a, people.spaceModerator);
		expect(done.statusCode).toBe(200);
		expect(done.json()).toMatchObject({ threadId });

		const rows = await auditRows(threadId, a.audit);
		// A move is recorded once for each space, so both spaces' moderators find it.
		expect(rows).toHaveLength(a.path === 'move' ? 2 : 1);
		const row = rows.find((r) => r.spaceId === spacesBy.a.id)!;
		expect(row).toMatchObject({ actorId: people.spaceModerator.id, targetType: 'thread', reason: a.reason ?? null });
		expect(row.before).not.toBeNull();
		expect(row.after).not.toEqual(row.before);

		const notified = await moderationNotifications(threadId);
		expect(notified).toHaveLength(1);
		expect(notified[0]!.data).toMatchObject({ action: a.audit });

		const undone = await run(threadId, a.inverse, people.admin);
		expect(undone.statusCode).toBe(200);
		const inverseRows = (await auditRows(threadId, a.inverse.audit)).filter((r) => r.actorId === people.admin.id);
		expect(inverseRows.length).toBeGreaterThanOrEqual(1);
		expect(await moderationNotifications(threadId)).toHaveLength(2);
	});

	it('tells nobody when the moderator is the thread’s author', async () => {
		const { threadId } = await createThread(t, people.spaceModerator, spacesBy.a.slug);
		expect((await run(threadId, a, people.spaceModerator)).statusCode).toBe(200);
		const own = await t.database.db.select().from(notifications).where(eq(notifications.threadId, threadId));
		expect(own).toHaveLength(0);
	});
});

describe('reasons', () => {
	it('are required to lock and to delete (400)', async () => {
		const { threadId } = await createThread(t, people.author, spacesBy.a.slug);
		expect((await act(threadId, 'lock', people.spaceModerator, { reason: '' })).statusCode).toBe(400);
		expect((await act(threadId, 'delete', people.spaceModerator, {})).statusCode).toBe(400);
		const slow = await act(threadId, 'slow-mode', people.spaceModerator, { scope: 'thread', seconds: 30 }, 'PUT');
		expect(slow.statusCode).toBe(400);
		expect(Object.keys(slow.json().error.fields)).toEqual(expect.arrayContaining(['until', 'reason']));
	});

	it('an action already done is a 409 that writes nothing', async () => {
		const { threadId } = await createThread(t, people.author, spacesBy.a.slug);
		expect((await act(threadId, 'pin', people.spaceModerator)).statusCode).toBe(200);
		expect((await act(threadId, 'pin', people.spaceModerator)).statusCode).toBe(409);
		expect(await auditRows(threadId, 'thread.pin')).toHaveLength(1);
	});
});

describe('effects', () => {
	it('a locked thread takes replies from moderators only, with the reason shown', async () => {
		const { threadId } = await createThread(t, people.author, spacesBy.a.slug);
		expect((await act(threadId, 'lock', people.spaceModerator, { reason: 'Le débat dérape' })).statusCode).toBe(200);
		const refused = await reply(t, people.member, threadId);
		expect(refused.statusCode).toBe(403);
		expect(refused.json().error.message).toContain('Ce fil est verrouillé');
		expect((await reply(t, people.spaceModerator, threadId)).statusCode).toBe(201);
		expect((await reply(t, people.admin, threadId)).statusCode).toBe(201);
		const page = (await get(`/api/v1/threads/${threadId}`, people.member.cookie)).json();
		expect(page.thread).toMatchObject({ locked: true, closed: false });
		const notices = (await get(`/api/v1/moderation/threads/${threadId}`, people.member.cookie)).json();
		expect(notices).toMatchObject({ locked: true, lockReason: 'Le débat dérape' });
		const lockReason = async () =>
			(await t.database.db.select({ r: threads.lockReason }).from(threads).where(eq(threads.id, threadId)))[0]!.r;
		// Kept on the thread itself, not looked up in the audit log.
		expect(await lockReason()).toBe('Le débat dérape');
		expect((await act(threadId, 'unlock', people.spaceModerator, {})).statusCode).toBe(200);
		expect(await lockReason()).toBeNull();
		expect((await reply(t, people.member, threadId)).statusCode).toBe(201);
		// The reason goes with the lock: an unlocked thread shows none.
		const after = (await get(`/api/v1/moderation/threads/${threadId}`, people.member.cookie)).json();
		expect(after).toMatchObject({ locked: false, lockReason: null });
	});

	it('slow mode makes a member wait between two replies, not a moderator', async () => {
		const { threadId } = await createThread(t, people.author, spacesBy.a.slug);
		const on = await act(
			threadId,
			'slow-mode',
			people.spaceModerator,
			{ scope: 'thread', seconds: 1, until: future(), reason: 'Du calme' },
			'PUT'
		);
		expect(on.statusCode).toBe(200);
		expect(on.json().slowMode).toMatchObject({ seconds: 1, reason: 'Du calme' });
		expect((await reply(t, people.member, threadId)).statusCode).toBe(201);
		const tooSoon = await reply(t, people.member, threadId);
		expect(tooSoon.statusCode).toBe(429);
		expect(tooSoon.json().error.message).toMatch(/Mode lent : patientez encore 1 s/);
		expect(tooSoon.headers['retry-after']).toBe('1');
		expect((await reply(t, people.spaceModerator, threadId)).statusCode).toBe(201);
		expect((await reply(t, people.spaceModerator, threadId)).statusCode).toBe(201);
		await sleep(1100);
		expect((await reply(t, people.member, threadId)).statusCode).toBe(201);
		const page = (await get(`/api/v1/threads/${threadId}`)).json();
		expect(page.thread.slowMode).toMatchObject({ seconds: 1, reason: 'Du calme' });
		expect((await act(threadId, 'slow-mode', people.spaceModerator, { scope: 'thread', seconds: null }, 'PUT')).statusCode).toBe(
			200
		);
		expect((await reply(t, people.member, threadId)).statusCode).toBe(201);
		expect((await reply(t, people.member, threadId)).statusCode).toBe(201);
	});

	it('slow mode on a space paces a member across its threads, and new threads too', async () => {
		const { slug, id } = await createSpace(t, { admin: people.admin });
		const { threadId } = await createThread(t, people.author, slug);
		const on = await act(
			threadId,
			'slow-mode',
			people.admin,
			{ scope: 'space', seconds: 60, until: future(), reason: 'Rush' },
			'PUT'
		);
		expect(on.statusCode).toBe(200);
		expect(on.json().spaceSlowMode).toMatchObject({ seconds: 60, reason: 'Rush' });
		const [audit] = await t.database.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.targetId, id), eq(auditLog.action, 'space.slow_mode')));
		expect(audit).toMatchObject({ targetType: 'space', spaceId: id, reason: 'Rush' });
		expect((await reply(t, people.member, threadId)).statusCode).toBe(201);
		const other = await send('POST', `/api/v1/spaces/${slug}/threads`, people.member.cookie, {
			title: 'Encore une question',
			body: 'Trop tôt ?'
		});
		expect(other.statusCode).toBe(429);
		expect((await act(threadId, 'slow-mode', people.admin, { scope: 'space', seconds: 0 }, 'PUT')).statusCode).toBe(200);
	});

	it('pinned threads head the first page only, and keyset pages stay complete', async () => {
		const { slug } = await createSpace(t, { admin: people.admin });
		const ids: string[] = [];
		for (let i = 0; i < 33; i++) ids.push((await createThread(t, people.author, slug, { title: `Fil numéro ${i}` })).threadId);
		// The oldest and one in the middle, pinned in that order.
		expect((await act(ids[0]!, 'pin', people.admin)).statusCode).toBe(200);
		expect((await act(ids[15]!, 'pin', people.admin)).statusCode).toBe(200);
		const first = (await get(`/api/v1/spaces/${slug}/threads`)).json();
		expect(first.items.slice(0, 2).map((x: { id: string }) => x.id)).toEqual([ids[15], ids[0]]);
		expect(first.items[0].pinned).toBe(true);
		expect(first.items).toHaveLength(30);
		expect(first.next).not.toBeNull();
		const second = (await get(`/api/v1/spaces/${slug}/threads?after=${encodeURIComponent(first.next)}`)).json();
		const all = [...first.items, ...second.items].map((x: { id: string }) => x.id);
		expect(new Set(all).size).toBe(all.length);
		expect(new Set(all)).toEqual(new Set(ids));
		expect(second.items.some((x: { pinned: boolean }) => x.pinned)).toBe(false);
		expect(second.next).toBeNull();
	});

	it('a moved thread leaves the old space for the new one, with counts, read marks and notifications', async () => {
		const { threadId } = await createThread(t, people.author, spacesBy.a.slug);
		await reply(t, people.member, threadId);
		const countsOf = async (id: string) => (await t.database.db.select().from(spaces).where(eq(spaces.id, id)))[0]!;
		const [a0, b0] = [await countsOf(spacesBy.a.id), await countsOf(spacesBy.b.id)];
		// Only spaces the moderator moderates: c is the other moderator's.
		expect((await act(threadId, 'move', people.spaceModerator, { spaceId: spacesBy.c.id })).statusCode).toBe(403);
		expect((await act(threadId, 'move', people.spaceModerator, { spaceId: spacesBy.a.id })).statusCode).toBe(409);
		expect((await act(threadId, 'move', people.spaceModerator, { spaceId: spacesBy.b.id })).statusCode).toBe(200);
		const [a1, b1] = [await countsOf(spacesBy.a.id), await countsOf(spacesBy.b.id)];
		expect([a1.threadCount, a1.postCount]).toEqual([a0.threadCount - 1, a0.postCount - 2]);
		expect([b1.threadCount, b1.postCount]).toEqual([b0.threadCount + 1, b0.postCount + 2]);
		const oldList = (await get(`/api/v1/spaces/${spacesBy.a.slug}/threads`)).json();
		expect(oldList.items.map((x: { id: string }) => x.id)).not.toContain(threadId);
		const newList = (await get(`/api/v1/spaces/${spacesBy.b.slug}/threads`)).json();
		expect(newList.items.map((x: { id: string }) => x.id)).toContain(threadId);
		const page = (await get(`/api/v1/threads/${threadId}`, people.member.cookie)).json();
		expect(page.thread.space.id).toBe(spacesBy.b.id);
		const reads = await t.database.db.select().from(threadReads).where(eq(threadReads.threadId, threadId));
		expect(reads.map((r) => r.userId)).toEqual(expect.arrayContaining([people.author.id, people.member.id]));
		const moved = await moderationNotifications(threadId);
		expect(moved.every((n) => n.spaceId === spacesBy.b.id)).toBe(true);
	});

	it('a deleted thread is gone for members, still there (marked) for moderators, and restored', async () => {
		const { threadId } = await createThread(t, people.author, spacesBy.a.slug, { title: 'Un fil à supprimer zanzibar' });
		expect((await act(threadId, 'delete', people.spaceModerator, { reason: 'Doublon' })).statusCode).toBe(200);
		expect((await get(`/api/v1/threads/${threadId}`, people.member.cookie)).statusCode).toBe(404);
		expect((await get(`/api/v1/threads/${threadId}`, people.author.cookie)).statusCode).toBe(404);
		expect((await get(`/api/v1/threads/${threadId}`)).statusCode).toBe(404);
		expect((await reply(t, people.member, threadId)).statusCode).toBe(404);
		const seen = await get(`/api/v1/threads/${threadId}`, people.spaceModerator.cookie);
		expect(seen.statusCode).toBe(200);
		expect(seen.json().thread.deleted).toBe(true);
		const notices = (await get(`/api/v1/moderation/threads/${threadId}`, people.spaceModerator.cookie)).json();
		expect(notices).toMatchObject({ deleted: true, deleteReason: 'Doublon' });
		const list = (await get(`/api/v1/spaces/${spacesBy.a.slug}/threads`, people.member.cookie)).json();
		expect(list.items.map((x: { id: string }) => x.id)).not.toContain(threadId);
		const found = (await get('/api/v1/search?q=zanzibar', people.member.cookie)).json();
		expect(JSON.stringify(found)).not.toContain(threadId);
		expect((await act(threadId, 'restore', people.spaceModerator, {})).statusCode).toBe(200);
		expect((await get(`/api/v1/threads/${threadId}`, people.member.cookie)).statusCode).toBe(200);
	});

	it('closing with a synthesis posts it, features it and stops replies until reopened', async () => {
		const { threadId } = await createThread(t, people.author, spacesBy.a.slug);
		await reply(t, people.member, threadId);
		const closed = await act(threadId, 'close', people.spaceModerator, { body: 'Deux **pistes** retenues.' });
		expect(closed.statusCode).toBe(200);
		const synthesisPostId = closed.json().synthesisPostId;
		expect(closed.json()).toMatchObject({ closed: true });
		const [post] = await t.database.db.select().from(posts).where(eq(posts.id, synthesisPostId));
		expect(post).toMatchObject({ isSynthesis: true, number: 3, authorId: people.spaceModerator.id });
		const notices = (await get(`/api/v1/moderation/threads/${threadId}`, people.member.cookie)).json();
		expect(notices.synthesis).toMatchObject({ postId: synthesisPostId, number: 3 });
		expect(notices.synthesis.bodyHtml).toContain('<strong>pistes</strong>');
		const list = (await get(`/api/v1/spaces/${spacesBy.a.slug}/threads`)).json();
		expect(list.items.find((x: { id: string }) => x.id === threadId)).toMatchObject({ closed: true, synthesisPostId });
		const refused = await reply(t, people.member, threadId);
		expect(refused.statusCode).toBe(403);
		expect((await act(threadId, 'close', people.spaceModerator, { body: 'Encore une' })).statusCode).toBe(409);
		expect((await act(threadId, 'reopen', people.spaceModerator, {})).statusCode).toBe(200);
		expect((await reply(t, people.member, threadId)).statusCode).toBe(201);
		// Reopened, the synthesis stays featured.
		const page = (await get(`/api/v1/threads/${threadId}`)).json();
		expect(page.thread).toMatchObject({ closed: false, synthesisPostId });
	});
});

describe('live', () => {
	it('a reader of the thread sees the lock at once, with the thread’s next sequence number', async () => {
		const { threadId } = await createThread(t, people.author, spacesBy.a.slug);
		const socket = connect(baseUrl, { cookie: people.member.cookie });
		open.push(socket);
		await connected(socket);
		const ack = (await socket.timeout(3000).emitWithAck('thread:watch', { threadId })) as
			{ ok: true; data: ThreadWatchResult } | { ok: false; code: string };
		if (!ack.ok) throw new Error(ack.code);
		const event = new Promise<ThreadModeratedEvent>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error('no thread:moderated within 2 s')), 2000);
			socket.once('thread:moderated', (payload) => {
				clearTimeout(timer);
				resolve(payload);
			});
		});
		expect((await act(threadId, 'lock', people.spaceModerator, { reason: 'Pause' })).statusCode).toBe(200);
		const payload = await event;
		expect(payload).toMatchObject({ threadId, action: 'lock', seq: ack.data.lastSeq + 1, state: { locked: true } });
	});
});
