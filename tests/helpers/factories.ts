import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { spaces, users, type Role } from '../../db/schema/index.ts';
import type { TestApp } from './app.ts';
import { TEST_ORIGIN } from './app.ts';

export const PASSWORD = 'un mot de passe solide';

let counter = 0;
/** A unique address per call, across parallel test files. */
export function uniqueEmail(prefix = 'membre'): string {
	return `${prefix}-${randomUUID().slice(0, 8)}-${++counter}@test.example`;
}

export function signupBody(overrides: Record<string, unknown> = {}) {
	return {
		displayName: 'Awa Ndiaye',
		email: uniqueEmail(),
		password: PASSWORD,
		organisationName: `Mutuelle de test ${randomUUID().slice(0, 6)}`,
		organisationType: 'mutuelle',
		country: 'SN',
		locale: 'fr',
		...overrides
	};
}

export interface TestUser {
	id: string;
	email: string;
	password: string;
	/** `palabre_session=<token>` ready for a Cookie header. */
	cookie: string;
}

export function sessionCookieFrom(setCookie: string | string[] | undefined): string {
	const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
	const found = all.find((c) => c.startsWith('palabre_session=') && !c.startsWith('palabre_session=;'));
	if (!found) throw new Error(`no session cookie in ${JSON.stringify(all)}`);
	return found.split(';')[0]!;
}

/** Signs a user up through the API (the real path) and gives them a role if asked. */
export async function createUser(t: TestApp, options: { role?: Role; status?: 'active' | 'suspended' } = {}): Promise<TestUser> {
	const body = signupBody();
	const res = await t.app.inject({
		method: 'POST',
		url: '/api/v1/accounts',
		headers: { origin: TEST_ORIGIN },
		remoteAddress: `10.9.${counter % 250}.${Math.floor(Math.random() * 250)}`,
		payload: body
	});
	if (res.statusCode !== 201) throw new Error(`signup failed: ${res.statusCode} ${res.body}`);
	const id = res.json<{ id: string }>().id;
	if (options.role || options.status) {
		await t.database.db
			.update(users)
			.set({ ...(options.role ? { role: options.role } : {}), ...(options.status ? { status: options.status } : {}) })
			.where(eq(users.id, id));
	}
	return { id, email: body.email, password: body.password, cookie: sessionCookieFrom(res.headers['set-cookie']) };
}

export async function login(t: TestApp, email: string, password: string, remoteAddress = '10.1.1.1') {
	return t.app.inject({
		method: 'POST',
		url: '/api/v1/sessions',
		headers: { origin: TEST_ORIGIN },
		remoteAddress,
		payload: { email, password }
	});
}

let spaceCounter = 0;
/** A space opened by an admin through the API; returns its slug and the admin. */
export async function createSpace(
	t: TestApp,
	options: {
		visibility?: 'public' | 'members' | 'private';
		admin?: TestUser;
		/** New members' first posts reviewed here: 0 by default in tests, so that fresh users post at once. */
		reviewFirstPosts?: number | null;
	} = {}
): Promise<{ slug: string; id: string; admin: TestUser }> {
	const admin = options.admin ?? (await createUser(t, { role: 'admin' }));
	const slug = `espace-${randomUUID().slice(0, 8)}-${++spaceCounter}`;
	const res = await t.app.inject({
		method: 'POST',
		url: '/api/v1/spaces',
		headers: { origin: TEST_ORIGIN, cookie: admin.cookie },
		payload: { name: `Espace ${slug}`, slug, description: 'Un espace **de test**.', visibility: options.visibility ?? 'public' }
	});
	if (res.statusCode !== 201) throw new Error(`space creation failed: ${res.statusCode} ${res.body}`);
	const id = res.json<{ id: string }>().id;
	const reviewFirstPosts = options.reviewFirstPosts === undefined ? 0 : options.reviewFirstPosts;
	await t.database.db.update(spaces).set({ reviewFirstPosts }).where(eq(spaces.id, id));
	return { slug, id, admin };
}

/** A thread started by `author` in `slug`; returns the thread id and its first post id. */
export async function createThread(t: TestApp, author: TestUser, slug: string, payload: Record<string, unknown> = {}) {
	const res = await t.app.inject({
		method: 'POST',
		url: `/api/v1/spaces/${slug}/threads`,
		headers: { origin: TEST_ORIGIN, cookie: author.cookie },
		payload: { title: 'Comment fixer la cotisation ?', body: 'Premier message du fil.', ...payload }
	});
	if (res.statusCode !== 201) throw new Error(`thread creation failed: ${res.statusCode} ${res.body}`);
	const page = res.json<{ thread: { id: string }; posts: { id: string }[] }>();
	return { threadId: page.thread.id, firstPostId: page.posts[0]!.id };
}

export async function reply(t: TestApp, author: TestUser, threadId: string, payload: Record<string, unknown> = {}) {
	return t.app.inject({
		method: 'POST',
		url: `/api/v1/threads/${threadId}/posts`,
		headers: { origin: TEST_ORIGIN, cookie: author.cookie },
		payload: { body: 'Une réponse utile.', ...payload }
	});
}
