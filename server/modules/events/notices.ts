import type { Transaction } from '../../../db/client.ts';
import type { Role } from '../../../db/schema/values.ts';
import type { MailService } from '../mail/mail.service.ts';
import type { EventChange, EventNotificationData } from '../mail/templates.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';
import type { SpacesService } from '../spaces/spaces.service.ts';
import { memberReadsSpace, type EventRow } from './access.ts';
import type { EventsRepository } from './events.repository.ts';
import { viewerTimeZone } from './time-zones.ts';

/** A member told of an event: who got a seat, or who is registered when it changes. */
export type Recipient = Awaited<ReturnType<EventsRepository['recipients']>>[number];

/**
 * What registered and waiting members are told of an event — a seat freed for them, a new
 * time, place or link, a cancellation — by e-mail (written to the outbox in the caller's
 * transaction) and in the app (after commit).
 */
export class EventNotices {
	constructor(
		private spaces: SpacesService,
		private notifications: NotificationsService,
		private mail?: MailService
	) {}

	/** Recipients who can still read the space (a member removed from a private space hears nothing more of it). */
	async readers<T extends { id: string; role: Role }>(tx: Transaction, spaceId: string, recipients: T[]): Promise<T[]> {
		const out: T[] = [];
		for (const recipient of recipients) {
			if (await memberReadsSpace(this.spaces.repo, spaceId, recipient, tx)) out.push(recipient);
		}
		return out;
	}

	async enqueueMails(
		tx: Transaction,
		recipients: Recipient[],
		event: EventRow,
		kind: 'event_seat' | 'event_update',
		change?: EventChange
	): Promise<void> {
		if (!this.mail) return;
		for (const r of recipients) {
			await this.mail.enqueueEventMail(
				tx,
				{ id: r.id, email: r.email, locale: r.locale, displayName: r.displayName, timeZone: viewerTimeZone(r) },
				{
					kind,
					change,
					event: {
						id: event.id,
						title: event.title,
						startsAt: event.startsAt,
						timeZone: event.timeZone,
						place: event.place,
						online: event.onlineUrl !== null
					}
				}
			);
		}
	}

	/** In-app notices to members who got a seat (after commit; `notify` re-checks their access). */
	tellSeats(actorId: string, event: EventRow, promoted: Recipient[]): Promise<void> {
		return this.tell(actorId, event, promoted, 'event_seat');
	}

	tellChange(actorId: string, event: EventRow, told: Recipient[], change: EventChange): Promise<void> {
		return this.tell(actorId, event, told, 'event_update', change);
	}

	private async tell(
		actorId: string,
		event: EventRow,
		recipients: Recipient[],
		kind: 'event_seat' | 'event_update',
		change?: EventChange
	): Promise<void> {
		if (recipients.length === 0) return;
		const data: EventNotificationData = {
			eventId: event.id,
			title: event.title,
			startsAt: event.startsAt.toISOString(),
			timeZone: event.timeZone,
			...(change ? { change } : {})
		};
		await this.notifications.notify(
			recipients.map((p) => ({ userId: p.id, kind, actorId, spaceId: event.spaceId, data: { ...data } }))
		);
	}
}
