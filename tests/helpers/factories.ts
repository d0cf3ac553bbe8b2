import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { users, type Role } from '../../db/schema/index.ts';
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
