import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	eventRegistrations,
	eventReminders,
	events,
	mailOutbox,
	notifications,
	spaceMembers,
	users
} from '../../db/schema/index.ts';
import { createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/app.ts';
import { createSpace, createUser, type TestUser } from '../helpers/factories.ts';
import { addOrganiser, farFuture, hostOn, insertEvent, register, type Host } from '../helpers/mail.ts';
import { connect, connected } from '../helpers/sockets.ts';

/*
 * Event reminders: 24 h and 1 h before the start, once each per person, in the app and in
 * the outbox, whatever restarts or concurrent runs happen. Each test runs the job at its own
 * instant far in the future (see farFuture), so the PostgreSQL database may be shared.
 */
let t: TestApp;
let space: { id: string; slug: string; admin: TestUser };
const hosts: Host[] = [];
beforeAll(async () => {
	t = await createTestApp();
	space = await createSpace(t);
});
afterAll(async () => {
	for (const host of hosts) await host.close();
	await t.close();
});

const HOUR = 3_600_000;
const later = (now: Date, ms: number) => new Date(now.getTime() + ms);

/** One after the other: concurrent sign-ups with the same display name race for the same @handle. */
async function members(n: number): Promise<TestUser[]> {
	const made: TestUser[] = [];
	for (let i = 0; i < n; i++) made.push(await createUser(t));
	return made;
}

async function anotherHost() {
	const host = await hostOn(t);
	hosts.push(host);
	return host;
}

/** What each person holds for an event: reminder rows, notifications, e-mails. */
async function holdings(eventId: string, userIds: string[]) {
	const db = t.database.db;
	const reminders = await db
		.select({ userId: eventReminders.userId, kind: eventReminders.kind })
		.from(eventReminders)
		.where(eq(eventReminders.eventId, eventId));
	const notes = (
		await db
			.select({ userId: notifications.userId, data: notifications.data, spaceId: notifications.spaceId })
			.from(notifications)
			.where(and(inArray(notifications.userId, userIds), eq(notifications.kind, 'event_reminder')))
	).filter((n) => (n.data as { eventId?: string }).eventId === eventId);
	const mails = await db
		.select()
		.from(mailOutbox)
		.where(and(inArray(mailOutbox.userId, userIds), eq(mailOutbox.topic, 'event_reminder')));
	const title = (await db.select({ title: events.title }).from(events).where(eq(events.id, eventId)))[0]!.title;
	return { reminders, notes, mails: mails.filter((m) => m.subject.includes(title)) };
}

const kindsOf = (rows: { userId: string; kind: string }[], userId: string) =>
	rows
		.filter((r) => r.userId === userId)
		.map((r) => r.kind)
		.sort();

describe('event reminders', () => {
	it('are sent once — in the app, live, and to the outbox — across a restart', async () => {
		const now = farFuture();
		const [fr, en, waiting, organiser] = (await members(4)) as [TestUser, TestUser, TestUser, TestUser];
		await t.database.db.update(users).set({ locale: 'en', country: 'FR' }).where(eq(users.id, en.id));
		const eventId = await insertEvent(t.database.db, space.id, now, 23, { timeZone: 'Africa/Douala', place: 'Yaoundé' });
		await register(t.database.db, eventId, [fr.id, en.id]);
		await register(t.database.db, eventId, [waiting.id], 'waiting');
		await addOrganiser(t.database.db, eventId, organiser.id);
		const everyone = [fr.id, en.id, waiting.id, organiser.id];

		const socket = connect(await t.listen(), { cookie: fr.cookie });
		await connected(socket);
		const counted = new Promise<number>((resolve) => socket.once('notification:count', ({ unread }) => resolve(unread)));

		expect((await t.services.reminders.runOnce(now)).sent).toBe(3);
		expect(await counted).toBe(1);
		socket.disconnect();

		const first = await holdings(eventId, everyone);
		// The registered and the organiser; not the waiting list.
		expect(first.reminders.map((r) => r.userId).sort()).toEqual([fr.id, en.id, organiser.id].sort());
		expect(first.notes).toHaveLength(3);
		expect(first.mails).toHaveLength(3);
		const { title, startsAt } = (await t.database.db.select().from(events).where(eq(events.id, eventId)))[0]!;
		expect(first.notes.find((n) => n.userId === fr.id)).toEqual({
			userId: fr.id,
			spaceId: space.id,
			data: { eventId, title, startsAt: startsAt.toISOString(), timeZone: 'Africa/Douala', reminder: '24h' }
		});
		const frMail = first.mails.find((m) => m.userId === fr.id)!;
		expect(frMail).toMatchObject({ status: 'local', toAddress: fr.email, subject: `Rappel : « ${title} » commence dans 24 h` });
		expect(frMail.textBody).toContain(`« ${title} » commence dans 24 heures.`);
		expect(frMail.textBody).toContain('(heure de l’événement, Africa/Douala, UTC+1)');
		expect(frMail.textBody).toContain('Lieu : Yaoundé');
		expect(frMail.textBody).toContain(`${TEST_ORIGIN}/evenements/${eventId}`);
		const enMail = first.mails.find((m) => m.userId === en.id)!;
		expect(enMail.subject).toBe(`Reminder: “${title}” starts in 24 hours`);
		// In the event's zone, and in the member's own (France) since it differs.
		expect(enMail.textBody).toMatch(
			/Starts: .* \(event time, Africa\/Douala, UTC\+1\)\nYour time: .* \(Europe\/Paris, UTC\+[12]\)/
		);

		// A new process on the same database, a minute later: nothing is sent again.
		const restarted = await anotherHost();
		expect((await restarted.services.reminders.runOnce(later(now, 60_000))).sent).toBe(0);
		const afterRestart = await holdings(eventId, everyone);
		expect([afterRestart.reminders.length, afterRestart.notes.length, afterRestart.mails.length]).toEqual([3, 3, 3]);

		// 50 minutes before the start: the 1-hour reminder, once, whichever process runs.
		const hourBefore = later(now, 22 * HOUR + 10 * 60_000);
		expect((await restarted.services.reminders.runOnce(hourBefore)).sent).toBe(3);
		expect((await t.services.reminders.runOnce(later(hourBefore, 60_000))).sent).toBe(0);
		const last = await holdings(eventId, everyone);
		expect(kindsOf(last.reminders, fr.id)).toEqual(['1h', '24h']);
		expect(kindsOf(last.reminders, waiting.id)).toEqual([]);
		expect([last.notes.length, last.mails.length]).toEqual([6, 6]);
		expect(last.mails.find((m) => m.userId === fr.id && m.subject.endsWith('1 h'))?.textBody).toContain(
			'commence dans une heure.'
		);
	});

	it('two runs at once (two processes) still send each reminder once', async () => {
		const now = farFuture();
		const people = await members(6);
		const eventId = await insertEvent(t.database.db, space.id, now, 20);
		await register(
			t.database.db,
			eventId,
			people.map((p) => p.id)
		);
		const other = await anotherHost();
		const [a, b] = await Promise.all([t.services.reminders.runOnce(now), other.services.reminders.runOnce(now)]);
		expect(a.sent + b.sent).toBe(6);
		const held = await holdings(
			eventId,
			people.map((p) => p.id)
		);
		expect([held.reminders.length, held.notes.length, held.mails.length]).toEqual([6, 6, 6]);
	});

	it('an event created 3 hours before its start gets only the 1-hour reminder', async () => {
		const now = farFuture();
		const member = await createUser(t);
		const eventId = await insertEvent(t.database.db, space.id, now, 3);
		await register(t.database.db, eventId, [member.id]);

		expect((await t.services.reminders.runOnce(now)).sent).toBe(0);
		expect((await t.services.reminders.runOnce(later(now, HOUR))).sent).toBe(0);
		expect((await t.services.reminders.runOnce(later(now, 2 * HOUR + 5 * 60_000))).sent).toBe(1);
		expect((await t.services.reminders.runOnce(later(now, 2 * HOUR + 30 * 60_000))).sent).toBe(0);
		// Started: nothing more.
		expect((await t.services.reminders.runOnce(later(now, 3 * HOUR + 60_000))).sent).toBe(0);
		const held = await holdings(eventId, [member.id]);
		expect(held.reminders.map((r) => r.kind)).toEqual(['1h']);
		expect(held.notes.map((n) => (n.data as { reminder: string }).reminder)).toEqual(['1h']);
		expect(held.mails.map((m) => m.subject)).toEqual([expect.stringMatching(/commence dans 1 h$/)]);
	});

	it('none for the unregistered, the waiting list, a cancelled event or one already started', async () => {
		const now = farFuture();
		const [kept, left, waiting] = (await members(3)) as [TestUser, TestUser, TestUser];
		const open = await insertEvent(t.database.db, space.id, now, 22);
		const cancelled = await insertEvent(t.database.db, space.id, now, 22, { cancelledAt: now });
		const started = await insertEvent(t.database.db, space.id, now, -0.5);
		await register(t.database.db, open, [kept.id, left.id]);
		await register(t.database.db, open, [waiting.id], 'waiting');
		await register(t.database.db, cancelled, [kept.id]);
		await register(t.database.db, started, [kept.id]);
		await t.database.db
			.delete(eventRegistrations)
			.where(and(eq(eventRegistrations.eventId, open), eq(eventRegistrations.userId, left.id)));

		expect((await t.services.reminders.runOnce(now)).sent).toBe(1);
		const everyone = [kept.id, left.id, waiting.id];
		expect((await holdings(open, everyone)).reminders).toEqual([{ userId: kept.id, kind: '24h' }]);
		expect((await holdings(cancelled, everyone)).reminders).toEqual([]);
		expect((await holdings(started, everyone)).reminders).toEqual([]);
	});

	it('none for a member who lost access to the private host space', async () => {
		const now = farFuture();
		const secret = await createSpace(t, { visibility: 'private' });
		const [stays, leaves] = (await members(2)) as [TestUser, TestUser];
		await t.database.db.insert(spaceMembers).values([
			{ spaceId: secret.id, userId: stays.id, role: 'member', status: 'active' },
			{ spaceId: secret.id, userId: leaves.id, role: 'member', status: 'active' }
		]);
		const eventId = await insertEvent(t.database.db, secret.id, now, 0.5);
		await register(t.database.db, eventId, [stays.id, leaves.id]);
		await t.database.db.delete(spaceMembers).where(and(eq(spaceMembers.spaceId, secret.id), eq(spaceMembers.userId, leaves.id)));

		expect((await t.services.reminders.runOnce(now)).sent).toBe(1);
		const held = await holdings(eventId, [stays.id, leaves.id]);
		expect(held.reminders).toEqual([{ userId: stays.id, kind: '1h' }]);
		expect(held.mails.map((m) => m.userId)).toEqual([stays.id]);
		// The one reminded sees it in their list, linking to the event.
		const list = await t.app.inject({ url: '/api/v1/notifications', headers: { cookie: stays.cookie } });
		const item = list.json<{ items: { kind: string; url: string }[] }>().items.find((n) => n.kind === 'event_reminder');
		expect(item?.url).toBe(`/evenements/${eventId}`);
	});
});
