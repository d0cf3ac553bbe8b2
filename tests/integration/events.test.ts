import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	auditLog,
	eventRegistrations,
	events,
	mailOutbox,
	notifications,
	organisations,
	spaceMembers,
	users
} from '../../db/schema/index.ts';
import { translate } from '../../server/lib/i18n.ts';
import { createTestApp, TEST_ORIGIN, type TestApp } from '../helpers/app.ts';
import { createSpace, createUser, type TestUser } from '../helpers/factories.ts';
import { exe, pdf } from '../helpers/files.ts';

/*
 * Events over the API: validation of every field, who may do what (404 for outsiders of a
 * private space on every route), registration with a waiting list (also under 50
 * concurrent registrations), participants CSV, .ics files, private calendar feeds,
 * documents and lists.
 */

let t: TestApp;
let admin: TestUser;
let organiser: TestUser;
let member: TestUser;
let outsider: TestUser;
let pub: { slug: string; id: string };
let priv: { slug: string; id: string };

const fr = (key: string) => translate(key, 'fr');

/** A local date-time `n` days from now (Africa/Dakar is UTC all year). */
const day = (n: number, time = '10:00') => `${new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10)}T${time}`;

const get = (url: string, user?: TestUser | null) => t.app.inject({ url, headers: user ? { cookie: user.cookie } : {} });
const send = (method: 'POST' | 'PATCH' | 'DELETE', url: string, user: TestUser | null, payload?: object) =>
	t.app.inject({
		method,
		url,
		headers: { origin: TEST_ORIGIN, ...(user ? { cookie: user.cookie } : {}) },
		...(payload ? { payload } : {})
	});

function eventBody(over: Record<string, unknown> = {}) {
	return {
		space: pub.slug,
		kind: 'atelier',
		title: 'Atelier sur le recouvrement des cotisations',
		description: 'Partage d’expériences **concrètes**.',
		startsAt: day(10, '09:00'),
		endsAt: day(10, '17:00'),
		timeZone: 'Africa/Dakar',
		place: 'Dakar, Hôtel Terrou-Bi',
		countries: ['SN', 'ML'],
		...over
	};
}

/** Every event this file made (the PostgreSQL test database is shared with other files and runs). */
const made: string[] = [];

async function createEvent(over: Record<string, unknown> = {}, by: TestUser = organiser) {
	const res = await send('POST', '/api/v1/events', by, eventBody(over));
	if (res.statusCode !== 201) throw new Error(`event creation failed: ${res.statusCode} ${res.body}`);
	made.push(res.json<{ id: string }>().id);
	return res.json<{ id: string; startsAt: string; endsAt: string; [k: string]: unknown }>();
}

const handleOf = async (user: TestUser) =>
	(await t.database.db.select({ handle: users.handle }).from(users).where(eq(users.id, user.id)))[0]!.handle;

/** Members made straight in the database with a session each (signing 50 up through argon2 would be slow). */
async function bulkMembers(n: number, displayName = (i: number) => `Participant ${i}`): Promise<TestUser[]> {
	const [org] = await t.database.db
		.insert(organisations)
		.values({ name: `Mutuelle ${crypto.randomUUID().slice(0, 8)}`, type: 'mutuelle', country: 'SN' })
		.returning();
	const rows = await t.database.db
		.insert(users)
		.values(
			Array.from({ length: n }, (_, i) => {
				const tag = crypto.randomUUID().slice(0, 8);
				return {
					email: `bulk-${tag}-${i}@test.example`,
					displayName: displayName(i),
					handle: `bulk-${tag}-${i}`,
					passwordHash: 'not-a-hash',
					organisationId: org!.id,
					country: 'SN'
				};
			})
		)
		.returning({ id: users.id, email: users.email });
	return Promise.all(
		rows.map(async (row) => {
			const session = await t.services.sessions.create(row.id);
			return { id: row.id, email: row.email, password: '', cookie: `palabre_session=${session.token}` };
		})
	);
}

beforeAll(async () => {
	t = await createTestApp();
	admin = await createUser(t, { role: 'admin' });
	[organiser, member, outsider] = await Promise.all([createUser(t), createUser(t), createUser(t)]);
	pub = await createSpace(t, { admin });
	priv = await createSpace(t, { admin, visibility: 'private' });
	await t.database.db.insert(spaceMembers).values([
		{ spaceId: pub.id, userId: organiser.id, role: 'moderator', status: 'active' },
		{ spaceId: priv.id, userId: organiser.id, role: 'moderator', status: 'active' },
		{ spaceId: priv.id, userId: member.id, role: 'member', status: 'active' }
	]);
}, 60_000);
afterAll(() => t.close());

