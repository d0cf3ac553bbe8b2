import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../../../db/client.ts';
import type { Locale } from '../../../db/schema/values.ts';
import { requireUser, type Auth } from '../../auth/auth.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { translate } from '../../lib/i18n.ts';
import type { SpacesService } from '../spaces/spaces.service.ts';
import { loadEventContext, readableSpaceIds, type EventRow } from './access.ts';
import type { EventsRepository } from './events.repository.ts';
import { calendarFeedPath, fileSlug } from './events.output.ts';
import type { CalendarFeedOutput, CalendarFeedStatus } from './events.schema.ts';
import { buildCalendar, type IcsEvent } from './ics.ts';

/** The feed lists events that ended at most this long ago. */
const FEED_HISTORY_MS = 365 * 24 * 3600_000;
const FEED_TOKEN = /^[A-Za-z0-9_-]{43}$/;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Calendars: one event's `.ics` file, and each member's private feed of the events they
 * registered for (an address with a secret token, which they may replace or revoke).
 */
export class EventCalendarService {
	constructor(
		private db: Database,
		private repo: EventsRepository,
		private spaces: SpacesService,
		private publicOrigin: string
	) {}

	private icsEvent(event: EventRow): IcsEvent {
		return {
			id: event.id,
			title: event.title,
			description: event.description,
			startsAt: event.startsAt,
			endsAt: event.endsAt,
			place: event.place,
			online: event.onlineUrl !== null,
			kind: event.kind,
			createdAt: event.createdAt,
			updatedAt: event.updatedAt,
			cancelledAt: event.cancelledAt
		};
	}

	private icsOptions(locale: Locale, name?: string) {
		return {
			publicOrigin: this.publicOrigin,
			onlineLabel: translate('event_ics_online', locale),
			footer: translate('event_ics_page', locale),
			...(name ? { name } : {})
		};
	}

	/** The event's `.ics` (whoever may read it). Never the video link: a file can be forwarded. */
	async ics(auth: Auth, eventId: string): Promise<{ filename: string; body: string }> {
		const ctx = await loadEventContext(this.db, this.spaces, auth, eventId);
		return {
			filename: `${fileSlug(ctx.event.title)}.ics`,
			body: buildCalendar([this.icsEvent(ctx.event)], this.icsOptions(auth?.user.locale ?? 'fr'))
		};
	}

	async calendarFeedStatus(auth: Auth): Promise<CalendarFeedStatus> {
		const actor = requireUser(auth);
		const row = await this.repo.feedOf(actor.user.id);
		return { active: row !== undefined, createdAt: row?.createdAt.toISOString() ?? null };
	}

	/**
	 * A new private feed address (replacing the previous one, which stops working). The
	 * token is shown in this answer only; the database keeps its SHA-256.
	 */
	async createCalendarFeed(auth: Auth): Promise<CalendarFeedOutput> {
		const actor = requireUser(auth);
		const token = randomBytes(32).toString('base64url');
		await this.repo.saveFeed(actor.user.id, hashToken(token));
		return { url: `${this.publicOrigin.replace(/\/$/, '')}${calendarFeedPath(token)}` };
	}

	async revokeCalendarFeed(auth: Auth): Promise<void> {
		const actor = requireUser(auth);
		await this.repo.deleteFeed(actor.user.id);
	}

	/**
	 * The feed behind a token: events its owner registered for (seat or waiting list) that
	 * they can still read, ended less than a year ago. An unknown or revoked token, or a
	 * suspended account: NotFoundError.
	 */
	async calendarFeed(token: string): Promise<string> {
		if (!FEED_TOKEN.test(token)) throw new NotFoundError();
		const owner = await this.repo.feedOwner(hashToken(token));
		if (!owner || owner.status !== 'active') throw new NotFoundError();
		const auth: Auth = {
			user: { id: owner.id, email: owner.email, displayName: owner.displayName, role: owner.role, locale: owner.locale },
			session: { id: '', expiresAt: new Date() }
		};
		const readable = await readableSpaceIds(this.repo, auth);
		const rows = await this.repo.registeredEvents(owner.id, new Date(Date.now() - FEED_HISTORY_MS));
		const items = rows.filter((r) => readable.has(r.event.spaceId)).map((r) => this.icsEvent(r.event));
		return buildCalendar(items, this.icsOptions(owner.locale, translate('event_ics_feed_name', owner.locale)));
	}
}
