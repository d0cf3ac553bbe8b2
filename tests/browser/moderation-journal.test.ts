import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signupBody } from '../helpers/factories.ts';
import { DEMO_PASSWORD, demo, expectNoProblems, hasChromium, startHarness, type Harness } from './support.ts';

/*
 * The moderation log and the admin pages for reasons and settings, with JavaScript off:
 * plain forms and GET filters that survive in the URL, and the CSV export link.
 */
describe.skipIf(!hasChromium)('moderation log, reasons and settings without JavaScript', () => {
	let h: Harness;
	let origin: string;
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

	async function signedIn(cookie: string) {
		const made = await h.context({ javaScriptEnabled: false });
		const [name, value] = cookie.split('=') as [string, string];
		await made.context.addCookies([{ name, value, url: origin }]);
		return made;
	}

	beforeAll(async () => {
		h = await startHarness();
		origin = h.server.origin;
		cookies.admin = await login(demo.admin.email);
		cookies.moderator = await login(demo.moderator.email);
		// A member of nothing: on a shared database the demo member may moderate a space
		// another test file created (discussions names them moderator of a private space).
		const signup = await fetch(`${origin}/api/v1/accounts`, {
			method: 'POST',
			headers: { origin, 'content-type': 'application/json' },
			body: JSON.stringify(signupBody())
		});
		expect(signup.status).toBe(201);
		cookies.member = signup.headers.getSetCookie()[0]!.split(';')[0]!;
	});
	afterAll(() => h?.close());

	it('an admin changes a setting and a reason, then finds both in the log, filtered and exported', async () => {
		const { page, problems } = await signedIn(cookies.admin);

		await page.goto('/admin/reglages');
		const field = page.locator('#reviewFirstPosts');
		const current = Number(await field.inputValue());
		const next = current === 20 ? 19 : current + 1;
		await field.fill(String(next));
		await Promise.all([page.waitForEvent('load'), page.locator('main form button[type="submit"]').click()]);
		expect((await page.locator('main .notice').textContent())?.trim()).toBe('Réglages enregistrés.');
		expect(await page.locator('#reviewFirstPosts').inputValue()).toBe(String(next));
		// Out of bounds: refused beside the field, what was typed kept.
		await page.locator('#reviewFirstPosts').fill('42');
		await Promise.all([page.waitForEvent('load'), page.locator('main form button[type="submit"]').click()]);
		expect((await page.locator('#reviewFirstPosts-error').textContent())?.trim()).toBe('Indiquez un nombre entier de 0 à 20.');
		expect(await page.locator('#reviewFirstPosts').inputValue()).toBe('42');
		// Back as it was, for whoever shares the database.
		await page.locator('#reviewFirstPosts').fill(String(current));
		await Promise.all([page.waitForEvent('load'), page.locator('main form button[type="submit"]').click()]);
		expect((await page.locator('main .notice').textContent())?.trim()).toBe('Réglages enregistrés.');

		await page.goto('/admin/raisons');
		const doublon = page.locator('main ul.entries > li', { hasText: '(doublon' });
		const label = `Doublon ${Date.now().toString(36)}`;
		await doublon.locator('input[name="labelFr"]').fill(label);
		await Promise.all([page.waitForEvent('load'), doublon.locator('button[type="submit"]').click()]);
		expect((await page.locator('main .notice').first().textContent())?.trim()).toBe(`Raison « ${label} » enregistrée.`);
		// « Autre » cannot lose its French label.
		const other = page.locator('main ul.entries > li', { hasText: '(autre' });
		await other.locator('input[name="labelFr"]').fill('');
		await Promise.all([page.waitForEvent('load'), other.locator('button[type="submit"]').click()]);
		expect((await other.locator('.field-error').textContent())?.trim()).toBe('Le libellé doit compter de 2 à 80 caractères.');

		await page.goto('/moderation/journal');
		expect((await page.locator('h1').textContent())?.trim()).toBe('Journal de modération');
		await page.selectOption('#action', 'reason.update');
		await Promise.all([page.waitForEvent('load'), page.locator('main form.filters button[type="submit"]').click()]);
		expect(new URL(page.url()).searchParams.get('action')).toBe('reason.update');
		const row = page.locator('table.journal tbody tr').first();
		expect(await row.textContent()).toContain('Raison de modération modifiée');
		expect(await row.textContent()).toContain(demo.admin.name);
		expect(await row.textContent()).toContain(`labelFr : Doublon`);
		expect(await row.textContent()).toContain(`→ ${label}`);

		const exportHref = await page.locator('a', { hasText: 'Exporter en CSV' }).getAttribute('href');
		expect(exportHref).toBe('/api/v1/moderation/audit/export?action=reason.update');
		const csv = await fetch(`${origin}${exportHref}`, { headers: { cookie: cookies.admin } });
		expect(csv.status).toBe(200);
		expect(csv.headers.get('content-disposition')).toBe('attachment; filename="journal-moderation.csv"');
		const text = await csv.text();
		expect(text.split('\r\n')[0]).toBe('at,actor,action,space,target_type,target_id,target,reason,before,after');
		expect(text).toContain(`${demo.admin.name},reason.update,,reason,doublon,${label}`);

		await page.goto('/moderation/journal?action=setting.');
		expect(await page.locator('table.journal tbody tr').first().textContent()).toContain(
			`reviewFirstPosts : ${next} → ${current}`
		);
		expectNoProblems(problems);
	});

	it('a moderator reads their spaces’ part; a member and a visitor find nothing', async () => {
		const moderator = await signedIn(cookies.moderator);
		const res = await moderator.page.goto('/moderation/journal');
		expect(res?.status()).toBe(200);
		expect(await moderator.page.locator('.lead').textContent()).toContain('dans les espaces que vous animez');

		const member = await signedIn(cookies.member);
		expect((await member.page.goto('/moderation/journal'))?.status()).toBe(404);
		expect((await member.page.goto('/admin/raisons'))?.status()).toBe(404);
		expect((await member.page.goto('/admin/reglages'))?.status()).toBe(404);
		const visitor = await h.context({ javaScriptEnabled: false });
		expect((await visitor.page.goto('/moderation/journal'))?.status()).toBe(404);
	});
});
