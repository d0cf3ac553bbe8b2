import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, notifications, spaceMembers, spaces } from '../../db/schema/index.ts';
import type { PostEvent, QueueChange, ThreadWatchResult } from '../../server/realtime/events.ts';
import { createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/app.ts';
import { createSpace, createThread, createUser, reply, type TestUser } from '../helpers/factories.ts';
import { connect, connected, type ClientSocket } from '../helpers/sockets.ts';

/*
 * The review queue: posts of new members waiting for approval, reports, claims, and the
 * moderators' decisions — who may, the audit row, the notification, the inverse.
 */
let t: TestApp;
let baseUrl: string;
const sockets: ClientSocket[] = [];
beforeAll(async () => {
	t = await createTestApp();
	baseUrl = await t.listen();
});
afterAll(async () => {
	for (const s of sockets) s.disconnect();
	await t.close();
});

const get = (url: string, cookie?: string) => t.app.inject({ url, headers: cookie ? { cookie } : {} });
const send = (method: 'POST' | 'DELETE', url: string, cookie: string | undefined, payload?: object) =>
	t.app.inject({ method, url, headers: { origin: TEST_ORIGIN, ...(cookie ? { cookie } : {}) }, ...(payload ? { payload } : {}) });

async function spaceModerator(spaceId: string): Promise<TestUser> {
	const user = await createUser(t);
	await t.database.db.insert(spaceMembers).values({ spaceId, userId: user.id, role: 'moderator', status: 'active' });
	return user;
}

async function audits(targetId: string, action: string) {
	return t.database.db
		.select()
		.from(auditLog)
		.where(and(eq(auditLog.targetId, targetId), eq(auditLog.action, action)));
}

async function notificationsOf(userId: string, kind: 'post_approved' | 'post_rejected' | 'moderation') {
	return t.database.db
		.select()
		.from(notifications)
		.where(and(eq(notifications.userId, userId), eq(notifications.kind, kind)));
}

/** A space where new members' first two posts wait (the site default), a thread in it, a moderator. */
async function reviewedSpace(visibility: 'public' | 'private' = 'public') {
	const space = await createSpace(t, { visibility, reviewFirstPosts: null });
	const moderator = await spaceModerator(space.id);
	const { threadId } = await createThread(t, moderator, space.slug, { title: 'Cotisations : vos pratiques ?' });
	return { ...space, moderator, threadId };
}

async function pendingReply(threadId: string, body = 'Première contribution d’un nouveau membre.') {
	const author = await createUser(t);
	const res = await reply(t, author, threadId, { body });
	expect(res.statusCode).toBe(201);
	return { author, post: res.json<{ id: string; status: string; number: number }>() };
}

describe('review before publication', () => {
	it('keeps a new member’s first posts for the author and the moderators only', async () => {
		const { threadId, moderator } = await reviewedSpace();
		const { author, post } = await pendingReply(threadId);
		expect(post.status).toBe('pending');
		const reader = await createUser(t);
		const readerPage = (await get(`/api/v1/threads/${threadId}?n=1`, reader.cookie)).json();
		expect(readerPage.posts.map((p: { id: string }) => p.id)).not.toContain(post.id);
		expect((await get(`/api/v1/threads/${threadId}?n=1`)).json().posts).toHaveLength(1);
		const own = (await get(`/api/v1/threads/${threadId}?n=1`, author.cookie)).json();
		expect(own.posts.find((p: { id: string }) => p.id === post.id)).toMatchObject({ status: 'pending' });
		const mod = (await get(`/api/v1/threads/${threadId}?n=1`, moderator.cookie)).json();
		expect(mod.posts.find((p: { id: string }) => p.id === post.id)).toMatchObject({ status: 'pending' });
		// Nobody else may quote, vote on or report it: it does not exist for them.
		expect((await send('POST', `/api/v1/posts/${post.id}/vote`, reader.cookie, { useful: true })).statusCode).toBe(404);
	});

	it('lists pending posts oldest first with the author’s history; refuses non-moderators', async () => {
		const { threadId, moderator, slug } = await reviewedSpace();
		const first = await pendingReply(threadId, 'Un premier message en attente.');
		const second = await pendingReply(threadId, 'Un second message en attente.');
		const queue = await get(`/api/v1/moderation/queue?space=${slug}`, moderator.cookie);
		expect(queue.statusCode).toBe(200);
		const ids = queue.json().items.map((i: { targetId: string }) => i.targetId);
		expect(ids.indexOf(first.post.id)).toBeLessThan(ids.indexOf(second.post.id));
		expect(queue.json().items[0]).toMatchObject({
			kind: 'pending_post',
			author: { history: { posts: 0, rejections: 0, suspensions: 0 } },
			thread: { id: threadId },
			claim: null
		});
		expect((await get('/api/v1/moderation/queue', first.author.cookie)).statusCode).toBe(403);
		expect((await get('/api/v1/moderation/queue')).statusCode).toBe(401);
		// A moderator of another space sees none of this space's items.
		const elsewhere = await createSpace(t);
		const other = await spaceModerator(elsewhere.id);
		const theirs = (await get('/api/v1/moderation/queue', other.cookie)).json().items;
		expect(theirs.map((i: { targetId: string }) => i.targetId)).not.toContain(first.post.id);
	});

	it('approves: published for all, audited, the author notified; others may not', async () => {
		const { threadId, moderator, id: spaceId } = await reviewedSpace();
		const { author, post } = await pendingReply(threadId);
		expect((await send('POST', `/api/v1/moderation/posts/${post.id}/approve`, author.cookie)).statusCode).toBe(403);
		const member = await createUser(t);
		expect((await send('POST', `/api/v1/moderation/posts/${post.id}/approve`, member.cookie)).statusCode).toBe(404);
		const elsewhere = await createSpace(t);
		const otherModerator = await spaceModerator(elsewhere.id);
		expect((await send('POST', `/api/v1/moderation/posts/${post.id}/approve`, otherModerator.cookie)).statusCode).toBe(404);
		expect((await send('POST', `/api/v1/moderation/posts/${post.id}/approve`, undefined)).statusCode).toBe(401);

		const approved = await send('POST', `/api/v1/moderation/posts/${post.id}/approve`, moderator.cookie);
		expect(approved.statusCode).toBe(200);
		expect(approved.json().status).toBe('published');
		const page = (await get(`/api/v1/threads/${threadId}?n=1`, member.cookie)).json();
		expect(page.posts.map((p: { id: string }) => p.id)).toContain(post.id);
		const [row] = await audits(post.id, 'post.approve');
		expect(row).toMatchObject({ actorId: moderator.id, spaceId, before: { status: 'pending' } });
		expect(await notificationsOf(author.id, 'post_approved')).toHaveLength(1);
		expect((await send('POST', `/api/v1/moderation/posts/${post.id}/approve`, moderator.cookie)).statusCode).toBe(409);
	});

	it('rejects with a reason; the author edits and resubmits, nothing lost', async () => {
		const { threadId, moderator } = await reviewedSpace();
		const text = 'Voici mon avis complet, avec des détails que je ne veux pas perdre.';
		const { author, post } = await pendingReply(threadId, text);
		const noNote = await send('POST', `/api/v1/moderation/posts/${post.id}/reject`, moderator.cookie, { reason: 'autre' });
		expect(noNote.statusCode).toBe(400);
		const unknown = await send('POST', `/api/v1/moderation/posts/${post.id}/reject`, moderator.cookie, { reason: 'inconnu' });
		expect(unknown.statusCode).toBe(400);
		const rejected = await send('POST', `/api/v1/moderation/posts/${post.id}/reject`, moderator.cookie, {
			reason: 'hors_sujet',
			note: 'Ce fil parle des cotisations.'
		});
		expect(rejected.statusCode).toBe(200);
		const [notice] = await notificationsOf(author.id, 'post_rejected');
		expect(notice!.data).toMatchObject({ reason: 'Hors sujet — Ce fil parle des cotisations.' });
		const [row] = await audits(post.id, 'post.reject');
		expect(row).toMatchObject({ actorId: moderator.id, reason: 'Hors sujet — Ce fil parle des cotisations.' });

		const own = (await get(`/api/v1/threads/${threadId}?n=1`, author.cookie)).json();
		const mine = own.posts.find((p: { id: string }) => p.id === post.id);
		expect(mine).toMatchObject({ status: 'rejected', body: text, moderationNote: 'Hors sujet — Ce fil parle des cotisations.' });
		expect(mine.can.edit).toBe(true);

		const resubmitted = await t.app.inject({
			method: 'PATCH',
			url: `/api/v1/posts/${post.id}`,
			headers: { origin: TEST_ORIGIN, cookie: author.cookie },
			payload: { body: `${text} (recentré sur les cotisations)` }
		});
		expect(resubmitted.statusCode).toBe(200);
		expect(resubmitted.json().status).toBe('pending');
		const queue = (await get('/api/v1/moderation/queue', moderator.cookie)).json().items;
		expect(queue.find((i: { targetId: string }) => i.targetId === post.id)?.author.history.rejections).toBe(1);
	});
});

describe('claims', () => {
	it('let one moderator handle an item; another is told who holds it', async () => {
		const { threadId, moderator, id: spaceId } = await reviewedSpace();
		const second = await spaceModerator(spaceId);
		const { post } = await pendingReply(threadId);
		const claim = { kind: 'pending_post', targetId: post.id };
		expect((await send('POST', '/api/v1/moderation/claims', moderator.cookie, claim)).statusCode).toBe(200);
		const taken = await send('POST', '/api/v1/moderation/claims', second.cookie, claim);
		expect(taken.statusCode).toBe(409);
		expect(taken.json().error.message).toMatch(/^.+ s’occupe déjà de cet élément\.$/);
		expect((await send('POST', `/api/v1/moderation/posts/${post.id}/approve`, second.cookie)).statusCode).toBe(409);
		const queue = (await get('/api/v1/moderation/queue', second.cookie)).json().items;
		expect(queue.find((i: { targetId: string }) => i.targetId === post.id)?.claim).toMatchObject({
			moderatorId: moderator.id,
			mine: false
		});
		expect((await send('DELETE', '/api/v1/moderation/claims', moderator.cookie, claim)).statusCode).toBe(204);
		expect((await send('POST', '/api/v1/moderation/claims', second.cookie, claim)).statusCode).toBe(200);
		expect((await send('POST', `/api/v1/moderation/posts/${post.id}/approve`, second.cookie)).statusCode).toBe(200);
	});
});

describe('reports', () => {
	it('hide a post once enough distinct members report it; once each; never one’s own', async () => {
		const space = await createSpace(t);
		const moderator = await spaceModerator(space.id);
		const author = await createUser(t);
		const { threadId } = await createThread(t, author, space.slug);
		const { id: postId } = (await reply(t, author, threadId, { body: 'Achetez mes assurances à prix cassés !' })).json();
		const report = (cookie: string) =>
			send('POST', '/api/v1/moderation/reports', cookie, { postId, reason: 'publicite', note: 'Démarchage.' });
		expect((await report(author.cookie)).statusCode).toBe(409);
		const reporters = [await createUser(t), await createUser(t), await createUser(t)];
		expect((await report(reporters[0]!.cookie)).json()).toEqual({ reported: true, hidden: false });
		expect((await report(reporters[0]!.cookie)).statusCode).toBe(409);
		expect((await report(reporters[1]!.cookie)).json().hidden).toBe(false);
		expect((await report(reporters[2]!.cookie)).json()).toEqual({ reported: true, hidden: true });

		const reader = await createUser(t);
		const page = (await get(`/api/v1/threads/${threadId}?n=1`, reader.cookie)).json();
		expect(page.posts.map((p: { id: string }) => p.id)).not.toContain(postId);
		expect((await audits(postId, 'post.auto_hide')).length).toBe(1);
		const item = (await get('/api/v1/moderation/queue', moderator.cookie))
			.json()
			.items.find((i: { targetId: string }) => i.targetId === postId);
		expect(item).toMatchObject({ kind: 'reported_post', post: { hidden: true } });
		expect(item.reports).toHaveLength(3);

		// Restoring dismisses the reports: the post is back, the queue item gone.
		const restored = await send('POST', `/api/v1/moderation/posts/${postId}/restore`, moderator.cookie, {});
		expect(restored.statusCode).toBe(200);
		expect((await get(`/api/v1/threads/${threadId}?n=1`, reader.cookie)).json().posts.map((p: { id: string }) => p.id)).toContain(
			postId
		);
		const after = (await get('/api/v1/moderation/queue', moderator.cookie)).json().items;
		expect(after.map((i: { targetId: string }) => i.targetId)).not.toContain(postId);
		expect((await audits(postId, 'post.restore')).length).toBe(1);
	});

	it('hide a thread too, and the moderator decides', async () => {
		const space = await createSpace(t);
		await t.database.db.update(spaces).set({ reportThreshold: 1 }).where(eq(spaces.id, space.id));
		const moderator = await spaceModerator(space.id);
		const author = await createUser(t);
		const { threadId } = await createThread(t, author, space.slug, { title: 'Un fil hors charte à signaler' });
		const reporter = await createUser(t);
		const res = await send('POST', '/api/v1/moderation/reports', reporter.cookie, { threadId, reason: 'ton_inapproprie' });
		expect(res.json()).toEqual({ reported: true, hidden: true });
		expect((await get(`/api/v1/threads/${threadId}`, reporter.cookie)).statusCode).toBe(404);
		expect((await get(`/api/v1/threads/${threadId}`, author.cookie)).statusCode).toBe(200);
		expect(
			(await send('POST', `/api/v1/moderation/threads/${threadId}/reports`, reporter.cookie, { decision: 'restore' })).statusCode
		).toBe(404);
		const decided = await send('POST', `/api/v1/moderation/threads/${threadId}/reports`, moderator.cookie, {
			decision: 'restore'
		});
		expect(decided.json()).toEqual({ threadId, hidden: false });
		expect((await get(`/api/v1/threads/${threadId}`, reporter.cookie)).statusCode).toBe(200);
	});
});

describe('hiding and restoring a post', () => {
	it('needs a moderator and a reason; notifies and audits; restore is its inverse', async () => {
		const space = await createSpace(t);
		const moderator = await spaceModerator(space.id);
		const author = await createUser(t);
		const { threadId } = await createThread(t, author, space.slug);
		const { id: postId } = (await reply(t, author, threadId, { body: 'Le numéro de téléphone de M. X est le 77…' })).json();
		const hide = (cookie: string | undefined, payload: object) =>
			send('POST', `/api/v1/moderation/posts/${postId}/hide`, cookie, payload);
		const member = await createUser(t);
		expect((await hide(member.cookie, { reason: 'information_personnelle' })).statusCode).toBe(403);
		expect((await hide(undefined, { reason: 'information_personnelle' })).statusCode).toBe(401);
		expect((await hide(moderator.cookie, {})).statusCode).toBe(400);
		const hidden = await hide(moderator.cookie, { reason: 'information_personnelle' });
		expect(hidden.statusCode).toBe(200);
		expect(hidden.json()).toMatchObject({ hidden: true, moderationNote: 'Information personnelle' });
		expect((await audits(postId, 'post.hide'))[0]).toMatchObject({ actorId: moderator.id, reason: 'Information personnelle' });
		const [notice] = await notificationsOf(author.id, 'moderation');
		expect(notice!.data).toMatchObject({ action: 'post.hide', reason: 'Information personnelle' });
		// The author still sees it, marked, with the reason; readers don't.
		const own = (await get(`/api/v1/threads/${threadId}?n=1`, author.cookie)).json();
		expect(own.posts.find((p: { id: string }) => p.id === postId)).toMatchObject({ hidden: true });
		expect(
			(await get(`/api/v1/threads/${threadId}?n=1`, member.cookie)).json().posts.map((p: { id: string }) => p.id)
		).not.toContain(postId);
		// (to a member, a hidden post is as good as gone: 404)
		expect((await send('POST', `/api/v1/moderation/posts/${postId}/restore`, member.cookie, {})).statusCode).toBe(404);
		const restored = await send('POST', `/api/v1/moderation/posts/${postId}/restore`, moderator.cookie, { note: 'Corrigé.' });
		expect(restored.json()).toMatchObject({ hidden: false });
	});
});

describe('editing someone else’s post', () => {
	it('is a moderator’s action: audited with before/after, and the history says who', async () => {
		const space = await createSpace(t);
		const moderator = await spaceModerator(space.id);
		const author = await createUser(t);
		const { threadId } = await createThread(t, author, space.slug);
		const { id: postId } = (await reply(t, author, threadId, { body: 'Appelez-moi au 77 000 00 00.' })).json();
		const patch = (cookie: string) =>
			t.app.inject({
				method: 'PATCH',
				url: `/api/v1/posts/${postId}`,
				headers: { origin: TEST_ORIGIN, cookie },
				payload: { body: 'Écrivez-moi par message privé.' }
			});
		expect((await patch((await createUser(t)).cookie)).statusCode).toBe(403);
		expect((await patch(moderator.cookie)).statusCode).toBe(200);
		const [row] = await audits(postId, 'post.edit');
		expect(row).toMatchObject({
			actorId: moderator.id,
			before: { body: 'Appelez-moi au 77 000 00 00.' },
			after: { body: 'Écrivez-moi par message privé.' }
		});
		const versions = (await get(`/api/v1/posts/${postId}/revisions`)).json().items;
		const authorName = (await get('/api/v1/me', author.cookie)).json().displayName;
		const moderatorName = (await get('/api/v1/me', moderator.cookie)).json().displayName;
		expect(versions.map((v: { editedBy: string }) => v.editedBy)).toEqual([authorName, moderatorName]);
	});
});

describe('live', () => {
	function next<T>(socket: ClientSocket, event: 'queue:changed' | 'post:updated'): Promise<T> {
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`no ${event} within 2 s`)), 2000);
			socket.once(event, (payload: unknown) => {
				clearTimeout(timer);
				resolve(payload as T);
			});
		});
	}

	it('updates the queue of every moderator watching it, and no one else', async () => {
		const { threadId, moderator, id: spaceId } = await reviewedSpace();
		const stranger = await createUser(t);
		const watcher = connect(baseUrl, { cookie: moderator.cookie });
		const outsider = connect(baseUrl, { cookie: stranger.cookie });
		sockets.push(watcher, outsider);
		await Promise.all([connected(watcher), connected(outsider)]);
		const ack = (await watcher.timeout(2000).emitWithAck('queue:watch', {})) as { ok: boolean };
		expect(ack.ok).toBe(true);
		const refused = (await outsider.timeout(2000).emitWithAck('queue:watch', {})) as { ok: boolean };
		expect(refused.ok).toBe(false);
		let outsiderHeard = false;
		outsider.on('queue:changed', () => (outsiderHeard = true));
		const added = next<QueueChange>(watcher, 'queue:changed');
		const { post } = await pendingReply(threadId);
		expect(await added).toEqual({ spaceId, kind: 'pending_post', targetId: post.id, change: 'added' });
		const claimed = next<QueueChange>(watcher, 'queue:changed');
		await send('POST', '/api/v1/moderation/claims', moderator.cookie, { kind: 'pending_post', targetId: post.id });
		expect((await claimed).change).toBe('claimed');
		expect(outsiderHeard).toBe(false);
	});

	it('takes a hidden post away from readers’ pages at once', async () => {
		const space = await createSpace(t);
		const moderator = await spaceModerator(space.id);
		const author = await createUser(t);
		const { threadId } = await createThread(t, author, space.slug);
		const { id: postId } = (await reply(t, author, threadId, { body: 'Un message qui sera masqué.' })).json();
		const reader = connect(baseUrl);
		sockets.push(reader);
		await connected(reader);
		const watched = (await reader.timeout(2000).emitWithAck('thread:watch', { threadId })) as {
			ok: boolean;
			data: ThreadWatchResult;
		};
		expect(watched.ok).toBe(true);
		const event = next<PostEvent>(reader, 'post:updated');
		await send('POST', `/api/v1/moderation/posts/${postId}/hide`, moderator.cookie, { reason: 'hors_sujet' });
		const { post } = await event;
		expect(post).toMatchObject({ id: postId, removed: true, hidden: true, bodyHtml: null });
		expect(JSON.stringify(post)).not.toContain('masqué');
		// A reconnecting reader's catch-up carries the removal too, without the text.
		const caughtUp = (await reader.timeout(2000).emitWithAck('thread:watch', { threadId, since: watched.data.lastSeq })) as {
			data: ThreadWatchResult;
		};
		expect(caughtUp.data.posts.find((p) => p.id === postId)).toMatchObject({ removed: true, bodyHtml: null });
	});
});

describe('API', () => {
	it('documents every moderation operation the issue names', async () => {
		const doc = (await get('/api/openapi.json')).json<{ paths: Record<string, Record<string, { operationId?: string }>> }>();
		const ids = Object.values(doc.paths).flatMap((path) => Object.values(path).map((op) => op.operationId));
		for (const id of [
			'moderation.queue',
			'moderation.claim',
			'moderation.approve',
			'moderation.reject',
			'moderation.report',
			'moderation.hidePost',
			'moderation.restorePost',
			'moderation.lockThread',
			'moderation.unlockThread',
			'moderation.pinThread',
			'moderation.moveThread',
			'moderation.closeWithSynthesis',
			'moderation.setSlowMode',
			'moderation.suspend',
			'moderation.unsuspend',
			'moderation.warn',
			'moderation.auditLog',
			'moderation.watchedWords'
		])
			expect(ids, id).toContain(id);
	});
});
