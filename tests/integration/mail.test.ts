import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailOutbox } from '../../db/schema/index.ts';
import { MailService } from '../../server/modules/mail/mail.service.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { createSpace, createUser, type TestUser } from '../helpers/factories.ts';
import { body, farFuture, header, hostOn, insertEvent, register, startSmtp, type Host, type TestSmtp } from '../helpers/mail.ts';

/*
 * The outbox: every e-mail is a row, written in its cause's transaction. Without SMTP_URL
 * rows stay `local` for admins to read; with it, the sender delivers each row once through
 * a real SMTP server, backs off on failure and gives up after a few attempts.
 */
let t: TestApp;
let admin: TestUser;
let member: TestUser;
let space: { id: string };
const closers: (() => Promise<void>)[] = [];
beforeAll(async () => {
	t = await createTestApp();
	admin = await createUser(t, { role: 'admin' });
	member = await createUser(t);
	space = await createSpace(t, { admin });
});
afterAll(async () => {
	for (const close of closers.reverse()) await close();
	await t.close();
});

const get = (url: string, user?: TestUser) => t.app.inject({ url, headers: user ? { cookie: user.cookie } : {} });

async function smtp(options: { reject?: boolean } = {}): Promise<TestSmtp> {
	const server = await startSmtp(options);
	closers.push(() => server.close());
	return server;
}

async function hostWith(smtpUrl: string): Promise<Host> {
	const host = await hostOn(t, { smtpUrl, mailFrom: 'Réseau Palabre <annonces@palabre.test>' });
	closers.push(() => host.close());
	return host;
}

const rowsOf = (userId: string) => t.database.db.select().from(mailOutbox).where(eq(mailOutbox.userId, userId));

describe('without SMTP_URL', () => {
	it('keeps e-mails in the local outbox, which admins alone can read', async () => {
		const recipient = await createUser(t);
		await t.database.db.transaction((tx) =>
			t.services.mail.enqueue(tx, {
				userId: recipient.id,
				to: recipient.email,
				subject: 'Une place s’est libérée',
				text: 'Bonjour,\nvous êtes inscrit·e.\n',
				topic: 'event_seat'
			})
		);
		const [row] = await rowsOf(recipient.id);
		expect(row).toMatchObject({ status: 'local', attempts: 0, toAddress: recipient.email });
		// The sender leaves local rows alone.
		expect(await t.services.mail.sendDue()).toEqual({ sent: 0, retried: 0, failed: 0 });

		const page = await get('/api/v1/admin/outbox?status=local', admin);
		expect(page.statusCode).toBe(200);
		expect(page.json().delivers).toBe(false);
		expect(page.json().items[0]).toMatchObject({ id: row!.id, status: 'local', to: recipient.email, topic: 'event_seat' });
		const one = await get(`/api/v1/admin/outbox/${row!.id}`, admin);
		expect(one.json()).toMatchObject({ subject: 'Une place s’est libérée', text: 'Bonjour,\nvous êtes inscrit·e.\n' });

		expect((await get('/api/v1/admin/outbox', member)).statusCode).toBe(403);
		expect((await get(`/api/v1/admin/outbox/${row!.id}`, member)).statusCode).toBe(403);
		expect((await get('/api/v1/admin/outbox')).statusCode).toBe(401);
		expect((await get(`/api/v1/admin/outbox/${crypto.randomUUID()}`, admin)).statusCode).toBe(404);
		expect((await get('/api/v1/admin/outbox?status=lost', admin)).statusCode).toBe(400);
	});

	it('pages through the outbox newest first without losing rows written in one transaction', async () => {
		const recipient = await createUser(t);
		// 60 rows sharing one created_at: the cursor must still walk past each exactly once.
		await t.database.db.transaction((tx) =>
			t.services.mail.enqueue(
				tx,
				Array.from({ length: 60 }, (_, i) => ({
					userId: recipient.id,
					to: recipient.email,
					subject: `Message ${i}`,
					text: '…',
					topic: `page-test-${recipient.id}`
				}))
			)
		);
		const seen: string[] = [];
		let next: string | null = null;
		do {
			const page = await t.services.mail.outbox(
				{
					user: { id: admin.id, role: 'admin', email: '', displayName: '', locale: 'fr' },
					session: { id: '', expiresAt: new Date() }
				},
				{ status: 'local', before: next ?? undefined }
			);
			seen.push(...page.items.filter((i) => i.topic === `page-test-${recipient.id}`).map((i) => i.id));
			next = page.next;
		} while (next);
		expect(seen).toHaveLength(60);
		expect(new Set(seen).size).toBe(60);
	});
});

