/**
 * Event reminders, 24 hours and 1 hour before the start, in the app and by e-mail. Run by
 * a periodic job (server/lib/jobs.ts); the database is the only memory: a reminder exists
 * once its `event_reminders` row does, so a restart, a second process or two overlapping
 * runs never send one twice.
 */
import { and, eq, gt, isNull, lte, or, sql } from 'drizzle-orm';
import { union } from 'drizzle-orm/pg-core';
import type { Database } from '../../../db/client.ts';
import { eventPeople, eventRegistrations, eventReminders, events, notifications, users } from '../../../db/schema/index.ts';
import type { ReminderKind, Role } from '../../../db/schema/values.ts';
import type { RealtimePublisher } from '../../realtime/publisher.ts';
import type { MailService } from '../mail/mail.service.ts';
import type { EventNotificationData } from '../mail/templates.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';
import type { SpacesRepository } from '../spaces/spaces.repository.ts';
import { memberReadsSpace } from './access.ts';
import { viewerTimeZone } from './time-zones.ts';

const HOUR = 3_600_000;

/** How long before the start each reminder is due. */
export const REMINDER_LEAD_MS: Record<ReminderKind, number> = { '24h': 24 * HOUR, '1h': HOUR };

/**
 * The 24-hour reminder is not sent once the start is nearer than this: it would say "in 24
 * hours" about something a few hours away (an event created, or a member registered, at
 * the last minute; a server down overnight). The 1-hour reminder follows anyway.
 */
export const LATEST_24H_REMINDER_MS = 12 * HOUR;

export interface ReminderRunReport {
	/** Reminders this run won and wrote (notification + e-mail). */
	sent: number;
}

interface Candidate {
	eventId: string;
	spaceId: string;
	title: string;
	startsAt: Date;
	timeZone: string;
	place: string | null;
	online: boolean;
	userId: string;
	email: string;
	displayName: string;
	locale: 'fr' | 'en';
	role: Role;
	userTimeZone: string | null;
	country: string;
	kind: ReminderKind;
}

export class EventReminders {
	constructor(
		private db: Database,
		private spaces: SpacesRepository,
		private notifications: NotificationsService,
		private mail: MailService,
		private realtime: RealtimePublisher
	) {}

	/**
	 * One pass: every reminder due now and not yet sent. Who is reminded: members registered
	 * with a seat (not the waiting list), and the event's organisers and speakers — the event
	 * cannot start without them — provided they can still read the host space.
	 */
	async runOnce(now: Date = new Date()): Promise<ReminderRunReport> {
		const report: ReminderRunReport = { sent: 0 };
		const readable = new Map<string, boolean>();
		for (const candidate of await this.due(now)) {
			const key = `${candidate.spaceId}|${candidate.userId}`;
			if (!readable.has(key)) readable.set(key, await this.canRead(candidate));
			if (!readable.get(key)) continue;
			if (await this.send(candidate, now)) {
				report.sent++;
				this.realtime.emitToUser(candidate.userId, 'notification:count', {
					unread: await this.notifications.unreadCount(candidate.userId)
				});
			}
		}
		return report;
	}

	/** Where the start must lie for a reminder of that kind to be due now. */
	private window(kind: ReminderKind, now: Date) {
		const at = (ms: number) => new Date(now.getTime() + ms);
		return kind === '1h'
			? [gt(events.startsAt, now), lte(events.startsAt, at(REMINDER_LEAD_MS['1h']))]
			: [gt(events.startsAt, at(LATEST_24H_REMINDER_MS)), lte(events.startsAt, at(REMINDER_LEAD_MS['24h']))];
	}

