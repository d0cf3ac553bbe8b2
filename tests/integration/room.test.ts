import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
	auditLog,
	eventMessages,
	eventPeople,
	eventQuestions,
	eventQuestionVotes,
	eventRegistrations,
	events
} from '../../db/schema/index.ts';
import { buildApp } from '../../server/app.ts';
import { MemoryRateLimitStore, RateLimiter } from '../../server/lib/rate-limit.ts';
import { FileSystemStorage } from '../../server/lib/storage.ts';
import type { RoomMessage, RoomPresence, RoomQuestion, RoomState, RoomWatchResult } from '../../server/realtime/events.ts';
import { LateBoundPublisher } from '../../server/realtime/publisher.ts';
import { buildServices } from '../../server/services.ts';
import { createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/app.ts';
import { createSpace, createUser, type TestUser } from '../helpers/factories.ts';
import { connect, connected, type ClientSocket } from '../helpers/sockets.ts';

/*
 * The live room over real sockets on a real port: access, roles, moderation enforced on
 * the server, and the no-loss guarantee (stored first, broadcast with a sequence number,
 * caught up from the last one held) under forced disconnects and a server restart.
 */

let t: TestApp;
let baseUrl: string;
const open: ClientSocket[] = [];
const track = (s: ClientSocket) => (open.push(s), s);

beforeAll(async () => {
	// With REDIS_URL (CI), slow mode and rate limits go through the shared Redis limiter.
	t = await createTestApp(
		process.env.REDIS_URL ? { redis: { url: process.env.REDIS_URL, prefix: `room-test-${randomUUID().slice(0, 8)}` } } : {}
	);
	baseUrl = await t.listen();
});
afterEach(() => {
	for (const s of open.splice(0)) s.disconnect();
});
afterAll(() => t.close());

type Result<T> = { ok: true; data: T } | { ok: false; code: string; retryAfterSeconds?: number; message?: string };

/* Setup, written straight to the database: the events API is not what is under test here. */

async function createEvent(
	spaceId: string,
	organiser: TestUser,
	options: { startsAt?: Date; timeZone?: string; title?: string } = {}
) {
	const startsAt = options.startsAt ?? new Date(Date.now() - 60_000);
	const [row] = await t.database.db
		.insert(events)
		.values({
			spaceId,
			kind: 'webinaire',
			title: options.title ?? 'Webinaire : la cotisation',
			startsAt,
			endsAt: new Date(startsAt.getTime() + 2 * 3600_000),
			timeZone: options.timeZone ?? 'Africa/Douala',
			createdBy: organiser.id
		})
		.returning({ id: events.id });
	await t.database.db.insert(eventPeople).values({ eventId: row!.id, userId: organiser.id, role: 'organiser' });
	return row!.id;
}

async function registerFor(eventId: string, ...users: TestUser[]) {
	for (const user of users)
		await t.database.db.insert(eventRegistrations).values({ eventId, userId: user.id, status: 'registered' });
}

/** A public space, an open room, its organiser and `n` registered participants. */
async function room(n: number, options: { visibility?: 'public' | 'members' | 'private' } = {}) {
	const { id: spaceId, slug, admin } = await createSpace(t, { visibility: options.visibility ?? 'public' });
	const organiser = options.visibility === 'private' ? admin : await createUser(t);
	const eventId = await createEvent(spaceId, organiser);
	const people = await Promise.all(Array.from({ length: n }, () => createUser(t)));
	await registerFor(eventId, ...people);
	return { spaceId, slug, eventId, organiser, people, admin };
}

/** Invites a member into a (private) space, and the member accepts. */
async function joinSpace(slug: string, admin: TestUser, member: TestUser) {
	const handle = (await t.app.inject({ url: '/api/v1/me', headers: { cookie: member.cookie } })).json<{ handle: string }>()
		.handle;
	await t.app.inject({
		method: 'POST',
		url: `/api/v1/spaces/${slug}/invitations`,
		headers: { origin: TEST_ORIGIN, cookie: admin.cookie },
		payload: { handle }
	});
	const res = await t.app.inject({
		method: 'POST',
		url: `/api/v1/spaces/${slug}/membership`,
		headers: { origin: TEST_ORIGIN, cookie: member.cookie }
	});
	if (res.statusCode >= 300) throw new Error(`joining failed: ${res.statusCode} ${res.body}`);
}

async function socketOf(user?: TestUser, url = baseUrl) {
	const socket = track(connect(url, user ? { cookie: user.cookie } : {}));
	await connected(socket);
	return socket;
}

function call<T>(socket: ClientSocket, event: string, payload: unknown, timeoutMs = 3000): Promise<Result<T>> {
	return (socket.timeout(timeoutMs).emitWithAck as (e: string, p: unknown) => Promise<Result<T>>)(event, payload);
}

async function ok<T>(promise: Promise<Result<T>>): Promise<T> {
	const result = await promise;
	if (!result.ok) throw new Error(`refused: ${result.code}`);
	return result.data;
}

const watch = (socket: ClientSocket, eventId: string, since?: number) =>
	ok(call<RoomWatchResult>(socket, 'room:watch', since === undefined ? { eventId } : { eventId, since }));
const send = (socket: ClientSocket, eventId: string, body: string, clientKey: string = randomUUID(), kind?: string) =>
	call<{ message: RoomMessage; duplicate: boolean }>(socket, 'room:send', {
		eventId,
		clientKey,
		body,
		...(kind ? { kind } : {})
	});
const ask = (socket: ClientSocket, eventId: string, body: string, clientKey: string = randomUUID()) =>
	call<{ question: RoomQuestion; duplicate: boolean }>(socket, 'room:ask', { eventId, clientKey, body });
const vote = (socket: ClientSocket, eventId: string, questionId: string) =>
	call<{ question: RoomQuestion }>(socket, 'room:vote', { eventId, questionId });
const moderate = (socket: ClientSocket, eventId: string, action: Record<string, unknown>) =>
	ok(call<{ done: true }>(socket, 'room:moderate', { eventId, ...action }));

function next<T>(socket: ClientSocket, event: string, match: (payload: T) => boolean = () => true, withinMs = 3000): Promise<T> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`no matching ${event} within ${withinMs} ms`)), withinMs);
		const listener = (payload: T) => {
			if (!match(payload)) return;
			clearTimeout(timer);
			(socket.off as (e: string, l: unknown) => void)(event, listener);
			resolve(payload);
		};
		(socket.on as (e: string, l: unknown) => void)(event, listener);
	});
}

