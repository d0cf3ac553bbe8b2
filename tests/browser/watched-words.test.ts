import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demo, expectNoProblems, hasChromium, modes, ready, startHarness, type Harness } from './support.ts';

/*
 * The admins' watched-words page with JavaScript on and off: add (a failed add keeps what
 * was typed), edit, delete, import a file with a bad line (nothing imported, the lines named,
 * the file's text kept to fix), import pasted text, and the export link. Others get a 404.
 * The list is site-wide: every phrase carries a unique tag and is removed afterwards.
 */
describe.skipIf(!hasChromium)('watched words in the browser', () => {
	let h: Harness;
	let origin: string;
	const cookies = { admin: '', member: '' };
	const tag = Date.now().toString(36);

	async function login(email: string): Promise<string> {
		const res = await fetch(`${origin}/api/v1/sessions`, {
			method: 'POST',
			headers: { origin, 'content-type': 'application/json' },
			body: JSON.stringify({ email, password: DEMO_PASSWORD })
		});
		expect(res.status).toBe(200);
		return res.headers.getSetCookie()[0]!.split(';')[0]!;
	}

	async function signedIn(cookie: string, js: boolean) {
		const made = await h.context({ javaScriptEnabled: js });
		const [name, value] = cookie.split('=') as [string, string];
		await made.context.addCookies([{ name, value, url: origin }]);
		return made;
	}

	beforeAll(async () => {
		h = await startHarness();
		origin = h.server.origin;
		cookies.admin = await login(demo.admin.email);
		cookies.member = await login(demo.member.email);
	});
	afterAll(async () => {
		if (origin && cookies.admin) {
			const res = await fetch(`${origin}/api/v1/moderation/watched-words`, { headers: { cookie: cookies.admin } });
			const { items } = (await res.json()) as { items: { id: string; phrase: string }[] };
			for (const w of items.filter((i) => i.phrase.includes(tag))) {
				await fetch(`${origin}/api/v1/moderation/watched-words/${w.id}`, {
					method: 'DELETE',
					headers: { origin, cookie: cookies.admin }
				});
			}
		}
		await h?.close();
	});

	it('is not found for members', async () => {
		const { page } = await signedIn(cookies.member, false);
		const res = await page.goto('/admin/mots-surveilles');
		expect(res?.status()).toBe(404);
	});

	describe.each(modes)('$name', ({ js }) => {
		it('adds, edits and deletes an entry; a failed add keeps what was typed', async () => {
			const { page, problems } = await signedIn(cookies.admin, js);
			const phrase = `arnaque ${tag} ${js ? 'js' : 'nojs'}`;
			await page.goto('/admin/membres');
			await page
				.getByRole('navigation', { name: 'Pages d’administration' })
				.getByRole('link', { name: 'Mots surveillés' })
				.click();
			await page.getByRole('heading', { level: 1, name: 'Mots surveillés' }).waitFor();
			const add = page.locator('form[action="?/add"]');
			await ready(page, js, 'form[action="?/add"]');

			await add.getByLabel('Mot ou expression').fill(phrase);
			await add.getByLabel('Action').selectOption('replace');
			await add.getByLabel('Mot entier uniquement').uncheck();
			await add.getByRole('button', { name: 'Ajouter' }).click();
			await page.locator('#add-replacement-error').waitFor();
			expect(await page.locator('#add-replacement-error').textContent()).toBe('Indiquez le texte de remplacement.');
			expect(await add.getByLabel('Mot ou expression').inputValue()).toBe(phrase);
			expect(await add.getByLabel('Action').inputValue()).toBe('replace');
			expect(await add.getByLabel('Mot entier uniquement').isChecked()).toBe(false);

			await add.getByLabel('Remplacer par').fill('[retiré]');
			await add.getByRole('button', { name: 'Ajouter' }).click();
			await page
				.getByRole('status')
				.filter({ hasText: `« ${phrase} » ajouté à la liste.` })
				.waitFor();
			const row = page.locator('tbody tr').filter({ hasText: phrase });
			expect(await row.locator('td').allTextContents()).toEqual(expect.arrayContaining([phrase, 'Remplacer', '[retiré]', 'non']));

			await row.getByRole('link', { name: `Modifier « ${phrase} »` }).click();
			const edit = page.locator('form[action="?/update"]');
			await edit.waitFor();
			await ready(page, js, 'form[action="?/update"]');
			await edit.getByLabel('Action').selectOption('block');
			await edit.getByRole('button', { name: 'Enregistrer' }).click();
			await page
				.getByRole('status')
				.filter({ hasText: `« ${phrase} » modifié.` })
				.waitFor();
			expect(await page.locator('form[action="?/update"]').count()).toBe(0);
			expect(await page.locator('tbody tr').filter({ hasText: phrase }).locator('td').nth(1).textContent()).toBe(
				'Refuser le message'
			);

			await page.getByRole('button', { name: `Supprimer « ${phrase} »` }).click();
			await page
				.getByRole('status')
				.filter({ hasText: `« ${phrase} » retiré de la liste.` })
				.waitFor();
			expect(await page.locator('tbody tr').filter({ hasText: phrase }).count()).toBe(0);
			expectNoProblems(problems);
		});

		it('imports a file (all or nothing, bad lines named) and pasted text; exports', async () => {
			const { page, problems } = await signedIn(cookies.admin, js);
			const mode = js ? 'js' : 'nojs';
			await page.goto('/admin/mots-surveilles');
			await ready(page, js, 'form[action="?/import"]');
			const form = page.locator('form[action="?/import"]');
			const good = `sécurité ${tag} ${mode}`;
			// Excel's French CSV: semicolons, Windows-1252 accents.
			const bad = `phrase;action;replacement;whole_word\r\n${good};review;;\r\nx ${tag};supprimer;;\r\n`;
			await form.getByLabel('… ou choisir un fichier').setInputFiles({
				name: 'liste.csv',
				mimeType: 'text/csv',
				buffer: Buffer.from(bad, 'latin1')
			});
			await form.getByRole('button', { name: 'Importer' }).click();
			await page.getByRole('alert').filter({ hasText: 'Rien n’a été importé' }).waitFor();
			expect(await page.locator('#import-errors li').allTextContents()).toEqual([
				'Ligne 3 : action inconnue : utilisez block, review ou replace.'
			]);
			expect(await form.getByLabel('Coller le contenu du fichier').inputValue()).toBe(bad.replace(/\r\n/g, '\n'));
			expect(await page.locator('tbody tr').filter({ hasText: good }).count()).toBe(0);

			const pasted = `phrase,action,replacement,whole_word\n"${good}, svp",replace,"échéance",true\n${good},review,,\n`;
			await form.getByLabel('Coller le contenu du fichier').fill(pasted);
			await form.getByRole('button', { name: 'Importer' }).click();
			await page.getByRole('status').filter({ hasText: 'Import terminé : 2 ajout(s)' }).waitFor();
			expect(
				await page
					.locator('tbody tr')
					.filter({ hasText: `${good}, svp` })
					.locator('td')
					.nth(2)
					.textContent()
			).toBe('échéance');

			const exportLink = page.getByRole('link', { name: 'Exporter la liste (CSV)' });
			const res = await page.request.get(new URL((await exportLink.getAttribute('href'))!, origin).href);
			expect(res.headers()['content-disposition']).toBe('attachment; filename="mots-surveilles.csv"');
			expect(await res.text()).toContain(`"${good}, svp",replace,échéance,true`);
			expectNoProblems(problems);
		});
	});
});