	/** (event, person, kind) due now without a reminder row: at most one kind per pair, the 1-hour one winning. */
	private async due(now: Date): Promise<Candidate[]> {
		const hourAhead = new Date(now.getTime() + REMINDER_LEAD_MS['1h']);
		const latest24h = new Date(now.getTime() + LATEST_24H_REMINDER_MS);
		const dayAhead = new Date(now.getTime() + REMINDER_LEAD_MS['24h']);
		const people = union(
			this.db
				.select({ eventId: eventRegistrations.eventId, userId: eventRegistrations.userId })
				.from(eventRegistrations)
				.where(eq(eventRegistrations.status, 'registered')),
			this.db.select({ eventId: eventPeople.eventId, userId: eventPeople.userId }).from(eventPeople)
		).as('people');
		const kind = sql<ReminderKind>`(case when ${events.startsAt} <= ${hourAhead.toISOString()}::timestamptz then '1h' else '24h' end)::reminder_kind`;
		return this.db
			.select({
				eventId: events.id,
				spaceId: events.spaceId,
				title: events.title,
				startsAt: events.startsAt,
				timeZone: events.timeZone,
				place: events.place,
				online: sql<boolean>`${events.onlineUrl} is not null`,
				userId: users.id,
				email: users.email,
				displayName: users.displayName,
				locale: users.locale,
				role: users.role,
				userTimeZone: users.timeZone,
				country: users.country,
				kind
			})
			.from(events)
			.innerJoin(people, eq(people.eventId, events.id))
			.innerJoin(users, and(eq(users.id, people.userId), eq(users.status, 'active')))
			.leftJoin(
				eventReminders,
				and(eq(eventReminders.eventId, events.id), eq(eventReminders.userId, users.id), eq(eventReminders.kind, kind))
			)
			.where(
				and(
					isNull(events.cancelledAt),
					gt(events.startsAt, now),
					lte(events.startsAt, dayAhead),
					or(lte(events.startsAt, hourAhead), gt(events.startsAt, latest24h)),
					isNull(eventReminders.eventId)
				)
			)
			.orderBy(events.startsAt);
	}

	/** The same rule as the pages: the space's permission table, for this member as they are now. */
	private canRead(c: Candidate): Promise<boolean> {
		return memberReadsSpace(this.spaces, c.spaceId, { id: c.userId, role: c.role });
	}

	/**
	 * Writes the reminder row, the notification and the e-mail in one transaction. The row's
	 * primary key decides between concurrent runs: only the insert that returns a row goes on.
	 * The event is re-read under a share lock, so that a cancellation or an unregistration
	 * committed since the candidates were listed wins.
	 */
	private async send(c: Candidate, now: Date): Promise<boolean> {
		return this.db.transaction(async (tx) => {
			const [still] = await tx
				.select({ id: events.id })
				.from(events)
				.where(
					and(
						eq(events.id, c.eventId),
						isNull(events.cancelledAt),
						// Rescheduled since the listing: the next run decides again.
						...this.window(c.kind, now),
						sql`(exists (select 1 from ${eventRegistrations} r where r.event_id = ${events.id} and r.user_id = ${c.userId} and r.status = 'registered')
							or exists (select 1 from ${eventPeople} p where p.event_id = ${events.id} and p.user_id = ${c.userId}))`
					)
				)
				.for('share');
			if (!still) return false;
			const [won] = await tx
				.insert(eventReminders)
				.values({ eventId: c.eventId, userId: c.userId, kind: c.kind, sentAt: now })
				.onConflictDoNothing()
				.returning({ eventId: eventReminders.eventId });
			if (!won) return false;
			const data: EventNotificationData = {
				eventId: c.eventId,
				title: c.title,
				startsAt: c.startsAt.toISOString(),
				timeZone: c.timeZone,
				reminder: c.kind
			};
			await tx
				.insert(notifications)
				.values({ userId: c.userId, kind: 'event_reminder', actorId: null, spaceId: c.spaceId, data });
			await this.mail.enqueueEventMail(
				tx,
				{
					id: c.userId,
					email: c.email,
					locale: c.locale,
					displayName: c.displayName,
					timeZone: viewerTimeZone({ timeZone: c.userTimeZone, country: c.country })
				},
				{
					kind: 'event_reminder',
					reminder: c.kind,
					event: { id: c.eventId, title: c.title, startsAt: c.startsAt, timeZone: c.timeZone, place: c.place, online: c.online }
				}
			);
			return true;
		});
	}
}
