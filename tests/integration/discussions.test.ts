import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/app.ts';
import { createSpace, createThread, createUser, reply } from '../helpers/factories.ts';

let t: TestApp;
beforeAll(async () => {
	t = await createTestApp();
});
afterAll(() => t.close());

const get = (url: string, cookie?: string) => t.app.inject({ url, headers: cookie ? { cookie } : {} });
const send = (method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, cookie: string, payload?: object) =>
	t.app.inject({ method, url, headers: { origin: TEST_ORIGIN, cookie }, ...(payload ? { payload } : {}) });

describe('spaces', () => {
	it('are opened by admins only, with a unique slug and rendered description', async () => {
		const member = await createUser(t);
		const refused = await send('POST', '/api/v1/spaces', member.cookie, {
			name: 'Mon espace',
			slug: 'mon-espace-x',
			visibility: 'public'
		});
		expect(refused.statusCode).toBe(403);
		const { slug, admin } = await createSpace(t);
		const space = (await get(`/api/v1/spaces/${slug}`)).json();
		expect(space).toMatchObject({
			slug,
			url: `/espaces/${slug}`,
			visibility: 'public',
			descriptionHtml: '<p>Un espace <strong>de test</strong>.</p>\n'
		});
		const again = await send('POST', '/api/v1/spaces', admin.cookie, { name: 'Doublon', slug, visibility: 'public' });
		expect(again.statusCode).toBe(409);
	});
});

