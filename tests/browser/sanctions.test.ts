import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	DEMO_PASSWORD,
	demo,
	expectNoProblems,
	hasChromium,
	login,
	modes,
	ready,
	startHarness,
	uniqueEmail,
	type Harness
} from './support.ts';

/*
 * Sanctions in Chromium against the built app, with JavaScript on and off: a site moderator
 * suspends a member from the member's page (a failed submit keeps what was typed), the
 * member tries to log in and reads why and until when; a warned member sees the banner on
 * every page until they acknowledge the warning.
 */
describe.skipIf(!hasChromium)('sanctions in the browser', () => {
	let h: Harness;
	let origin: string;
	let moderatorCookie = '';

	const api = (method: 'GET' | 'POST', path: string, cookie: string, body?: unknown) =>
		fetch(`${origin}/api/v1${path}`, {
			method,
			headers: { origin, cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
			...(body === undefined ? {} : { body: JSON.stringify(body) })
		});

	async function apiLogin(email: string, password = DEMO_PASSWORD): Promise<string> {
		const res = await fetch(`${origin}/api/v1/sessions`, {
			method: 'POST',
			headers: { origin, 'content-type': 'application/json' },
			body: JSON.stringify({ email, password })
		});
		expect(res.status).toBe(200);
		return res.headers.getSetCookie()[0]!.split(';')[0]!;
	}

	/** A fresh member through the sign-up API: their id, e-mail and session cookie. */
	async function newMember(tag: string) {
		const email = uniqueEmail(tag);
		const res = await fetch(`${origin}/api/v1/accounts`, {
			method: 'POST',
			headers: { origin, 'content-type': 'application/json' },
			body: JSON.stringify({
				displayName: 'Fatou Sow',
				email,
				password: DEMO_PASSWORD,
				organisationName: 'Mutuelle de Kaolack',
				organisationType: 'mutuelle',
				country: 'SN',
				locale: 'fr'
			})
		});
		expect(res.status, await res.clone().text()).toBe(201);
		const cookie = res.headers.getSetCookie()[0]!.split(';')[0]!;
		return { id: ((await res.json()) as { id: string }).id, email, cookie };
	}

	async function signedIn(cookie: string, js: boolean) {
		const made = await h.context({ javaScriptEnabled: js });
		const [name, value] = cookie.split('=') as [string, string];
		await made.context.addCookies([{ name, value, url: origin }]);
		return made;
	}

	const main = (page: Page) => page.getByRole('main');

	beforeAll(async () => {
		h = await startHarness();
		origin = h.server.origin;
		moderatorCookie = await apiLogin(demo.moderator.email);
	});
	afterAll(async () => {
		await h?.close();
	});

	describe.each(modes)('$name', ({ js }) => {
		it('a moderator suspends a member from their page; the member reads why and until when at login', async () => {
			const member = await newMember('suspendu');
			const { page, problems } = await signedIn(moderatorCookie, js);
			await page.goto(`/membres/${member.id}`);
			await ready(page, js, '#moderation form');
			await page.getByRole('heading', { level: 2, name: 'Modération' }).waitFor();
			expect(await main(page).textContent()).toContain('Compte actif.');

			// A custom end without a date fails, and keeps the reason typed.
			const reason = 'Messages publicitaires répétés malgré les rappels.';
			await page.getByLabel('Durée').selectOption('custom');
			await page.getByLabel('Raison', { exact: true }).fill(reason);
			await page.getByRole('button', { name: 'Suspendre', exact: true }).click();
			await page.locator('#suspend-until-error').waitFor();
			expect(await page.getByLabel('Raison', { exact: true }).inputValue()).toBe(reason);

			await page.getByLabel('Date de fin').fill('2099-03-12');
			await page.getByRole('button', { name: 'Suspendre', exact: true }).click();
			await page.getByRole('status').filter({ hasText: 'Compte suspendu' }).waitFor();
			expect(await main(page).textContent()).toContain(`Suspendu jusqu’au 12 mars 2099 à 23:59 — raison : ${reason}`);
			// Their open session ended at once.
			expect((await api('GET', '/me', member.cookie)).status).toBe(401);
			expectNoProblems(problems);

			const visitor = await h.context({ javaScriptEnabled: js });
			await login(visitor.page, js, member.email, 'pas le bon mot de passe');
			await visitor.page.getByRole('alert').waitFor();
			expect(await visitor.page.getByRole('alert').textContent()).toBe('Adresse e-mail ou mot de passe incorrect.');
			await login(visitor.page, js, member.email);
			await visitor.page.getByRole('alert').filter({ hasText: 'suspendu' }).waitFor();
			expect(await visitor.page.getByRole('alert').textContent()).toBe(
				`Votre compte est suspendu jusqu’au 12 mars 2099 à 23:59 : ${reason}`
			);
			expect(new URL(visitor.page.url()).pathname).toBe('/connexion');
			expectNoProblems(visitor.problems);
		});

		it('a warned member sees the banner on every page until they acknowledge the warning', async () => {
			const member = await newMember('averti');
			const res = await api('POST', `/moderation/users/${member.id}/warn`, moderatorCookie, {
				message: 'Merci de garder un ton courtois avec les autres membres.'
			});
			expect(res.status).toBe(201);

			const { page, problems } = await signedIn(member.cookie, js);
			await page.goto('/espaces');
			const banner = page.getByRole('status').filter({ hasText: 'Vous avez reçu un avertissement des modérateurs.' });
			await banner.waitFor();
			await banner.getByRole('link', { name: 'Le lire' }).click();
			await page.waitForURL((url) => url.pathname === '/avertissements');
			await ready(page, js);
			expect(await main(page).textContent()).toContain('Merci de garder un ton courtois avec les autres membres.');
			expect(await main(page).textContent()).toContain(`De ${demo.moderator.name}`);
			await page.getByRole('button', { name: 'J’ai pris connaissance' }).click();
			await page.getByRole('status').filter({ hasText: 'C’est noté' }).waitFor();
			expect(await page.getByRole('button', { name: 'J’ai pris connaissance' }).count()).toBe(0);

			await page.goto('/espaces');
			await page.getByRole('heading', { level: 1 }).waitFor();
			expect(await page.getByText('Vous avez reçu un avertissement des modérateurs.').count()).toBe(0);
			expectNoProblems(problems);
		});
	});
});
