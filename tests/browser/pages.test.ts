import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	DEMO_PASSWORD,
	demo,
	expectNoProblems,
	hasChromium,
	login,
	ready,
	startHarness,
	uniqueEmail,
	type Harness
} from './support.ts';

const KB = 1024;
const PAGE_WEIGHT_BUDGET = 60 * KB;

/** One response as the server sends it: status, headers, raw (still compressed) body. */
function fetchRaw(url: string, options: { acceptEncoding?: string; cookie?: string } = {}) {
	return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>(
		(resolve, reject) => {
			const headers: Record<string, string> = { 'accept-encoding': options.acceptEncoding ?? 'br, gzip' };
			if (options.cookie) headers.cookie = options.cookie;
			const req = httpRequest(url, { headers }, (res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
				res.on('error', reject);
			});
			req.setTimeout(5000, () => req.destroy(new Error(`${url} (${headers['accept-encoding']}): the response never ended`)));
			req.on('error', reject);
			req.end();
		}
	);
}

describe.skipIf(!hasChromium)('pages in the browser', () => {
	let h: Harness;
	beforeAll(async () => {
		h = await startHarness();
	});
	afterAll(async () => {
		await h?.close();
	});

	it('sends a strict Content-Security-Policy and the other security headers with each page', async () => {
		const nonces: string[] = [];
		for (const path of ['/', '/connexion', '/inscription', '/connexion']) {
			const response = await fetch(h.server.origin + path);
			expect(response.status).toBe(200);
			expect(response.headers.get('content-type')).toMatch(/^text\/html/);
			const csp = response.headers.get('content-security-policy') ?? '';
			const directives = new Map(
				csp
					.split(';')
					.map((d) => d.trim().split(/\s+/))
					.filter((d) => d[0])
					.map(([name, ...values]) => [name!, values])
			);
			expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
			expect(directives.get('default-src')).toEqual(["'self'"]);
			expect(directives.get('object-src')).toEqual(["'none'"]);
			const scriptSrc = directives.get('script-src') ?? [];
			expect(scriptSrc).not.toContain("'unsafe-inline'");
			expect(scriptSrc).not.toContain("'unsafe-eval'");
			expect(directives.get('style-src')).not.toContain("'unsafe-inline'");
			const source = scriptSrc.find((v) => /^'(nonce|sha256)-/.test(v));
			expect(source, `script-src has a nonce or hash: ${csp}`).toBeDefined();

			// The page's own bootstrap script carries that nonce, and the nonce is never reused.
			const html = await response.text();
			const nonce = /^'nonce-(.+)'$/.exec(source!)?.[1];
			if (nonce) {
				expect(html).toContain(`<script nonce="${nonce}">`);
				nonces.push(nonce);
			}
			expect(response.headers.get('x-content-type-options')).toBe('nosniff');
			expect(response.headers.get('referrer-policy')).toMatch(
				/^(no-referrer|same-origin|strict-origin|strict-origin-when-cross-origin)$/
			);
		}
		expect(new Set(nonces).size).toBe(nonces.length);
	});

	it('reports no CSP violation and no script error along the account flows', async () => {
		const { page, problems } = await h.context();
		const email = uniqueEmail('csp');
		await page.goto('/');
		await page.getByRole('banner').getByRole('link', { name: 'Créer un compte' }).click();
		await ready(page, true);
		await page.getByLabel('Adresse e-mail').fill(email);
		await page.getByRole('button', { name: 'Créer mon compte' }).click();
		await page.locator('.field-error').first().waitFor();

		await page.getByLabel('Nom affiché').fill('Kossi Agbeko');
		await page.getByLabel('Mot de passe', { exact: true }).fill('une phrase de passe solide');
		await page.getByLabel('Organisation', { exact: true }).fill('Union des mutuelles de Lomé');
		await page.getByLabel('Type d’organisation').selectOption('federation_mutuelles');
		await page.getByLabel('Pays').selectOption('TG');
		await page.getByRole('button', { name: 'Créer mon compte' }).click();
		await page.getByRole('heading', { level: 1, name: 'Mon compte' }).waitFor();
		await ready(page, true, 'form[action="?/profile"]');
		await page.getByLabel('Présentation').fill('Trésorier d’une union de mutuelles.');
		await page.getByRole('button', { name: 'Enregistrer le profil' }).click();
		await page.getByRole('status').filter({ hasText: 'Modifications enregistrées.' }).waitFor();
		// Signed-in pages open their socket: let it connect (or be refused) before judging.
		await page.waitForLoadState('networkidle');
		await page.getByRole('banner').getByRole('button', { name: 'Se déconnecter' }).click();
		await page.getByRole('banner').getByRole('link', { name: 'Se connecter' }).waitFor();

		await login(page, true, email, 'une phrase de passe solide');
		await page.getByRole('heading', { level: 1, name: 'Bonjour Kossi Agbeko' }).waitFor();
		await page.waitForLoadState('networkidle');
		expectNoProblems(problems);
	});

	it(`keeps the first load of the home page under ${PAGE_WEIGHT_BUDGET / KB} KB (HTML + JS + CSS, compressed)`, async () => {
		const { page } = await h.context();
		const seen: { url: string; type: string; encoding: string; transferred: number }[] = [];
		const pending: Promise<void>[] = [];
		page.on('requestfinished', (request) => {
			pending.push(
				(async () => {
					const response = await request.response();
					const sizes = await request.sizes();
					seen.push({
						url: request.url(),
						type: request.resourceType(),
						encoding: (await response?.headerValue('content-encoding')) ?? 'identity',
						transferred: sizes.responseBodySize + sizes.responseHeadersSize
					});
				})()
			);
		});
		await page.goto('/', { waitUntil: 'networkidle' });
		await Promise.all(pending);

		const counted = seen.filter((r) => ['document', 'script', 'stylesheet'].includes(r.type));
		expect(counted.filter((r) => r.type === 'document')).toHaveLength(1);
		expect(counted.some((r) => r.type === 'script')).toBe(true);
		expect(counted.some((r) => r.type === 'stylesheet')).toBe(true);
		const browserBytes = counted.reduce((sum, r) => sum + r.transferred, 0);

		// The same resources as served to a client that accepts br and gzip, bodies only.
		let servedBytes = 0;
		let cssBytes = 0;
		const rows: string[] = [];
		for (const r of counted) {
			const served = await fetchRaw(r.url);
			expect(served.status).toBe(200);
			expect(served.headers['content-encoding'], `${r.url} is compressed`).toMatch(/^(br|gzip)$/);
			servedBytes += served.body.length;
			if (r.type === 'stylesheet') cssBytes += served.body.length;
			rows.push(
				`${r.type.padEnd(10)} ${String(served.body.length).padStart(6)} B ${served.headers['content-encoding']}  (browser: ${r.transferred} B ${r.encoding})  ${new URL(r.url).pathname}`
			);
		}
		console.log(
			`home page first load: ${counted.length} resources, ${(servedBytes / KB).toFixed(1)} KB as served (br), ` +
				`${(browserBytes / KB).toFixed(1)} KB transferred to Chromium incl. headers\n  ${rows.join('\n  ')}`
		);
		expect(servedBytes).toBeLessThanOrEqual(PAGE_WEIGHT_BUDGET);
		expect(browserBytes).toBeLessThanOrEqual(PAGE_WEIGHT_BUDGET);
		// DESIGN.md: the whole site's CSS in about 15 KB compressed.
		expect(cssBytes).toBeLessThanOrEqual(15 * KB);

		// Hashed assets are cached for good, so only the HTML comes again on the next visit.
		const asset = counted.find((r) => r.type === 'script')!;
		const cache = (await fetchRaw(asset.url)).headers['cache-control'];
		expect(String(cache)).toMatch(/immutable/);
	});

	it('sends pages larger than 16 KB whole when it compresses them (br and gzip)', async () => {
		const { origin } = h.server;
		const post = (path: string, body: Record<string, string>) =>
			fetch(origin + path, {
				method: 'POST',
				redirect: 'manual',
				headers: { origin, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams(body)
			});
		const login = await post('/connexion', { email: demo.admin.email, password: DEMO_PASSWORD });
		expect(login.status).toBe(303);
		const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
		const url = `${origin}/admin/membres`;

		// Members until the admin list outgrows zlib's 16 KB buffer.
		let plain = await fetchRaw(url, { acceptEncoding: 'identity', cookie });
		for (let i = 0; plain.body.length <= 20 * KB && i < 8; i++) {
			const signup = await post('/inscription', {
				displayName: `Membre ${i} de la liste`,
				email: uniqueEmail('liste'),
				password: 'une phrase de passe solide',
				organisationName: `Mutuelle numéro ${i} de la liste des membres`,
				organisationType: 'mutuelle',
				country: 'CI',
				locale: 'fr'
			});
			expect(signup.status).toBe(303);
			plain = await fetchRaw(url, { acceptEncoding: 'identity', cookie });
		}
		expect(plain.status).toBe(200);
		expect(plain.body.length).toBeGreaterThan(20 * KB);

		for (const [encoding, decode] of [
			['br', brotliDecompressSync],
			['gzip', gunzipSync]
		] as const) {
			const served = await fetchRaw(url, { acceptEncoding: encoding, cookie });
			expect(served.status).toBe(200);
			expect(served.headers['content-encoding']).toBe(encoding);
			const html = decode(served.body).toString('utf8');
			expect(html).toMatch(/<\/html>\s*$/);
			expect(Math.abs(html.length - plain.body.toString('utf8').length)).toBeLessThan(200);
		}
	});

	describe('on a 360 px wide phone', () => {
		const overflow = (page: Page) =>
			page.evaluate(() => {
				const width = document.documentElement.clientWidth;
				const wide = [...document.querySelectorAll('body *')]
					.filter((el) => el.getBoundingClientRect().right > width + 0.5)
					.slice(0, 5)
					.map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].join('.')}`);
				return { width, scrollWidth: document.documentElement.scrollWidth, wide };
			});

		it('has no horizontal scroll on /, /connexion, /inscription and /compte', async () => {
			const { page, problems } = await h.context({ viewport: { width: 360, height: 740 } });
			const check = async (path: string) => {
				const result = await overflow(page);
				expect(result.width, path).toBe(360);
				expect(result.scrollWidth, `${path} overflows: ${result.wide.join(', ')}`).toBeLessThanOrEqual(result.width);
			};
			for (const path of ['/', '/connexion', '/inscription']) {
				await page.goto(path);
				await check(path);
			}
			// With the sign-up errors shown too.
			await ready(page, true);
			await page.getByRole('button', { name: 'Créer mon compte' }).click();
			await page.locator('.field-error').first().waitFor();
			await check('/inscription (errors)');

			await login(page, true, demo.member.email);
			await page.getByRole('heading', { level: 1, name: `Bonjour ${demo.member.name}` }).waitFor();
			await page.goto('/compte');
			await page.getByRole('heading', { level: 1, name: 'Mon compte' }).waitFor();
			await check('/compte');
			expectNoProblems(problems);
		});
	});

	describe('accessibility (axe-core)', () => {
		const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

		async function seriousViolations(page: Page) {
			// axe is injected as an inline script: this context bypasses the page's CSP for it.
			await page.addScriptTag({ content: axeSource });
			const violations = await page.evaluate(async () => {
				const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
				const result = await axe.run(document, { resultTypes: ['violations'] });
				return result.violations.map((v) => ({
					id: v.id,
					impact: v.impact,
					help: v.help,
					targets: v.nodes.slice(0, 3).map((n) => n.target.join(' '))
				}));
			});
			return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
		}

		for (const colorScheme of ['light', 'dark'] as const) {
			it(`finds no serious or critical violation on the main pages (${colorScheme} scheme)`, async () => {
				const { page } = await h.context({ bypassCSP: true, colorScheme });
				const report: Record<string, unknown> = {};
				for (const path of ['/', '/connexion', '/inscription']) {
					await page.goto(path);
					report[path] = await seriousViolations(page);
				}
				// The sign-up form with its errors shown.
				await page.goto('/inscription');
				await ready(page, true);
				await page.getByRole('button', { name: 'Créer mon compte' }).click();
				await page.locator('.field-error').first().waitFor();
				report['/inscription (errors)'] = await seriousViolations(page);

				await login(page, true, demo.member.email);
				await page.getByRole('heading', { level: 1, name: `Bonjour ${demo.member.name}` }).waitFor();
				await page.goto('/compte');
				report['/compte'] = await seriousViolations(page);

				if (colorScheme === 'light') {
					// The check can fail: an unlabelled button is reported.
					await page.evaluate(() => document.querySelector('main')?.append(document.createElement('button')));
					expect((await seriousViolations(page)).map((v) => v.id)).toContain('button-name');
				}

				expect(report).toEqual({
					'/': [],
					'/connexion': [],
					'/inscription': [],
					'/inscription (errors)': [],
					'/compte': []
				});
			});
		}
	});
});
