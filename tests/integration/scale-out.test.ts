import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { eventMessages, eventPeople, eventRegistrations, events } from '../../db/schema/index.ts';
import type { PostEvent, RoomMessage, RoomWatchResult, ThreadWatchResult } from '../../server/realtime/events.ts';
import { createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/app.ts';
import { createSpace, createThread, createUser, uniqueEmail, type TestUser } from '../helpers/factories.ts';
import { startServer, type RunningServer } from '../helpers/server-process.ts';
import { connect, connected, disconnectedBy, type ClientSocket } from '../helpers/sockets.ts';

/*
 * Two Palabre processes behind one load balancer: two OS processes of the built app, as
 * production runs them, on two ports, with one public origin, one PostgreSQL, one Redis
 * and one DATA_DIR. Runs in CI, where both servers are there (and `npm test` builds
 * first); on a laptop without them it has nothing to test.
 *
 * Test data (members, spaces, threads) is written by a third, in-process app that is NOT
 * on Redis: what the test then checks goes only through the two processes.
 */
const servers = process.env.DATABASE_URL && process.env.REDIS_URL;

describe.runIf(servers)('two processes sharing PostgreSQL and Redis', () => {
	let seed: TestApp;
	let a: RunningServer;
	let b: RunningServer;
	let dataDir: string;
	const open: ClientSocket[] = [];
	const track = (s: ClientSocket) => (open.push(s), s);

	beforeAll(async () => {
		dataDir = mkdtempSync(join(tmpdir(), 'palabre-scale-'));
		const options = {
			publicOrigin: TEST_ORIGIN,
			redisUrl: process.env.REDIS_URL!,
			dataDir,
			seed: false,
			// Behind the load balancer: the client address comes from X-Forwarded-For. No jobs:
			// other test files share this database, and their reminders are theirs to send.
			env: { TRUST_PROXY: '1', JOBS_INTERVAL_SECONDS: '0' }
		};
		// Started together: both migrate at once, under PostgreSQL's advisory lock.
		[seed, a, b] = await Promise.all([createTestApp(), startServer(options), startServer(options)]);
	});
	afterEach(() => {
		for (const s of open.splice(0)) s.disconnect();
	});
	afterAll(async () => {
		await Promise.all([a?.stop(), b?.stop(), seed?.close()]);
		rmSync(dataDir, { recursive: true, force: true });
	});

	/** A distinct client address per request: rate limits per IP stay out of the way. */
	const clientIp = () => `198.51.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

	async function api(server: RunningServer, method: string, path: string, user?: TestUser, payload?: unknown) {
		const res = await fetch(server.url + path, {
			method,
			headers: {
				origin: TEST_ORIGIN,
				'x-forwarded-for': clientIp(),
				...(user ? { cookie: user.cookie } : {}),
				...(payload === undefined ? {} : { 'content-type': 'application/json' })
			},
			body: payload === undefined ? undefined : JSON.stringify(payload)
		});
		return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> | null };
	}

	async function socketOn(server: RunningServer, user?: TestUser) {
		const socket = track(connect(server.url, user ? { cookie: user.cookie } : {}));
		await connected(socket);
		return socket;
	}

	async function watchThread(socket: ClientSocket, threadId: string, since?: number) {
		const ack = (await socket
			.timeout(3000)
			.emitWithAck('thread:watch', since === undefined ? { threadId } : { threadId, since })) as
			{ ok: true; data: ThreadWatchResult } | { ok: false; code: string };
		if (!ack.ok) throw new Error(`thread:watch refused: ${ack.code}`);
		return ack.data;
	}

	/** Resolves once `count` events have come, in arrival order. */
	function collect<T>(socket: ClientSocket, event: 'post:created' | 'room:message', count: number): Promise<T[]> {
		const got: T[] = [];
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`${got.length} of ${count} ${event} within 3 s`)), 3000);
			socket.on(event, (payload: unknown) => {
				got.push(payload as T);
				if (got.length === count) {
					clearTimeout(timer);
					resolve(got);
				}
			});
		});
	}

	const replyThrough = async (server: RunningServer, author: TestUser, threadId: string, body: string) => {
		const res = await api(server, 'POST', `/api/v1/threads/${threadId}/posts`, author, { body });
		expect(res.status).toBe(201);
		return res.body as { id: string };
	};

	/** A live room open now in a public space: its organiser and registered participants. */
	async function openRoom(participants: number) {
		const { id: spaceId } = await createSpace(seed);
		const organiser = await createUser(seed);
		const members = await Promise.all(Array.from({ length: participants }, () => createUser(seed)));
		const now = Date.now();
		const [event] = await seed.database.db
			.insert(events)
			.values({
				spaceId,
				kind: 'webinaire',
				title: 'Webinaire sur deux processus',
				startsAt: new Date(now - 60_000),
				endsAt: new Date(now + 3600_000),
				timeZone: 'Africa/Dakar',
				roomOpenedAt: new Date(now),
				createdBy: organiser.id
			})
			.returning({ id: events.id });
		const eventId = event!.id;
		await seed.database.db.insert(eventPeople).values({ eventId, userId: organiser.id, role: 'organiser' });
		await seed.database.db
			.insert(eventRegistrations)
			.values(members.map((m) => ({ eventId, userId: m.id, status: 'registered' as const })));
		return { eventId, organiser, members };
	}

	async function watchRoom(socket: ClientSocket, eventId: string, since?: number) {
		const ack = (await socket.timeout(3000).emitWithAck('room:watch', since === undefined ? { eventId } : { eventId, since })) as
			{ ok: true; data: RoomWatchResult } | { ok: false; code: string };
		if (!ack.ok) throw new Error(`room:watch refused: ${ack.code}`);
		return ack.data;
	}

	type SendAck =
		{ ok: true; data: { message: RoomMessage; duplicate: boolean } } | { ok: false; code: string; retryAfterSeconds?: number };
	const sendLine = (socket: ClientSocket, eventId: string, body: string, clientKey: string = randomUUID()) =>
		socket.timeout(3000).emitWithAck('room:send', { eventId, clientKey, body }) as Promise<SendAck>;
	async function sent(socket: ClientSocket, eventId: string, body: string, clientKey?: string) {
		const ack = await sendLine(socket, eventId, body, clientKey);
		if (!ack.ok) throw new Error(`room:send refused: ${ack.code}`);
		return ack.data.message;
	}

	it('runs two distinct processes', () => {
		expect(a.pid).not.toBe(b.pid);
		expect(a.url).not.toBe(b.url);
	});

	it('delivers a thread reply posted through one process to a reader connected to the other', async () => {
		const { slug } = await createSpace(seed);
		const author = await createUser(seed);
		const reader = await createUser(seed);
		const { threadId } = await createThread(seed, author, slug);
		const socket = await socketOn(b, reader);
		expect((await watchThread(socket, threadId)).lastSeq).toBe(1);

		const created = collect<PostEvent>(socket, 'post:created', 1);
		const posted = await replyThrough(a, author, threadId, 'Réponse écrite sur le premier processus');
		const [event] = await created;
		expect(event).toMatchObject({ threadId, seq: 2, post: { id: posted.id, number: 2 } });
		expect(event!.post.bodyHtml).toContain('Réponse écrite sur le premier processus');
	});

	it('catches a thread reader moved from one process to the other up without loss', async () => {
		const { slug } = await createSpace(seed);
		const author = await createUser(seed);
		const reader = await createUser(seed);
		const { threadId } = await createThread(seed, author, slug);
		const onA = await socketOn(a, reader);
		let lastSeq = (await watchThread(onA, threadId)).lastSeq;
		const live = collect<PostEvent>(onA, 'post:created', 2);
		await replyThrough(a, author, threadId, 'Avant le déplacement 1');
		await replyThrough(b, author, threadId, 'Avant le déplacement 2');
		lastSeq = Math.max(lastSeq, ...(await live).map((e) => e.seq));
		expect(lastSeq).toBe(3);

		// Process A goes out of the load balancer's pool: the reader lands on B.
		onA.disconnect();
		const missed = [];
		for (let i = 0; i < 3; i++) missed.push((await replyThrough(i % 2 ? a : b, author, threadId, `Pendant ${i}`)).id);
		const onB = await socketOn(b, reader);
		const caughtUp = await watchThread(onB, threadId, lastSeq);
		expect(caughtUp.posts.map((p) => p.id)).toEqual(missed);
		expect(caughtUp.posts.map((p) => p.seq)).toEqual([4, 5, 6]);
		expect(caughtUp.lastSeq).toBe(6);

		const after = collect<PostEvent>(onB, 'post:created', 1);
		await replyThrough(a, author, threadId, 'Après le déplacement');
		expect((await after)[0]!.seq).toBe(7);
	});

	it('delivers a chat line sent through one process to a participant connected to the other', async () => {
		const { eventId, members } = await openRoom(2);
		const [speaker, listener] = members as [TestUser, TestUser];
		const onA = await socketOn(a, speaker);
		const onB = await socketOn(b, listener);
		await watchRoom(onA, eventId);
		expect((await watchRoom(onB, eventId)).lastSeq).toBe(0);

		const heard = collect<{ eventId: string; seq: number; message: RoomMessage }>(onB, 'room:message', 1);
		const line = await sent(onA, eventId, 'Bonjour depuis le premier processus');
		const [event] = await heard;
		expect(event).toMatchObject({ eventId, seq: 1, message: { id: line.id, seq: 1, author: { id: speaker.id } } });
		expect(event!.message.bodyHtml).toContain('Bonjour depuis le premier processus');
	});

	it('catches a participant moved from one process to the other up: nothing missing, nothing twice, same order', async () => {
		const { eventId, members } = await openRoom(3);
		const [first, second, reader] = members as [TestUser, TestUser, TestUser];
		const senderA = await socketOn(a, first);
		const senderB = await socketOn(b, second);
		const readerA = await socketOn(a, reader);
		for (const s of [senderA, senderB]) await watchRoom(s, eventId);
		let lastSeq = (await watchRoom(readerA, eventId)).lastSeq;
		const held: RoomMessage[] = [];
		const live = collect<{ seq: number; message: RoomMessage }>(readerA, 'room:message', 2);
		await sent(senderA, eventId, 'Avant le déplacement, par A');
		await sent(senderB, eventId, 'Avant le déplacement, par B');
		for (const e of await live) {
			held.push(e.message);
			lastSeq = Math.max(lastSeq, e.seq);
		}
		expect(lastSeq).toBe(2);

		// A leaves the load balancer's pool; while the reader is away, both processes take lines.
		readerA.disconnect();
		const missed: RoomMessage[] = [];
		for (let i = 0; i < 4; i++) missed.push(await sent(i % 2 ? senderB : senderA, eventId, `Pendant l’absence ${i}`));
		// A sender unsure whether its line went through sends it again once moved to the other
		// process: stored once, answered as the duplicate it is.
		const firstOnB = await socketOn(b, first);
		const again = await sendLine(firstOnB, eventId, 'Pendant l’absence 0', missed[0]!.clientKey!);
		expect(again).toMatchObject({ ok: true, data: { duplicate: true, message: { id: missed[0]!.id } } });

		const readerB = await socketOn(b, reader);
		const caughtUp = await watchRoom(readerB, eventId, lastSeq);
		expect(caughtUp.reset).toBe(false);
		expect(caughtUp.messages.map((m) => m.id)).toEqual(missed.map((m) => m.id));
		expect(caughtUp.messages.map((m) => m.seq)).toEqual([3, 4, 5, 6]);
		expect(caughtUp.lastSeq).toBe(6);
		held.push(...caughtUp.messages);

		const after = collect<{ seq: number; message: RoomMessage }>(readerB, 'room:message', 1);
		const last = await sent(senderA, eventId, 'Après le déplacement');
		held.push(...(await after).map((e) => e.message));

		// What the reader holds is the room, line for line.
		const stored = await seed.database.db
			.select({ id: eventMessages.id })
			.from(eventMessages)
			.where(eq(eventMessages.eventId, eventId))
			.orderBy(asc(eventMessages.seq));
		expect(held.map((m) => m.id)).toEqual(stored.map((r) => r.id));
		expect(held.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
		expect(held.at(-1)!.id).toBe(last.id);
	});

	it('enforces slow mode across processes: a line through A, then at once through B, is refused', async () => {
		const { eventId, organiser, members } = await openRoom(1);
		const member = members[0]!;
		const moderator = await socketOn(a, organiser);
		await watchRoom(moderator, eventId);
		const slowed = await moderator.timeout(3000).emitWithAck('room:moderate', { eventId, action: 'slow_mode', seconds: 60 });
		expect(slowed).toMatchObject({ ok: true });

		const [onA, onB] = [await socketOn(a, member), await socketOn(b, member)];
		for (const s of [onA, onB]) await watchRoom(s, eventId);
		expect((await sendLine(onA, eventId, 'Première ligne')).ok).toBe(true);
		const refused = await sendLine(onB, eventId, 'Deuxième ligne, trop tôt');
		expect(refused).toMatchObject({ ok: false, code: 'slow_mode' });
		expect(refused.ok === false && refused.retryAfterSeconds).toBeGreaterThan(50);
	});

	it('closes a user’s socket on one process when they log out through the other', async () => {
		const user = await createUser(seed);
		const socket = await socketOn(b, user);
		const closed = disconnectedBy(socket, 2000);
		expect((await api(a, 'DELETE', '/api/v1/sessions', user)).status).toBe(200);
		expect(await closed).toBeLessThan(2000);
	});

	it('shares the login rate limit between processes', async () => {
		// The default rule: 8 attempts per account per 15 minutes, whichever process counts them.
		const email = uniqueEmail();
		const attempt = (server: RunningServer) =>
			api(server, 'POST', '/api/v1/sessions', undefined, { email, password: `faux-${randomUUID()}` });
		for (let i = 0; i < 8; i++) expect((await attempt(i % 2 ? a : b)).status).toBe(401);
		expect((await attempt(a)).status).toBe(429);
		expect((await attempt(b)).status).toBe(429);
	});
});
