import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demo, expectNoProblems, hasChromium, startHarness, uniqueEmail, type Harness } from './support.ts';

/*
 * The review queue and reports in Chromium against the built app: a rejected author edits
 * and resubmits; a moderator handles the queue with JavaScript off. Each test makes fresh
 * members (new to the network, so their first posts go to review) through the API.
 */

interface Api {
	(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, cookie: string, body?: unknown): Promise<Response>;
}

describe.skipIf(!hasChromium)('the review queue in the browser', () => {
	let h: Harness;
	let origin: string;
	let api: Api;
	const cookies = { admin: '', moderator: '' };
	let slug = '';
	let seq = 0;

	const unique = (tag: string) => `${tag}-${Date.now().toString(36)}-${++seq}`;

	async function login(email: string): Promise<string> {
		const res = await fetch(`${origin}/api/v1/sessions`, {
			method: 'POST',
			headers: { origin, 'content-type': 'application/json' },
			body: JSON.stringify({ email, password: DEMO_PASSWORD })
		});
		expect(res.status).toBe(200);
		return res.headers.getSetCookie()[0]!.split(';')[0]!;
	}

	/** A member new to the network, who joined the test space; returns their session cookie. */
	async function newMember(name: string): Promise<string> {
		const res = await fetch(`${origin}/api/v1/accounts`, {
			method: 'POST',
			headers: { origin, 'content-type': 'application/json' },
			body: JSON.stringify({
				displayName: name,
				email: uniqueEmail('revue'),
				password: 'une phrase de passe solide',
				organisationName: 'Mutuelle des essais',
				organisationType: 'mutuelle',
				country: 'CI',
				locale: 'fr'
			})
		});
		expect(res.status, await res.clone().text()).toBe(201);
		const cookie = res.headers.getSetCookie()[0]!.split(';')[0]!;
		const joined = await api('POST', `/spaces/${slug}/membership`, cookie);
		expect(joined.status, await joined.clone().text()).toBe(200);
		return cookie;
	}

	async function thread(cookie: string, title: string, body: string) {
		const res = await api('POST', `/spaces/${slug}/threads`, cookie, { title, body, kind: 'discussion' });
		expect(res.status, await res.clone().text()).toBe(201);
		return ((await res.json()) as { thread: { id: string } }).thread.id;
	}

	async function reply(cookie: string, threadId: string, body: string) {
		const res = await api('POST', `/threads/${threadId}/posts`, cookie, { body });
		expect(res.status, await res.clone().text()).toBe(201);
		return (await res.json()) as { id: string; number: number; status: string };
	}

	async function signedIn(cookie: string, options: Parameters<Harness['context']>[0] = {}) {
		const made = await h.context(options);
		const [name, value] = cookie.split('=') as [string, string];
		await made.context.addCookies([{ name, value, url: origin }]);
		return made;
	}

	async function firstPostId(threadId: string): Promise<string> {
		const res = await api('GET', `/threads/${threadId}`, cookies.moderator);
		expect(res.status).toBe(200);
		return ((await res.json()) as { posts: { id: string }[] }).posts[0]!.id;
	}

	/** The queue item of a post, by its anchor. */
	const item = (page: Page, postId: string) => page.locator(`#q-${postId}`);

	beforeAll(async () => {
		h = await startHarness();
		origin = h.server.origin;
		api = (method, path, cookie, body) =>
			fetch(`${origin}/api/v1${path}`, {
				method,
				headers: { origin, cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
				...(body === undefined ? {} : { body: JSON.stringify(body) })
			});
		cookies.admin = await login(demo.admin.email);
		cookies.moderator = await login(demo.moderator.email);
		slug = unique('revue').toLowerCase();
		const res = await api('POST', '/spaces', cookies.admin, {
			name: 'Espace de la revue',
			slug,
			description: 'Un espace pour les essais de la **file de modération**.',
			visibility: 'public'
		});
		expect(res.status).toBe(201);
	});
	afterAll(async () => {
		await h?.close();
	});

	it('a rejected author edits and resubmits', async () => {
		const threadId = await thread(cookies.moderator, 'Cotisations 2025', 'Le calendrier des **cotisations**.');
		const author = await newMember('Awa Nouvelle');
		const post = await reply(author, threadId, 'Achetez nos montres, prix imbattables.');
		expect(post.status).toBe('pending');
		const rejected = await api('POST', `/moderation/posts/${post.id}/reject`, cookies.moderator, {
			reason: 'hors_sujet',
			note: 'Parlez des cotisations, s’il vous plaît.'
		});
		expect(rejected.status, await rejected.clone().text()).toBe(200);

		// An anonymous reader does not see it.
		const anon = await h.context();
		await anon.page.goto(`/fils/${threadId}`);
		await anon.page.getByRole('heading', { level: 1, name: 'Cotisations 2025' }).waitFor();
		expect(await anon.page.locator(`#p-${post.number}`).count()).toBe(0);

		const { page, problems } = await signedIn(author);
		await page.goto(`/fils/${threadId}`);
		const article = page.locator(`#p-${post.number}`);
		await article.getByText('Refusé par les modérateurs').waitFor();
		expect(await article.getByText('Motif : Hors sujet — Parlez des cotisations, s’il vous plaît.').count()).toBe(1);

		await article.getByRole('link', { name: 'Modifier et soumettre à nouveau' }).click();
		const box = page.locator(`#edit-${post.id}`);
		await box.waitFor();
		// The text was kept: nothing the author wrote is lost.
		expect(await box.inputValue()).toBe('Achetez nos montres, prix imbattables.');
		await box.fill('Pour les cotisations, un calendrier trimestriel nous conviendrait.');
		await page.getByRole('button', { name: 'Enregistrer' }).click();
		await page.locator(`#p-${post.number}`).getByText('En attente de validation').waitFor();
		expect(await page.locator(`#p-${post.number} .post-body`).textContent()).toContain('calendrier trimestriel');
		expect(await page.locator(`#p-${post.number}`).getByText('Refusé par les modérateurs').count()).toBe(0);
		expectNoProblems(problems);
	});

	it('a moderator handles the queue with JavaScript disabled', async () => {
		const threadId = await thread(cookies.moderator, 'Échanges sur la formation', 'Vos **besoins** de formation ?');
		const first = await reply(await newMember('Bintou Première'), threadId, 'Nous cherchons une formation comptable.');
		const second = await reply(await newMember('Chaka Seconde'), threadId, 'Visitez mon site de paris en ligne.');
		expect([first.status, second.status]).toEqual(['pending', 'pending']);

		const { page, problems } = await signedIn(cookies.moderator, { javaScriptEnabled: false });
		await page.goto('/');
		await page.getByRole('link', { name: 'Modération' }).click();
		await page.getByRole('heading', { level: 1, name: 'File de modération' }).waitFor();
		// Only this test's space: the shared database may hold other items.
		await page.getByLabel('Espace').selectOption(slug);
		await page.getByRole('button', { name: 'Filtrer' }).click();
		await page.waitForURL((url) => url.searchParams.get('espace') === slug);

		const one = item(page, first.id);
		expect(await one.getByText('Message en attente').count()).toBe(1);
		expect(await one.getByText('Nous cherchons une formation comptable.').count()).toBe(1);
		expect(await one.getByText(/0 message\(s\) publié\(s\)/).count()).toBe(1);
		// Oldest first.
		const order = await page.locator('ol.queue > li').evaluateAll((lis) => lis.map((li) => li.id));
		expect(order.indexOf(`q-${first.id}`)).toBeLessThan(order.indexOf(`q-${second.id}`));

		await one.getByRole('button', { name: 'Prendre en charge' }).click();
		await page.getByText('Élément pris en charge.').waitFor();
		expect(await item(page, first.id).getByText('Vous avez pris en charge cet élément.').count()).toBe(1);
		// Another moderator (the admin) cannot take it: 409 names who holds it.
		const taken = await api('POST', '/moderation/claims', cookies.admin, { kind: 'pending_post', targetId: first.id });
		expect(taken.status).toBe(409);
		expect(((await taken.json()) as { error: { message: string } }).error.message).toContain(demo.moderator.name);

		// An item the admin holds: the page says who, and claiming it fails next to the item.
		const held = await api('POST', '/moderation/claims', cookies.admin, { kind: 'pending_post', targetId: second.id });
		expect(held.status).toBe(200);
		await page.reload();
		expect(await item(page, second.id).getByText(`Pris en charge par ${demo.admin.name}`).count()).toBe(1);
		await item(page, second.id).getByRole('button', { name: 'Prendre en charge' }).click();
		await item(page, second.id).getByRole('alert').getByText(`${demo.admin.name} s’occupe déjà de cet élément.`).waitFor();
		const released = await api('DELETE', '/moderation/claims', cookies.admin, { kind: 'pending_post', targetId: second.id });
		expect(released.status).toBe(204);
		await page.goto(`/moderation?espace=${slug}`);

		await item(page, first.id).getByRole('button', { name: 'Approuver' }).click();
		await page.getByText('Message approuvé et publié.').waitFor();
		expect(await item(page, first.id).count()).toBe(0);

		// Refused with a ready-made reason and a note.
		const two = item(page, second.id);
		await two.locator('summary', { hasText: 'Refuser' }).click();
		await two.getByLabel('Précisions (facultatif, obligatoire pour « Autre »)').fill('Publicité pour des paris.');
		await two.getByLabel('Motif', { exact: true }).selectOption('publicite');
		await two.getByRole('button', { name: 'Refuser le message' }).click();
		await page.getByText('Message refusé ; son auteur est prévenu.').waitFor();
		expect(await item(page, second.id).count()).toBe(0);

		// An anonymous reader sees the approved post, not the refused one.
		const anon = await h.context({ javaScriptEnabled: false });
		await anon.page.goto(`/fils/${threadId}`);
		await anon.page.getByRole('heading', { level: 1, name: 'Échanges sur la formation' }).waitFor();
		expect(await anon.page.locator(`#p-${first.number} .post-body`).textContent()).toContain('formation comptable');
		expect(await anon.page.locator(`#p-${second.number}`).count()).toBe(0);
		expectNoProblems(problems);
	});

	it('a member reports a post once, with JavaScript disabled', async () => {
		const threadId = await thread(cookies.moderator, 'Signalements', 'Un message à **signaler**.');
		const reporter = await login(demo.member.email);
		const { page, problems } = await signedIn(reporter, { javaScriptEnabled: false });
		await page.goto(`/fils/${threadId}`);
		await page.locator('#p-1').getByRole('link', { name: 'Signaler' }).click();
		await page.getByRole('heading', { level: 1, name: 'Signaler un message' }).waitFor();
		await page.getByRole('radio', { name: 'Hors sujet' }).check();
		await page.getByRole('button', { name: 'Envoyer le signalement' }).click();
		await page.getByText('Merci, les modérateurs vont examiner ce message.').waitFor();

		await page.goto(`/fils/${threadId}/signaler?message=${await firstPostId(threadId)}`);
		await page.getByRole('radio', { name: 'Autre' }).check();
		await page.getByRole('button', { name: 'Envoyer le signalement' }).click();
		// « Autre » needs a note: refused, then the second report of the same post is refused too.
		await page.getByRole('alert').first().waitFor();
		await page.getByLabel('Précisions (obligatoire pour « Autre »)').fill('Toujours pas à sa place.');
		await page.getByRole('button', { name: 'Envoyer le signalement' }).click();
		await page.getByText('Vous avez déjà signalé cet élément').waitFor();
		expect(await page.getByLabel('Précisions (obligatoire pour « Autre »)').inputValue()).toBe('Toujours pas à sa place.');
		expectNoProblems(problems);
	});

	it('the queue is not found for a member', async () => {
		const member = await newMember('Dédé Membre');
		const res = await fetch(`${origin}/moderation`, { headers: { cookie: member } });
		expect(res.status).toBe(404);
		const anonymous = await fetch(`${origin}/moderation`);
		expect(anonymous.status).toBe(404);
	});
});
