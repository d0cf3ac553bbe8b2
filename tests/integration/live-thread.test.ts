import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PostEvent, ThreadWatchResult } from '../../server/realtime/events.ts';
import { createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/app.ts';
import { createSpace, createThread, createUser, reply } from '../helpers/factories.ts';
import { connect, connected, type ClientSocket } from '../helpers/sockets.ts';

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

async function watch(socket: ClientSocket, threadId: string, since?: number) {
	const ack = (await socket
		.timeout(3000)
		.emitWithAck('thread:watch', since === undefined ? { threadId } : { threadId, since })) as
		{ ok: true; data: ThreadWatchResult } | { ok: false; code: string };
	if (!ack.ok) throw new Error(`watch refused: ${ack.code}`);
	return ack.data;
}

function nextEvent(
	socket: ClientSocket,
	event: 'post:created' | 'post:updated' | 'post:deleted' | 'post:voted'
): Promise<PostEvent> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`no ${event} within 2 s`)), 2000);
		socket.once(event, (payload) => {
			clearTimeout(timer);
			resolve(payload);
		});
	});
}

describe('a thread, live', () => {
	it('shows a reply, an edit, a vote and a deletion to another reader, in sequence order', async () => {
		const { slug } = await createSpace(t);
		const author = await createUser(t);
		const reader = await createUser(t);
		const { threadId, firstPostId } = await createThread(t, author, slug);
		const socket = track(connect(baseUrl, { cookie: reader.cookie }));
		await connected(socket);
		const start = await watch(socket, threadId);
		expect(start.lastSeq).toBe(1);

		const created = nextEvent(socket, 'post:created');
		const posted = (await reply(t, author, threadId, { body: 'Nouvelle réponse en direct' })).json();
		const createdEvent = await created;
		expect(createdEvent).toMatchObject({ threadId, seq: 2, post: { id: posted.id, number: 2 } });
		expect(createdEvent.post.bodyHtml).toContain('Nouvelle réponse en direct');
		expect(createdEvent.post).not.toHaveProperty('body');

		const updated = nextEvent(socket, 'post:updated');
		await t.app.inject({
			method: 'PATCH',
			url: `/api/v1/posts/${posted.id}`,
			headers: { origin: TEST_ORIGIN, cookie: author.cookie },
			payload: { body: 'Réponse corrigée' }
		});
		expect((await updated).seq).toBe(3);

		const voted = nextEvent(socket, 'post:voted');
		await t.app.inject({
			method: 'PUT',
			url: `/api/v1/posts/${firstPostId}/vote`,
			headers: { origin: TEST_ORIGIN, cookie: reader.cookie },
			payload: { useful: true }
		});
		expect(await voted).toMatchObject({ seq: 4, post: { id: firstPostId, usefulCount: 1 } });

		const deleted = nextEvent(socket, 'post:deleted');
		await t.app.inject({
			method: 'DELETE',
			url: `/api/v1/posts/${posted.id}`,
			headers: { origin: TEST_ORIGIN, cookie: author.cookie }
		});
		expect(await deleted).toMatchObject({ seq: 5, post: { id: posted.id, deleted: true, bodyHtml: null } });
	});

	it('catches up after a forced disconnect: no gap, no duplicate', async () => {
		const { slug } = await createSpace(t);
		const author = await createUser(t);
		const reader = await createUser(t);
		const { threadId } = await createThread(t, author, slug);
		const first = track(connect(baseUrl, { cookie: reader.cookie }));
		await connected(first);
		let lastSeq = (await watch(first, threadId)).lastSeq;
		const seen = new Map<string, number>();
		first.on('post:created', (e) => {
			seen.set(e.post.id, e.seq);
			lastSeq = Math.max(lastSeq, e.seq);
		});
		const live = nextEvent(first, 'post:created');
		await reply(t, author, threadId, { body: 'Avant la coupure' });
		await live;

		// The reader's connection drops; three replies and an edit happen meanwhile.
		first.disconnect();
		const missed = [];
		for (let i = 0; i < 3; i++) missed.push((await reply(t, author, threadId, { body: `Pendant la coupure ${i}` })).json());
		const [firstSeen] = [...seen.keys()];
		await t.app.inject({
			method: 'PATCH',
			url: `/api/v1/posts/${firstSeen}`,
			headers: { origin: TEST_ORIGIN, cookie: author.cookie },
			payload: { body: 'Avant la coupure (corrigé)' }
		});

		const second = track(connect(baseUrl, { cookie: reader.cookie }));
		await connected(second);
		const caughtUp = await watch(second, threadId, lastSeq);
		expect(caughtUp.posts.map((p) => p.seq)).toEqual([3, 4, 5, 6]);
		expect(caughtUp.posts.map((p) => p.number)).toEqual([3, 4, 5, 2]);
		expect(new Set(caughtUp.posts.map((p) => p.id)).size).toBe(4);
		expect(caughtUp.lastSeq).toBe(6);

		// Live again right after the catch-up.
		const after = nextEvent(second, 'post:created');
		await reply(t, author, threadId, { body: 'Après la reconnexion' });
		expect((await after).seq).toBe(7);
	});

	it('counts readers in the thread, a person once whatever their tabs', async () => {
		const { slug } = await createSpace(t);
		const author = await createUser(t);
		const { threadId } = await createThread(t, author, slug);
		const a = track(connect(baseUrl, { cookie: author.cookie }));
		const b = track(connect(baseUrl, { cookie: author.cookie }));
		const c = track(connect(baseUrl));
		await Promise.all([a, b, c].map(connected));
		await watch(a, threadId);
		await watch(b, threadId);
		const counted = new Promise<number>((resolve) => a.on('presence:count', (p) => p.readers === 2 && resolve(p.readers)));
		await watch(c, threadId);
		expect(await counted).toBe(2);
		const dropped = new Promise<number>((resolve) => a.on('presence:count', (p) => p.readers === 1 && resolve(p.readers)));
		c.disconnect();
		expect(await dropped).toBe(1);
	});

	it('stops sending a private thread’s events to a member removed from the space', async () => {
		const { slug, admin } = await createSpace(t, { visibility: 'private' });
		const member = await createUser(t);
		const handle = (await t.app.inject({ url: '/api/v1/me', headers: { cookie: member.cookie } })).json().handle;
		await t.app.inject({
			method: 'POST',
			url: `/api/v1/spaces/${slug}/invitations`,
			headers: { origin: TEST_ORIGIN, cookie: admin.cookie },
			payload: { handle }
		});
		await t.app.inject({
			method: 'POST',
			url: `/api/v1/spaces/${slug}/membership`,
			headers: { origin: TEST_ORIGIN, cookie: member.cookie }
		});
		const { threadId } = await createThread(t, admin, slug);
		const socket = track(connect(baseUrl, { cookie: member.cookie }));
		await connected(socket);
		await watch(socket, threadId);
		const received: PostEvent[] = [];
		socket.on('post:created', (e) => received.push(e));

		await t.app.inject({
			method: 'DELETE',
			url: `/api/v1/spaces/${slug}/members/${member.id}`,
			headers: { origin: TEST_ORIGIN, cookie: admin.cookie }
		});
		// No waiting: the removal has taken effect when its request returns.
		await reply(t, admin, threadId, { body: 'Message réservé aux membres restants' });
		await new Promise((r) => setTimeout(r, 300));
		expect(received).toEqual([]);
		await expect(watch(socket, threadId)).rejects.toThrow(/not_found/);
	});

	it('stops a public thread’s events to outsiders when its space turns private', async () => {
		const { slug, admin } = await createSpace(t);
		const { threadId } = await createThread(t, admin, slug);
		const outsider = await createUser(t);
		const anonymous = track(connect(baseUrl));
		const signedIn = track(connect(baseUrl, { cookie: outsider.cookie }));
		const adminSocket = track(connect(baseUrl, { cookie: admin.cookie }));
		await Promise.all([anonymous, signedIn, adminSocket].map(connected));
		for (const s of [anonymous, signedIn, adminSocket]) await watch(s, threadId);
		const received: string[] = [];
		anonymous.on('post:created', () => received.push('anonymous'));
		signedIn.on('post:created', () => received.push('outsider'));
		const adminGot = nextEvent(adminSocket, 'post:created');

		const res = await t.app.inject({
			method: 'PATCH',
			url: `/api/v1/spaces/${slug}`,
			headers: { origin: TEST_ORIGIN, cookie: admin.cookie },
			payload: { visibility: 'private' }
		});
		expect(res.statusCode).toBe(200);
		await reply(t, admin, threadId, { body: 'Désormais privé' });
		await adminGot;
		await new Promise((r) => setTimeout(r, 100));
		expect(received).toEqual([]);
	});
});
