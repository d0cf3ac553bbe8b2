import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server-process.ts';

/*
 * The built app as production runs it, jobs on: a reminder sent by the job shows up in the
 * member's notifications and in the admins' outbox pages — plain HTML, no JavaScript.
 * Its own embedded database (even when DATABASE_URL is set), so that the job never
 * touches the events of tests sharing the PostgreSQL server.
 */
let server: RunningServer;
const cookies = { admin: '', member: '' };
let eventId = '';
let title = '';

async function login(email: string): Promise<string> {
	const res = await fetch(`${server.url}/api/v1/sessions`, {
		method: 'POST',
		headers: { origin: server.origin, 'content-type': 'application/json' },
		body: JSON.stringify({ email, password: 'palabre-demo' })
	});
	expect(res.status).toBe(200);
	return res.headers.getSetCookie()[0]!.split(';')[0]!;
}

const api = (method: string, path: string, cookie: string, body?: object) =>
	fetch(`${server.url}/api/v1${path}`, {
		method,
		headers: { origin: server.origin, cookie, ...(body ? { 'content-type': 'application/json' } : {}) },
		...(body ? { body: JSON.stringify(body) } : {})
	});

const page = (path: string, cookie?: string) =>
	fetch(`${server.url}${path}`, { redirect: 'manual', headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) } });

/** `2026-11-24T10:30` in Africa/Dakar (UTC all year): what the form's datetime-local sends. */
const dakarLocal = (date: Date) => date.toISOString().slice(0, 16);

beforeAll(async () => {
	server = await startServer({ seed: false, env: { DATABASE_URL: '', JOBS_INTERVAL_SECONDS: '1' } });
	cookies.admin = await login('admin@example.org');
	cookies.member = await login('membre@example.org');
	title = `Webinaire de rappel ${Date.now()}`;
	const start = new Date(Date.now() + 40 * 60_000);
	const created = await api('POST', '/events', cookies.admin, {
		space: 'gestion-des-mutuelles',
		kind: 'webinaire',
		title,
		startsAt: dakarLocal(start),
		endsAt: dakarLocal(new Date(start.getTime() + 3_600_000)),
		timeZone: 'Africa/Dakar',
		onlineUrl: 'https://visio.example.org/salle'
	});
	expect(created.status, await created.clone().text()).toBe(201);
	eventId = ((await created.json()) as { id: string }).id;
	expect((await api('POST', `/events/${eventId}/registration`, cookies.member)).status).toBeLessThan(300);
});
afterAll(() => server?.stop());

describe('reminders and the outbox in the built app', () => {
	it('the job sends the 1-hour reminder, shown in the notifications and in the admins’ outbox', async () => {
		// The job runs every second: wait for the member's e-mail row.
		type Row = { id: string; to: string; subject: string; status: string };
		let mail: Row | undefined;
		for (let i = 0; i < 100 && !mail; i++) {
			const res = await api('GET', '/admin/outbox', cookies.admin);
			const items = ((await res.json()) as { items: Row[] }).items;
			mail = items.find((m) => m.to === 'membre@example.org' && m.subject.includes(title));
			if (!mail) await new Promise((resolve) => setTimeout(resolve, 100));
		}
		expect(mail).toMatchObject({ status: 'local', subject: `Rappel : « ${title} » commence dans 1 h` });

		const notifications = await (await page('/notifications', cookies.member)).text();
		expect(notifications).toContain(`Rappel : « ${title} » commence dans 1 h`);
		expect(notifications).toContain(`href="/evenements/${eventId}"`);

		const list = await page('/admin/courriels', cookies.admin);
		expect(list.status).toBe(200);
		const listHtml = await list.text();
		expect(listHtml).toContain('Aucun serveur SMTP n’est configuré');
		expect(listHtml).toContain(`href="/admin/courriels/${mail!.id}"`);
		expect(listHtml).toContain('Gardé ici (pas de SMTP)');
		expect(listHtml).toContain('Rappel d’événement');
		// The admin menu leads there.
		expect(listHtml).toMatch(/<a href="\/admin\/courriels" aria-current="page"[^>]*>Courriels<\/a>/);

		const one = await (await page(`/admin/courriels/${mail!.id}`, cookies.admin)).text();
		expect(one).toContain('membre@example.org');
		expect(one).toContain(`« ${title} » commence dans une heure.`);
		expect(one).toContain(`${server.origin}/evenements/${eventId}`);

		const filtered = await (await page('/admin/courriels?statut=sent', cookies.admin)).text();
		expect(filtered).not.toContain(`/admin/courriels/${mail!.id}`);
	});

	it('the outbox is missing for members and asks visitors to sign in', async () => {
		for (const path of ['/admin/courriels', `/admin/courriels/${crypto.randomUUID()}`]) {
			expect((await page(path, cookies.member)).status).toBe(404);
			const anonymous = await page(path);
			expect(anonymous.status).toBe(303);
			expect(anonymous.headers.get('location')).toMatch(/^\/connexion\?next=/);
		}
		expect((await page(`/admin/courriels/${crypto.randomUUID()}`, cookies.admin)).status).toBe(404);
		expect((await page('/admin/courriels/pas-un-id', cookies.admin)).status).toBe(404);
	});
});
