import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/app.ts';
import { createSpace, createThread, createUser, type TestUser } from '../helpers/factories.ts';
import { connect, connected, type ClientSocket } from '../helpers/sockets.ts';

/*
 * Who may do what, where: every actor × every kind of space × every action, with the exact
 * status. A private space must look exactly like a missing one to whoever cannot read it.
 */
type Actor = 'anonymous' | 'member' | 'spaceMember' | 'spaceModerator' | 'admin' | 'removedMember';
type Visibility = 'public' | 'members' | 'private';
type Action = 'read' | 'reply' | 'editOthers' | 'vote' | 'socketJoin' | 'listed';

const actors: Actor[] = ['anonymous', 'member', 'spaceMember', 'spaceModerator', 'admin', 'removedMember'];

/** Expected outcome per action, visibility and actor (HTTP status, or ok/not_found for sockets, or listed yes/no). */
const expected: Record<Action, Record<Visibility, Record<Actor, number | string | boolean>>> = {
	read: {
		public: { anonymous: 200, member: 200, spaceMember: 200, spaceModerator: 200, admin: 200, removedMember: 200 },
		members: { anonymous: 404, member: 200, spaceMember: 200, spaceModerator: 200, admin: 200, removedMember: 200 },
		private: { anonymous: 404, member: 404, spaceMember: 200, spaceModerator: 200, admin: 200, removedMember: 404 }
	},
	reply: {
		public: { anonymous: 401, member: 201, spaceMember: 201, spaceModerator: 201, admin: 201, removedMember: 201 },
		members: { anonymous: 401, member: 201, spaceMember: 201, spaceModerator: 201, admin: 201, removedMember: 201 },
		private: { anonymous: 401, member: 404, spaceMember: 201, spaceModerator: 201, admin: 201, removedMember: 404 }
	},
	editOthers: {
		public: { anonymous: 401, member: 403, spaceMember: 403, spaceModerator: 200, admin: 200, removedMember: 403 },
		members: { anonymous: 401, member: 403, spaceMember: 403, spaceModerator: 200, admin: 200, removedMember: 403 },
		private: { anonymous: 401, member: 404, spaceMember: 403, spaceModerator: 200, admin: 200, removedMember: 404 }
	},
	vote: {
		public: { anonymous: 401, member: 200, spaceMember: 200, spaceModerator: 200, admin: 200, removedMember: 200 },
		members: { anonymous: 401, member: 200, spaceMember: 200, spaceModerator: 200, admin: 200, removedMember: 200 },
		private: { anonymous: 401, member: 404, spaceMember: 200, spaceModerator: 200, admin: 200, removedMember: 404 }
	},
	socketJoin: {
		public: { anonymous: 'ok', member: 'ok', spaceMember: 'ok', spaceModerator: 'ok', admin: 'ok', removedMember: 'ok' },
		members: { anonymous: 'not_found', member: 'ok', spaceMember: 'ok', spaceModerator: 'ok', admin: 'ok', removedMember: 'ok' },
		private: {
			anonymous: 'not_found',
			member: 'not_found',
			spaceMember: 'ok',
			spaceModerator: 'ok',
			admin: 'ok',
			removedMember: 'not_found'
		}
	},
	listed: {
		public: { anonymous: true, member: true, spaceMember: true, spaceModerator: true, admin: true, removedMember: true },
		members: { anonymous: false, member: true, spaceMember: true, spaceModerator: true, admin: true, removedMember: true },
		private: { anonymous: false, member: false, spaceMember: true, spaceModerator: true, admin: true, removedMember: false }
	}
};

let t: TestApp;
let baseUrl: string;
const sockets: ClientSocket[] = [];
interface Setup {
	slug: string;
	threadId: string;
	authorPostId: string;
}
const setups = {} as Record<Visibility, Setup>;
const people = {} as Record<Exclude<Actor, 'anonymous'> | 'author', TestUser>;

const send = (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, cookie: string | undefined, payload?: object) =>
	t.app.inject({ method, url, headers: { origin: TEST_ORIGIN, ...(cookie ? { cookie } : {}) }, ...(payload ? { payload } : {}) });
const cookieOf = (actor: Actor) => (actor === 'anonymous' ? undefined : people[actor].cookie);

