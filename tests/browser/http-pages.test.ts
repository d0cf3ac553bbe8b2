import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server-process.ts';

/*
 * The built web app over plain HTTP (no browser needed): what SvelteKit pages and form
 * actions answer when requests are forged, cached or compressed.
 */
let server: RunningServer;
beforeAll(async () => {
	server = await startServer();
});
afterAll(() => server?.stop());

async function demoLogin(): Promise<string> {
	const res = await fetch(`${server.origin}/connexion?next=${encodeURIComponent('https://evil.example/')}`, {
		method: 'POST',
		redirect: 'manual',
		headers: { origin: server.origin, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
		body: new URLSearchParams({ email: 'membre@example.org', password: 'palabre-demo' })
	});
	expect(res.status).toBe(303);
	// ?next= accepts same-site relative paths only (open redirect).
	expect(res.headers.get('location')).toBe('/');
	const cookie = res.headers.getSetCookie().find((c) => c.startsWith('palabre_session='));
	expect(cookie).toMatch(/HttpOnly/i);
	expect(cookie).toMatch(/SameSite=Lax/i);
	return cookie!.split(';')[0]!;
}

describe('form actions', () => {
	it('refuse a foreign Origin whatever the Content-Type (CSRF)', async () => {
		const bodies: [string | undefined, string][] = [
			['application/x-www-form-urlencoded', 'email=membre%40example.org&password=palabre-demo'],
			[
				'multipart/form-data; boundary=x',
				'--x\r\nContent-Disposition: form-data; name="email"\r\n\r\nmembre@example.org\r\n--x--\r\n'
			],
			['text/plain', 'email=membre@example.org&password=palabre-demo'],
			['application/json', '{"email":"membre@example.org","password":"palabre-demo"}'],
			[undefined, 'email=membre@example.org&password=palabre-demo']
		];
		for (const [type, body] of bodies) {
			const res = await fetch(`${server.origin}/connexion`, {
				method: 'POST',
				redirect: 'manual',
				headers: { origin: 'https://evil.example', ...(type ? { 'content-type': type } : {}) },
				body
			});
			expect(res.status, String(type)).toBe(403);
			expect(res.headers.getSetCookie()).toEqual([]);
		}
	});

	it('log out only by POST, from this site', async () => {
		const cookie = await demoLogin();
		const viaGet = await fetch(`${server.origin}/deconnexion`, { redirect: 'manual', headers: { cookie } });
		expect(viaGet.status).toBe(303);
		const foreign = await fetch(`${server.origin}/deconnexion`, {
			method: 'POST',
			redirect: 'manual',
			headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
			body: ''
		});
		expect(foreign.status).toBe(403);
		const account = await fetch(`${server.origin}/compte`, { redirect: 'manual', headers: { cookie } });
		expect(account.status).toBe(200);

		const logout = await fetch(`${server.origin}/deconnexion`, {
			method: 'POST',
			redirect: 'manual',
			headers: { cookie, origin: server.origin, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
			body: ''
		});
		expect(logout.status).toBe(303);
		const after = await fetch(`${server.origin}/compte`, { redirect: 'manual', headers: { cookie } });
		expect(after.status).toBe(303);
		expect(after.headers.get('location')).toMatch(/^\/connexion/);
	});
});

describe('pages', () => {
	it('are never stored by shared caches once a session is involved', async () => {
		const cookie = await demoLogin();
		const res = await fetch(`${server.origin}/compte`, { headers: { cookie } });
		expect(res.status).toBe(200);
		expect(res.headers.get('cache-control')).toBe('private, no-store');
	});

	it('are compressed as served, and static assets are immutable', async () => {
		const res = await fetch(`${server.origin}/`, { headers: { 'accept-encoding': 'br' } });
		expect(res.headers.get('content-encoding')).toBe('br');
		const html = await res.text(); // fetch decodes it: the page survived compression whole
		expect(html).toMatch(/<\/html>\s*$/);
		const asset = html.match(/\/_app\/immutable\/[^"']+\.js/)?.[0];
		expect(asset).toBeDefined();
		const assetRes = await fetch(server.origin + asset!, { headers: { 'accept-encoding': 'br, gzip' } });
		expect(assetRes.status).toBe(200);
		expect(assetRes.headers.get('cache-control')).toMatch(/immutable/);
		expect(assetRes.headers.get('content-encoding')).toMatch(/br|gzip/);
	});

	it('answer a missing page with a French 404 page and no stack trace', async () => {
		const res = await fetch(`${server.origin}/nulle-part`, { headers: { accept: 'text/html' } });
		expect(res.status).toBe(404);
		const html = await res.text();
		expect(html).toContain('Page introuvable.');
		expect(html).not.toMatch(/node_modules|at \w+ \(/);
		expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
	});

	it('speak English when the browser asks for it, French otherwise', async () => {
		const en = await (await fetch(`${server.origin}/connexion`, { headers: { 'accept-language': 'en-US,en;q=0.9' } })).text();
		expect(en).toContain('<html lang="en">');
		expect(en).toContain('E-mail address');
		const fr = await (await fetch(`${server.origin}/connexion`, { headers: { 'accept-language': 'de' } })).text();
		expect(fr).toContain('<html lang="fr">');
		expect(fr).toContain('Adresse e-mail');
	});
});

describe('anonymous page cache', () => {
	const space = '/espaces/gestion-des-mutuelles';
	const anonymous = { 'accept-encoding': 'br', 'accept-language': 'fr' };

	it('serves a page seen by one visitor to the next, compressed and identical', async () => {
		const first = await fetch(server.origin + space, { headers: anonymous });
		const firstHtml = await first.text();
		const second = await fetch(server.origin + space, { headers: anonymous });
		expect(second.headers.get('x-palabre-cache')).toBe('hit');
		expect(second.headers.get('content-encoding')).toBe('br');
		expect(second.headers.get('content-security-policy')).toBe(first.headers.get('content-security-policy'));
		expect(await second.text()).toBe(firstHtml);
		// The page's inline script runs under a hash, never a replayed nonce.
		expect(second.headers.get('content-security-policy')).not.toContain('nonce-');
		// Another language is another page.
		const english = await fetch(server.origin + space, { headers: { ...anonymous, 'accept-language': 'en' } });
		expect(english.headers.get('x-palabre-cache')).toBe('miss');
		expect(await english.text()).toContain('<html lang="en">');
	});

	it('keeps one page per visitor time zone, since event times are printed in it', async () => {
		const events = '/evenements';
		const dakar = { ...anonymous, cookie: 'tz=Africa%2FDakar' };
		const paris = { ...anonymous, cookie: 'tz=Europe%2FParis' };
		await fetch(server.origin + events, { headers: dakar });
		expect((await fetch(server.origin + events, { headers: dakar })).headers.get('x-palabre-cache')).toBe('hit');
		const other = await fetch(server.origin + events, { headers: paris });
		expect(other.headers.get('x-palabre-cache')).toBe('miss');
		expect(await other.text()).toContain('Paris');
	});

	it('never serves signed-in members, nor keeps error pages', async () => {
		const cookie = await demoLogin();
		await fetch(server.origin + space, { headers: anonymous });
		const member = await fetch(server.origin + space, { headers: { ...anonymous, cookie } });
		expect(member.headers.get('x-palabre-cache')).toBeNull();
		expect(await member.text()).toContain('/deconnexion');
		for (let i = 0; i < 2; i++) {
			const hidden = await fetch(`${server.origin}/espaces/animateurs`, { headers: anonymous });
			expect(hidden.status).toBe(404);
			expect(hidden.headers.get('x-palabre-cache')).not.toBe('hit');
		}
	});

	it('is emptied by any change, so a new thread shows at once', async () => {
		await fetch(server.origin + space, { headers: anonymous });
		expect((await fetch(server.origin + space, { headers: anonymous })).headers.get('x-palabre-cache')).toBe('hit');
		const cookie = await demoLogin();
		const title = `Cache vidé ${Date.now()}`;
		const created = await fetch(`${server.origin}/api/v1/spaces/gestion-des-mutuelles/threads`, {
			method: 'POST',
			headers: { cookie, origin: server.origin, 'content-type': 'application/json' },
			body: JSON.stringify({ kind: 'discussion', title, body: 'Une question sur les **cotisations** des adhérents.' })
		});
		expect(created.status).toBe(201);
		const after = await fetch(server.origin + space, { headers: anonymous });
		expect(after.headers.get('x-palabre-cache')).toBe('miss');
		expect(await after.text()).toContain(title);
	});
});