describe('with SMTP_URL', () => {
	it('delivers a reminder once, to the right person, in French, even with two senders at once', async () => {
		const server = await smtp();
		const host = await hostWith(server.url);
		const second = await hostWith(server.url);
		const recipient = await createUser(t);
		const now = farFuture();
		const eventId = await insertEvent(host.db, space.id, now, 0.75, { title: 'Atelier « cotisations » à Thiès' });
		await register(host.db, eventId, [recipient.id]);

		expect((await host.services.reminders.runOnce(now)).sent).toBe(1);
		const [pending] = await rowsOf(recipient.id);
		expect(pending).toMatchObject({ status: 'pending' });

		// (Other files may leave due e-mails in a shared database: only this recipient's are counted.)
		await Promise.all([host.services.mail.sendDue(), second.services.mail.sendDue()]);
		await host.services.mail.sendDue();

		const mine = server.received.filter((m) => m.to.includes(recipient.email));
		expect(mine).toHaveLength(1);
		const message = mine[0]!;
		expect(message.from).toBe('annonces@palabre.test');
		expect(header(message.raw, 'to')).toBe(recipient.email);
		expect(header(message.raw, 'from')).toBe('Réseau Palabre <annonces@palabre.test>');
		expect(header(message.raw, 'subject')).toBe('Rappel : « Atelier « cotisations » à Thiès » commence dans 1 h');
		expect(header(message.raw, 'content-type')).toMatch(/^text\/plain; charset=utf-8/i);
		const text = body(message.raw);
		expect(text).toContain('« Atelier « cotisations » à Thiès » commence dans une heure.');
		expect(text).toContain(`http://palabre.test/evenements/${eventId}`);

		const [sent] = await rowsOf(recipient.id);
		expect(sent).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
		expect(sent!.sentAt).toBeInstanceOf(Date);
	});

	it('backs off after a failure, then gives up as failed after the last attempt', async () => {
		const server = await smtp({ reject: true });
		const mail = new MailService(t.database.db, { ...t.config, smtpUrl: server.url }, { maxAttempts: 3, backoffMs: 60_000 });
		closers.push(async () => mail.close());
		const recipient = await createUser(t);
		await mail.enqueue(t.database.db, {
			userId: recipient.id,
			to: recipient.email,
			subject: 'Test',
			text: 'Test',
			topic: 'test'
		});

		const start = new Date();
		expect(await mail.sendDue(start)).toEqual({ sent: 0, retried: 1, failed: 0 });
		let [row] = await rowsOf(recipient.id);
		expect(row).toMatchObject({ status: 'pending', attempts: 1 });
		expect(row!.lastError).toMatch(/Mailbox unavailable/);
		expect(row!.nextAttemptAt.getTime()).toBe(start.getTime() + 60_000);
		// Not due yet: nothing happens before the backoff ends.
		expect(await mail.sendDue(new Date(start.getTime() + 59_000))).toEqual({ sent: 0, retried: 0, failed: 0 });

		// Second attempt after one minute; the next wait doubles.
		const second = new Date(start.getTime() + 60_000);
		expect(await mail.sendDue(second)).toEqual({ sent: 0, retried: 1, failed: 0 });
		[row] = await rowsOf(recipient.id);
		expect(row).toMatchObject({ status: 'pending', attempts: 2 });
		expect(row!.nextAttemptAt.getTime()).toBe(second.getTime() + 120_000);

		expect(await mail.sendDue(new Date(second.getTime() + 120_000))).toEqual({ sent: 0, retried: 0, failed: 1 });
		[row] = await rowsOf(recipient.id);
		expect(row).toMatchObject({ status: 'failed', attempts: 3 });
		expect(row!.lastError).toMatch(/Mailbox unavailable/);
		expect(server.received).toEqual([]);

		const failed = await get('/api/v1/admin/outbox?status=failed', admin);
		expect(failed.json().items.map((i: { id: string }) => i.id)).toContain(row!.id);
	});

	it('counts an unreachable server as a failed attempt, without losing the e-mail', async () => {
		const server = await smtp();
		await server.close();
		closers.pop();
		const mail = new MailService(t.database.db, { ...t.config, smtpUrl: server.url }, { maxAttempts: 2 });
		const recipient = await createUser(t);
		await mail.enqueue(t.database.db, {
			userId: recipient.id,
			to: recipient.email,
			subject: 'Test',
			text: 'Test',
			topic: 'test'
		});
		expect((await mail.sendDue()).retried).toBeGreaterThanOrEqual(1);
		const rows = await t.database.db
			.select()
			.from(mailOutbox)
			.where(inArray(mailOutbox.userId, [recipient.id]));
		expect(rows).toMatchObject([{ status: 'pending', attempts: 1, lastError: expect.stringMatching(/ECONNREFUSED/) }]);
		// Left pending, a later run on a reused database would deliver it to another test's server.
		await t.database.db.delete(mailOutbox).where(eq(mailOutbox.userId, recipient.id));
	});
});