async function until(check: () => boolean | Promise<boolean>, what: string, withinMs = 5000) {
	const deadline = Date.now() + withinMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 20));
	}
}

describe('the live room: access and roles', () => {
	it('answers not_found to an outsider of a private space, on sockets and routes alike', async () => {
		const { eventId, slug, admin, people } = await room(1, { visibility: 'private' });
		const outsider = await createUser(t);
		const socket = await socketOf(outsider);
		const anonymous = await socketOf();
		expect(await call(socket, 'room:watch', { eventId })).toMatchObject({ ok: false, code: 'not_found' });
		expect(await call(anonymous, 'room:watch', { eventId })).toMatchObject({ ok: false, code: 'not_found' });
		expect(await send(socket, eventId, 'Bonjour')).toMatchObject({ ok: false, code: 'not_found' });
		expect(await ask(socket, eventId, 'Une question ?')).toMatchObject({ ok: false, code: 'not_found' });
		for (const [method, url] of [
			['POST', `/api/v1/events/${eventId}/open`],
			['POST', `/api/v1/events/${eventId}/close`],
			['GET', `/api/v1/events/${eventId}/transcript?format=md`]
		] as const) {
			const res = await t.app.inject({ method, url, headers: { origin: TEST_ORIGIN, cookie: outsider.cookie } });
			expect(res.statusCode, url).toBe(404);
		}
		// A registration alone does not open a private space: the space decides who reads.
		const registered = await socketOf(people[0]);
		expect(await call(registered, 'room:watch', { eventId })).toMatchObject({ ok: false, code: 'not_found' });
		// Its members: registered ones take part, the others watch.
		const watcher = await createUser(t);
		await joinSpace(slug, admin, people[0]!);
		await joinSpace(slug, admin, watcher);
		expect((await watch(registered, eventId)).me.role).toBe('participant');
		const watching = await socketOf(watcher);
		expect((await watch(watching, eventId)).me.role).toBe('viewer');
		expect(await send(watching, eventId, 'Je regarde seulement')).toMatchObject({ ok: false, code: 'forbidden' });
	});

	it('lets others watch a public room read-only: a viewer and an anonymous visitor cannot post', async () => {
		const { eventId, people } = await room(1);
		const viewer = await socketOf(await createUser(t));
		const anonymous = await socketOf();
		const participant = await socketOf(people[0]);
		expect((await watch(viewer, eventId)).me.role).toBe('viewer');
		expect((await watch(anonymous, eventId)).me.role).toBe('viewer');
		expect((await watch(participant, eventId)).me.role).toBe('participant');
		expect(await send(viewer, eventId, 'Je ne suis pas inscrit')).toMatchObject({ ok: false, code: 'forbidden' });
		expect(await ask(viewer, eventId, 'Et moi ?')).toMatchObject({ ok: false, code: 'forbidden' });
		expect(await send(anonymous, eventId, 'Anonyme')).toMatchObject({ ok: false, code: 'unauthenticated' });
		const heard = next<{ message: RoomMessage }>(viewer, 'room:message');
		expect((await send(participant, eventId, 'Bonjour à tous')).ok).toBe(true);
		expect((await heard).message.bodyHtml).toContain('Bonjour à tous');
		expect(await t.database.db.$count(eventMessages, eq(eventMessages.eventId, eventId))).toBe(1);
	});

	it('refuses posting before the room opens; organisers open and close it over REST, and the room hears it', async () => {
		const { id: spaceId } = await createSpace(t);
		const organiser = await createUser(t);
		const participant = await createUser(t);
		const eventId = await createEvent(spaceId, organiser, { startsAt: new Date(Date.now() + 3600_000) });
		await registerFor(eventId, participant);
		const socket = await socketOf(participant);
		expect((await watch(socket, eventId)).state).toMatchObject({ open: false, closed: false });
		expect(await send(socket, eventId, 'Trop tôt')).toMatchObject({ ok: false, code: 'room_closed' });

		const refused = await t.app.inject({
			method: 'POST',
			url: `/api/v1/events/${eventId}/open`,
			headers: { origin: TEST_ORIGIN, cookie: participant.cookie }
		});
		expect(refused.statusCode).toBe(403);

		const opened = next<{ state: RoomState }>(socket, 'room:state');
		const res = await t.app.inject({
			method: 'POST',
			url: `/api/v1/events/${eventId}/open`,
			headers: { origin: TEST_ORIGIN, cookie: organiser.cookie }
		});
		expect(res.statusCode).toBe(200);
		expect(res.json()).toEqual({ open: true, closed: false, chatLocked: false, slowModeSeconds: null });
		expect((await opened).state.open).toBe(true);
		expect((await send(socket, eventId, 'Maintenant oui')).ok).toBe(true);

		const closed = next<{ state: RoomState }>(socket, 'room:state');
		await t.app.inject({
			method: 'POST',
			url: `/api/v1/events/${eventId}/close`,
			headers: { origin: TEST_ORIGIN, cookie: organiser.cookie }
		});
		expect((await closed).state).toMatchObject({ open: false, closed: true });
		expect(await send(socket, eventId, 'Trop tard')).toMatchObject({ ok: false, code: 'room_closed' });
		const audited = await t.database.db
			.select({ action: auditLog.action })
			.from(auditLog)
			.where(eq(auditLog.targetId, eventId))
			.orderBy(asc(auditLog.at));
		expect(audited.map((a) => a.action)).toEqual(['event.room_open', 'event.room_close']);
	});

	it('validates payloads strictly and keeps bodies within their limits', async () => {
		const { eventId, people } = await room(1);
		const socket = await socketOf(people[0]);
		expect(await send(socket, eventId, '   ')).toMatchObject({ ok: false, code: 'validation_failed' });
		expect(await send(socket, eventId, 'x'.repeat(2001))).toMatchObject({ ok: false, code: 'validation_failed' });
		expect(await ask(socket, eventId, 'x'.repeat(501))).toMatchObject({ ok: false, code: 'validation_failed' });
		expect(await call(socket, 'room:send', { eventId, clientKey: 'k1', body: 'ok', extra: 1 })).toMatchObject({
			ok: false,
			code: 'validation_failed'
		});
		// Markdown through the shared renderer: an image is a link, never loaded.
		const sent = await ok(send(socket, eventId, '**Gras** ![schéma](https://exemple.org/s.png)'));
		expect(sent.message.bodyHtml).toContain('<strong>Gras</strong>');
		expect(sent.message.bodyHtml).not.toContain('<img');
		expect(sent.message.bodyHtml).toContain('href="https://exemple.org/s.png"');
	});
});