describe('creating an event', () => {
	it('turns local times into UTC in the event’s zone and makes the creator an organiser (audited)', async () => {
		const event = await createEvent({
			timeZone: 'Africa/Douala',
			startsAt: '2027-01-12T10:00',
			endsAt: '2027-01-12T16:30',
			registrationDeadline: '2027-01-10T18:00',
			capacity: '25',
			guestSpeakers: 'Dr Awa Diop, ministère de la Santé\nM. Paul Mbarga'
		});
		expect(event.startsAt).toBe('2027-01-12T09:00:00.000Z');
		expect(event.endsAt).toBe('2027-01-12T15:30:00.000Z');
		expect(event.registrationDeadline).toBe('2027-01-10T17:00:00.000Z');
		expect(event.localStartsAt).toBe('2027-01-12T10:00');
		expect(event.capacity).toBe(25);
		expect(event.guestSpeakers).toEqual(['Dr Awa Diop, ministère de la Santé', 'M. Paul Mbarga']);
		expect(event.descriptionHtml).toContain('<strong>concrètes</strong>');
		expect((event.organisers as { id: string }[]).map((o) => o.id)).toEqual([organiser.id]);
		expect(event.can).toMatchObject({ edit: true, participants: true, register: true });
		const [audit] = await t.database.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.targetId, event.id), eq(auditLog.action, 'event.create')));
		expect(audit).toMatchObject({ actorId: organiser.id, targetType: 'event', spaceId: pub.id });
	});

	it('reads Paris times across daylight saving: winter +1, summer +2, the repeated hour’s first occurrence', async () => {
		const winter = await createEvent({ timeZone: 'Europe/Paris', startsAt: '2027-01-12T10:00', endsAt: '2027-01-12T12:00' });
		expect(winter.startsAt).toBe('2027-01-12T09:00:00.000Z');
		const summer = await createEvent({ timeZone: 'Europe/Paris', startsAt: '2026-03-29T03:00', endsAt: '2026-03-29T05:00' });
		expect(summer.startsAt).toBe('2026-03-29T01:00:00.000Z');
		const twice = await createEvent({ timeZone: 'Europe/Paris', startsAt: '2026-10-25T02:30', endsAt: '2026-10-25T04:00' });
		expect(twice.startsAt).toBe('2026-10-25T00:30:00.000Z');
		const ndjamena = await createEvent({ timeZone: 'Africa/Ndjamena', startsAt: '2027-01-12T08:00', endsAt: '2027-01-12T12:00' });
		expect(ndjamena.startsAt).toBe('2027-01-12T07:00:00.000Z');
	});

	it('refuses each bad field with its own message', async () => {
		const organiserHandle = await handleOf(organiser);
		const cases: [Record<string, unknown>, string, string][] = [
			[{ title: 'A' }, 'title', 'event_error_title'],
			[{ kind: 'concert' }, 'kind', 'event_error_kind'],
			[{ startsAt: 'demain' }, 'startsAt', 'event_error_time_invalid'],
			[{ startsAt: '2027-02-31T10:00', endsAt: '2027-03-01T10:00' }, 'startsAt', 'event_error_time_invalid'],
			[
				{ timeZone: 'Europe/Paris', startsAt: '2026-03-29T02:30', endsAt: '2026-03-29T05:00' },
				'startsAt',
				'event_error_time_nonexistent'
			],
			[{ timeZone: 'Mars/Olympus_Mons' }, 'timeZone', 'event_error_zone'],
			[{ timeZone: 'africa/dakar' }, 'timeZone', 'event_error_zone'],
			[{ endsAt: day(10, '08:00') }, 'endsAt', 'event_error_end_before_start'],
			[{ endsAt: day(60, '08:00') }, 'endsAt', 'event_error_duration'],
			[{ capacity: 0 }, 'capacity', 'event_error_capacity'],
			[{ capacity: 'beaucoup' }, 'capacity', 'event_error_capacity'],
			[{ capacity: 2.5 }, 'capacity', 'event_error_capacity'],
			[{ registrationDeadline: day(11) }, 'registrationDeadline', 'event_error_deadline_after_start'],
			[{ onlineUrl: 'javascript:alert(1)' }, 'onlineUrl', 'event_error_url'],
			[{ onlineUrl: 'ftp://example.org/salle' }, 'onlineUrl', 'event_error_url'],
			[{ countries: ['SN', 'XX'] }, 'countries.1', 'event_error_country'],
			[{ organisers: ['@personne-inconnue'] }, 'organisers', 'event_error_handle_unknown'],
			[{ speakers: `@${organiserHandle}, @inconnu-2` }, 'speakers', 'event_error_handle_unknown'],
			[{ place: null, onlineUrl: null }, 'place', 'event_error_place_or_link'],
			[{ space: 'espace-qui-n-existe-pas' }, 'space', 'event_error_space'],
			[{ space: priv.slug, organisers: [await handleOf(outsider)] }, 'organisers', 'event_error_handle_no_access'],
			[{ cancelledAt: '2026-01-01T00:00:00Z' }, 'cancelledAt', 'error_field_unknown']
		];
		for (const [over, field, key] of cases) {
			const res = await send('POST', '/api/v1/events', organiser, eventBody(over));
			expect(res.statusCode, JSON.stringify(over)).toBe(400);
			expect(res.json().error.fields?.[field], JSON.stringify(over)).toBe(fr(key));
		}
	});

	it('is for those who moderate the host space: a member 403, an anonymous visitor 401, an outsider of a private space 400', async () => {
		expect((await send('POST', '/api/v1/events', member, eventBody())).statusCode).toBe(403);
		expect((await send('POST', '/api/v1/events', null, eventBody())).statusCode).toBe(401);
		const hidden = await send('POST', '/api/v1/events', outsider, eventBody({ space: priv.slug }));
		expect(hidden.statusCode).toBe(400);
		expect(hidden.json().error.fields.space).toBe(fr('event_error_space'));
		// Site moderators and admins may.
		const moderator = await createUser(t, { role: 'moderator' });
		expect((await send('POST', '/api/v1/events', moderator, eventBody())).statusCode).toBe(201);
		expect((await send('POST', '/api/v1/events', admin, eventBody({ space: priv.slug }))).statusCode).toBe(201);
	});
});

