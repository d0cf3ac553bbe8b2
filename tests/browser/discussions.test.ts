import { readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { brotliCompressSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	DEMO_PASSWORD,
	demo,
	expectNoProblems,
	hasChromium,
	markDocument,
	modes,
	ready,
	sameDocument,
	startHarness,
	type Harness
} from './support.ts';

/*
 * Spaces, threads and posts in Chromium against the built app: reading and replying with
 * JavaScript on and off, quoting, editing with its history, votes, live updates between two
 * browsers (and the catch-up after a lost connection), drafts, the XSS corpora as posts and
 * titles, and the weight of a thread page. Test data is made through the API.
 */
const KB = 1024;
const REPLY_FORM = 'form[action^="?/reply"]';

interface Api {
	(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, cookie: string, body?: unknown): Promise<Response>;
}

describe.skipIf(!hasChromium)('discussions in the browser', () => {
	let h: Harness;
	let origin: string;
	let api: Api;
	const cookies = { admin: '', moderator: '', member: '' };
	let slug = '';
	let seq = 0;

	async function login(email: string): Promise<string> {
		const res = await fetch(`${origin}/api/v1/sessions`, {
			method: 'POST',
			headers: { origin, 'content-type': 'application/json' },
			body: JSON.stringify({ email, password: DEMO_PASSWORD })
		});
		expect(res.status).toBe(200);
		return res.headers.getSetCookie()[0]!.split(';')[0]!;
	}

	/** A thread through the API; returns its id and first post's id. */
	async function thread(cookie: string, title: string, body: string, kind = 'discussion', space = slug) {
		const res = await api('POST', `/spaces/${space}/threads`, cookie, { title, body, kind });
		expect(res.status, await res.clone().text()).toBe(201);
		const page = (await res.json()) as { thread: { id: string }; posts: { id: string }[] };
		return { id: page.thread.id, firstPostId: page.posts[0]!.id };
	}

	async function reply(cookie: string, threadId: string, body: string) {
		const res = await api('POST', `/threads/${threadId}/posts`, cookie, { body });
		expect(res.status, await res.clone().text()).toBe(201);
		return (await res.json()) as { id: string; number: number };
	}

	/** A browser context signed in with an API session (no login form to go through). */
	async function signedIn(cookie: string, options: Parameters<Harness['context']>[0] = {}) {
		const made = await h.context(options);
		const [name, value] = cookie.split('=') as [string, string];
		await made.context.addCookies([{ name, value, url: origin }]);
		return made;
	}

	const unique = (tag: string) => `${tag}-${Date.now().toString(36)}-${++seq}`;
	const posts = (page: Page) => page.locator('article.post');

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
		cookies.member = await login(demo.member.email);
		slug = unique('essais').toLowerCase();
		const res = await api('POST', '/spaces', cookies.admin, {
			name: 'Espace des essais',
			slug,
			description: 'Un espace pour les **essais** du navigateur.',
			visibility: 'public'
		});
		expect(res.status).toBe(201);
	});
	afterAll(async () => {
		await h?.close();
	});

	describe.each(modes)('$name', ({ js }) => {
		it('reads a thread and replies; a failed reply keeps the text', async () => {
			const t = await thread(cookies.moderator, 'Calendrier des cotisations', 'Quel calendrier pour les **cotisations** ?');
			const { page, problems } = await signedIn(cookies.member, { javaScriptEnabled: js });
			await page.goto(`/fils/${t.id}`);
			await page.getByRole('heading', { level: 1, name: 'Calendrier des cotisations' }).waitFor();
			expect(await page.getByRole('main').getByRole('link', { name: 'Espace des essais' }).getAttribute('href')).toBe(
				`/espaces/${slug}`
			);
			expect(await page.locator('#p-1 .post-body strong').textContent()).toBe('cotisations');
			expect(await page.locator('#p-1').getByRole('link', { name: demo.moderator.name }).count()).toBe(1);
			await ready(page, js, REPLY_FORM);
			if (js) await markDocument(page);

			// Too short: refused, the text stays and the error is said.
			const box = page.getByLabel('Votre réponse');
			await box.fill('x');
			await page.getByRole('button', { name: 'Publier la réponse' }).click();
			await page.locator('#reply-body-error').waitFor();
			expect(await page.getByLabel('Votre réponse').inputValue()).toBe('x');
			expect(await page.getByRole('status').filter({ hasText: 'Échec — réessayer' }).count()).toBe(1);

			const text = unique('Chez nous, trois versements');
			await page.getByLabel('Votre réponse').fill(text);
			await page.getByRole('button', { name: /Réessayer|Publier la réponse/ }).click();
			await page.locator('#p-2').getByText(text).waitFor();
			expect(await posts(page).filter({ hasText: text }).count()).toBe(1);
			expect(await page.getByLabel('Votre réponse').inputValue()).toBe('');
			if (js) {
				await page.getByRole('status').filter({ hasText: 'Réponse publiée.' }).waitFor();
			} else {
				expect(new URL(page.url()).hash).toBe('#p-2');
			}
			expect(await sameDocument(page)).toBe(js);
			// Sent once: the thread has two posts.
			const res = await api('GET', `/threads/${t.id}?n=1`, cookies.member);
			expect(((await res.json()) as { posts: unknown[] }).posts).toHaveLength(2);
			expectNoProblems(problems);
		});

		it('quotes a post in a reply', async () => {
			const t = await thread(cookies.moderator, 'Paquet minimum de soins', 'Le paquet minimum doit couvrir les accouchements.');
			const { page, problems } = await signedIn(cookies.member, { javaScriptEnabled: js });
			await page.goto(`/fils/${t.id}`);
			await ready(page, js, REPLY_FORM);
			await page.locator('#p-1').getByRole('link', { name: 'Répondre en citant' }).click();
			await expect.poll(() => page.getByLabel('Votre réponse').inputValue()).toContain('> Le paquet minimum doit couvrir');
			const box = page.getByLabel('Votre réponse');
			expect(await box.inputValue()).toContain(`> [${demo.moderator.name} a écrit](/fils/${t.id}?n=1#p-1) :`);
			expect(await page.locator(`${REPLY_FORM} input[name="quotePostId"]`).getAttribute('value')).toBe(t.firstPostId);
			await ready(page, js, REPLY_FORM);
			await box.press('ControlOrMeta+End');
			await box.pressSequentially('Et les consultations prénatales.');
			await page.getByRole('button', { name: 'Publier la réponse' }).click();
			const quoted = page.locator('#p-2 .post-body blockquote');
			await quoted.waitFor();
			expect(await quoted.getByRole('link', { name: `${demo.moderator.name} a écrit` }).getAttribute('href')).toBe(
				`/fils/${t.id}?n=1#p-1`
			);
			expect(await page.locator('#p-2 .post-body > p').last().textContent()).toBe('Et les consultations prénatales.');
			expectNoProblems(problems);
		});

		it('edits a post, marks it "modifié" with its history, and deletes another after a confirmation', async () => {
			const t = await thread(cookies.member, 'Cotisation annuelle', 'La cotisation est de 500 FCFA par personne.');
			const second = await reply(cookies.member, t.id, 'Un message de trop.');
			const { page, problems } = await signedIn(cookies.member, { javaScriptEnabled: js });
			await page.goto(`/fils/${t.id}?n=1`);
			await ready(page, js, REPLY_FORM);
			await page.locator('#p-1').getByRole('link', { name: 'Modifier' }).click();
			const box = page.getByLabel('Modifier le message');
			await box.waitFor();
			expect(await box.inputValue()).toBe('La cotisation est de 500 FCFA par personne.');
			await ready(page, js, 'form[action*="?/edit"]');
			await box.fill('La cotisation est de 700 FCFA par personne.');
			await page.getByRole('button', { name: 'Enregistrer' }).click();
			await page.locator('#p-1 .post-body').getByText('700 FCFA').waitFor();
			expect(await page.getByLabel('Modifier le message').count()).toBe(0);

			// The second post, deleted after the confirmation step (a <details>, no script needed).
			await page.locator(`#p-${second.number}`).getByText('Supprimer…').click();
			await ready(page, js, `#p-${second.number} form[action*="?/delete"]`);
			await page.locator(`#p-${second.number}`).getByRole('button', { name: 'Confirmer la suppression' }).click();
			await page.locator(`#p-${second.number} .placeholder`).getByText('Message supprimé').waitFor();
			expect(await page.locator(`#p-${second.number}`).getByText('Un message de trop.').count()).toBe(0);

			await page.locator('#p-1').getByRole('link', { name: 'modifié' }).click();
			await page.getByRole('heading', { level: 1, name: 'Historique du message n° 1' }).waitFor();
			expect(await page.locator('del').allTextContents()).toEqual(['retiré :500']);
			expect(await page.locator('ins').allTextContents()).toEqual(['ajouté :700']);
			expect(await page.getByRole('heading', { level: 2 }).allTextContents()).toEqual([
				expect.stringContaining('Version 2 (actuelle)'),
				expect.stringContaining('Version 1')
			]);
			expectNoProblems(problems);
		});

		it('marks a post "utile" and takes the vote back', async () => {
			const t = await thread(cookies.moderator, 'Délai de carence', 'Trois mois de carence, est-ce trop ?');
			const { page, problems } = await signedIn(cookies.member, { javaScriptEnabled: js });
			await page.goto(`/fils/${t.id}`);
			await ready(page, js, '#p-1 form[action^="?/vote"]');
			await page.locator('#p-1').getByRole('button', { name: 'Utile', exact: true }).click();
			await page.locator('#p-1').getByRole('button', { name: 'Retirer « utile »' }).waitFor();
			expect(await page.locator('#p-1').getByText('1 utile').count()).toBe(1);
			await ready(page, js, '#p-1 form[action^="?/vote"]');
			await page.locator('#p-1').getByRole('button', { name: 'Retirer « utile »' }).click();
			await page.locator('#p-1').getByRole('button', { name: 'Utile', exact: true }).waitFor();
			await page.locator('#p-1').getByText('1 utile').waitFor({ state: 'detached' });
			// Nobody votes for their own post: no button for the author.
			const own = await signedIn(cookies.moderator, { javaScriptEnabled: js });
			await own.page.goto(`/fils/${t.id}`);
			expect(await own.page.locator('#p-1').getByRole('button', { name: 'Utile', exact: true }).count()).toBe(0);
			expectNoProblems(problems);
		});
	});

	describe('live (JavaScript on)', () => {
		/** Waits until the page's socket watches the thread (the presence line appears). */
		const watching = (page: Page) => page.getByText(/(personne lit|personnes lisent) ce fil/).waitFor();

		it('shows a reply from another browser without reloading, and who is reading', async () => {
			const t = await thread(cookies.moderator, 'Assemblée générale annuelle', 'Quand tenir l’assemblée générale ?');
			const a = await signedIn(cookies.member);
			const b = await signedIn(cookies.moderator);
			await a.page.goto(`/fils/${t.id}`);
			await b.page.goto(`/fils/${t.id}`);
			await watching(a.page);
			await watching(b.page);
			await b.page.getByText('2 personnes lisent ce fil').waitFor();
			await markDocument(b.page);

			await ready(a.page, true, REPLY_FORM);
			const text = unique('Après les récoltes, en décembre');
			await a.page.getByLabel('Votre réponse').fill(text);
			await a.page.getByRole('button', { name: 'Publier la réponse' }).click();

			await b.page.locator('#p-2').getByText(text).waitFor();
			expect(await posts(b.page).filter({ hasText: text }).count()).toBe(1);
			expect(
				await b.page
					.locator('[aria-live="polite"]')
					.filter({ hasText: `Nouvelle réponse de ${demo.member.name}.` })
					.count()
			).toBe(1);
			expect(await sameDocument(b.page)).toBe(true);
			// The sender sees it once too (the form's answer and the event are the same post).
			expect(await posts(a.page).filter({ hasText: text }).count()).toBe(1);
			expectNoProblems(a.problems);
			expectNoProblems(b.problems);
		});

		it('catches up after a lost connection: what was missed appears, exactly once', async () => {
			const t = await thread(cookies.moderator, 'Suivi des impayés', 'Comment relancer sans exclure ?');
			const first = await reply(cookies.member, t.id, 'Une visite à domicile.');
			const { context, page, problems } = await signedIn(cookies.moderator);
			await page.goto(`/fils/${t.id}?n=1`);
			await watching(page);
			await markDocument(page);

			await context.setOffline(true);
			// The socket drops at once ('offline' event); give the page a moment to notice.
			await page.waitForTimeout(300);
			const missed = unique('Manqué pendant la coupure');
			await reply(cookies.member, t.id, missed);
			expect(
				(await api('PATCH', `/posts/${first.id}`, cookies.member, { body: 'Une visite à domicile, puis un appel.' })).status
			).toBe(200);
			await page.waitForTimeout(300);
			expect(await posts(page).filter({ hasText: missed }).count()).toBe(0);

			await context.setOffline(false);
			await page.locator('#p-3').getByText(missed).waitFor({ timeout: 15_000 });
			await page.locator('#p-2').getByText('puis un appel').waitFor();
			// Live again after the catch-up, and nothing twice.
			const after = unique('Après le retour');
			await reply(cookies.member, t.id, after);
			await page.locator('#p-4').getByText(after).waitFor();
			await page.waitForTimeout(300);
			expect(await posts(page).count()).toBe(4);
			expect(await posts(page).filter({ hasText: missed }).count()).toBe(1);
			expect(await page.locator('#p-3').count()).toBe(1);
			expect(await sameDocument(page)).toBe(true);
			expectNoProblems(problems);
		});

		it('resends a reply whose answer was lost with the same key: one post, not two', async () => {
			const t = await thread(cookies.moderator, 'Réseau instable', 'Que se passe-t-il quand la réponse se perd ?');
			const { page, problems } = await signedIn(cookies.member);
			await page.goto(`/fils/${t.id}`);
			await watching(page);
			await ready(page, true, REPLY_FORM);
			let lost = false;
			await page.route(/\?\/reply/, async (route) => {
				if (lost) return route.continue();
				lost = true;
				// The server takes the reply, the answer never comes back.
				await route.fetch();
				await route.abort('connectionreset');
			});
			const text = unique('Envoyée une seule fois');
			await page.getByLabel('Votre réponse').fill(text);
			await page.getByRole('button', { name: 'Publier la réponse' }).click();
			await page.getByRole('status').filter({ hasText: 'Échec — réessayer' }).waitFor();
			expect(await page.getByLabel('Votre réponse').inputValue()).toBe(text);
			await page.getByRole('button', { name: 'Réessayer' }).click();
			await page.getByRole('status').filter({ hasText: 'Réponse publiée.' }).waitFor();
			expect(await page.getByLabel('Votre réponse').inputValue()).toBe('');
			expect(await posts(page).filter({ hasText: text }).count()).toBe(1);
			const res = await api('GET', `/threads/${t.id}?n=1`, cookies.member);
			expect(((await res.json()) as { posts: unknown[] }).posts).toHaveLength(2);
			expectNoProblems(problems);
		});

		it('keeps the draft of a reply across a reload, and forgets it once sent', async () => {
			const t = await thread(cookies.moderator, 'Brouillons de réponses', 'Écrivez, rechargez, retrouvez.');
			const { page, problems } = await signedIn(cookies.member);
			await page.goto(`/fils/${t.id}`);
			await ready(page, true, REPLY_FORM);
			const text = unique('Une réponse commencée');
			await page.getByLabel('Votre réponse').fill(text);
			await expect.poll(() => page.evaluate((key) => localStorage.getItem(key), `palabre:brouillon:${t.id}`)).toContain(text);
			await page.reload();
			await ready(page, true, REPLY_FORM);
			await expect.poll(() => page.getByLabel('Votre réponse').inputValue()).toBe(text);

			await page.getByRole('button', { name: 'Publier la réponse' }).click();
			await page.locator('#p-2').getByText(text).waitFor();
			await page.reload();
			await ready(page, true, REPLY_FORM);
			await page.waitForTimeout(200);
			expect(await page.getByLabel('Votre réponse').inputValue()).toBe('');
			expect(await page.evaluate((key) => localStorage.getItem(key), `palabre:brouillon:${t.id}`)).toBeNull();
			expectNoProblems(problems);
		});

		it('offers new threads of a space live, and updates the notification badge', async () => {
			const { page, problems } = await signedIn(cookies.member);
			await page.goto(`/espaces/${slug}`);
			await page.getByRole('heading', { level: 1, name: 'Espace des essais' }).waitFor();
			await page.waitForLoadState('networkidle');
			const t = await thread(cookies.moderator, unique('Nouveau fil en direct'), 'Un fil ouvert pendant la lecture.');
			const notice = page.getByText(/1 fil nouveau ou mis à jour/);
			await notice.waitFor();
			await page.getByRole('button', { name: 'actualiser' }).click();
			await page.locator(`a[href="/fils/${t.id}"]`).waitFor();
			await notice.waitFor({ state: 'detached' });

			// A reply in a thread the member wrote in: the header's badge counts it at once.
			const mine = await thread(cookies.member, 'Fil suivi par le membre', 'Je suivrai les réponses.');
			const bell = page.getByRole('banner').getByRole('link', { name: /^Notifications/ });
			const badge = bell.locator('.badge');
			const before = (await badge.count()) > 0 ? Number((await badge.textContent())?.match(/\d+/)?.[0]) : 0;
			await reply(cookies.moderator, mine.id, 'Une réponse qui notifie.');
			await expect.poll(() => bell.textContent()).toMatch(new RegExp(`Notifications\\s*${before + 1}\\s*non lues?\\s*$`));

			await bell.click();
			await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
			const item = page.locator('li', { hasText: 'Fil suivi par le membre' }).first();
			expect(await item.textContent()).toContain('Réponse');
			expect(await item.textContent()).toContain(demo.moderator.name);
			await page.getByRole('button', { name: 'Tout marquer comme lu' }).click();
			await expect.poll(() => badge.count()).toBe(0);
			expectNoProblems(problems);
		});
	});

	describe('spaces (JavaScript off)', () => {
		it('lists spaces, opens a thread with the form, joins and leaves', async () => {
			const { page, problems } = await signedIn(cookies.member, { javaScriptEnabled: false });
			await page.goto('/');
			await page.getByRole('banner').getByRole('link', { name: 'Espaces' }).click();
			await page.getByRole('heading', { level: 1, name: 'Espaces de discussion' }).waitFor();
			await page.getByRole('link', { name: 'Espace des essais' }).click();
			await page.getByRole('heading', { level: 1, name: 'Espace des essais' }).waitFor();

			await page.getByRole('button', { name: 'Rejoindre l’espace' }).click();
			await page.getByText('Vous avez rejoint l’espace.').waitFor();

			// A failed thread keeps what was typed; the fixed one opens its page.
			await page.getByLabel('Titre').fill('Q ?');
			await page.getByLabel('Type de fil').selectOption('question');
			await page.getByLabel('Message', { exact: true }).fill('Quelle part de la cotisation pour la réserve ?');
			expect(await page.locator('#kind option[value="announcement"]').count()).toBe(0);
			await page.getByRole('button', { name: 'Publier le fil' }).click();
			await page.locator('#title-error').waitFor();
			expect(await page.getByLabel('Message', { exact: true }).inputValue()).toBe(
				'Quelle part de la cotisation pour la réserve ?'
			);
			expect(await page.getByLabel('Type de fil').inputValue()).toBe('question');
			const title = unique('Réserve de sécurité');
			await page.getByLabel('Titre').fill(title);
			await page.getByRole('button', { name: 'Publier le fil' }).click();
			await page.getByRole('heading', { level: 1, name: title }).waitFor();
			expect(new URL(page.url()).pathname).toMatch(/^\/fils\/[0-9a-f-]{36}$/);
			expect(await page.getByText('Question', { exact: true }).count()).toBe(1);

			await page.goto(`/espaces/${slug}`);
			expect(await page.getByRole('link', { name: title }).count()).toBe(1);
			await page.getByRole('button', { name: 'Quitter l’espace' }).click();
			await page.getByText('Vous avez quitté l’espace.').waitFor();
			expectNoProblems(problems);
		});

		it('lets a manager invite by @handle, and the invited member accept', async () => {
			const privateSlug = unique('prive').toLowerCase();
			const res = await api('POST', '/spaces', cookies.admin, { name: 'Espace privé', slug: privateSlug, visibility: 'private' });
			expect(res.status).toBe(201);
			const me = (await (await api('GET', '/me', cookies.member)).json()) as { handle: string };

			const admin = await signedIn(cookies.admin, { javaScriptEnabled: false });
			await admin.page.goto(`/espaces/${privateSlug}/membres`);
			await admin.page.getByLabel('Identifiant du membre').fill(`@${me.handle}`);
			await admin.page.getByRole('button', { name: 'Inviter' }).click();
			await admin.page.getByText(`${demo.member.name} a été invité·e.`).waitFor();

			const member = await signedIn(cookies.member, { javaScriptEnabled: false });
			await member.page.goto('/espaces');
			await member.page.getByText('Vous êtes invité·e à rejoindre l’espace « Espace privé ».').waitFor();
			await member.page.getByRole('button', { name: 'Accepter l’invitation' }).click();
			await member.page.getByRole('heading', { level: 1, name: 'Espace privé' }).waitFor();
			expect(await member.page.getByText('Vous êtes membre de cet espace.').count()).toBe(1);

			await admin.page.reload();
			await admin.page.getByRole('heading', { level: 2, name: '2 membres' }).waitFor();
			await admin.page
				.locator('li', { hasText: demo.member.name })
				.getByRole('button', { name: 'Nommer modérateur·rice' })
				.click();
			await admin.page.getByText('Rôle modifié.').waitFor();
			expect(await admin.page.locator('li', { hasText: demo.member.name }).textContent()).toContain(
				'modérateur·rice de l’espace'
			);
			expectNoProblems(admin.problems);
			expectNoProblems(member.problems);
		});
	});

	describe('XSS corpora (shared/testdata/xss) as posts and titles', () => {
		const corpusDir = new URL('../../../shared/testdata/xss/', import.meta.url);

		/** The payloads, read as tests/unit/xss-corpus.test.ts reads them. */
		function payloads(): string[] {
			const all: string[] = [];
			for (const file of readdirSync(corpusDir).sort()) {
				if (!file.endsWith('.txt')) continue;
				const [, ...lines] = readFileSync(new URL(file, corpusDir), 'utf8').replace(/\n$/, '').split('\n');
				const records: string[] = [];
				if (lines.some((line) => /^### vector \d+$/.test(line))) {
					for (const line of lines) {
						if (/^### vector \d+$/.test(line)) records.push('');
						else if (records.length > 0) records[records.length - 1] += records[records.length - 1] === '' ? line : `\n${line}`;
					}
				} else {
					records.push(...lines.filter((line) => line.trim() !== ''));
				}
				all.push(...records);
			}
			return all;
		}

		/** Records every way a payload could make itself seen, before any page script runs. */
		const trap = () => {
			const calls: string[] = [];
			(window as unknown as { __xss: string[] }).__xss = calls;
			for (const name of ['alert', 'prompt', 'confirm', 'print'] as const) {
				Object.defineProperty(window, name, {
					configurable: false,
					writable: false,
					value: (...args: unknown[]) => {
						calls.push(`${name}(${args.map(String).join(', ')})`);
						return null;
					}
				});
			}
		};

		async function visit(page: Page, path: string) {
			const navigations: string[] = [];
			const onNavigate = (frame: import('playwright-core').Frame) => {
				if (frame === page.mainFrame()) navigations.push(frame.url());
			};
			await page.goto(path, { waitUntil: 'load' });
			await markDocument(page);
			page.on('framenavigated', onNavigate);
			// Give hydration, timers, failed resources and hover handlers their chance.
			await page.mouse.move(200, 300);
			await page.mouse.move(300, 500);
			await page.waitForTimeout(200);
			page.off('framenavigated', onNavigate);
			// SvelteKit records its history state in place (same URL): anything else is a navigation.
			expect(
				navigations.filter((url) => url !== `${origin}${path}`),
				`${path} navigated by itself`
			).toEqual([]);
			expect(await sameDocument(page), `${path} was replaced`).toBe(true);
			expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(path);
			expect(await page.evaluate(() => (window as unknown as { __xss: string[] }).__xss)).toEqual([]);
		}

		it('runs none of them, on thread pages, in the space list and live', async () => {
			const vectors = payloads();
			expect(vectors.length).toBeGreaterThan(200);
			const spaceSlug = unique('xss').toLowerCase();
			expect(
				(await api('POST', '/spaces', cookies.admin, { name: 'Essais XSS', slug: spaceSlug, visibility: 'public' })).status
			).toBe(201);

			// Titles: every vector, packed into titles of at most 150 characters (longer ones cut).
			const titles: string[] = [];
			let current = '';
			for (const vector of vectors.map((v) => v.replace(/\s+/g, ' ').trim().slice(0, 150))) {
				if (vector.length < 5) continue;
				if (current && current.length + 1 + vector.length > 150) {
					titles.push(current);
					current = '';
				}
				current = current ? `${current} ${vector}` : vector;
			}
			if (current) titles.push(current);
			const titled: string[] = [];
			for (const title of titles)
				titled.push((await thread(cookies.moderator, title, 'Titre piégé.', 'discussion', spaceSlug)).id);

			// Bodies: every vector, about fifteen to a post, in one thread open in the browser meanwhile.
			const host = await thread(
				cookies.moderator,
				'Corps piégés',
				'Les messages suivants viennent des corpus XSS.',
				'discussion',
				spaceSlug
			);
			const { context, page, problems } = await h.context();
			await context.addInitScript(trap);
			const dialogs: string[] = [];
			page.on('dialog', (dialog) => {
				dialogs.push(dialog.message());
				void dialog.dismiss();
			});
			await page.goto(`/fils/${host.id}`, { waitUntil: 'networkidle' });
			const batches: string[] = [];
			for (let i = 0; i < vectors.length; i += 15) batches.push(vectors.slice(i, i + 15).join('\n\n'));
			for (const body of batches) await reply(cookies.member, host.id, body);
			// Arrived live (the page was on the thread's last page).
			await page.locator(`#p-${batches.length + 1}`).waitFor();
			expect(new URL(page.url()).pathname).toBe(`/fils/${host.id}`);
			expect(await page.evaluate(() => (window as unknown as { __xss: string[] }).__xss)).toEqual([]);

			await visit(page, `/fils/${host.id}?n=1`);
			expect(await posts(page).count()).toBe(batches.length + 1);
			for (const id of titled.slice(0, 3)) await visit(page, `/fils/${id}`);
			// Every title through the space's pages of threads.
			let next: string | null = `/espaces/${spaceSlug}`;
			let listed = 0;
			while (next) {
				await visit(page, next);
				listed += await page.locator('ul.threads > li').count();
				next = await page
					.getByRole('link', { name: 'Fils plus anciens' })
					.getAttribute('href', { timeout: 500 })
					.catch(() => null);
				if (next) next = `/espaces/${spaceSlug}${next}`;
			}
			expect(listed).toBe(titled.length + 1);
			expect(dialogs).toEqual([]);
			expect(problems.list.filter((p) => p.startsWith('script error'))).toEqual([]);
		});
	});

	describe('weight', () => {
		/** One response as sent (still compressed): how pages.test.ts measures. */
		function fetchRaw(url: string, cookie: string, acceptEncoding = 'br, gzip') {
			return new Promise<{ status: number; encoding: string | undefined; body: Buffer }>((resolve, reject) => {
				const req = httpRequest(url, { headers: { 'accept-encoding': acceptEncoding, cookie } }, (res) => {
					const chunks: Buffer[] = [];
					res.on('data', (chunk: Buffer) => chunks.push(chunk));
					res.on('end', () =>
						resolve({ status: res.statusCode ?? 0, encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) })
					);
					res.on('error', reject);
				});
				req.on('error', reject);
				req.end();
			});
		}

		it('serves a 20-post thread in ≤ 60 KB (HTML + JS + CSS, compressed), first post within the first 14 KB', async () => {
			const paragraph =
				'Dans notre union, les mutuelles versent la cotisation en trois fois, calées sur les récoltes. ' +
				'Le délai de carence ne s’applique qu’après deux échéances manquées, et le **paquet minimum** reste ouvert aux enfants. ' +
				'Nous tenons une assemblée générale chaque année pour revoir le montant.';
			const t = await thread(
				cookies.moderator,
				'Vingt messages sur les cotisations',
				`${paragraph}\n\nQu’en pensez-vous ?`,
				'question'
			);
			for (let i = 2; i <= 20; i++) {
				await reply(
					i % 2 ? cookies.moderator : cookies.admin,
					t.id,
					`Réponse ${i}. ${paragraph}\n\n- premier point\n- second point`
				);
			}
			const path = `/fils/${t.id}`;
			const { page } = await signedIn(cookies.member);
			const seen: { url: string; type: string; transferred: number }[] = [];
			const pending: Promise<void>[] = [];
			page.on('requestfinished', (request) => {
				pending.push(
					request.sizes().then((sizes) => {
						seen.push({
							url: request.url(),
							type: request.resourceType(),
							transferred: sizes.responseBodySize + sizes.responseHeadersSize
						});
					})
				);
			});
			await page.goto(path, { waitUntil: 'networkidle' });
			await Promise.all(pending);
			expect(await posts(page).count()).toBe(20);

			const counted = seen.filter((r) => ['document', 'script', 'stylesheet'].includes(r.type));
			const browserBytes = counted.reduce((sum, r) => sum + r.transferred, 0);
			let served = 0;
			const rows: string[] = [];
			for (const r of counted) {
				const raw = await fetchRaw(r.url, cookies.member);
				expect(raw.status).toBe(200);
				expect(raw.encoding, `${r.url} is compressed`).toMatch(/^(br|gzip)$/);
				served += raw.body.length;
				rows.push(`${r.type.padEnd(10)} ${String(raw.body.length).padStart(6)} B  ${new URL(r.url).pathname}`);
			}
			// The member has now read the thread: the HTML measured is the same page from post 1.
			const html = (await fetchRaw(`${origin}${path}?n=1`, cookies.member, 'identity')).body.toString('utf8');
			const start = html.indexOf('id="p-1"');
			const end = html.indexOf('</article>', start) + '</article>'.length;
			expect(start).toBeGreaterThan(0);
			const compressedPrefix = brotliCompressSync(Buffer.from(html.slice(0, end))).length;
			console.log(
				`thread page (20 posts) first load: ${counted.length} resources, ${(served / KB).toFixed(1)} KB as served ` +
					`(${(browserBytes / KB).toFixed(1)} KB transferred to Chromium incl. headers); ` +
					`first post ends at ${(Buffer.byteLength(html.slice(0, end)) / KB).toFixed(1)} KB of HTML ` +
					`(${(compressedPrefix / KB).toFixed(1)} KB compressed), HTML ${(Buffer.byteLength(html) / KB).toFixed(1)} KB\n  ${rows.join('\n  ')}`
			);
			expect(served).toBeLessThanOrEqual(60 * KB);
			expect(Buffer.byteLength(html.slice(0, end))).toBeLessThanOrEqual(14 * KB);
		});
	});

	describe('accessibility (axe-core) and small screens', () => {
		it('finds no serious or critical violation on spaces, a space, a thread and notifications', async () => {
			const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
			const t = await thread(
				cookies.moderator,
				'Fil pour l’accessibilité',
				'Un message *simple* avec un [lien](https://example.org).',
				'question'
			);
			const answer = await reply(cookies.admin, t.id, 'Une réponse acceptée.');
			await api('PUT', `/threads/${t.id}/accepted`, cookies.moderator, { postId: answer.id });
			const report: Record<string, unknown> = {};
			for (const colorScheme of ['light', 'dark'] as const) {
				const { page } = await signedIn(cookies.member, { bypassCSP: true, colorScheme });
				const paths =
					colorScheme === 'light'
						? ['/espaces', `/espaces/${slug}`, `/fils/${t.id}?n=1`, '/notifications', `/espaces/${slug}/membres`]
						: [`/espaces/${slug}`, `/fils/${t.id}?n=1`];
				for (const path of paths) {
					await page.goto(path, { waitUntil: 'load' });
					await page.addScriptTag({ content: axeSource });
					report[`${path} (${colorScheme})`] = (
						await page.evaluate(async () => {
							const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
							const result = await axe.run(document, { resultTypes: ['violations'] });
							return result.violations.map((v) => ({
								id: v.id,
								impact: v.impact,
								targets: v.nodes.slice(0, 3).map((n) => n.target.join(' '))
							}));
						})
					).filter((v) => v.impact === 'serious' || v.impact === 'critical');
				}
			}
			expect(report, JSON.stringify(report, null, 1)).toEqual(Object.fromEntries(Object.keys(report).map((k) => [k, []])));
		});

		it('has no horizontal scroll at 360 px on the spaces, a space and a thread', async () => {
			const t = await thread(
				cookies.moderator,
				'Un titre assez long pour passer sur plusieurs lignes à 360 pixels de large',
				'Une adresse sans espace : https://example.org/un/chemin/tres/long/qui/ne/se/coupe/pas/tout/seul/dans/la/page\n\n| a | b | c |\n|---|---|---|\n| une | table | large |'
			);
			const { page, problems } = await signedIn(cookies.member, { viewport: { width: 360, height: 740 } });
			for (const path of ['/espaces', `/espaces/${slug}`, `/fils/${t.id}`]) {
				await page.goto(path);
				const result = await page.evaluate(() => ({
					width: document.documentElement.clientWidth,
					scrollWidth: document.documentElement.scrollWidth
				}));
				expect(result.scrollWidth, path).toBeLessThanOrEqual(result.width);
			}
			expectNoProblems(problems);
		});
	});
});