describe('the live room: chat and moderation on the server', () => {
	it('stores a resent line once, sent twice in a row or twice at once, and broadcasts it once', async () => {
		const { eventId, people } = await room(2);
		const [sender, listener] = await Promise.all([socketOf(people[0]), socketOf(people[1])]);
		await watch(listener, eventId);
		const heard: string[] = [];
		const keys: (string | null)[] = [];
		listener.on('room:message', (e) => (heard.push(e.message.id), keys.push(e.message.clientKey)));

		const first = await ok(send(sender, eventId, 'Une fois', 'cle-1'));
		const again = await ok(send(sender, eventId, 'Une fois', 'cle-1'));
		expect(first.duplicate).toBe(false);
		expect(again).toMatchObject({ duplicate: true, message: { id: first.message.id, clientKey: 'cle-1' } });

		const other = await socketOf(people[0]);
		const racing = await Promise.all([
			ok(send(sender, eventId, 'En même temps', 'cle-2')),
			ok(send(other, eventId, 'En même temps', 'cle-2')),
			ok(send(sender, eventId, 'En même temps', 'cle-2'))
		]);
		expect(new Set(racing.map((r) => r.message.id)).size).toBe(1);
		expect(racing.filter((r) => !r.duplicate)).toHaveLength(1);

		const marker = await ok(send(sender, eventId, 'Repère', 'cle-3'));
		await until(() => heard.includes(marker.message.id), 'the marker line');
		expect(heard).toEqual([first.message.id, racing[0]!.message.id, marker.message.id]);
		const rows = await t.database.db.select().from(eventMessages).where(eq(eventMessages.eventId, eventId));
		expect(rows.map((r) => r.clientKey).sort()).toEqual(['cle-1', 'cle-2', 'cle-3']);
		// Broadcasts carry the sender's key (its page replaces its pending line on it, before the
		// ack if need be); catch-ups carry it to its author only.
		expect(keys).toEqual(['cle-1', 'cle-2', 'cle-3']);
		const seen = await watch(listener, eventId);
		expect(seen.messages.every((m) => m.clientKey === null)).toBe(true);
		expect((await watch(sender, eventId)).messages.map((m) => m.clientKey)).toEqual(['cle-1', 'cle-2', 'cle-3']);
	});

	it('enforces slow mode and the rate limit on the server, moderators exempt from slow mode', async () => {
		const { eventId, organiser, people, admin } = await room(2);
		const [mod, a, b] = await Promise.all([socketOf(organiser), socketOf(people[0]), socketOf(people[1])]);
		await watch(a, eventId);
		const slowed = next<{ state: RoomState }>(a, 'room:state');
		await moderate(mod, eventId, { action: 'slow_mode', seconds: 30 });
		expect((await slowed).state.slowModeSeconds).toBe(30);

		expect((await send(a, eventId, 'Premier')).ok).toBe(true);
		// A client that ignores the countdown is refused, with the wait.
		const refused = await send(a, eventId, 'Deuxième, trop tôt');
		expect(refused).toMatchObject({ ok: false, code: 'slow_mode' });
		expect(refused.ok === false && refused.retryAfterSeconds).toBeGreaterThan(20);
		expect(refused.ok === false && refused.message).toMatch(/mode lent/i);
		// Per participant: another one may still write.
		expect((await send(b, eventId, 'Moi aussi')).ok).toBe(true);
		expect((await send(mod, eventId, 'Annonce 1')).ok).toBe(true);
		expect((await send(mod, eventId, 'Annonce 2')).ok).toBe(true);

		// Slow mode off: the chat rate limit (10 lines in 10 s) still holds, moderators included
		// (the space's admin here: a budget of its own, counted from this burst).
		await moderate(mod, eventId, { action: 'slow_mode', seconds: null });
		const burst = await socketOf(admin);
		const results = [];
		for (let i = 0; i < 11; i++) results.push(await send(burst, eventId, `Rafale ${i}`));
		expect(results.map((r) => r.ok)).toEqual([...Array.from({ length: 10 }, () => true), false]);
		expect(results.at(-1)).toMatchObject({ ok: false, code: 'rate_limited' });
		const stored = await t.database.db.$count(eventMessages, eq(eventMessages.eventId, eventId));
		expect(stored).toBe(1 + 1 + 2 + 10);
	});

	it('mutes a participant for the session (told by room:you, moderators by room:muted), locks the chat, and audits each action', async () => {
		const { eventId, organiser, people } = await room(2);
		const [mod, p, other] = await Promise.all([socketOf(organiser), socketOf(people[0]), socketOf(people[1])]);
		const muteeId = people[0]!.id;
		const [start] = await Promise.all([watch(mod, eventId), watch(p, eventId), watch(other, eventId)]);
		expect(start.me.mutedUserIds).toEqual([]);
		const raw: string[] = [];
		for (const s of [p, other]) s.onAny((event, payload) => raw.push(`${event} ${JSON.stringify(payload)}`));
		const told = next<{ eventId: string; muted: boolean }>(p, 'room:you');
		const modTold = next<{ eventId: string; userId: string; muted: boolean }>(mod, 'room:muted');
		await moderate(mod, eventId, { action: 'mute', userId: muteeId });
		expect(await told).toEqual({ eventId, muted: true });
		expect(await modTold).toEqual({ eventId, userId: muteeId, muted: true });
		expect(await send(p, eventId, 'Je parle quand même')).toMatchObject({ ok: false, code: 'muted' });
		expect(await ask(p, eventId, 'Et une question ?')).toMatchObject({ ok: false, code: 'muted' });
		// Who is muted: the moderators know (in a fresh watch and a catch-up alike), nobody else.
		expect((await watch(mod, eventId)).me.mutedUserIds).toEqual([muteeId]);
		expect((await watch(mod, eventId, start.lastSeq)).me.mutedUserIds).toEqual([muteeId]);
		expect((await watch(p, eventId)).me).toMatchObject({ muted: true, mutedUserIds: [] });
		expect((await watch(other, eventId)).me).toMatchObject({ muted: false, mutedUserIds: [] });
		const viewer = await socketOf(await createUser(t));
		expect((await watch(viewer, eventId)).me).toMatchObject({ role: 'viewer', mutedUserIds: [] });
		const untold = next<{ muted: boolean }>(p, 'room:you');
		const modUntold = next<{ userId: string; muted: boolean }>(mod, 'room:muted');
		await moderate(mod, eventId, { action: 'unmute', userId: muteeId });
		expect((await untold).muted).toBe(false);
		expect(await modUntold).toMatchObject({ userId: muteeId, muted: false });
		expect((await watch(mod, eventId)).me.mutedUserIds).toEqual([]);
		expect((await send(p, eventId, 'Merci')).ok).toBe(true);

		const locked = next<{ state: RoomState }>(p, 'room:state');
		const lockedToo = next<{ state: RoomState }>(other, 'room:state');
		await moderate(mod, eventId, { action: 'lock' });
		expect((await locked).state.chatLocked).toBe(true);
		await lockedToo;
		// Heard after the mutes (in order on each socket): no room:muted reached a participant.
		expect(raw.filter((line) => line.startsWith('room:muted'))).toEqual([]);
		expect(raw.some((line) => line.startsWith('room:state'))).toBe(true);
		expect(await send(p, eventId, 'Verrouillé ?')).toMatchObject({ ok: false, code: 'chat_locked' });
		// Organisers still post announcements, pinned at the top; participants may not.
		const announced = await ok(send(mod, eventId, 'Pause de 10 minutes', randomUUID(), 'announcement'));
		expect(announced.message).toMatchObject({ kind: 'announcement', pinned: true });
		await moderate(mod, eventId, { action: 'unlock' });
		expect(await send(p, eventId, 'Annonce', randomUUID(), 'announcement')).toMatchObject({ ok: false, code: 'forbidden' });
		// Participants do not moderate.
		expect(await call(p, 'room:moderate', { eventId, action: 'lock' })).toMatchObject({ ok: false, code: 'forbidden' });

		const audited = await t.database.db
			.select({ action: auditLog.action, targetType: auditLog.targetType })
			.from(auditLog)
			.where(eq(auditLog.actorId, organiser.id))
			.orderBy(asc(auditLog.at));
		expect(audited).toEqual([
			{ action: 'event.mute', targetType: 'user' },
			{ action: 'event.unmute', targetType: 'user' },
			{ action: 'event.lock', targetType: 'event' },
			{ action: 'event.unlock', targetType: 'event' }
		]);
	});

	it('removes a line: its text reaches nobody again, neither live, nor in a catch-up, nor in the transcript', async () => {
		const { eventId, organiser, people } = await room(2);
		const [mod, author, reader] = await Promise.all([socketOf(organiser), socketOf(people[0]), socketOf(people[1])]);
		const start = await watch(reader, eventId);
		const kept = await ok(send(author, eventId, 'Bonjour, texte conservé'));
		const doomed = await ok(send(author, eventId, 'Texte à retirer absolument'));
		await until(async () => (await watch(reader, eventId, start.lastSeq)).messages.length === 2, 'both lines');

		reader.disconnect();
		await moderate(mod, eventId, { action: 'remove_message', messageId: doomed.message.id });
		const back = await socketOf(people[1]);
		const caughtUp = await watch(back, eventId, start.lastSeq + 2);
		expect(caughtUp.messages).toEqual([
			expect.objectContaining({ id: doomed.message.id, removed: true, bodyHtml: '', changedSeq: start.lastSeq + 3 })
		]);
		expect(JSON.stringify(caughtUp)).not.toContain('retirer');
		const fresh = await watch(back, eventId);
		expect(fresh.messages.map((m) => m.id)).toEqual([kept.message.id, doomed.message.id]);
		expect(JSON.stringify(fresh)).not.toContain('retirer');
		const transcript = await t.app.inject({
			url: `/api/v1/events/${eventId}/transcript?format=txt`,
			headers: { cookie: people[1]!.cookie }
		});
		expect(transcript.body).toContain('texte conservé');
		expect(transcript.body).not.toContain('retirer');
		const [audit] = await t.database.db.select().from(auditLog).where(eq(auditLog.targetId, doomed.message.id));
		expect(audit).toMatchObject({ action: 'event_message.remove', targetType: 'event_message' });
	});
});