describe('the video link', () => {
	it('is shown to organisers, and to registered participants only from 30 minutes before the start', async () => {
		const later = await createEvent({ place: null, onlineUrl: 'https://visio.example.org/salle-42' });
		const soonStart = new Date(Date.now() + 10 * 60_000);
		const local = soonStart.toISOString().slice(0, 16);
		const soon = await createEvent({
			place: null,
			onlineUrl: 'https://visio.example.org/salle-43',
			startsAt: local,
			endsAt: new Date(soonStart.getTime() + 3600_000).toISOString().slice(0, 16)
		});
		expect(later.onlineUrl).toBe('https://visio.example.org/salle-42');
		for (const id of [later.id, soon.id]) {
			const before = (await get(`/api/v1/events/${id}`, member)).json();
			expect(before.online).toBe(true);
			expect(before.onlineUrl).toBeNull();
			expect((await get(`/api/v1/events/${id}`)).json().onlineUrl).toBeNull();
			expect((await send('POST', `/api/v1/events/${id}/registration`, member)).statusCode).toBe(200);
		}
		expect((await get(`/api/v1/events/${later.id}`, member)).json().onlineUrl).toBeNull();
		expect((await get(`/api/v1/events/${soon.id}`, member)).json().onlineUrl).toBe('https://visio.example.org/salle-43');
	});
});

