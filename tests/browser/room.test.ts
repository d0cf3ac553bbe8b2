import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demo, expectNoProblems, hasChromium, startHarness, type Harness } from './support.ts';

/*
 * The live room of an event in Chromium against the built app. Without JavaScript: post a
 * line, ask, vote, a double submit stored once, a refused line that keeps its text. With
 * JavaScript on a 400 kbit/s, 400 ms link: the first load's weight, two participants who see
 * each other live, a line written offline that waits, leaves once back online and reaches
 * the other exactly once, the composer's draft kept through a reload, and a moderator muting
 * from the presence list (with and without JavaScript). Events are made through the API
 * (their start is past, so their rooms are open).
 */
const KB = 1024;

interface Api {
	(method: 'GET' | 'POST', path: string, cookie: string, body?: unknown): Promise<Response>;
}

describe.skipIf(!hasChromium)('the live room in the browser', () => {
	let h: Harness;
	let origin: string;
	let api: Api;
	const cookies = { admin: '', moderator: '', member: '' };

	async function login(email: string): Promise<string> {
		const res = await fetch(`${origin}/api/v1/sessions`, {
			method: 'POST',
			headers: { origin, 'content-type': 'application/json' },
			body: JSON.stringify({ email, password: DEMO_PASSWORD })
		});
		expect(res.status).toBe(200);
		return res.headers.getSetCookie()[0]!.split(';')[0]!;
	}

	async function signedIn(cookie: string, js: boolean, bypassCSP = false) {
		const made = await h.context({ javaScriptEnabled: js, bypassCSP });
		const [name, value] = cookie.split('=') as [string, string];
		await made.context.addCookies([{ name, value, url: origin }]);
		return made;
	}

	/** An event of the admin's that started ten minutes ago (its room is open), the member and the moderator registered. */
	async function liveEvent(title: string): Promise<string> {
		const spaces = (await (await api('GET', '/spaces', cookies.admin)).json()) as {
			items: { slug: string; visibility: string }[];
		};
		const space = spaces.items.find((s) => s.visibility === 'public')!;
		const local = (ms: number) => new Date(Date.now() + ms).toISOString().slice(0, 16);
		const res = await api('POST', '/events', cookies.admin, {
			space: space.slug,
			kind: 'webinaire',
			title,
			startsAt: local(-10 * 60_000),
			endsAt: local(2 * 3600_000),
			timeZone: 'UTC',
			onlineUrl: 'https://visio.example.org/salle'
		});
		expect(res.status, await res.clone().text()).toBe(201);
		const { id } = (await res.json()) as { id: string };
		for (const cookie of [cookies.member, cookies.moderator]) {
			const registered = await api('POST', `/events/${id}/registration`, cookie);
			expect(registered.status, await registered.clone().text()).toBe(200);
		}
		return id;
	}

	/** A form action posted as a browser without JavaScript would (the answer's redirect is not followed). */
	function action(cookie: string, path: string, fields: Record<string, string>) {
		return fetch(`${origin}${path}`, {
			method: 'POST',
			redirect: 'manual',
			headers: { origin, cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams(fields)
		});
	}

	/** The stored chat, as the plain-text transcript gives it. */
	async function transcript(eventId: string): Promise<string> {
		const res = await api('GET', `/events/${eventId}/transcript?format=txt`, cookies.admin);
		expect(res.status).toBe(200);
		return res.text();
	}

	const occurrences = (text: string, needle: string) => text.split(needle).length - 1;
	const line = (page: Page, text: string) => page.locator('.chat .line', { hasText: text });

	beforeAll(async () => {
		h = await startHarness();
		origin = h.server.origin;
		api = (method, path, cookie, body) =>
			fetch(`${origin}/api/v1${path}`, {
				method,
				headers: { origin, cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
				...(body === undefined ? {} : { body: JSON.stringify(body) })
			});
		const [admin, moderator, member] = await Promise.all([demo.admin, demo.moderator, demo.member].map((u) => login(u.email)));
		Object.assign(cookies, { admin, moderator, member });
	});
	afterAll(async () => {
		await h?.close();
	});

	it('posts, asks and votes without JavaScript; a double submit stores once; a refused line keeps its text', async () => {
		const eventId = await liveEvent('Atelier sans JavaScript');
		const path = `/evenements/${eventId}/salle`;
		const { page, problems } = await signedIn(cookies.member, false);
		await page.goto(path);
		await page.getByRole('heading', { level: 1, name: 'Salle en direct — Atelier sans JavaScript' }).waitFor();
		expect(await page.locator('.room-state').textContent()).toContain('Salle ouverte');
		expect(await page.getByRole('link', { name: 'Actualiser la salle' }).getAttribute('href')).toBe('?');

		// A line, then the same form posted twice (double tap): one line.
		await page.getByLabel('Votre message').fill('Bonjour à toutes et à tous, **Mariam** de Bamako.');
		await page.getByRole('button', { name: 'Envoyer' }).click();
		await line(page, 'de Bamako').waitFor();
		// Markdown rendered by the server.
		expect(await line(page, 'de Bamako').locator('.line-body strong').textContent()).toBe('Mariam');
		const clientKey = (await page.locator('form[action="?/send"] input[name="clientKey"]').inputValue())!;
		for (let i = 0; i < 2; i++) {
			const res = await action(cookies.member, `${path}?/send`, { clientKey, body: 'Envoyé deux fois, gardé une fois.' });
			expect(res.status).toBe(303);
		}

		// A question, then a vote: the button stays off once voted.
		await page.getByLabel('Votre question').fill('Les cotisations sont-elles prises en compte pour le calcul du plafond ?');
		await page.getByRole('button', { name: 'Poser la question' }).click();
		const question = page.locator('.question', { hasText: 'calcul du plafond' });
		await question.waitFor();
		expect(await question.locator('.votes strong').textContent()).toBe('0');
		await question.getByRole('button', { name: 'Voter' }).click();
		await page.locator('.question', { hasText: 'calcul du plafond' }).getByRole('button', { name: 'Vote enregistré' }).waitFor();
		expect(await page.locator('.question', { hasText: 'calcul du plafond' }).locator('.votes strong').textContent()).toBe('1');
		expect(await page.getByRole('button', { name: 'Vote enregistré' }).isDisabled()).toBe(true);
		expect(await line(page, 'gardé une fois').count()).toBe(1);

		// Slow mode (set by the organiser): the first line goes, the next one is refused and stays in the box.
		const slow = await action(cookies.admin, `${path}?/moderate`, { action: 'slow_mode', seconds: '120' });
		expect(slow.status).toBe(303);
		await page.getByLabel('Votre message').fill('Première ligne en mode lent.');
		await page.getByRole('button', { name: 'Envoyer' }).click();
		await line(page, 'Première ligne en mode lent').waitFor();
		expect(await page.locator('.room-state').textContent()).toContain('mode lent : 1 message toutes les 120 s');
		const refusedText = 'Deuxième ligne, trop tôt : elle doit rester dans la zone de saisie.';
		await page.getByLabel('Votre message').fill(refusedText);
		await page.getByRole('button', { name: 'Envoyer' }).click();
		await page.locator('#room-message-status', { hasText: 'Mode lent' }).waitFor();
		expect(await page.getByLabel('Votre message').inputValue()).toBe(refusedText);
		expect(await line(page, 'trop tôt').count()).toBe(0);

		const stored = await transcript(eventId);
		expect(occurrences(stored, 'gardé une fois')).toBe(1);
		expect(occurrences(stored, 'trop tôt')).toBe(0);
		expectNoProblems(problems);

		// Someone who is not registered watches read-only, invited to take part.
		const other = await h.context({ javaScriptEnabled: false });
		await other.page.goto(path);
		await other.page.getByRole('link', { name: 'Connectez-vous puis inscrivez-vous pour participer.' }).waitFor();
		expect(await other.page.locator('#room-message').count()).toBe(0);
		expect(await line(other.page, 'de Bamako').count()).toBe(1);
	});

	it('stays live on a 400 kbit/s, 400 ms link, queues a line written offline and delivers it once', async () => {
		const eventId = await liveEvent('Webinaire en direct sur un lien lent');
		const path = `/evenements/${eventId}/salle`;

		/** A participant's page on the slow link (Chromium's network emulation, through CDP). */
		async function slowPage(cookie: string, bypassCSP = false) {
			const made = await signedIn(cookie, true, bypassCSP);
			const cdp = await made.context.newCDPSession(made.page);
			await cdp.send('Network.enable');
			await cdp.send('Network.emulateNetworkConditions', {
				offline: false,
				latency: 400,
				downloadThroughput: (400 * 1000) / 8,
				uploadThroughput: (400 * 1000) / 8
			});
			return made;
		}
		const live = (page: Page, on = true) => page.locator(`.room[data-live="${on}"]`).waitFor({ timeout: 20_000 });

		// A conversation already under way: the first load carries its latest lines.
		const earlier = [
			'Dans notre mutuelle, les cotisations sont collectées chaque mois par les relais communautaires.',
			'Merci pour cette présentation très claire ; pouvez-vous partager les diapositives ?',
			'Chez nous à Thiès, le délai de carence est de trois mois après la première cotisation.'
		];
		let n = 0;
		for (const cookie of [cookies.admin, cookies.moderator, cookies.member]) {
			// Seven each: under the chat's rate limit (ten in ten seconds), with room for two more.
			for (let i = 0; i < 7; i++, n++) {
				const res = await action(cookie, `${path}?/send`, { clientKey: `earlier-${n}`, body: `${earlier[n % 3]} (${n + 1})` });
				expect(res.status).toBe(303);
			}
		}

		const mariam = await slowPage(cookies.member);
		// Koffi's page runs axe-core below (an inline script: his page's CSP is bypassed; Mariam's is checked).
		const koffi = await slowPage(cookies.moderator, true);

		// The first load, as transferred (compressed bodies): HTML, scripts and styles.
		const seen: { url: string; type: string; bytes: number }[] = [];
		const pending: Promise<void>[] = [];
		mariam.page.on('requestfinished', (request) => {
			pending.push(
				request.sizes().then((sizes) => {
					seen.push({ url: request.url(), type: request.resourceType(), bytes: sizes.responseBodySize });
				})
			);
		});
		await Promise.all([mariam.page.goto(path, { waitUntil: 'networkidle' }), koffi.page.goto(path)]);
		await Promise.all(pending);
		const counted = seen.filter((r) => ['document', 'script', 'stylesheet'].includes(r.type));
		const total = counted.reduce((sum, r) => sum + r.bytes, 0);
		console.log(
			`room page (${n} lines) first load on the slow link: ${counted.length} resources, ${(total / KB).toFixed(1)} KB\n  ` +
				counted.map((r) => `${r.type.padEnd(10)} ${String(r.bytes).padStart(6)} B  ${new URL(r.url).pathname}`).join('\n  ')
		);
		expect(total).toBeLessThanOrEqual(60 * KB);
		expect(seen.filter((r) => r.type === 'image')).toEqual([]);

		await Promise.all([live(mariam.page), live(koffi.page)]);

		// Each sees the other's line live.
		await mariam.page.getByLabel('Votre message').fill('Bonjour Koffi, vous m’entendez bien ?');
		await mariam.page.getByLabel('Votre message').press('Enter');
		await line(koffi.page, 'vous m’entendez bien').waitFor();
		await line(mariam.page, 'vous m’entendez bien').locator('.line-status', { hasText: 'envoyé' }).waitFor();
		await koffi.page.getByLabel('Votre message').fill('Très bien, Mariam. Bienvenue à toutes et à tous.');
		await koffi.page.getByRole('button', { name: 'Envoyer' }).click();
		await line(mariam.page, 'Bienvenue à toutes et à tous').waitFor();

		// Offline: the line waits on the device (kept in its storage), then leaves once back online.
		await mariam.context.setOffline(true);
		await live(mariam.page, false);
		const offlineText = 'Écrit pendant la coupure, envoyé au retour du réseau.';
		await mariam.page.getByLabel('Votre message').fill(offlineText);
		await mariam.page.getByRole('button', { name: 'Envoyer' }).click();
		await line(mariam.page, offlineText).locator('.line-status', { hasText: 'en attente' }).waitFor();
		const queued = await mariam.page.evaluate(() =>
			Object.keys(localStorage)
				.filter((k) => k.startsWith('palabre:salle:') && !k.endsWith(':brouillon'))
				.map((k) => localStorage.getItem(k))
				.join('')
		);
		expect(queued).toContain('Écrit pendant la coupure');
		expect(await line(koffi.page, offlineText).count()).toBe(0);

		await mariam.context.setOffline(false);
		await line(mariam.page, offlineText).locator('.line-status', { hasText: 'envoyé' }).waitFor({ timeout: 30_000 });
		await line(koffi.page, offlineText).waitFor();
		expect(await line(koffi.page, offlineText).count()).toBe(1);
		expect(await line(mariam.page, offlineText).count()).toBe(1);
		expect(occurrences(await transcript(eventId), offlineText)).toBe(1);

		// What is being typed survives a reload.
		await mariam.page.getByLabel('Votre message').fill('Un brouillon que la page rechargée garde.');
		await mariam.page.waitForTimeout(500);
		await mariam.page.reload();
		await live(mariam.page);
		expect(await mariam.page.getByLabel('Votre message').inputValue()).toBe('Un brouillon que la page rechargée garde.');
		// The catch-up shows every line once, in order.
		const lines = await mariam.page.locator('.chat .line .line-body').allTextContents();
		expect(lines.length).toBe(n + 3);
		expect(lines.slice(-3).map((l) => l.trim())).toEqual([
			'Bonjour Koffi, vous m’entendez bien ?',
			'Très bien, Mariam. Bienvenue à toutes et à tous.',
			offlineText
		]);

		// No serious or critical accessibility violation in a live room with lines, its controls and a composer.
		await koffi.page.addScriptTag({
			content: readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
		});
		const violations = await koffi.page.evaluate(async () => {
			const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
			const result = await axe.run(document, { resultTypes: ['violations'] });
			return result.violations
				.filter((v) => v.impact === 'serious' || v.impact === 'critical')
				.map((v) => ({ id: v.id, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
		});
		expect(violations).toEqual([]);

		// Koffi moderates from the presence list: one button per person, as the person is,
		// changed live (room:muted) and in the page the server renders.
		const presenceRow = (page: Page) => page.locator('.presence li', { hasText: demo.member.name });
		await koffi.page.locator('.presence summary').click();
		await presenceRow(koffi.page).getByRole('button', { name: 'Retirer la parole' }).click();
		await presenceRow(koffi.page).getByRole('button', { name: 'Rendre la parole' }).waitFor();
		expect(await presenceRow(koffi.page).getByRole('button').count()).toBe(1);
		await mariam.page.locator('.room-state', { hasText: 'vous a retiré la parole' }).waitFor();
		const plain = await signedIn(cookies.moderator, false);
		await plain.page.goto(path);
		await plain.page.locator('.presence summary').click();
		expect(await presenceRow(plain.page).getByRole('button').allTextContents()).toEqual(['Rendre la parole']);
		await presenceRow(plain.page).getByRole('button', { name: 'Rendre la parole' }).click();
		await plain.page.waitForURL(/#discussion$/);
		await plain.page.locator('.presence summary').click();
		expect(await presenceRow(plain.page).getByRole('button').allTextContents()).toEqual(['Retirer la parole']);
		await mariam.page.locator('.room-state', { hasText: 'vous a retiré la parole' }).waitFor({ state: 'detached' });
		expectNoProblems(plain.problems);
		await plain.context.close();

		expectNoProblems(mariam.problems);
		expectNoProblems(koffi.problems);
		await Promise.all([mariam, koffi].map((p: { context: BrowserContext }) => p.context.close()));
	});
});