describe('the live room: questions', () => {
	it('counts one vote per member, even when the same member votes twice at once', async () => {
		const { eventId, people } = await room(3);
		const [asker, voter, racer, racerTab, watcher] = await Promise.all([
			socketOf(people[0]),
			socketOf(people[1]),
			socketOf(people[2]),
			socketOf(people[2]),
			socketOf(people[0])
		]);
		const start = await watch(watcher, eventId);
		const { question } = await ok(ask(asker, eventId, 'Comment fixer la cotisation ?'));
		expect((await ok(vote(voter, eventId, question.id))).question.votes).toBe(1);
		const again = await ok(vote(voter, eventId, question.id));
		expect(again.question).toMatchObject({ votes: 1, changedSeq: start.lastSeq + 2 });
		await Promise.all([ok(vote(racer, eventId, question.id)), ok(vote(racerTab, eventId, question.id))]);
		const [row] = await t.database.db.select().from(eventQuestions).where(eq(eventQuestions.id, question.id));
		expect(row!.votes).toBe(2);
		expect(await t.database.db.$count(eventQuestionVotes, eq(eventQuestionVotes.questionId, question.id))).toBe(2);
		// Ask, vote, vote: three changes, three sequence numbers (a vote that changed nothing took none).
		const caughtUp = await watch(watcher, eventId, start.lastSeq);
		expect(caughtUp.lastSeq).toBe(start.lastSeq + 3);
		expect(caughtUp.questions).toEqual([expect.objectContaining({ id: question.id, votes: 2, changedSeq: start.lastSeq + 3 })]);
		expect((await watch(racer, eventId)).me.votes).toEqual([question.id]);
		// Viewers do not vote.
		const viewer = await socketOf(await createUser(t));
		expect(await vote(viewer, eventId, question.id)).toMatchObject({ ok: false, code: 'forbidden' });
	});

	it('orders questions by votes, answers and pins them, and hides one from everyone but moderators', async () => {
		const { eventId, organiser, people } = await room(2);
		const [mod, a, b] = await Promise.all([socketOf(organiser), socketOf(people[0]), socketOf(people[1])]);
		await Promise.all([watch(mod, eventId), watch(b, eventId)]);
		const raw: string[] = [];
		b.onAny((event, payload) => raw.push(`${event} ${JSON.stringify(payload)}`));

		const low = (await ok(ask(a, eventId, 'Question peu votée'))).question;
		const high = (await ok(ask(a, eventId, 'Question très votée'))).question;
		await ok(vote(b, eventId, high.id));
		expect((await watch(b, eventId)).questions.map((q) => q.id)).toEqual([high.id, low.id]);

		const answered = next<{ question: RoomQuestion }>(b, 'room:question', (e) => e.question.answered);
		await moderate(mod, eventId, { action: 'answer_question', questionId: high.id, answer: 'Par **vote** en assemblée.' });
		expect((await answered).question.answerHtml).toContain('<strong>vote</strong>');
		await moderate(mod, eventId, { action: 'pin_question', questionId: low.id });
		expect((await watch(b, eventId)).questions.map((q) => q.id)).toEqual([low.id, high.id]);

		const secret = (await ok(ask(a, eventId, 'Texte secret hors sujet'))).question;
		const stub = next<{ question: RoomQuestion }>(b, 'room:question', (e) => e.question.id === secret.id && e.question.hidden);
		const modCopy = next<{ question: RoomQuestion }>(
			mod,
			'room:question',
			(e) => e.question.id === secret.id && e.question.hidden
		);
		const before = (await watch(b, eventId)).lastSeq;
		await moderate(mod, eventId, { action: 'hide_question', questionId: secret.id });
		expect((await stub).question).toMatchObject({ hidden: true, bodyHtml: '', clientKey: null });
		expect((await modCopy).question).toMatchObject({ clientKey: secret.clientKey });
		expect((await modCopy).question.bodyHtml).toContain('Texte secret');
		// In a catch-up the participant gets the bare stub; in a fresh watch, nothing.
		const caughtUp = await watch(b, eventId, before);
		expect(caughtUp.questions).toEqual([expect.objectContaining({ id: secret.id, hidden: true, bodyHtml: '' })]);
		expect((await watch(b, eventId)).questions.map((q) => q.id)).not.toContain(secret.id);
		expect((await watch(mod, eventId)).questions.map((q) => q.id)).toContain(secret.id);
		expect(await vote(b, eventId, secret.id)).toMatchObject({ ok: false, code: 'not_found' });
		// Before hiding, the question was public; after, its text never reached the participant again.
		const afterHide = raw.slice(raw.findIndex((line) => line.includes('"hidden":true')));
		expect(afterHide.join('\n')).not.toContain('Texte secret');
		expect(JSON.stringify(caughtUp)).not.toContain('Texte secret');
	});

	it('exports the transcript as Markdown and plain text, times in the event’s zone, without hidden questions', async () => {
		const { id: spaceId } = await createSpace(t);
		const organiser = await createUser(t);
		const participant = await createUser(t);
		// 13:00 UTC is 14:00 in Douala (UTC+1, no daylight saving).
		const eventId = await createEvent(spaceId, organiser, {
			startsAt: new Date('2026-03-10T13:00:00Z'),
			timeZone: 'Africa/Douala',
			title: 'Atelier « cotisations » à Douala'
		});
		await registerFor(eventId, participant);
		const [mod, p] = await Promise.all([socketOf(organiser), socketOf(participant)]);
		const line = await ok(send(p, eventId, 'Bonjour depuis *Bafoussam*\n# pas un titre'));
		const q = (await ok(ask(p, eventId, 'Quel taux pour les ménages ?'))).question;
		const hidden = (await ok(ask(p, eventId, 'Question masquée'))).question;
		await moderate(mod, eventId, { action: 'answer_question', questionId: q.id, answer: 'Deux pour cent.' });
		await moderate(mod, eventId, { action: 'hide_question', questionId: hidden.id });
		await t.database.db
			.update(eventMessages)
			.set({ createdAt: new Date('2026-03-10T13:05:00Z') })
			.where(eq(eventMessages.id, line.message.id));

		const md = await t.app.inject({
			url: `/api/v1/events/${eventId}/transcript?format=md`,
			headers: { cookie: participant.cookie }
		});
		expect(md.statusCode).toBe(200);
		expect(md.headers['content-type']).toBe('text/markdown; charset=utf-8');
		expect(md.headers['content-disposition']).toBe('attachment; filename="transcription-atelier-cotisations-a-douala.md"');
		expect(md.body).toContain('# Transcription : Atelier « cotisations » à Douala');
		expect(md.body).toContain('10 mars 2026, 14:00–16:00 (Africa/Douala)');
		expect(md.body).toMatch(/\*\*Awa Ndiaye\*\* \(@[a-z0-9-]+\) · 14:05/);
		// Members' text is quoted: their Markdown cannot break the transcript's structure.
		expect(md.body).toContain('> Bonjour depuis *Bafoussam*\n> # pas un titre');
		expect(md.body).toContain('> Quel taux pour les ménages ?');
		expect(md.body).toContain('> Deux pour cent.');
		expect(md.body).not.toContain('Question masquée');

		const txt = await t.app.inject({
			url: `/api/v1/events/${eventId}/transcript?format=txt`,
			headers: { cookie: participant.cookie }
		});
		expect(txt.headers['content-type']).toBe('text/plain; charset=utf-8');
		expect(txt.headers['content-disposition']).toContain('.txt"');
		expect(txt.body).toMatch(/\[14:05\] Awa Ndiaye \(@[a-z0-9-]+\)\n {4}Bonjour depuis \*Bafoussam\*/);
		expect(txt.body).toContain('— 0 vote\n');
		expect(txt.body).toContain('Deux pour cent.');
		expect(txt.body).not.toContain('Question masquée');

		const english = await t.app.inject({
			url: `/api/v1/events/${eventId}/transcript?format=md`,
			headers: { 'accept-language': 'en' }
		});
		expect(english.body).toContain('# Transcript: Atelier');
		expect(english.body).toContain('## Questions and answers');
		expect((await t.app.inject({ url: `/api/v1/events/${eventId}/transcript?format=pdf` })).statusCode).toBe(400);
	});
});

