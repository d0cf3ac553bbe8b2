import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demo, expectNoProblems, hasChromium, modes, ready, startHarness, type Harness } from './support.ts';

/*
 * A moderator's thread page in Chromium, with JavaScript on and off: lock with a reason
 * (refused without one, typed text kept), the member's page saying why they cannot reply,
 * then a closing with a synthesis featured at the top of the thread and marked in the list.
 */
describe.skipIf(!hasChromium)('thread moderation in the browser', () => {
	let h: Harness;
	let origin: string;
	const cookies = { admin: '', member: '' };
	let slug = '';
	let seq = 0;
	const unique = (tag: string) => `${tag}-${Date.now().toString(36)}-${++seq}`;

	const api = (method: 'GET' | 'POST', path: string, cookie: string, body?: unknown) =>
		fetch(`${origin}/api/v1${path}`, {
			method,
			headers: { origin, cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
			...(body === undefined ? {} : { body: JSON.stringify(body) })
		});

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
		slug = unique('moderation').toLowerCase();
		const res = await api('POST', '/spaces', cookies.admin, { name: 'Espace modéré', slug, visibility: 'public' });
		expect(res.status).toBe(201);
		expect((await api('POST', `/spaces/${slug}/membership`, cookies.member)).status).toBe(200);
	});
	afterAll(async () => {
		await h?.close();
	});

	describe.each(modes)('$name', ({ js }) => {
		it('locks with a reason, shows it to members, then closes with a synthesis', async () => {
			const title = unique('Fil à modérer');
			const created = await api('POST', `/spaces/${slug}/threads`, cookies.member, { title, body: 'Premier message.' });
			expect(created.status).toBe(201);
			const threadId = ((await created.json()) as { thread: { id: string } }).thread.id;

			const { page, problems } = await signedIn(cookies.admin, js);
			await page.goto(`/fils/${threadId}`);
			await page.getByRole('link', { name: 'Modérer' }).click();
			await page.getByRole('heading', { level: 1, name: 'Modérer le fil' }).waitFor();
			await ready(page, js, 'form[action="?/lock"]');

			// No reason: refused, said beside the field.
			await page.getByRole('button', { name: 'Verrouiller le fil' }).click();
			await page.locator('#lock-reason-error').waitFor();
			await page.locator('#lock-reason').fill('Le ton monte');
			await page.getByRole('button', { name: 'Verrouiller le fil' }).click();
			await page.getByText('C’est fait').waitFor();
			await page.getByRole('button', { name: 'Déverrouiller le fil' }).waitFor();

			// A synthesis too short is refused and kept.
			await page.locator('#synthesis-body').fill('x');
			await page.getByRole('button', { name: 'Publier la synthèse et clore le fil' }).click();
			await page.locator('#synthesis-body-error').waitFor();
			expect(await page.locator('#synthesis-body').inputValue()).toBe('x');
			await page.locator('#synthesis-body').fill('Deux **pistes** retenues.');
			await page.getByRole('button', { name: 'Publier la synthèse et clore le fil' }).click();
			await page.getByRole('button', { name: 'Rouvrir le fil' }).waitFor();
			expectNoProblems(problems);

			const member = await signedIn(cookies.member, js);
			await member.page.goto(`/fils/${threadId}`);
			await member.page.getByText('Fil verrouillé — raison : Le ton monte.').first().waitFor();
			expect(await member.page.locator('#reply-body').count()).toBe(0);
			const synthesis = member.page.getByRole('region', { name: 'Synthèse' });
			expect(await synthesis.locator('strong').textContent()).toBe('pistes');
			await member.page.goto(`/espaces/${slug}`);
			const row = member.page.locator('li', { hasText: title });
			expect(await row.getByText('Synthèse').count()).toBe(1);
			expect(await row.getByText('Verrouillé').count()).toBe(1);
			expectNoProblems(member.problems);
		});
	});
});
