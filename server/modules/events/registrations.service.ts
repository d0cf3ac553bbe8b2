import type { Database, Transaction } from '../../../db/client.ts';
import type { Locale } from '../../../db/schema/values.ts';
import { requireUser, type Auth } from '../../auth/auth.ts';
import { CSV_BOM, csvLine } from '../../lib/csv.ts';
import { ConflictError, NotFoundError } from '../../lib/errors.ts';
import { translate } from '../../lib/i18n.ts';
import type { SpacesService } from '../spaces/spaces.service.ts';
import { loadEditableContext, loadEventContext, type EventContext, type EventRow } from './access.ts';
import type { EventsRepository } from './events.repository.ts';
import { counts, fileSlug } from './events.output.ts';
import type { ParticipantOutput, ParticipantsOutput, RegistrationOutput, RegistrationState } from './events.schema.ts';
import type { EventNotices, Recipient } from './notices.ts';
import { utcToLocal } from './time-zones.ts';

/**
 * Members' registrations: a seat while there is one, else the waiting list, served in
 * arrival order when seats free up (a member leaves, the capacity is raised); the
 * participant list and its CSV for organisers.
 */
export class EventRegistrationsService {
	constructor(
		private db: Database,
		private repo: EventsRepository,
		private spaces: SpacesService,
		private notices: EventNotices
	) {}

	private context(auth: Auth, eventId: string): Promise<EventContext> {
		return loadEventContext(this.db, this.spaces, auth, eventId);
	}

	/** The caller's registration as the event page shows it (null when not registered). */
	async state(ctx: EventContext, userId: string | null): Promise<RegistrationState | null> {
		if (!userId || !ctx.registration) return null;
		return this.stateOf(ctx.event.id, userId);
	}

	private async stateOf(
		eventId: string,
		userId: string,
		executor: Database | Transaction = this.db
	): Promise<RegistrationState | null> {
		const row = await this.repo.registration(eventId, userId, executor);
		if (!row) return null;
		return {
			status: row.status,
			position: row.status === 'waiting' ? await this.repo.waitingRank(eventId, row.position, executor) : null,
			registeredAt: row.registeredAt.toISOString()
		};
	}

	private refuseClosed(event: EventRow, now: Date) {
		if (event.cancelledAt) throw new ConflictError('event_error_cancelled');
		if (now.getTime() >= event.endsAt.getTime()) throw new ConflictError('event_error_ended');
		if (event.registrationDeadline && now.getTime() > event.registrationDeadline.getTime()) {
			throw new ConflictError('event_error_deadline_passed');
		}
	}

	private async registrationOutput(eventId: string, userId: string, tx?: Database | Transaction): Promise<RegistrationOutput> {
		const executor = tx ?? this.db;
		const [registration, countRows, event] = [
			await this.stateOf(eventId, userId, executor),
			await this.repo.counts([eventId], executor),
			await this.repo.find(eventId, executor)
		];
		return { registration, counts: counts(countRows.get(eventId), event?.capacity ?? null) };
	}

	/**
	 * Registers the caller: a seat while there is one, else the end of the waiting list.
	 * The event row is locked first, so that concurrent registrations are decided one after
	 * the other and the seats given never exceed the capacity. Registering twice is a no-op.
	 */
	async register(auth: Auth, eventId: string, now = new Date()): Promise<RegistrationOutput> {
		const actor = requireUser(auth);
		await this.context(auth, eventId);
		return this.db.transaction(async (tx) => {
			const event = await this.repo.lock(tx, eventId);
			if (!event) throw new NotFoundError();
			const existing = await this.repo.registration(eventId, actor.user.id, tx);
			if (!existing) {
				this.refuseClosed(event, now);
				const taken = (await this.repo.counts([eventId], tx)).get(eventId)?.registered ?? 0;
				const status = event.capacity === null || taken < event.capacity ? 'registered' : 'waiting';
				await this.repo.insertRegistration(tx, eventId, actor.user.id, status);
			}
			return this.registrationOutput(eventId, actor.user.id, tx);
		});
	}