describe('the live room: presence', () => {
	it('counts everyone, lists members by name (anonymous watchers counted only), and settles join storms', async () => {
		const { eventId, people } = await room(2);
		const a = await socketOf(people[0]);
		await watch(a, eventId);
		const lists: RoomPresence[] = [];
		a.on('room:presence', (e) => lists.push(e.presence));
		const b = await socketOf(people[1]);
		const anonymous = await Promise.all(Array.from({ length: 12 }, () => socketOf()));
		await Promise.all([watch(b, eventId), ...anonymous.map((s) => watch(s, eventId))]);
		await until(() => lists.at(-1)?.count === 14, 'a count of 14');
		// Fourteen joins, a handful of broadcasts.
		expect(lists.length).toBeLessThanOrEqual(5);
		expect(
			lists
				.at(-1)!
				.people.map((p) => p.id)
				.sort()
		).toEqual([people[0]!.id, people[1]!.id].sort());
		expect(lists.at(-1)!.people[0]!.handle).toMatch(/^[a-z0-9-]+$/);
		for (const s of anonymous) s.disconnect();
		b.disconnect();
		await until(() => lists.at(-1)?.count === 1, 'a count of 1');
		expect((await watch(a, eventId)).presence.count).toBe(1);
	});
});

/* The no-loss guarantee */

