import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demo, expectNoProblems, hasChromium, startHarness, type Harness } from './support.ts';

/*
 * Fiches d'expérience in Chromium against the built app, with JavaScript off: the form keeps
 * every value through « Ajouter une ligne » and a failed submission, then submits once fixed;
 * the browse page filters by a facet given in the address and shows the counts; the print
 * view has no header. Published fiches are made through the API.
 */

interface Api {
	(method: 'GET' | 'POST' | 'PUT', path: string, cookie: string, body?: unknown): Promise<Response>;
}

describe.skipIf(!hasChromium)('fiches d’expérience in the browser', () => {
	let h: Harness;
	let origin: string;
	let api: Api;
	const cookies = { admin: '', member: '' };
	let slug = '';
	let spaceName = '';

	async function login(email: string): Promise<string> {
		const res = await fetch(`${origin}/api/v1/sessions`, {
			method: 'POST',
			headers: { origin, 'content-type': 'application/json' },
			body: JSON.stringify({ email, password: DEMO_PASSWORD })
		});
		expect(res.status).toBe(200);
		return res.headers.getSetCookie()[0]!.split(';')[0]!;
	}

	async function signedIn(cookie: string) {
		const made = await h.context({ javaScriptEnabled: false });
		const [name, value] = cookie.split('=') as [string, string];
		await made.context.addCookies([{ name, value, url: origin }]);
		return made;
	}

	/** A published fiche in the test space, through the API (the member writes, the admin publishes). */
	async function published(content: Record<string, unknown>): Promise<string> {
		const created = await api('POST', `/spaces/${slug}/experiences`, cookies.member, content);
		expect(created.status, await created.clone().text()).toBe(201);
		const { id } = (await created.json()) as { id: string };
		const submitted = await api('POST', `/experiences/${id}/submit`, cookies.member);
		expect(submitted.status, await submitted.clone().text()).toBe(200);
		const done = await api('POST', `/experiences/${id}/publish`, cookies.admin);
		expect(done.status, await done.clone().text()).toBe(200);
		return id;
	}

	const base = {
		summary: 'Une mutuelle de santé portée par des groupements de femmes, avec un paquet de soins primaires.',
		startYear: 2018,
		targets: ['femmes'],
		lessons: 'La confiance se construit avec des relais communautaires présents chaque semaine.'
	};

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
		cookies.member = await login(demo.member.email);
		slug = `fiches-${Date.now().toString(36)}`;
		spaceName = `Fiches ${slug}`;
		const res = await api('POST', '/spaces', cookies.admin, {
			name: spaceName,
			slug,
			description: 'Un espace pour les fiches du navigateur.',
			visibility: 'public'
		});
		expect(res.status).toBe(201);
	});
	afterAll(async () => {
		await h?.close();
	});

	it('keeps every value through a failed submission, then submits (JavaScript off)', async () => {
		const { page, problems } = await signedIn(cookies.member);
		await page.goto('/experiences/nouvelle');
		await page.getByRole('heading', { level: 1, name: 'Nouvelle fiche d’expérience' }).waitFor();

		const title = `Mutuelle des maraîchères ${slug}`;
		const summary = 'Une mutuelle de santé communautaire créée par des maraîchères, avec un paquet de soins primaires.';
		const lessons = 'Les cotisations doivent suivre le calendrier des récoltes, sinon les adhérentes décrochent.';
		await page.locator('#space').selectOption(slug);
		await page.locator('#title').fill(title);
		await page.locator('#summary').fill(summary);
		await page.locator('#organisations-0').fill('Union des mutuelles de Thiès');
		await page.locator('#countries').selectOption(['SN', 'ML', 'AO']);
		await page.locator('input[name="area"][value="rural"]').check();
		await page.locator('#startYear').fill('2020');
		await page.locator('#endYear').fill('2015'); // before the start: refused
		await page.locator('#mechanism').selectOption('mutuelle_communautaire');
		await page.locator('input[name="targets"][value="femmes"]').check();
		await page.locator('input[name="targets"][value="rural_agricole"]').check();
		await page.locator('#members').fill('1200');
		await page.locator('#contributionAmount').fill('3500');
		await page.locator('#currency').selectOption('XOF');
		await page.locator('#lessons').fill(lessons);
		await page.locator('#contactHandle').fill('@personne-inconnue'); // no such member: refused by the server
		await page.locator('#indicators-0-name').fill('Taux de renouvellement');
		await page.locator('#indicators-0-value').fill('72');
		await page.locator('#indicators-0-unit').fill('%');
		await page.locator('#indicators-0-year').fill('2022');

		// « Ajouter une ligne » without JavaScript: a round trip that keeps everything, one more row.
		expect(await page.locator('input[name^="indicators["][name$="].name"]').count()).toBe(2);
		await page.getByRole('button', { name: 'Ajouter une ligne — Indicateurs' }).click();
		await page.locator('#indicators-2-name').waitFor();
		expect(await page.locator('input[name^="indicators["][name$="].name"]').count()).toBe(3);
		expect(await page.locator('#indicators-0-name').inputValue()).toBe('Taux de renouvellement');
		expect(await page.locator('#title').inputValue()).toBe(title);
		await page.locator('#indicators-1-name').fill('Adhérentes à jour');
		await page.locator('#indicators-1-value').fill('840');

		await page.getByRole('button', { name: 'Soumettre pour publication' }).click();
		const error = page.locator('#endYear-error');
		await error.waitFor();
		expect(await error.textContent()).toContain('L’année de fin ne peut pas précéder l’année de début.');
		expect(await page.locator('#endYear').getAttribute('aria-invalid')).toBe('true');
		expect(await page.getByRole('alert').first().textContent()).toContain('Vos saisies sont conservées');

		// Every value typed is still there.
		expect(await page.locator('#space').inputValue()).toBe(slug);
		expect(await page.locator('#title').inputValue()).toBe(title);
		expect(await page.locator('#summary').inputValue()).toBe(summary);
		expect(await page.locator('#organisations-0').inputValue()).toBe('Union des mutuelles de Thiès');
		const countries = await page
			.locator('#countries option:checked')
			.evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
		expect(countries.sort()).toEqual(['AO', 'ML', 'SN']);
		expect(await page.locator('input[name="area"][value="rural"]').isChecked()).toBe(true);
		expect(await page.locator('#startYear').inputValue()).toBe('2020');
		expect(await page.locator('#endYear').inputValue()).toBe('2015');
		expect(await page.locator('#mechanism').inputValue()).toBe('mutuelle_communautaire');
		expect(await page.locator('input[name="targets"][value="femmes"]').isChecked()).toBe(true);
		expect(await page.locator('input[name="targets"][value="rural_agricole"]').isChecked()).toBe(true);
		expect(await page.locator('input[name="targets"][value="jeunes"]').isChecked()).toBe(false);
		expect(await page.locator('#members').inputValue()).toBe('1200');
		expect(await page.locator('#contributionAmount').inputValue()).toBe('3500');
		expect(await page.locator('#currency').inputValue()).toBe('XOF');
		expect(await page.locator('#lessons').inputValue()).toBe(lessons);
		expect(await page.locator('#indicators-0-name').inputValue()).toBe('Taux de renouvellement');
		expect(await page.locator('#indicators-0-value').inputValue()).toBe('72');
		expect(await page.locator('#indicators-0-unit').inputValue()).toBe('%');
		expect(await page.locator('#indicators-0-year').inputValue()).toBe('2022');
		expect(await page.locator('#indicators-1-name').inputValue()).toBe('Adhérentes à jour');
		expect(await page.locator('#indicators-1-value').inputValue()).toBe('840');
		expect(await page.locator('#contactHandle').inputValue()).toBe('@personne-inconnue');

		// The year fixed, the server refuses the contact, on its field, keeping the rest.
		await page.locator('#endYear').fill('2023');
		await page.getByRole('button', { name: 'Soumettre pour publication' }).click();
		const contactError = page.locator('#contactHandle-error');
		await contactError.waitFor();
		expect(await contactError.textContent()).toContain('Aucun membre actif ne porte cet identifiant');
		expect(await page.locator('#contactHandle').inputValue()).toBe('@personne-inconnue');
		expect(await page.locator('#endYear').inputValue()).toBe('2023');
		expect(await page.locator('#indicators-1-name').inputValue()).toBe('Adhérentes à jour');

		// Any member may be the contact (here one who is not an author): submitted, and the fiche page says so.
		const admin = (await (await api('GET', '/me', cookies.admin)).json()) as { id: string; handle: string };
		await page.locator('#contactHandle').fill(`@${admin.handle}`);
		await page.getByRole('button', { name: 'Soumettre pour publication' }).click();
		await page.waitForURL(/\/experiences\/[0-9a-f-]{36}\?fait=soumise$/);
		await page.getByRole('heading', { level: 1, name: title }).waitFor();
		expect(await page.locator('.status').textContent()).toContain('Soumise');
		expect(await page.getByRole('main').textContent()).toContain('Taux de renouvellement');
		expect(await page.getByRole('link', { name: demo.admin.name }).getAttribute('href')).toBe(`/membres/${admin.id}`);
		expectNoProblems(problems);
	});

	it('filters by a facet given in the address and shows the counts', async () => {
		const senegal = await published({
			...base,
			title: `Mutuelle de Kaolack ${slug}`,
			countries: ['SN'],
			mechanism: 'mutuelle_communautaire'
		});
		await published({ ...base, title: `Fonds d’équité de Ségou ${slug}`, countries: ['ML'], mechanism: 'fonds_equite' });

		const { page, problems } = await h.context({ javaScriptEnabled: false });
		await page.goto(`/experiences?espace=${slug}&pays=SN`);
		const items = page.locator('li.experience');
		expect(await items.count()).toBe(1);
		expect(await items.first().getByRole('link').first().getAttribute('href')).toBe(`/experiences/${senegal}`);

		// The country facet counts with the other filters only: both countries, one fiche each.
		const sn = page.locator('[data-facet="pays"] label', { has: page.locator('input[value="SN"]') });
		const ml = page.locator('[data-facet="pays"] label', { has: page.locator('input[value="ML"]') });
		expect(await sn.textContent()).toContain('Sénégal (1)');
		expect(await ml.textContent()).toContain('Mali (1)');
		expect(await sn.locator('input').isChecked()).toBe(true);
		expect(await ml.locator('input').isChecked()).toBe(false);
		// The mechanism facet counts within the filtered set.
		const mechanisms = await page.locator('[data-facet="mecanisme"] label').allTextContents();
		const flat = mechanisms.map((t) => t.replace(/\s+/g, ' ').trim());
		expect(flat).toContain('Mutuelle de santé communautaire (1)');
		expect(flat).not.toContain('Fonds d’équité (1)');
		// The export links keep the filters.
		const csv = await page.getByRole('link', { name: 'Exporter en CSV' }).getAttribute('href');
		expect(csv).toContain('format=csv');
		expect(csv).toContain('pays=SN');
		expect(csv).toContain(`espace=${slug}`);

		// Submitting the filter form (GET) with another country puts it in the address.
		await ml.locator('input').check();
		await page.getByRole('button', { name: 'Appliquer les filtres' }).click();
		await page.waitForURL(/pays=ML/);
		expect(await items.count()).toBe(2);
		expectNoProblems(problems);
	});

	it('reviews, revises, attaches, shows the history and compares (JavaScript off)', async () => {
		// Submitted by the member: waiting in the moderators' queue.
		const title = `Fonds d’équité de Kindia ${slug}`;
		const created = await api('POST', `/spaces/${slug}/experiences`, cookies.member, {
			...base,
			title,
			countries: ['GN'],
			mechanism: 'fonds_equite'
		});
		expect(created.status).toBe(201);
		const { id } = (await created.json()) as { id: string };
		expect((await api('POST', `/experiences/${id}/submit`, cookies.member)).status).toBe(200);

		const admin = await signedIn(cookies.admin);
		await admin.page.goto('/moderation');
		const queued = admin.page.locator('#fiches-soumises + ul').getByRole('link', { name: title });
		expect(await queued.getAttribute('href')).toBe(`/experiences/${id}`);
		await queued.click();
		await admin.page.getByRole('button', { name: 'Publier' }).click();
		await admin.page.waitForURL(`**/experiences/${id}?fait=publiee`);
		expect(await admin.page.locator('.status').textContent()).toContain('Publiée');

		// The author revises: the form opens with the fiche's values, a file is attached.
		const member = await signedIn(cookies.member);
		await member.page.goto(`/experiences/${id}/modifier`);
		expect(await member.page.locator('#title').inputValue()).toBe(title);
		expect(await member.page.locator('#mechanism').inputValue()).toBe('fonds_equite');
		await member.page.locator('#summary').fill(`${base.summary} Étendu à deux districts.`);
		await member.page.getByRole('button', { name: 'Soumettre pour publication' }).click();
		await member.page.waitForURL(`**/experiences/${id}?fait=soumise`);
		await member.page.goto(`/experiences/${id}/modifier`);
		await member.page.locator('#fichier').setInputFiles({
			name: 'rapport.txt',
			mimeType: 'text/plain',
			buffer: Buffer.from('Rapport annuel du fonds d’équité.\n')
		});
		await member.page.getByRole('button', { name: 'Envoyer le fichier' }).click();
		await member.page.waitForURL(/fait=fichier/);
		expect(await member.page.locator('.attachments').getByRole('link', { name: 'rapport.txt' }).count()).toBe(1);

		await admin.page.goto(`/experiences/${id}`);
		await admin.page.getByRole('button', { name: 'Publier' }).click();
		await admin.page.waitForURL(`**/experiences/${id}?fait=publiee`);

		// History: version 2 shows what changed in the summary.
		await admin.page.goto(`/experiences/${id}/versions`);
		await admin.page.getByRole('heading', { level: 2, name: /Version 2/ }).waitFor();
		expect(await admin.page.locator('#version-2 ~ dl ins, .version ins').first().textContent()).toContain('districts');

		// Compare with another published fiche: one row per field, one column per fiche.
		const other = await published({
			...base,
			title: `Mutuelle de Bobo ${slug}`,
			countries: ['BF'],
			mechanism: 'mutuelle_communautaire'
		});
		await admin.page.goto(`/experiences/comparer?ids=${id}&ids=${other}`);
		const headers = await admin.page.locator('table.side-by-side thead th').allTextContents();
		expect(headers.length).toBe(3);
		const row = admin.page.locator('table.side-by-side tbody tr', { has: admin.page.getByRole('rowheader', { name: 'Pays' }) });
		expect((await row.locator('td').allTextContents()).map((t) => t.trim())).toEqual(['Guinée', 'Burkina Faso']);
		expectNoProblems(admin.problems);
		expectNoProblems(member.problems);
	});

	it('prints a fiche without the site header', async () => {
		const id = await published({
			...base,
			title: `Micro-assurance de Lomé ${slug}`,
			countries: ['TG'],
			mechanism: 'micro_assurance'
		});
		const { page, problems } = await h.context({ javaScriptEnabled: false });
		await page.goto(`/experiences/${id}/imprimer`);
		await page.getByRole('heading', { level: 1, name: `Micro-assurance de Lomé ${slug}` }).waitFor();
		expect(await page.locator('header.site-header').count()).toBe(0);
		expect(await page.locator('nav').count()).toBe(0);
		expect(await page.locator('footer.site-footer').count()).toBe(0);
		expect(await page.getByRole('main').textContent()).toContain('Togo');

		// The fiche page itself keeps the header, with « Expériences » in the navigation.
		await page.goto(`/experiences/${id}`);
		expect(await page.locator('header.site-header').count()).toBe(1);
		expect(await page.locator('.site-nav').getByRole('link', { name: 'Expériences' }).getAttribute('href')).toBe('/experiences');
		expectNoProblems(problems);
	});

	it('finds no serious or critical accessibility violation on the fiche pages', async () => {
		const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
		async function serious(page: Page) {
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
		const a = await published({
			...base,
			title: `Mutuelle de Parakou ${slug}`,
			countries: ['BJ'],
			mechanism: 'mutuelle_communautaire'
		});
		const b = await published({
			...base,
			title: `Subvention de Maradi ${slug}`,
			countries: ['NE'],
			mechanism: 'subvention_demande'
		});
		const made = await h.context({ bypassCSP: true });
		const [name, value] = cookies.member.split('=') as [string, string];
		await made.context.addCookies([{ name, value, url: origin }]);
		const { page } = made;
		const report: Record<string, unknown> = {};
		for (const path of [
			`/experiences?espace=${slug}`,
			`/experiences/${a}`,
			`/experiences/comparer?ids=${a}&ids=${b}`,
			`/experiences/${a}/versions`
		]) {
			await page.goto(path);
			report[path] = await serious(page);
		}
		await page.goto('/experiences/nouvelle');
		await page.getByRole('button', { name: 'Soumettre pour publication' }).click();
		await page.locator('.field-error').first().waitFor();
		report['/experiences/nouvelle (errors)'] = await serious(page);
		for (const [path, violations] of Object.entries(report)) expect(violations, path).toEqual([]);
	});
});
