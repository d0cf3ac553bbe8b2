import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signupBody } from '../helpers/factories.ts';
import { DEMO_PASSWORD, demo, expectNoProblems, hasChromium, ready, startHarness, type Harness } from './support.ts';

/*
 * Events in Chromium against the built app, with JavaScript off: a moderator's event form
 * keeps every value through a refused submission, then creates the event, whose page shows
 * the times in the event's zone and in the reader's; a member who chose another zone sees
 * theirs, registers and sees it said; a second member, past the capacity, lands on the
 * waiting list; the .ics answers as a calendar. With JavaScript on, a visitor's own zone is
 * picked up from the browser. Few page loads: CI time is short.
 */

/** Intl's narrow no-break spaces, read as plain spaces. */
const flat = (text: string | null) => (text ?? '').replace(/[\s\u202f\u00a0]+/g, ' ').trim();

/**
 * A local date-time in the next January (at least a few days ahead), as a datetime-local
 * input takes it: winter everywhere the test looks (Paris UTC+1, Toronto UTC-5), whenever it runs.
 */
function january(day: number, hour: number): string {
	const now = new Date();
	const year = now.getUTCMonth() === 0 && now.getUTCDate() < 10 ? now.getUTCFullYear() : now.getUTCFullYear() + 1;
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${year}-01-${pad(day)}T${pad(hour)}:00`;
}

describe.skipIf(!hasChromium)('events in the browser', () => {
	let h: Harness;
	let origin: string;
	const cookies = { admin: '', moderator: '', first: '', second: '' };
	let slug = '';
	let spaceName = '';
	let eventUrl = '';
	const title = `Webinaire sur la portabilité des droits ${Date.now().toString(36)}`;

	async function login(email: string): Promise<string> {
		const res = await fetch(`${origin}/api/v1/sessions`, {
			method: 'POST',
			headers: { origin, 'content-type': 'application/json' },
			body: JSON.stringify({ email, password: DEMO_PASSWORD })
		});
		expect(res.status).toBe(200);
		return res.headers.getSetCookie()[0]!.split(';')[0]!;
	}

	/** A fresh member (Senegal, so Dakar's zone by default): not shared with other test files. */
	async function signup(name: string): Promise<string> {
		const res = await fetch(`${origin}/api/v1/accounts`, {
			method: 'POST',
			headers: { origin, 'content-type': 'application/json' },
			body: JSON.stringify(signupBody({ displayName: name }))
		});
		expect(res.status).toBe(201);
		return res.headers.getSetCookie()[0]!.split(';')[0]!;
	}

	async function signedIn(cookie: string): Promise<{ context: BrowserContext; page: Page; problems: { list: string[] } }> {
		const made = await h.context({ javaScriptEnabled: false });
		const [name, value] = cookie.split('=') as [string, string];
		await made.context.addCookies([{ name, value, url: origin }]);
		return made;
	}

	beforeAll(async () => {
		h = await startHarness();
		origin = h.server.origin;
		[cookies.admin, cookies.moderator, cookies.first, cookies.second] = await Promise.all([
			login(demo.admin.email),
			login(demo.moderator.email),
			signup('Fatou Sarr'),
			signup('Ibrahima Ba')
		]);
		slug = `evenements-${Date.now().toString(36)}`;
		spaceName = `Séminaires ${slug}`;
		const res = await fetch(`${origin}/api/v1/spaces`, {
			method: 'POST',
			headers: { origin, cookie: cookies.admin, 'content-type': 'application/json' },
			body: JSON.stringify({
				name: spaceName,
				slug,
				description: 'Un espace pour les événements du navigateur.',
				visibility: 'public'
			})
		});
		expect(res.status).toBe(201);
	});
	afterAll(async () => {
		await h?.close();
	});

	it('keeps every value through a refused creation, then shows the event in two zones (JavaScript off)', async () => {
		const { page, problems } = await signedIn(cookies.moderator);
		await page.goto('/evenements/nouveau');
		await page.getByRole('heading', { level: 1, name: 'Nouvel événement' }).waitFor();

		const description = 'Échanges entre mutuelles sur la **portabilité** des droits entre pays.';
		const values = {
			startsAt: january(20, 10),
			endsAt: january(20, 9), // before the start: refused
			deadline: january(19, 18)
		};
		await page.locator('#space').selectOption(slug);
		await page.locator('#kind').selectOption('webinaire');
		await page.locator('#title').fill(title);
		await page.locator('#description').fill(description);
		await page.locator('#startsAt').fill(values.startsAt);
		await page.locator('#endsAt').fill(values.endsAt);
		await page.locator('#timeZone').selectOption('Africa/Douala');
		await page.locator('#onlineUrl').fill('https://visio.example.org/portabilite');
		await page.locator('#countries').selectOption(['CM', 'TD']);
		await page.locator('#guestSpeakers').fill('Dr Aminata Koné\nJean-Paul Ekambi');
		await page.locator('#capacity').fill('1');
		await page.locator('#registrationDeadline').fill(values.deadline);
		await page.getByRole('button', { name: 'Créer l’événement' }).click();

		const error = page.locator('#endsAt-error');
		await error.waitFor();
		expect(await error.textContent()).toContain('La fin doit venir après le début.');
		expect(await page.locator('#endsAt').getAttribute('aria-invalid')).toBe('true');
		expect(await page.locator('#endsAt').getAttribute('aria-describedby')).toContain('endsAt-error');
		expect(await page.getByRole('alert').first().textContent()).toContain('corrigez les champs signalés');
		// Every value typed is still there.
		expect(await page.locator('#space').inputValue()).toBe(slug);
		expect(await page.locator('#kind').inputValue()).toBe('webinaire');
		expect(await page.locator('#title').inputValue()).toBe(title);
		expect(await page.locator('#description').inputValue()).toBe(description);
		expect(await page.locator('#startsAt').inputValue()).toBe(values.startsAt);
		expect(await page.locator('#endsAt').inputValue()).toBe(values.endsAt);
		expect(await page.locator('#timeZone').inputValue()).toBe('Africa/Douala');
		expect(await page.locator('#onlineUrl').inputValue()).toBe('https://visio.example.org/portabilite');
		const countries = await page
			.locator('#countries option:checked')
			.evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
		expect(countries.sort()).toEqual(['CM', 'TD']);
		expect(await page.locator('#guestSpeakers').inputValue()).toBe('Dr Aminata Koné\nJean-Paul Ekambi');
		expect(await page.locator('#capacity').inputValue()).toBe('1');
		expect(await page.locator('#registrationDeadline').inputValue()).toBe(values.deadline);

		// Fixed: created, and its page gives the times in Douala's zone and the moderator's (Togo: Lomé).
		await page.locator('#endsAt').fill(january(20, 12));
		await page.getByRole('button', { name: 'Créer l’événement' }).click();
		await page.waitForURL(/\/evenements\/[0-9a-f-]{36}\?fait=cree$/);
		eventUrl = new URL(page.url()).pathname;
		await page.getByRole('heading', { level: 1, name: title }).waitFor();
		expect(await page.getByRole('status').first().textContent()).toContain('Événement créé.');
		const lines = (await page.locator('.time-line').allTextContents()).map(flat);
		expect(lines).toHaveLength(2);
		expect(lines[0]).toMatch(/10:00 – 12:00 heure de Douala \(UTC\+1\)$/);
		expect(lines[1]).toBe('09:00 – 11:00 chez vous, Lomé (UTC+0)');
		expect(await page.getByRole('main').textContent()).toContain('Dr Aminata Koné');
		// The organiser sees the link at once; the tools are there.
		expect(await page.getByRole('link', { name: 'Rejoindre la salle visio' }).getAttribute('href')).toBe(
			'https://visio.example.org/portabilite'
		);
		expect(await page.getByRole('link', { name: 'Liste des participants' }).count()).toBe(1);
		expectNoProblems(problems);
	});

	it('a member in another zone registers; the next one lands on the waiting list; the .ics is a calendar', async () => {
		expect(eventUrl).not.toBe('');
		// The first member shows times in Paris's zone (an account setting).
		const first = await signedIn(cookies.first);
		await first.page.goto('/compte');
		await first.page.locator('#timeZone').selectOption('Europe/Paris');
		await first.page.getByRole('button', { name: 'Enregistrer le fuseau' }).click();
		await first.page.getByText('Modifications enregistrées.').waitFor();
		expect(await first.page.locator('#timeZone').inputValue()).toBe('Europe/Paris');

		await first.page.goto(eventUrl);
		const lines = (await first.page.locator('.time-line').allTextContents()).map(flat);
		expect(lines[1]).toBe('10:00 – 12:00 chez vous, Paris (UTC+1)');
		// Before the start, the video link is announced, not given.
		expect(await first.page.getByRole('link', { name: 'Rejoindre la salle visio' }).count()).toBe(0);
		expect(await first.page.locator('.event-aside').textContent()).toContain(
			'Le lien de la salle visio s’affichera ici pour les inscrits'
		);
		expect(flat(await first.page.locator('.seats').textContent())).toBe('Places restantes : 1 sur 1');
		await first.page.getByRole('button', { name: 'S’inscrire' }).click();
		await first.page.waitForURL(/fait=inscrit$/);
		expect(await first.page.getByRole('status').first().textContent()).toContain('Inscription enregistrée');
		expect(await first.page.locator('.state').textContent()).toContain('Vous êtes inscrit·e.');
		expect(await first.page.getByRole('button', { name: 'Me désinscrire' }).count()).toBe(1);

		// The second member finds it full and joins the waiting list.
		const second = await signedIn(cookies.second);
		await second.page.goto(eventUrl);
		expect(flat(await second.page.locator('.seats').textContent())).toBe('Complet · liste d’attente : 0');
		await second.page.getByRole('button', { name: 'Rejoindre la liste d’attente' }).click();
		await second.page.waitForURL(/fait=attente$/);
		expect(await second.page.locator('.state').textContent()).toContain('Vous êtes sur la liste d’attente, en position 1.');
		expect(await second.page.getByRole('button', { name: 'Quitter la liste d’attente' }).count()).toBe(1);

		const icsUrl = await second.page.getByRole('link', { name: 'Ajouter à mon agenda (.ics)' }).getAttribute('href');
		const ics = await second.context.request.get(icsUrl!);
		expect(ics.status()).toBe(200);
		expect(ics.headers()['content-type']).toMatch(/^text\/calendar/);
		const body = await ics.text();
		expect(body).toContain('BEGIN:VCALENDAR');
		expect(body.replace(/\r\n[ \t]/g, '')).toContain('portabilité des droits');
		expectNoProblems(first.problems);
		expectNoProblems(second.problems);
	});

	it('with JavaScript on, a visitor sees the times in the browser’s own zone', async () => {
		const { page, problems } = await h.context({ timezoneId: 'America/Toronto' });
		await page.goto(eventUrl);
		// The page's script sets the zone cookie and the times are drawn again with it.
		await page.locator('.time-line.viewer').waitFor();
		expect(flat(await page.locator('.time-line.viewer').textContent())).toBe('04:00 – 06:00 chez vous, Toronto (UTC-5)');
		expect((await page.context().cookies()).find((c) => c.name === 'tz')?.value).toBe('America%2FToronto');
		expectNoProblems(problems);
	});

	it('has no serious accessibility violation on the list, the event page and the form with its errors', async () => {
		const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
		async function serious(page: Page) {
			// axe is injected as an inline script: this context bypasses the page's CSP for it.
			await page.addScriptTag({ content: axeSource });
			const violations = await page.evaluate(async () => {
				const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
				const result = await axe.run(document, { resultTypes: ['violations'] });
				return result.violations.map((v) => ({
					id: v.id,
					impact: v.impact,
					targets: v.nodes.slice(0, 3).map((n) => n.target.join(' '))
				}));
			});
			return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
		}
		const { context, page } = await h.context({ bypassCSP: true });
		const [name, value] = cookies.moderator.split('=') as [string, string];
		await context.addCookies([{ name, value, url: origin }]);
		const report: Record<string, unknown> = {};
		await page.goto('/evenements');
		report['/evenements'] = await serious(page);
		await page.goto(eventUrl);
		report.event = await serious(page);
		await page.goto('/evenements/nouveau');
		await ready(page, true);
		await page.getByRole('button', { name: 'Créer l’événement' }).click();
		await page.locator('#title-error').waitFor();
		report['/evenements/nouveau (errors)'] = await serious(page);
		expect(report).toEqual({ '/evenements': [], event: [], '/evenements/nouveau (errors)': [] });
	});
});