/**
 * A client as a page should be written: it applies each change once (an item's changedSeq
 * only grows), keeps the highest sequence number up to which it has seen every change (the
 * room's numbers have no gaps), buffers live events while a watch is answered, and resends
 * its queued lines with their idempotency keys after any reconnect.
 */
class RoomClient {
	socket: ClientSocket | null = null;
	readonly messages = new Map<string, RoomMessage>();
	watermark = 0;
	duplicates = 0;
	reconnects = 0;
	readonly pending: { clientKey: string; body: string }[] = [];
	private seen = new Set<number>();
	private buffer: { seq: number; message: RoomMessage }[] | null = null;

	constructor(
		private url: () => string,
		private user: TestUser,
		private eventId: string
	) {}

	private apply(message: RoomMessage) {
		const held = this.messages.get(message.id);
		if (!held || held.changedSeq < message.changedSeq) this.messages.set(message.id, message);
	}

	private live(event: { seq: number; message: RoomMessage }) {
		if (this.buffer) return void this.buffer.push(event);
		this.apply(event.message);
		if (event.seq > this.watermark) this.seen.add(event.seq);
		while (this.seen.delete(this.watermark + 1)) this.watermark++;
	}

	async connect() {
		this.socket?.disconnect();
		const socket = track(connect(this.url(), { cookie: this.user.cookie }));
		this.socket = socket;
		socket.on('room:message', (e) => {
			if (socket === this.socket) this.live(e);
		});
		await connected(socket);
		this.buffer = [];
		try {
			const result = await watch(socket, this.eventId, this.messages.size > 0 ? this.watermark : undefined);
			if (result.reset) {
				this.messages.clear();
				this.seen.clear();
			}
			for (const m of result.messages) this.apply(m);
			this.watermark = Math.max(result.reset ? 0 : this.watermark, result.lastSeq);
			for (const s of this.seen) if (s <= this.watermark) this.seen.delete(s);
		} finally {
			const buffered = this.buffer ?? [];
			this.buffer = null;
			for (const e of buffered) this.live(e);
		}
	}

