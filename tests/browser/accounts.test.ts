import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	demo,
	expectNoProblems,
	hasChromium,
	login,
	markDocument,
	modes,
	ready,
	sameDocument,
	sessionCookie,
	startHarness,
	uniqueEmail,
	type Harness
} from './support.ts';

/*
 * Account flows in Chromium against the built app, each with JavaScript on (forms enhanced,
 * no page reload) and off (plain POST and server-rendered answers).
 */
describe.skipIf(!hasChromium)('accounts in the browser', () => {
	let h: Harness;
	beforeAll(async () => {
		h = await startHarness();
	});
	afterAll(async () => {
		await h?.close();
	});

	const h1 = (page: import('playwright-core').Page) => page.getByRole('heading', { level: 1 });

	describe.each(modes)('$name', ({ js }) => {
		it('signs a new member up and lands signed in on /compte', async () => {
			const { context, page, problems } = await h.context({ javaScriptEnabled: js });
			const email = uniqueEmail('inscription');
			await page.goto('/inscription');
			await ready(page, js);
			if (js) await markDocument(page);

			await page.getByLabel('Nom affiché').fill('Awa Ndiaye');
			await page.getByLabel('Adresse e-mail').fill(email);
			await page.getByLabel('Mot de passe', { exact: true }).fill('une phrase de passe solide');
			await page.getByLabel('Organisation', { exact: true }).fill('Mutuelle de santé de Thiès');
			await page.getByLabel('Type d’organisation').selectOption('mutuelle');
			await page.getByLabel('Pays').selectOption('SN');
			await page.getByLabel('Langue préférée').selectOption('fr');
			await page.getByRole('button', { name: 'Créer mon compte' }).click();

			await page.waitForURL((url) => url.pathname === '/compte');
			await page.getByRole('heading', { level: 1, name: 'Mon compte' }).waitFor();
			expect(await page.getByRole('main').textContent()).toContain(email);
			expect(await page.getByLabel('Nom affiché').inputValue()).toBe('Awa Ndiaye');
			expect(await page.getByLabel('Organisation', { exact: true }).inputValue()).toBe('Mutuelle de santé de Thiès');
			await page.getByRole('banner').getByRole('button', { name: 'Se déconnecter' }).waitFor();
			expect(await page.getByRole('banner').getByRole('link', { name: 'Se connecter' }).count()).toBe(0);
			expect(await sessionCookie(context)).toBeTruthy();
			// With JavaScript the enhanced form navigates client-side; without, the browser posts.
			expect(await sameDocument(page)).toBe(js);
			expectNoProblems(problems);
		});

		it('signs up in the language chosen on the form, whatever the page was in', async () => {
			const { page, problems } = await h.context({ javaScriptEnabled: js });
			await page.goto('/inscription');
			await ready(page, js);
			await page.getByLabel('Nom affiché').fill('Grace Mensah');
			await page.getByLabel('Adresse e-mail').fill(uniqueEmail('english'));
			await page.getByLabel('Mot de passe', { exact: true }).fill('another solid passphrase');
			await page.getByLabel('Organisation', { exact: true }).fill('Ghana Health Mutuals Network');
			await page.getByLabel('Type d’organisation').selectOption('federation_mutuelles');
			await page.getByLabel('Pays').selectOption('GH');
			await page.getByLabel('Langue préférée').selectOption('en');
			await page.getByRole('button', { name: 'Créer mon compte' }).click();

			await page.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
			expect(new URL(page.url()).pathname).toBe('/compte');
			expect(await page.locator('html').getAttribute('lang')).toBe('en');
			expect(await page.getByRole('banner').getByRole('button', { name: 'Log out' }).count()).toBe(1);
			expectNoProblems(problems);
		});

		it('shows errors beside the fields of a failed sign-up and keeps what was typed, except the password', async () => {
			const { context, page, problems } = await h.context({ javaScriptEnabled: js });
			await page.goto('/inscription');
			await ready(page, js);
			if (js) await markDocument(page);

			await page.getByLabel('Nom affiché').fill('Awa Ndiaye');
			await page.getByLabel('Adresse e-mail').fill('awa.sans-arobase');
			await page.getByLabel('Mot de passe', { exact: true }).fill('court');
			await page.getByLabel('Organisation', { exact: true }).fill('Mutuelle de santé de Thiès');
			await page.getByLabel('Type d’organisation').selectOption('mutuelle');
			await page.getByLabel('Pays').selectOption('SN');
			await page.getByRole('button', { name: 'Créer mon compte' }).click();

			await page.locator('#email-error').waitFor();
			expect(await page.locator('#email-error').textContent()).toBe('Saisissez une adresse e-mail valide.');
			expect(await page.locator('#password-error').textContent()).toBe('Au moins 8 caractères.');
			expect(await page.getByRole('alert').textContent()).toContain('Le formulaire contient des erreurs');
			// Errors sit beside their field and are tied to it for screen readers.
			const email = page.getByLabel('Adresse e-mail');
			expect(await email.getAttribute('aria-invalid')).toBe('true');
			expect((await email.getAttribute('aria-describedby'))?.split(' ')).toContain('email-error');
			expect(await page.locator('.field:has(#email) .field-error').count()).toBe(1);
			expect(await page.locator('#displayName-error, #organisationName-error').count()).toBe(0);
			expect(await page.getByLabel('Nom affiché').getAttribute('aria-invalid')).toBe('false');

			expect(await page.getByLabel('Nom affiché').inputValue()).toBe('Awa Ndiaye');
			expect(await email.inputValue()).toBe('awa.sans-arobase');
			expect(await page.getByLabel('Organisation', { exact: true }).inputValue()).toBe('Mutuelle de santé de Thiès');
			expect(await page.getByLabel('Type d’organisation').inputValue()).toBe('mutuelle');
			expect(await page.getByLabel('Pays').inputValue()).toBe('SN');
			expect(await page.getByLabel('Mot de passe', { exact: true }).inputValue()).toBe('');

			expect(new URL(page.url()).pathname).toBe('/inscription');
			expect(await sessionCookie(context)).toBeUndefined();
			expect(await sameDocument(page)).toBe(js);
			expectNoProblems(problems);
		});

		it('logs the demo member in, then out with the header button', async () => {
			const { context, page, problems } = await h.context({ javaScriptEnabled: js });
			await login(page, js, demo.member.email);
			await page.getByRole('heading', { level: 1, name: `Bonjour ${demo.member.name}` }).waitFor();
			expect(new URL(page.url()).pathname).toBe('/');
			const token = await sessionCookie(context);
			expect(token).toBeTruthy();
			const header = page.getByRole('banner');
			expect(await header.getByRole('link', { name: 'Mon compte' }).count()).toBe(1);
			expect(await header.getByRole('link', { name: 'Administration' }).count()).toBe(0);

			await header.getByRole('button', { name: 'Se déconnecter' }).click();
			await header.getByRole('link', { name: 'Se connecter' }).waitFor();
			expect(new URL(page.url()).pathname).toBe('/');
			expect(await h1(page).textContent()).toBe('Un espace d’échange pour les mutuelles de santé');
			expect(await header.getByRole('button', { name: 'Se déconnecter' }).count()).toBe(0);
			expect(await sessionCookie(context)).toBeUndefined();

			// The old token is dead on the server too, not only forgotten by the browser.
			const replay = await fetch(`${h.server.origin}/compte`, {
				headers: { cookie: `palabre_session=${token}` },
				redirect: 'manual'
			});
			expect(replay.status).toBe(303);
			expect(replay.headers.get('location')).toMatch(/^\/connexion\?next=/);
			// And the browser, asking for the account page, is sent to the login form.
			await page.goto('/compte');
			expect(new URL(page.url()).pathname).toBe('/connexion');
			expectNoProblems(problems);
		});

		it('refuses a wrong password with one generic message and keeps the e-mail', async () => {
			const { context, page, problems } = await h.context({ javaScriptEnabled: js });
			const messages: string[] = [];
			// A known account and an unknown address must read the same.
			for (const email of [demo.member.email, uniqueEmail('inconnu')]) {
				await login(page, js, email, 'pas le bon mot de passe');
				const alert = page.getByRole('main').getByRole('alert');
				await alert.waitFor();
				messages.push((await alert.textContent())?.trim() ?? '');
				expect(await page.getByLabel('Adresse e-mail').inputValue()).toBe(email);
				expect(await page.getByLabel('Mot de passe', { exact: true }).inputValue()).toBe('');
				expect(new URL(page.url()).pathname).toBe('/connexion');
				expect(await sessionCookie(context)).toBeUndefined();
			}
			expect(messages).toEqual(['Adresse e-mail ou mot de passe incorrect.', 'Adresse e-mail ou mot de passe incorrect.']);
			expectNoProblems(problems);
		});

		it('switches the interface between French and English', async () => {
			const { page, problems } = await h.context({ javaScriptEnabled: js });
			await page.goto('/connexion');
			expect(await page.locator('html').getAttribute('lang')).toBe('fr');
			expect(await h1(page).textContent()).toBe('Connexion');

			await page.getByRole('button', { name: 'EN', exact: true }).click();
			await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
			expect(new URL(page.url()).pathname).toBe('/connexion');
			expect(await page.locator('html').getAttribute('lang')).toBe('en');
			await ready(page, js);
			// Still English once hydrated: the client renders in the language the server chose.
			expect(await h1(page).textContent()).toBe('Log in');
			expect(await page.getByLabel('E-mail address').count()).toBe(1);
			expect(await page.getByRole('banner').getByRole('link', { name: 'Home' }).count()).toBe(1);
			expect(await page.getByRole('button', { name: 'EN', exact: true }).getAttribute('aria-pressed')).toBe('true');

			// Remembered for the next page.
			await page.goto('/');
			expect(await page.locator('html').getAttribute('lang')).toBe('en');
			expect(await h1(page).textContent()).toBe('A place to exchange for health mutuals');

			await page.getByRole('button', { name: 'FR', exact: true }).click();
			await page.getByRole('heading', { level: 1, name: 'Un espace d’échange pour les mutuelles de santé' }).waitFor();
			expect(await page.locator('html').getAttribute('lang')).toBe('fr');
			expect(await page.getByRole('banner').getByRole('link', { name: 'Accueil' }).count()).toBe(1);
			expectNoProblems(problems);
		});

		it('serves the home page in French at / and logs each demo account in', async () => {
			const anonymous = await h.context({ javaScriptEnabled: js });
			const response = await anonymous.page.goto('/');
			expect(response?.status()).toBe(200);
			expect(await anonymous.page.locator('html').getAttribute('lang')).toBe('fr');
			expect(await anonymous.page.title()).toBe('Palabre — Concertation des acteurs des mutuelles de santé');
			expect(await h1(anonymous.page).textContent()).toBe('Un espace d’échange pour les mutuelles de santé');
			expectNoProblems(anonymous.problems);

			for (const account of [demo.admin, demo.moderator, demo.member]) {
				const { page, problems } = await h.context({ javaScriptEnabled: js });
				await page.goto('/');
				// The header's link brings the visitor back where they were.
				await page.getByRole('banner').getByRole('link', { name: 'Se connecter' }).click();
				await page.waitForURL((url) => url.pathname === '/connexion');
				await ready(page, js);
				await page.getByLabel('Adresse e-mail').fill(account.email);
				await page.getByLabel('Mot de passe', { exact: true }).fill('palabre-demo');
				await page.getByRole('main').getByRole('button', { name: 'Se connecter' }).click();
				await page.getByRole('heading', { level: 1, name: `Bonjour ${account.name}` }).waitFor();
				expect(new URL(page.url()).pathname).toBe('/');
				expect(await page.locator('html').getAttribute('lang')).toBe('fr');
				const adminLink = page.getByRole('banner').getByRole('link', { name: 'Administration' });
				expect(await adminLink.count()).toBe(account === demo.admin ? 1 : 0);
				if (account === demo.admin) {
					await adminLink.click();
					await page.getByRole('heading', { level: 1, name: 'Membres du réseau' }).waitFor();
					// A shared test database holds many accounts: find the member by the search form.
					await page.getByRole('main').getByRole('search').getByRole('searchbox').fill(demo.member.email);
					await page.getByRole('main').getByRole('search').getByRole('button').click();
					await page.waitForURL((url) => url.searchParams.get('q') === demo.member.email);
					await page.getByRole('main').getByText(demo.member.email).first().waitFor();
					expect(await page.getByRole('main').textContent()).toContain(demo.member.email);
				}
				expectNoProblems(problems);
			}
		});
	});

	it('speaks English to an English browser, and French to signed-in French speakers whatever the browser', async () => {
		const { page, problems } = await h.context({ locale: 'en-US' });
		await page.goto('/');
		expect(await page.locator('html').getAttribute('lang')).toBe('en');
		expect(await h1(page).textContent()).toBe('A place to exchange for health mutuals');

		await login(page, true, demo.moderator.email);
		await page.getByRole('heading', { level: 1, name: `Bonjour ${demo.moderator.name}` }).waitFor();
		expect(await page.locator('html').getAttribute('lang')).toBe('fr');
		expectNoProblems(problems);
	});
});