describe('registration and the waiting list', () => {
	it('gives seats then waiting places; a freed seat goes to the first waiting, who is told', async () => {
		const [a, b, c, d] = await bulkMembers(4);
		const event = await createEvent({ capacity: 2 });
		const url = `/api/v1/events/${event.id}/registration`;
		const states = [];
		for (const user of [a!, b!, c!, d!]) states.push((await send('POST', url, user)).json());
		expect(states.map((s) => s.registration.status)).toEqual(['registered', 'registered', 'waiting', 'waiting']);
		expect(states.map((s) => s.registration.position)).toEqual([null, null, 1, 2]);
		expect(states[3].counts).toEqual({ registered: 2, waiting: 2, capacity: 2, seatsLeft: 0 });
		// Registering again changes nothing.
		expect((await send('POST', url, c!)).json().registration).toMatchObject({ status: 'waiting', position: 1 });

		const left = await send('DELETE', url, a!);
		expect(left.statusCode).toBe(200);
		expect(left.json().registration).toBeNull();
		const cPage = (await get(`/api/v1/events/${event.id}`, c!)).json();
		expect(cPage.registration).toMatchObject({ status: 'registered', position: null });
		expect((await get(`/api/v1/events/${event.id}`, d!)).json().registration).toMatchObject({ status: 'waiting', position: 1 });
		const seat = await t.database.db
			.select()
			.from(notifications)
			.where(and(eq(notifications.userId, c!.id), eq(notifications.kind, 'event_seat')));
		expect(seat).toHaveLength(1);
		expect(seat[0]).toMatchObject({
			spaceId: pub.id,
			data: { eventId: event.id, title: event.title, startsAt: event.startsAt, timeZone: 'Africa/Dakar' }
		});
		const mails = await t.database.db
			.select()
			.from(mailOutbox)
			.where(and(eq(mailOutbox.userId, c!.id), eq(mailOutbox.topic, 'event_seat')));
		expect(mails).toHaveLength(1);
		expect(mails[0]!.textBody).toContain(`/evenements/${event.id}`);
		// Nobody else was told.
		expect(
			await t.database.db
				.select()
				.from(notifications)
				.where(and(eq(notifications.userId, d!.id), eq(notifications.kind, 'event_seat')))
		).toHaveLength(0);

		// Raising the capacity seats the waiting list in order, and tells them.
		const raised = await send('PATCH', `/api/v1/events/${event.id}`, organiser, { capacity: 5 });
		expect(raised.json().counts).toEqual({ registered: 3, waiting: 0, capacity: 5, seatsLeft: 2 });
		expect(
			await t.database.db
				.select()
				.from(notifications)
				.where(and(eq(notifications.userId, d!.id), eq(notifications.kind, 'event_seat')))
		).toHaveLength(1);
	});

	it('refuses after the deadline, for a cancelled or ended event, and asks anonymous visitors to sign in', async () => {
		const past = await createEvent({ startsAt: day(-3, '09:00'), endsAt: day(-3, '12:00') });
		const closed = await createEvent({ registrationDeadline: day(-1) });
		const cancelled = await createEvent();
		await send('POST', `/api/v1/events/${cancelled.id}/cancel`, organiser, { reason: 'Grève des transports' });
		const cases: [string, string][] = [
			[past.id, 'event_error_ended'],
			[closed.id, 'event_error_deadline_passed'],
			[cancelled.id, 'event_error_cancelled']
		];
		for (const [id, key] of cases) {
			const res = await send('POST', `/api/v1/events/${id}/registration`, member);
			expect(res.statusCode).toBe(409);
			expect(res.json().error.message).toBe(fr(key));
		}
		expect((await send('POST', `/api/v1/events/${closed.id}/registration`, null)).statusCode).toBe(401);
		expect((await get(`/api/v1/events/${closed.id}`, member)).json()).toMatchObject({
			registrationOpen: false,
			can: { register: false }
		});
	});

	it('never gives more seats than the capacity under 50 concurrent registrations', async () => {
		const crowd = await bulkMembers(50);
		const event = await createEvent({ capacity: 10 });
		const answers = await Promise.all(crowd.map((user) => send('POST', `/api/v1/events/${event.id}/registration`, user)));
		expect(answers.map((a) => a.statusCode)).toEqual(Array(50).fill(200));
		const rows = await t.database.db
			.select()
			.from(eventRegistrations)
			.where(eq(eventRegistrations.eventId, event.id))
			.orderBy(asc(eventRegistrations.position));
		expect(rows).toHaveLength(50);
		expect(rows.filter((r) => r.status === 'registered')).toHaveLength(10);
		// Seats went to the first ten arrivals; the other forty wait in arrival order.
		expect(rows.slice(0, 10).every((r) => r.status === 'registered')).toBe(true);
		expect(rows.slice(10).every((r) => r.status === 'waiting')).toBe(true);
		const ranks = answers
			.map((a) => a.json().registration)
			.filter((r) => r.status === 'waiting')
			.map((r) => r.position)
			.sort((x: number, y: number) => x - y);
		expect(ranks).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));

		// Seats freed one after the other go to the waiting list in its order.
		const byUser = new Map(crowd.map((u) => [u.id, u]));
		for (const leaving of rows.slice(0, 3)) {
			await send('DELETE', `/api/v1/events/${event.id}/registration`, byUser.get(leaving.userId)!);
		}
		const after = await t.database.db
			.select()
			.from(eventRegistrations)
			.where(and(eq(eventRegistrations.eventId, event.id), eq(eventRegistrations.status, 'registered')))
			.orderBy(asc(eventRegistrations.position));
		expect(after.map((r) => r.userId)).toEqual(rows.slice(3, 13).map((r) => r.userId));
	}, 60_000);
});