	async ensureConnected() {
		for (let attempt = 0; !this.socket?.connected; attempt++) {
			// A restart takes a moment: connection refused meanwhile, try again.
			if (attempt > 100) throw new Error('cannot reconnect');
			this.reconnects++;
			try {
				await this.connect();
			} catch {
				await new Promise((r) => setTimeout(r, 50));
			}
		}
	}

	queue(body: string) {
		this.pending.push({ clientKey: randomUUID(), body });
	}

	/** Sends the queue in order; a send lost with its connection is sent again after reconnecting. */
	async flush() {
		while (this.pending.length > 0) {
			await this.ensureConnected();
			const item = this.pending[0]!;
			let result: Result<{ message: RoomMessage; duplicate: boolean }>;
			try {
				result = await send(this.socket!, this.eventId, item.body, item.clientKey);
			} catch {
				// Lost with the connection (or no answer in time): unknown whether it was stored; send again.
				continue;
			}
			if (!result.ok && result.code === 'unavailable') {
				// The server is shutting down: the line stays queued for the next connection.
				await new Promise((r) => setTimeout(r, 50));
				continue;
			}
			if (!result.ok) throw new Error(`send refused: ${result.code}`);
			if (result.data.duplicate) this.duplicates++;
			this.pending.shift();
		}
	}

	/** What the client shows: its lines in order. */
	lines() {
		return [...this.messages.values()].sort((a, b) => a.seq - b.seq).map((m) => ({ id: m.id, seq: m.seq, bodyHtml: m.bodyHtml }));
	}
}

async function storedLines(eventId: string) {
	const rows = await t.database.db
		.select({
			id: eventMessages.id,
			seq: eventMessages.seq,
			bodyHtml: eventMessages.bodyHtml,
			clientKey: eventMessages.clientKey
		})
		.from(eventMessages)
		.where(eq(eventMessages.eventId, eventId))
		.orderBy(asc(eventMessages.seq));
	const [event] = await t.database.db.select({ lastSeq: events.lastSeq }).from(events).where(eq(events.id, eventId));
	return { rows, lastSeq: event!.lastSeq };
}

async function expectEveryClientHoldsTheDatabase(clients: RoomClient[], eventId: string, sent: number) {
	const { rows, lastSeq } = await storedLines(eventId);
	// Nothing stored twice: one row per queued line.
	expect(rows).toHaveLength(sent);
	expect(new Set(rows.map((r) => r.clientKey)).size).toBe(sent);
	for (const c of clients) await c.ensureConnected();
	// Live delivery (and catch-ups) bring every client to the room's last number, no gap left.
	await until(() => clients.every((c) => c.watermark === lastSeq), 'every client at the last sequence number');
	const expected = rows.map(({ id, seq, bodyHtml }) => ({ id, seq, bodyHtml }));
	for (const c of clients) expect(c.lines()).toEqual(expected);
}