beforeAll(async () => {
	t = await createTestApp();
	baseUrl = await t.listen();
	const admin = await createUser(t, { role: 'admin' });
	people.admin = admin;
	for (const actor of ['member', 'spaceMember', 'spaceModerator', 'removedMember', 'author'] as const)
		people[actor] = await createUser(t);
	const handles: Record<string, string> = {};
	// The thread's author is a space member of their own, so "someone else's post" is nobody's own.
	const inSpace = ['spaceMember', 'spaceModerator', 'removedMember', 'author'] as const;
	for (const actor of inSpace) {
		handles[actor] = (await t.app.inject({ url: '/api/v1/me', headers: { cookie: people[actor].cookie } })).json().handle;
	}
	for (const visibility of ['public', 'members', 'private'] as const) {
		const { slug } = await createSpace(t, { visibility, admin });
		for (const actor of inSpace) {
			if (visibility === 'private') {
				expect(
					(await send('POST', `/api/v1/spaces/${slug}/invitations`, admin.cookie, { handle: handles[actor] })).statusCode
				).toBe(201);
			}
			expect((await send('POST', `/api/v1/spaces/${slug}/membership`, people[actor].cookie)).statusCode).toBe(200);
		}
		expect(
			(await send('PUT', `/api/v1/spaces/${slug}/members/${people.spaceModerator.id}/role`, admin.cookie, { role: 'moderator' }))
				.statusCode
		).toBe(200);
		const { threadId, firstPostId } = await createThread(t, people.author, slug);
		// The removed member wrote before being removed.
		expect((await send('DELETE', `/api/v1/spaces/${slug}/members/${people.removedMember.id}`, admin.cookie)).statusCode).toBe(
			200
		);
		setups[visibility] = { slug, threadId, authorPostId: firstPostId };
	}
});
afterAll(async () => {
	for (const s of sockets) s.disconnect();
	await t.close();
});

describe.each(['public', 'members', 'private'] as const)('%s space', (visibility) => {
	it.each(actors)('reading as %s', async (actor) => {
		const { threadId, slug } = setups[visibility];
		const cookie = cookieOf(actor);
		const thread = await t.app.inject({ url: `/api/v1/threads/${threadId}`, headers: cookie ? { cookie } : {} });
		expect(thread.statusCode).toBe(expected.read[visibility][actor]);
		for (const url of [
			`/api/v1/spaces/${slug}`,
			`/api/v1/spaces/${slug}/threads`,
			`/api/v1/spaces/${slug}/members`,
			`/api/v1/posts/${setups[visibility].authorPostId}/revisions`
		]) {
			const res = await t.app.inject({ url, headers: cookie ? { cookie } : {} });
			expect(res.statusCode, url).toBe(expected.read[visibility][actor]);
		}
		if (thread.statusCode === 404) {
			// Same status and body as something that does not exist.
			const missing = await t.app.inject({
				url: '/api/v1/threads/00000000-0000-4000-8000-000000000000',
				headers: cookie ? { cookie } : {}
			});
			expect(thread.json()).toEqual(missing.json());
		}
		const listed = (await t.app.inject({ url: '/api/v1/spaces', headers: cookie ? { cookie } : {} }))
			.json()
			.items.some((s: { slug: string }) => s.slug === slug);
		expect(listed).toBe(expected.listed[visibility][actor]);
	});

	it.each(actors)('replying as %s', async (actor) => {
		const res = await send('POST', `/api/v1/threads/${setups[visibility].threadId}/posts`, cookieOf(actor), {
			body: `Réponse de ${actor}`
		});
		expect(res.statusCode).toBe(expected.reply[visibility][actor]);
	});

	it.each(actors)('editing someone else’s post as %s', async (actor) => {
		const res = await send('PATCH', `/api/v1/posts/${setups[visibility].authorPostId}`, cookieOf(actor), {
			body: `Modifié par ${actor}`
		});
		expect(res.statusCode).toBe(expected.editOthers[visibility][actor]);
	});

	it.each(actors)('voting as %s', async (actor) => {
		const res = await send('PUT', `/api/v1/posts/${setups[visibility].authorPostId}/vote`, cookieOf(actor), { useful: true });
		expect(res.statusCode).toBe(expected.vote[visibility][actor]);
	});

	it.each(actors)('joining the thread’s socket room as %s', async (actor) => {
		const socket = connect(baseUrl, { cookie: cookieOf(actor) });
		sockets.push(socket);
		await connected(socket);
		const ack = (await socket.timeout(2000).emitWithAck('thread:watch', { threadId: setups[visibility].threadId })) as {
			ok: boolean;
			code?: string;
		};
		expect(ack.ok ? 'ok' : ack.code).toBe(expected.socketJoin[visibility][actor]);
		socket.disconnect();
	});
});

describe('a moderator of one space', () => {
	it('is nobody in a private space they are not in', async () => {
		const { threadId } = setups.private;
		const outsiderModerator = await createUser(t);
		const { slug: otherSlug } = await createSpace(t, { admin: people.admin });
		await send('POST', `/api/v1/spaces/${otherSlug}/membership`, outsiderModerator.cookie);
		await send('PUT', `/api/v1/spaces/${otherSlug}/members/${outsiderModerator.id}/role`, people.admin.cookie, {
			role: 'moderator'
		});
		for (const res of [
			await send('PATCH', `/api/v1/posts/${setups.private.authorPostId}`, outsiderModerator.cookie, {
				body: 'Modération hors de mon espace'
			}),
			await send('DELETE', `/api/v1/posts/${setups.private.authorPostId}`, outsiderModerator.cookie),
			await t.app.inject({ url: `/api/v1/threads/${threadId}`, headers: { cookie: outsiderModerator.cookie } })
		]) {
			expect(res.statusCode).toBe(404);
		}
	});
});