	/**
	 * Unregisters the caller. A freed seat goes to the first of the waiting list, who is
	 * told (in the app and by e-mail). Not after the event's end (the list is its record).
	 */
	async unregister(auth: Auth, eventId: string, now = new Date()): Promise<RegistrationOutput> {
		const actor = requireUser(auth);
		await this.context(auth, eventId);
		const result = await this.db.transaction(async (tx) => {
			const event = await this.repo.lock(tx, eventId);
			if (!event) throw new NotFoundError();
			if (now.getTime() >= event.endsAt.getTime()) throw new ConflictError('event_error_ended');
			const removed = await this.repo.deleteRegistration(tx, eventId, actor.user.id);
			const promoted = removed?.status === 'registered' && !event.cancelledAt ? await this.promote(tx, event, now) : [];
			return { event, promoted, output: await this.registrationOutput(eventId, actor.user.id, tx) };
		});
		await this.notices.tellSeats(actor.user.id, result.event, result.promoted);
		return result.output;
	}

	/**
	 * Fills free seats from the waiting list in arrival order (under the caller's lock on the
	 * event row) and writes their e-mails in the same transaction; returns who got a seat.
	 */
	async promote(tx: Transaction, event: EventRow, now: Date): Promise<Recipient[]> {
		const taken = (await this.repo.counts([event.id], tx)).get(event.id)?.registered ?? 0;
		const ids = await this.repo.promote(tx, event.id, event.capacity === null ? null : event.capacity - taken, now);
		if (ids.length === 0) return [];
		const byId = new Map((await this.repo.recipients(ids, tx)).map((r) => [r.id, r]));
		const promoted = ids.map((id) => byId.get(id)).filter((r): r is Recipient => r !== undefined);
		const told = await this.notices.readers(tx, event.spaceId, promoted);
		await this.notices.enqueueMails(tx, told, event, 'event_seat');
		return promoted;
	}

	/** Registered members (arrival order), then the waiting list (its order): organisers only. */
	async participants(auth: Auth, eventId: string): Promise<ParticipantsOutput> {
		return this.participantList(await loadEditableContext(this.db, this.spaces, auth, eventId));
	}

	private async participantList(ctx: EventContext): Promise<ParticipantsOutput> {
		const rows = await this.repo.participants(ctx.event.id);
		let rank = 0;
		const items: ParticipantOutput[] = rows.map((row) => ({
			userId: row.userId,
			displayName: row.displayName,
			handle: row.handle,
			organisation: row.organisation,
			country: row.country,
			status: row.status,
			position: row.status === 'waiting' ? ++rank : null,
			registeredAt: row.registeredAt.toISOString(),
			promotedAt: row.promotedAt?.toISOString() ?? null
		}));
		const registered = items.filter((i) => i.status === 'registered').length;
		return {
			items,
			counts: counts({ registered, waiting: items.length - registered }, ctx.event.capacity)
		};
	}

	/**
	 * The participant list as CSV (BOM, CRLF, cells defused against formulas), headers in
	 * the caller's language, times in the event's zone (named in the header).
	 */
	async participantsCsv(auth: Auth, eventId: string): Promise<{ filename: string; body: string }> {
		const ctx = await loadEditableContext(this.db, this.spaces, auth, eventId);
		const { items } = await this.participantList(ctx);
		const locale: Locale = auth?.user.locale ?? 'fr';
		const t = (key: string, inputs: Record<string, unknown> = {}) => translate(key, locale, inputs);
		const zone = ctx.event.timeZone;
		const local = (iso: string) => utcToLocal(iso, zone).replace('T', ' ');
		const header = [
			t('event_csv_name'),
			t('event_csv_handle'),
			t('event_csv_organisation'),
			t('event_csv_country'),
			t('event_csv_status'),
			t('event_csv_position'),
			t('event_csv_registered_at', { zone })
		];
		const lines = [
			csvLine(header),
			...items.map((p) =>
				csvLine([
					p.displayName,
					p.handle,
					p.organisation,
					p.country,
					t(p.status === 'registered' ? 'event_status_registered' : 'event_status_waiting'),
					p.position === null ? '' : String(p.position),
					local(p.registeredAt)
				])
			)
		];
		return {
			filename: `participants-${fileSlug(ctx.event.title)}.csv`,
			body: CSV_BOM + lines.join('\r\n') + '\r\n'
		};
	}
}