describe('changes and cancellation', () => {
	it('tells registered and waiting members of a new time, then of the cancellation; both audited', async () => {
		const [x, y] = await bulkMembers(2);
		const event = await createEvent({ capacity: 1 });
		await send('POST', `/api/v1/events/${event.id}/registration`, x!);
		await send('POST', `/api/v1/events/${event.id}/registration`, y!);
		// A title change alone tells nobody.
		await send('PATCH', `/api/v1/events/${event.id}`, organiser, { title: 'Atelier sur la collecte des cotisations' });
		const moved = await send('PATCH', `/api/v1/events/${event.id}`, organiser, {
			startsAt: day(12, '09:00'),
			endsAt: day(12, '13:00')
		});
		expect(moved.statusCode).toBe(200);
		const cancelled = await send('POST', `/api/v1/events/${event.id}/cancel`, organiser, { reason: 'Report' });
		expect(cancelled.json()).toMatchObject({ phase: 'cancelled', can: { cancel: false, register: false } });
		expect((await send('POST', `/api/v1/events/${event.id}/cancel`, organiser)).statusCode).toBe(409);
		for (const user of [x!, y!]) {
			const rows = await t.database.db
				.select({ data: notifications.data })
				.from(notifications)
				.where(and(eq(notifications.userId, user.id), eq(notifications.kind, 'event_update')))
				.orderBy(asc(notifications.createdAt));
			expect(rows.map((r) => (r.data as { change: string }).change)).toEqual(['changed', 'cancelled']);
			expect(rows[0]!.data).toMatchObject({ eventId: event.id, startsAt: new Date(`${day(12, '09:00')}:00Z`).toISOString() });
		}
		const actions = await t.database.db
			.select({ action: auditLog.action, after: auditLog.after, reason: auditLog.reason })
			.from(auditLog)
			.where(eq(auditLog.targetId, event.id))
			.orderBy(asc(auditLog.at));
		expect(actions.map((a) => a.action)).toEqual(['event.create', 'event.update', 'event.update', 'event.cancel']);
		expect(Object.keys(actions[2]!.after as object).sort()).toEqual(['endsAt', 'startsAt']);
		expect(actions[3]!.reason).toBe('Report');
	});

	it('tells nothing, in the app or by e-mail, to a registered member who lost access to the private space', async () => {
		const [stays, leaves] = await bulkMembers(2);
		await t.database.db.insert(spaceMembers).values([
			{ spaceId: priv.id, userId: stays!.id, role: 'member', status: 'active' },
			{ spaceId: priv.id, userId: leaves!.id, role: 'member', status: 'active' }
		]);
		const event = await createEvent({ space: priv.slug, title: 'Comité restreint' });
		await send('POST', `/api/v1/events/${event.id}/registration`, stays!);
		await send('POST', `/api/v1/events/${event.id}/registration`, leaves!);
		await t.database.db.delete(spaceMembers).where(and(eq(spaceMembers.spaceId, priv.id), eq(spaceMembers.userId, leaves!.id)));
		await send('POST', `/api/v1/events/${event.id}/cancel`, organiser);
		const told = async (user: TestUser) => [
			(await t.database.db.select().from(notifications).where(eq(notifications.userId, user.id))).length,
			(await t.database.db.select().from(mailOutbox).where(eq(mailOutbox.userId, user.id))).length
		];
		expect(await told(stays!)).toEqual([1, 1]);
		expect(await told(leaves!)).toEqual([0, 0]);
	});

	it('keeps the synthesis (rendered) and the recording link written after the event', async () => {
		const event = await createEvent({ startsAt: day(-2, '09:00'), endsAt: day(-2, '12:00') });
		const res = await send('PATCH', `/api/v1/events/${event.id}`, organiser, {
			synthesis: '## Conclusions\n\nTrois **pistes** retenues.',
			recordingUrl: 'https://video.example.org/seminaire'
		});
		expect(res.statusCode).toBe(200);
		expect(res.json().synthesisHtml).toContain('<strong>pistes</strong>');
		expect(res.json().recordingUrl).toBe('https://video.example.org/seminaire');
		const bad = await send('PATCH', `/api/v1/events/${event.id}`, organiser, { recordingUrl: 'data:text/html,x' });
		expect(bad.json().error.fields.recordingUrl).toBe(fr('event_error_url'));
	});
});

describe('who may see and do what', () => {
	let hidden: { id: string };
	let documentId: string;
	beforeAll(async () => {
		hidden = await createEvent({ space: priv.slug, title: 'Séminaire interne du bureau' });
		const up = await t.app.inject({
			method: 'POST',
			url: `/api/v1/events/${hidden.id}/documents?nom=programme.pdf`,
			headers: { origin: TEST_ORIGIN, cookie: organiser.cookie, 'content-type': 'application/octet-stream' },
			payload: pdf()
		});
		expect(up.statusCode).toBe(201);
		documentId = up.json().id;
	});

	it('answers 404 to outsiders of a private space on every route, as for a missing event', async () => {
		const moderatorElsewhere = await createUser(t, { role: 'member' });
		await t.database.db
			.insert(spaceMembers)
			.values({ spaceId: pub.id, userId: moderatorElsewhere.id, role: 'moderator', status: 'active' });
		const base = `/api/v1/events/${hidden.id}`;
		const missing = `/api/v1/events/${crypto.randomUUID()}`;
		for (const who of [outsider, moderatorElsewhere, null]) {
			const answers = [
				await get(base, who),
				await get(`${base}/ics`, who),
				await get(`${base}/documents`, who),
				await get(`${base}/documents/${documentId}`, who),
				await get(`${base}/participants`, who),
				await get(`${base}/participants?format=csv`, who),
				await send('PATCH', base, who, { title: 'Piraté' }),
				await send('POST', `${base}/cancel`, who),
				await send('POST', `${base}/registration`, who),
				await send('DELETE', `${base}/registration`, who),
				await send('DELETE', `${base}/documents/${documentId}`, who),
				await t.app.inject({
					method: 'POST',
					url: `${base}/documents?nom=x.pdf`,
					headers: { origin: TEST_ORIGIN, 'content-type': 'application/octet-stream', ...(who ? { cookie: who.cookie } : {}) },
					payload: pdf()
				})
			];
			const statuses = answers.map((a) => a.statusCode);
			// Anonymous writes are asked to sign in first; everything else looks missing.
			if (who === null) expect(statuses).toEqual([404, 404, 404, 404, 401, 401, 401, 401, 401, 401, 401, 401]);
			else expect(statuses).toEqual(Array(12).fill(404));
			expect((await get(missing, who)).json()).toEqual(answers[0]!.json());
		}
		const list = await get('/api/v1/events?limite=100', outsider);
		expect(list.json().items.map((i: { id: string }) => i.id)).not.toContain(hidden.id);
		expect((await get(`/api/v1/events?espace=${priv.slug}&limite=100`, outsider)).json().items).toEqual([]);
		expect((await get(`/api/v1/events?espace=${priv.slug}&limite=100`)).json().items).toEqual([]);
		const inside = await get(`/api/v1/events?espace=${priv.slug}&limite=100`, member);
		expect(inside.json().items.map((i: { id: string }) => i.id)).toContain(hidden.id);
	});

	it('lets members read and register but not edit, cancel, see participants or manage documents (403)', async () => {
		const base = `/api/v1/events/${hidden.id}`;
		expect((await get(base, member)).statusCode).toBe(200);
		expect((await get(`${base}/documents/${documentId}`, member)).statusCode).toBe(200);
		const answers = [
			await send('PATCH', base, member, { title: 'Piraté' }),
			await send('POST', `${base}/cancel`, member),
			await get(`${base}/participants`, member),
			await get(`${base}/participants?format=csv`, member),
			await send('DELETE', `${base}/documents/${documentId}`, member),
			await t.app.inject({
				method: 'POST',
				url: `${base}/documents?nom=x.pdf`,
				headers: { origin: TEST_ORIGIN, cookie: member.cookie, 'content-type': 'application/octet-stream' },
				payload: pdf()
			})
		];
		expect(answers.map((a) => a.statusCode)).toEqual(Array(6).fill(403));
		expect((await send('POST', `${base}/registration`, member)).statusCode).toBe(200);
	});

	it('lets the host space’s moderators edit events they do not organise', async () => {
		const event = await createEvent({}, admin);
		const res = await send('PATCH', `/api/v1/events/${event.id}`, organiser, { place: 'Thiès' });
		expect(res.statusCode).toBe(200);
		expect(res.json().place).toBe('Thiès');
	});
});