describe('the live room: no loss, no duplicate', () => {
	it('broadcasts every sequence number once, in order from one process, even when changes to one question race', async () => {
		const { eventId, people } = await room(8);
		const [watcher, ...sockets] = await Promise.all([socketOf(people[0]), ...people.map((p) => socketOf(p))]);
		const start = await watch(watcher!, eventId);
		const heard: number[] = [];
		watcher!.on('room:message', (e: { seq: number }) => heard.push(e.seq));
		watcher!.on('room:question', (e: { seq: number }) => heard.push(e.seq));
		const { question } = await ok(ask(sockets[0]!, eventId, 'Quelle cotisation pour 2027 ?'));
		// Eight votes on one question and eight lines at once: each read after commit may show a later vote.
		await Promise.all(
			sockets.flatMap((s, i) => [ok(vote(s, eventId, question.id)), ok(send(s, eventId, `Ligne ${i} pendant le vote`))])
		);
		const expected = Array.from({ length: 1 + 2 * sockets.length }, (_, i) => start.lastSeq + 1 + i);
		await until(() => heard.length >= expected.length, 'every broadcast');
		// Clients would otherwise wait for a number that never comes, or for one sent late.
		expect(heard).toEqual(expected);
	});

	it('under concurrent senders and forced disconnects (client- and server-side), every client ends with the database', async () => {
		const { eventId, people } = await room(4);
		const clients = people.map((p) => new RoomClient(() => baseUrl, p, eventId));
		await Promise.all(clients.map((c) => c.connect()));
		const perClient = 8;
		for (const [i, c] of clients.entries()) for (let n = 0; n < perClient; n++) c.queue(`Client ${i}, ligne ${n}`);

		let sending = true;
		let cuts = 0;
		const disruptor = (async () => {
			while (sending) {
				await new Promise((r) => setTimeout(r, 15 + Math.random() * 25));
				const victim = clients[cuts % clients.length]!;
				const socket = victim.socket;
				if (socket?.connected) {
					cuts++;
					if (cuts % 2 === 0) socket.io.engine.close();
					else t.io.in(socket.id!).disconnectSockets(true);
				}
			}
		})();
		await Promise.all(clients.map((c) => c.flush()));
		sending = false;
		await disruptor;

		expect(cuts).toBeGreaterThan(4);
		expect(clients.reduce((n, c) => n + c.reconnects, 0)).toBeGreaterThan(4);
		await expectEveryClientHoldsTheDatabase(clients, eventId, clients.length * perClient);
	});

	it('across a server restart in the middle of a conversation: clients catch up from the new server, resent lines stored once', async () => {
		const { eventId, people } = await room(3);
		// A second host on the same database (PGlite in memory as well as PostgreSQL), closed
		// and replaced by a third, as a deployment or a crash would.
		let current = await hostOn();
		const clients = people.map((p) => new RoomClient(() => current.url, p, eventId));
		await Promise.all(clients.map((c) => c.connect()));
		for (const [i, c] of clients.entries()) for (let n = 0; n < 3; n++) c.queue(`Avant, client ${i}, ligne ${n}`);
		await Promise.all(clients.map((c) => c.flush()));

		// A line the server stored but whose answer was lost with it: the client still has it queued.
		const [unlucky, ...others] = clients as [RoomClient, ...RoomClient[]];
		const lostKey = randomUUID();
		const lost = 'Ligne dont la réponse est perdue';
		const stored = next<{ message: RoomMessage }>(others[0]!.socket!, 'room:message', (e) => e.message.bodyHtml.includes(lost));
		unlucky.socket!.emit('room:send', { eventId, clientKey: lostKey, body: lost });
		await stored;

		// The server goes away while the others are sending; everyone reconnects to its replacement.
		for (const [i, c] of clients.entries()) for (let n = 0; n < 3; n++) c.queue(`Pendant, client ${i}, ligne ${n}`);
		const sending = others.map((c) => c.flush());
		await new Promise((r) => setTimeout(r, 5));
		const closing = current.close();
		unlucky.pending.unshift({ clientKey: lostKey, body: lost });
		sending.push(unlucky.flush());
		await closing;
		current = await hostOn();
		await Promise.all(sending);
		for (const [i, c] of clients.entries()) c.queue(`Après, client ${i}`);
		await Promise.all(clients.map((c) => c.flush()));

		expect(unlucky.duplicates).toBeGreaterThanOrEqual(1);
		expect(clients.every((c) => c.reconnects >= 1)).toBe(true);
		await expectEveryClientHoldsTheDatabase(clients, eventId, 3 * 3 + 1 + 3 * 3 + 3);
		await current.close();
	});
});

/** Another host on the test's database, on its own port: what a restart brings up. */
async function hostOn() {
	const publisher = new LateBoundPublisher();
	const store = new MemoryRateLimitStore();
	const storageDir = mkdtempSync(join(tmpdir(), 'palabre-room-'));
	const services = buildServices({
		config: t.config,
		db: t.database.db,
		driver: t.database.driver,
		ping: t.database.ping,
		limiter: new RateLimiter(store),
		realtime: publisher,
		storage: new FileSystemStorage(storageDir)
	});
	const built = await buildApp({ config: t.config, services, publisher, web: false, logger: false });
	await built.app.listen({ port: 0, host: '127.0.0.1' });
	return {
		url: `http://127.0.0.1:${(built.app.server.address() as AddressInfo).port}`,
		async close() {
			await built.app.close();
			store.close();
			rmSync(storageDir, { recursive: true, force: true });
		}
	};
}