describe('threads and posts', () => {
	it('creates a thread, replies with Markdown, and numbers posts in order', async () => {
		const { slug } = await createSpace(t);
		const author = await createUser(t);
		const replier = await createUser(t);
		const { threadId } = await createThread(t, author, slug, {
			title: 'Paquet minimum : quels soins ?',
			body: 'Quels soins dans le **paquet minimum** ?'
		});
		const res = await reply(t, replier, threadId, {
			body: 'Voir <script>alert(1)</script> et [lien](javascript:alert(1)) ~~barré~~'
		});
		expect(res.statusCode).toBe(201);
		const post = res.json();
		expect(post).toMatchObject({ number: 2, url: `/fils/${threadId}?n=2#p-2`, usefulCount: 0, deleted: false });
		expect(post.bodyHtml).toContain('&lt;script&gt;');
		expect(post.bodyHtml).not.toMatch(/href="javascript/i);
		expect(post.bodyHtml).toContain('<s>barré</s>');
		const page = (await get(`/api/v1/threads/${threadId}?n=1`)).json();
		expect(page.thread).toMatchObject({ title: 'Paquet minimum : quels soins ?', postCount: 2, url: `/fils/${threadId}` });
		expect(page.posts.map((p: { number: number }) => p.number)).toEqual([1, 2]);
	});

	it('keeps every edit, visible to readers with diffs', async () => {
		const { slug } = await createSpace(t);
		const author = await createUser(t);
		const { firstPostId } = await createThread(t, author, slug, { body: 'La cotisation est de 500 FCFA.' });
		const edited = await send('PATCH', `/api/v1/posts/${firstPostId}`, author.cookie, { body: 'La cotisation est de 700 FCFA.' });
		expect(edited.statusCode).toBe(200);
		expect(edited.json()).toMatchObject({ revisionCount: 1, editedAt: expect.any(String) });
		const revisions = (await get(`/api/v1/posts/${firstPostId}/revisions`)).json().items;
		expect(revisions.map((r: { body: string }) => r.body)).toEqual([
			'La cotisation est de 500 FCFA.',
			'La cotisation est de 700 FCFA.'
		]);
		expect(revisions[1].diff).toContainEqual([-1, '500']);
		expect(revisions[1].diff).toContainEqual([1, '700']);
		const other = await createUser(t);
		expect((await send('PATCH', `/api/v1/posts/${firstPostId}`, other.cookie, { body: 'piraté' })).statusCode).toBe(403);
	});

	it('soft-deletes: readers see a placeholder, moderators the text', async () => {
		const { slug, admin } = await createSpace(t);
		const author = await createUser(t);
		const { threadId } = await createThread(t, author, slug);
		const post = (await reply(t, author, threadId, { body: 'Message à retirer' })).json();
		expect((await send('DELETE', `/api/v1/posts/${post.id}`, author.cookie)).statusCode).toBe(200);
		const asReader = (await get(`/api/v1/threads/${threadId}?n=1`)).json().posts[1];
		expect(asReader).toMatchObject({ deleted: true, bodyHtml: null, body: null });
		const asModerator = (await get(`/api/v1/threads/${threadId}?n=1`, admin.cookie)).json().posts[1];
		expect(asModerator.bodyHtml).toContain('Message à retirer');
	});

	it('counts "utile" once per member, never on one’s own post', async () => {
		const { slug } = await createSpace(t);
		const author = await createUser(t);
		const voter = await createUser(t);
		const { firstPostId } = await createThread(t, author, slug);
		for (let i = 0; i < 2; i++)
			expect((await send('PUT', `/api/v1/posts/${firstPostId}/vote`, voter.cookie, { useful: true })).json().usefulCount).toBe(1);
		expect((await send('PUT', `/api/v1/posts/${firstPostId}/vote`, author.cookie, { useful: true })).statusCode).toBe(409);
		expect((await send('PUT', `/api/v1/posts/${firstPostId}/vote`, voter.cookie, { useful: false })).json().usefulCount).toBe(0);
	});

	it('marks an accepted answer on a question, by its author', async () => {
		const { slug } = await createSpace(t);
		const asker = await createUser(t);
		const helper = await createUser(t);
		const { threadId } = await createThread(t, asker, slug, { kind: 'question', title: 'Comment calculer la prime ?' });
		const answer = (await reply(t, helper, threadId, { body: 'Voici la méthode.' })).json();
		expect((await send('PUT', `/api/v1/threads/${threadId}/accepted`, helper.cookie, { postId: answer.id })).statusCode).toBe(
			403
		);
		const res = await send('PUT', `/api/v1/threads/${threadId}/accepted`, asker.cookie, { postId: answer.id });
		expect(res.statusCode).toBe(200);
		expect(res.json().accepted).toMatchObject({ id: answer.id, accepted: true });
		const notes = (await get('/api/v1/notifications', helper.cookie)).json().items;
		expect(notes.map((n: { kind: string }) => n.kind)).toContain('accepted');
	});

	it('keeps announcements for moderators', async () => {
		const { slug, admin } = await createSpace(t);
		const member = await createUser(t);
		const refused = await send('POST', `/api/v1/spaces/${slug}/threads`, member.cookie, {
			title: 'Annonce importante',
			body: 'Texte',
			kind: 'announcement'
		});
		expect(refused.statusCode).toBe(403);
		await createThread(t, admin, slug, { kind: 'announcement', title: 'Annonce du secrétariat' });
	});

	it('returns the same post for a retried send with the same clientKey', async () => {
		const { slug } = await createSpace(t);
		const author = await createUser(t);
		const { threadId } = await createThread(t, author, slug);
		const clientKey = randomUUID();
		const [a, b] = await Promise.all([reply(t, author, threadId, { clientKey }), reply(t, author, threadId, { clientKey })]);
		expect(a.json().id).toBe(b.json().id);
		expect((await get(`/api/v1/threads/${threadId}?n=1`)).json().thread.postCount).toBe(2);
	});

	it('tracks unread posts and opens at the first unread one', async () => {
		const { slug } = await createSpace(t);
		const author = await createUser(t);
		const reader = await createUser(t);
		const { threadId } = await createThread(t, author, slug);
		await get(`/api/v1/threads/${threadId}`, reader.cookie); // reads post 1
		for (let i = 0; i < 3; i++) await reply(t, author, threadId);
		const list = (await get(`/api/v1/spaces/${slug}/threads`, reader.cookie)).json();
		expect(list.items[0]).toMatchObject({ id: threadId, unread: 3, firstUnreadNumber: 2 });
		const opened = (await get(`/api/v1/threads/${threadId}`, reader.cookie)).json();
		expect(opened.posts[0].number).toBe(2);
		expect(opened.previous).toBe(2);
		const after = (await get(`/api/v1/spaces/${slug}/threads`, reader.cookie)).json();
		expect(after.items[0].unread).toBe(0);
		expect(
			(await get('/api/v1/spaces', reader.cookie)).json().items.find((s: { slug: string }) => s.slug === slug).unreadThreads
		).toBe(0);
	});

	it('paginates thread lists by keyset, bumped threads first', async () => {
		const { slug } = await createSpace(t);
		const author = await createUser(t);
		const ids: string[] = [];
		for (let i = 0; i < 32; i++) ids.push((await createThread(t, author, slug, { title: `Fil numéro ${i + 1}` })).threadId);
		await reply(t, author, ids[0]!);
		const first = (await get(`/api/v1/spaces/${slug}/threads`)).json();
		expect(first.items).toHaveLength(30);
		expect(first.items[0].id).toBe(ids[0]);
		const second = (await get(`/api/v1/spaces/${slug}/threads?after=${first.next}`)).json();
		expect(second.items).toHaveLength(2);
		expect(second.next).toBeNull();
		const all = [...first.items, ...second.items].map((i: { id: string }) => i.id);
		expect(new Set(all).size).toBe(32);
	});

	it('notifies mentioned members and renders the mention as a profile link', async () => {
		const { slug } = await createSpace(t);
		const author = await createUser(t);
		const mentioned = await createUser(t);
		const handle = (await get('/api/v1/me', mentioned.cookie)).json().handle;
		const { threadId } = await createThread(t, author, slug);
		const post = (await reply(t, author, threadId, { body: `Qu’en pensez-vous, @${handle} ?` })).json();
		expect(post.bodyHtml).toContain(`href="/membres/${mentioned.id}"`);
		const notes = (await get('/api/v1/notifications', mentioned.cookie)).json();
		expect(notes.unread).toBe(1);
		expect(notes.items[0]).toMatchObject({ kind: 'mention', url: `/fils/${threadId}?n=2#p-2` });
	});

	it('refuses extra fields on every write instead of storing them (mass assignment)', async () => {
		const { slug } = await createSpace(t);
		const author = await createUser(t);
		const other = await createUser(t);
		const thread = await send('POST', `/api/v1/spaces/${slug}/threads`, author.cookie, {
			title: 'Un fil ordinaire',
			body: 'Texte',
			authorId: other.id,
			pinned: true,
			createdAt: '2000-01-01T00:00:00Z'
		});
		expect(thread.statusCode).toBe(400);
		expect(Object.keys(thread.json().error.fields).sort()).toEqual(['authorId', 'createdAt', 'pinned']);
		const { threadId, firstPostId } = await createThread(t, author, slug);
		for (const [method, url, payload] of [
			['POST', `/api/v1/threads/${threadId}/posts`, { body: 'Texte', number: 1, spaceId: threadId }],
			['PATCH', `/api/v1/posts/${firstPostId}`, { body: 'Texte', usefulCount: 99 }],
			['PUT', `/api/v1/posts/${firstPostId}/vote`, { useful: true, userId: author.id }],
			['PATCH', `/api/v1/spaces/${slug}`, { name: 'Nouveau nom', createdBy: other.id }]
		] as const) {
			const res = await send(method, url, other.cookie, payload);
			expect(res.statusCode, url).toBe(400);
		}
	});
});

describe('private content never leaks sideways', () => {
	it('does not notify a mentioned member who cannot read the private space', async () => {
		const { slug, admin } = await createSpace(t, { visibility: 'private' });
		const outsider = await createUser(t);
		const handle = (await get('/api/v1/me', outsider.cookie)).json().handle;
		const { threadId } = await createThread(t, admin, slug);
		const post = (await reply(t, admin, threadId, { body: `Et @${handle}, qu’en dit-il ?` })).json();
		expect((await get('/api/v1/notifications', outsider.cookie)).json()).toEqual({ items: [], unread: 0 });
		// The mention still links to the public profile; only the notification is withheld.
		expect(post.bodyHtml).toContain(`/membres/${outsider.id}`);
	});

	it('drops a removed member’s notifications about the space', async () => {
		const { slug, admin } = await createSpace(t, { visibility: 'private' });
		const member = await createUser(t);
		const handle = (await get('/api/v1/me', member.cookie)).json().handle;
		await send('POST', `/api/v1/spaces/${slug}/invitations`, admin.cookie, { handle });
		await send('POST', `/api/v1/spaces/${slug}/membership`, member.cookie);
		const { threadId } = await createThread(t, member, slug);
		await reply(t, admin, threadId, { body: 'Réponse dans l’espace privé' });
		const before = (await get('/api/v1/notifications', member.cookie)).json();
		expect(before.items.map((n: { kind: string }) => n.kind)).toContain('reply');
		await send('DELETE', `/api/v1/spaces/${slug}/members/${member.id}`, admin.cookie);
		const after = (await get('/api/v1/notifications', member.cookie)).json();
		expect(after.items.filter((n: { kind: string }) => n.kind === 'reply')).toEqual([]);
		await reply(t, admin, threadId, { body: 'Après le retrait' });
		expect(
			(await get('/api/v1/notifications', member.cookie)).json().items.filter((n: { kind: string }) => n.kind === 'reply')
		).toEqual([]);
	});

	it('refuses to quote a post the replier cannot read', async () => {
		const { slug: privateSlug, admin } = await createSpace(t, { visibility: 'private' });
		const { firstPostId: secret } = await createThread(t, admin, privateSlug, { body: 'Secret' });
		const { slug } = await createSpace(t, { admin });
		const outsider = await createUser(t);
		const { threadId } = await createThread(t, outsider, slug);
		const res = await reply(t, outsider, threadId, { body: 'Je cite', quotePostId: secret });
		expect(res.statusCode).toBe(404);
	});

	it('lists no private space, thread title or member to outsiders', async () => {
		const { slug, admin } = await createSpace(t, { visibility: 'private' });
		await createThread(t, admin, slug, { title: 'Titre confidentiel du fil' });
		const outsider = await createUser(t);
		for (const cookie of [undefined, outsider.cookie]) {
			for (const url of ['/api/v1/spaces', `/api/v1/spaces/${slug}/threads`, `/api/v1/spaces/${slug}/members`]) {
				const res = await get(url, cookie);
				expect(res.body).not.toContain('Titre confidentiel');
				expect(res.body).not.toContain(slug);
			}
		}
	});
});

describe('API description', () => {
	it('documents the discussion operations', async () => {
		const doc = (await get('/api/openapi.json')).json();
		const ids = Object.values(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap((ops) =>
			Object.values(ops).map((op) => op.operationId)
		);
		expect(ids).toEqual(
			expect.arrayContaining([
				'spaces.list',
				'spaces.get',
				'spaces.create',
				'spaces.update',
				'spaces.join',
				'spaces.invite',
				'spaces.decideJoin',
				'threads.list',
				'threads.get',
				'threads.create',
				'posts.create',
				'posts.update',
				'posts.delete',
				'posts.vote',
				'notifications.list'
			])
		);
	});
});