describe('participants', () => {
	it('lists registered then waiting members, and exports them as a formula-safe CSV', async () => {
		const [p1, p2] = await bulkMembers(2, (i) => (i === 0 ? '=HYPERLINK("http://evil.example")' : 'Fatou Sow; trésorière'));
		const event = await createEvent({ capacity: 1, title: 'Formation à Douala' });
		await send('POST', `/api/v1/events/${event.id}/registration`, p1!);
		await send('POST', `/api/v1/events/${event.id}/registration`, p2!);
		const json = (await get(`/api/v1/events/${event.id}/participants`, organiser)).json();
		expect(
			json.items.map((i: { userId: string; status: string; position: number | null }) => [i.userId, i.status, i.position])
		).toEqual([
			[p1!.id, 'registered', null],
			[p2!.id, 'waiting', 1]
		]);
		const csv = await get(`/api/v1/events/${event.id}/participants?format=csv`, organiser);
		expect(csv.statusCode).toBe(200);
		expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
		expect(csv.headers['content-disposition']).toContain('attachment; filename="participants-formation-a-douala.csv"');
		expect(csv.body.startsWith('\uFEFF')).toBe(true);
		const lines = csv.body.slice(1).split('\r\n');
		expect(lines[0]).toBe('Nom,Identifiant,Organisation,Pays,Statut,Rang en liste d’attente,Inscrit le (Africa/Dakar)');
		expect(lines[1]).toMatch(
			/^"'=HYPERLINK\(""http:\/\/evil\.example""\)",bulk-[^,]+,Mutuelle [^,]+,SN,Inscrit·e,,\d{4}-\d\d-\d\d \d\d:\d\d$/
		);
		expect(lines[2]).toMatch(/^"Fatou Sow; trésorière",bulk-[^,]+,Mutuelle [^,]+,SN,Liste d’attente,1,/);
		expect(lines[3]).toBe('');
		expect(csv.body.replace(/\r\n/g, '')).not.toContain('\n');
	});
});

describe('.ics files', () => {
	it('are RFC 5545: CRLF, folded at 75 octets, escaped, UTC times, no video link; cancelled when cancelled', async () => {
		const title =
			'Séminaire régional; mutuelles, santé \\ protection sociale — bilan et perspectives pour 2027 en Afrique de l’Ouest';
		const event = await createEvent({
			title,
			description: 'Ligne un\nLigne deux, avec virgule',
			onlineUrl: 'https://visio.example.org/secret-room',
			timeZone: 'Africa/Douala',
			startsAt: '2027-02-03T09:00',
			endsAt: '2027-02-03T12:00'
		});
		// Made a minute ago, never changed since: SEQUENCE 0, and the cancellation below is a later revision.
		await t.database.db
			.update(events)
			.set({ createdAt: sql`now() - interval '1 minute'`, updatedAt: sql`now() - interval '1 minute'` })
			.where(eq(events.id, event.id));
		const res = await get(`/api/v1/events/${event.id}/ics`, member);
		expect(res.statusCode).toBe(200);
		expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
		const body = res.body;
		expect(body.endsWith('\r\n')).toBe(true);
		expect(body).toContain('\r\n ');
		expect(body.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
		for (const line of body.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
		const unfolded = body.replace(/\r\n /g, '');
		expect(unfolded).toContain(`SUMMARY:${title.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,')}\r\n`);
		expect(unfolded).toContain('DESCRIPTION:Ligne un\\nLigne deux\\, avec virgule\\n\\n');
		expect(unfolded).toContain(`UID:${event.id}@palabre.test\r\n`);
		expect(unfolded).toContain('DTSTART:20270203T080000Z\r\n');
		expect(unfolded).toContain('DTEND:20270203T110000Z\r\n');
		expect(unfolded).toContain(`URL:${TEST_ORIGIN}/evenements/${event.id}\r\n`);
		expect(unfolded).toContain('LOCATION:Dakar\\, Hôtel Terrou-Bi\r\n');
		expect(unfolded).toContain('STATUS:CONFIRMED\r\n');
		expect(unfolded).not.toContain('secret-room');
		expect(unfolded).toMatch(/^BEGIN:VCALENDAR\r\nVERSION:2.0\r\n/);
		expect(unfolded).toContain('SEQUENCE:0\r\n');
		await send('POST', `/api/v1/events/${event.id}/cancel`, organiser);
		const cancelled = (await get(`/api/v1/events/${event.id}/ics`, member)).body.replace(/\r\n /g, '');
		expect(cancelled).toContain('STATUS:CANCELLED\r\n');
		expect(Number(/SEQUENCE:(\d+)/.exec(cancelled)![1])).toBeGreaterThanOrEqual(60);
	});
});

describe('private calendar feeds', () => {
	it('list the events a member registered for, stop on rotation and revocation, and drop events they can no longer read', async () => {
		const [fan] = await bulkMembers(1);
		await t.database.db.insert(spaceMembers).values({ spaceId: priv.id, userId: fan!.id, role: 'member', status: 'active' });
		const open = await createEvent({ title: 'Webinaire ouvert' });
		const internal = await createEvent({ space: priv.slug, title: 'Réunion interne' });
		const other = await createEvent({ title: 'Atelier où il n’est pas inscrit' });
		await send('POST', `/api/v1/events/${open.id}/registration`, fan!);
		await send('POST', `/api/v1/events/${internal.id}/registration`, fan!);

		expect((await get('/api/v1/calendar/feed', fan!)).json()).toEqual({ active: false, createdAt: null });
		const created = await send('POST', '/api/v1/calendar/feed', fan!);
		expect(created.statusCode).toBe(201);
		const url = new URL(created.json().url);
		expect(url.origin).toBe(TEST_ORIGIN);
		expect(url.pathname).toMatch(/^\/api\/v1\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
		// Only the hash is kept.
		const token = url.pathname.split('/').pop()!.replace('.ics', '');
		const stored = await t.database.db.query.calendarFeeds.findFirst({ where: (f, { eq: e }) => e(f.userId, fan!.id) });
		expect(stored!.tokenHash).not.toContain(token);

		const feed = await get(url.pathname);
		expect(feed.statusCode).toBe(200);
		expect(feed.headers['content-type']).toBe('text/calendar; charset=utf-8');
		expect(feed.body).toContain(`UID:${open.id}@`);
		expect(feed.body).toContain(`UID:${internal.id}@`);
		expect(feed.body).not.toContain(`UID:${other.id}@`);

		// Removed from the private space: its event leaves the feed.
		await t.database.db.delete(spaceMembers).where(and(eq(spaceMembers.spaceId, priv.id), eq(spaceMembers.userId, fan!.id)));
		const narrowed = (await get(url.pathname)).body;
		expect(narrowed).toContain(`UID:${open.id}@`);
		expect(narrowed).not.toContain(`UID:${internal.id}@`);
		expect(narrowed).not.toContain('Réunion interne');

		const rotated = new URL((await send('POST', '/api/v1/calendar/feed', fan!)).json().url);
		expect(rotated.pathname).not.toBe(url.pathname);
		expect((await get(url.pathname)).statusCode).toBe(404);
		expect((await get(rotated.pathname)).statusCode).toBe(200);
		expect((await send('DELETE', '/api/v1/calendar/feed', fan!)).statusCode).toBe(204);
		expect((await get(rotated.pathname)).statusCode).toBe(404);
		expect((await get('/api/v1/calendar/feed', fan!)).json().active).toBe(false);
		expect((await get(`/api/v1/calendar/${'x'.repeat(43)}.ics`)).statusCode).toBe(404);
		expect((await get('/api/v1/calendar/rien')).statusCode).toBe(404);
		expect((await send('POST', '/api/v1/calendar/feed', null)).statusCode).toBe(401);
	});
});

describe('documents', () => {
	it('are added by organisers with the attachments’ checks, served as attachments to readers, removed (audited)', async () => {
		const event = await createEvent();
		const upload = (name: string, bytes: Buffer, user: TestUser = organiser) =>
			t.app.inject({
				method: 'POST',
				url: `/api/v1/events/${event.id}/documents?nom=${encodeURIComponent(name)}`,
				headers: { origin: TEST_ORIGIN, cookie: user.cookie, 'content-type': 'application/octet-stream' },
				payload: bytes
			});
		const added = await upload('Présentation finale.pdf', pdf());
		expect(added.statusCode).toBe(201);
		expect(added.json()).toMatchObject({ filename: 'Présentation finale.pdf', mimeType: 'application/pdf' });
		expect((await upload('rapport.pdf', exe())).statusCode).toBe(400);
		const file = await get(added.json().url);
		expect(file.statusCode).toBe(200);
		expect(file.headers['content-disposition']).toMatch(
			/^attachment; filename="Presentation finale.pdf"; filename\*=UTF-8''Pr%C3%A9sentation%20finale.pdf$/
		);
		expect(file.headers['x-content-type-options']).toBe('nosniff');
		expect(file.rawPayload.equals(pdf())).toBe(true);
		expect((await get(`/api/v1/events/${event.id}`)).json().documents).toHaveLength(1);
		// A document id under another event is not found.
		const elsewhere = await createEvent();
		expect((await get(`/api/v1/events/${elsewhere.id}/documents/${added.json().id}`)).statusCode).toBe(404);
		expect((await send('DELETE', added.json().url, organiser)).statusCode).toBe(204);
		expect((await get(added.json().url)).statusCode).toBe(404);
		const actions = await t.database.db
			.select({ action: auditLog.action })
			.from(auditLog)
			.where(eq(auditLog.targetId, event.id))
			.orderBy(asc(auditLog.at));
		expect(actions.map((a) => a.action)).toEqual(['event.create', 'event.document.add', 'event.document.remove']);
	});
});

describe('lists', () => {
	it('show upcoming events soonest first and past ones latest first, filtered by kind, space and country, page by page', async () => {
		const space = await createSpace(t, { admin });
		const make = (title: string, days: number, over: Record<string, unknown> = {}) =>
			createEvent({ space: space.slug, title, startsAt: day(days, '09:00'), endsAt: day(days, '12:00'), ...over }, admin);
		const soon = await make('Bientôt', 2, { kind: 'webinaire', countries: ['CM'] });
		const later = await make('Plus tard', 20);
		const middle = await make('Entre les deux', 5, { kind: 'webinaire' });
		const old = await make('Il y a longtemps', -30);
		const recent = await make('Récemment', -2, { countries: ['CM', 'TD'] });

		const ids = async (query: string) =>
			(await get(`/api/v1/events?espace=${space.slug}&${query}`, member)).json().items.map((i: { id: string }) => i.id);
		expect(await ids('')).toEqual([soon.id, middle.id, later.id]);
		expect(await ids('periode=passes')).toEqual([recent.id, old.id]);
		expect(await ids('type=webinaire')).toEqual([soon.id, middle.id]);
		expect(await ids('pays=CM')).toEqual([soon.id]);
		expect(await ids('periode=passes&pays=TD,GA')).toEqual([recent.id]);

		const first = (await get(`/api/v1/events?espace=${space.slug}&limite=2`, member)).json();
		expect(first.items.map((i: { id: string }) => i.id)).toEqual([soon.id, middle.id]);
		const second = (await get(`/api/v1/events?espace=${space.slug}&limite=2&apres=${first.next}`, member)).json();
		expect(second.items.map((i: { id: string }) => i.id)).toEqual([later.id]);
		expect(second.next).toBeNull();

		expect((await get('/api/v1/events?type=concert')).json().error.fields.type).toBe(fr('event_error_kind'));
		expect((await get('/api/v1/events?apres=n-importe-quoi')).statusCode).toBe(400);
		const item = (await get(`/api/v1/events?espace=${space.slug}&periode=passes`)).json().items[0];
		expect(item).toMatchObject({ phase: 'ended', space: { slug: space.slug }, counts: { registered: 0 }, registration: null });
	});
});

describe('the API description', () => {
	it('names every events operation', async () => {
		const doc = (await t.app.inject({ url: '/api/openapi.json' })).json();
		const ids = Object.values(doc.paths as Record<string, Record<string, { operationId?: string }>>).flatMap((ops) =>
			Object.values(ops).map((op) => op.operationId)
		);
		expect(ids).toEqual(
			expect.arrayContaining([
				'events.list',
				'events.get',
				'events.create',
				'events.update',
				'events.cancel',
				'events.register',
				'events.unregister',
				'events.participants',
				'events.ics',
				'events.calendarFeed',
				'events.listDocuments',
				'events.uploadDocument',
				'events.getDocument',
				'events.deleteDocument',
				'calendar.feedStatus',
				'calendar.createFeed',
				'calendar.revokeFeed'
			])
		);
	});
});

describe('event rows are never over capacity', () => {
	it('holds for every event this file made', async () => {
		const rows = await t.database.db
			.select({ id: events.id, capacity: events.capacity })
			.from(events)
			.where(inArray(events.id, made));
		expect(rows.length).toBe(made.length);
		for (const row of rows.filter((r) => r.capacity !== null)) {
			const registered = await t.database.db
				.select()
				.from(eventRegistrations)
				.where(and(eq(eventRegistrations.eventId, row.id), eq(eventRegistrations.status, 'registered')));
			expect(registered.length).toBeLessThanOrEqual(row.capacity!);
		}
	});
});
