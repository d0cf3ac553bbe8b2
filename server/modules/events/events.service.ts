import type { Readable } from 'node:stream';
import type { Database, Transaction } from '../../../db/client.ts';
import type { EventPersonRole, RegistrationStatus } from '../../../db/schema/values.ts';
import { requireUser, type Auth } from '../../auth/auth.ts';
import { issuesToFields } from '../../lib/error-handler.ts';
import { ConflictError, ForbiddenError, isAppError, NotFoundError, ValidationError, type FieldErrors } from '../../lib/errors.ts';
import { renderMarkdown } from '../../lib/markdown.ts';
import type { BlobStorage } from '../../lib/storage.ts';
import type { MailService } from '../mail/mail.service.ts';
import { recordAudit } from '../moderation/audit.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';
import { spaceAccess } from '../spaces/access.ts';
import { accessFacts, spaceUrl, type SpacesService } from '../spaces/spaces.service.ts';
import {
	loadEditableContext,
	loadEventContext,
	memberReadsSpace,
	ONLINE_LINK_LEAD_MS,
	readableSpaceIds,
	revealsOnlineLink,
	roomOpen,
	type EventContext,
	type EventRow
} from './access.ts';
import { EventCalendarService } from './calendar.service.ts';
import { EventDocumentsService } from './documents.service.ts';
import { counts, eventIcsUrl, eventUrl, toDocument, toPerson } from './events.output.ts';
import { EventsRepository } from './events.repository.ts';
import {
	cancelEventInput,
	createEventInput,
	eventListQuery,
	updateEventInput,
	type CalendarFeedOutput,
	type CalendarFeedStatus,
	type EventDocumentOutput,
	type EventListInput,
	type EventListItem,
	type EventListOutput,
	type EventOutput,
	type EventPhase,
	type ParticipantsOutput,
	type RegistrationOutput
} from './events.schema.ts';
import { EventNotices, type Recipient } from './notices.ts';
import { EventRegistrationsService } from './registrations.service.ts';
import { isValidTimeZone, resolveLocalTime, utcToLocal, viewerTimeZone } from './time-zones.ts';

/** An event lasts at most this long: a longer one is almost surely a typo in the end date. */
export const MAX_DURATION_MS = 31 * 24 * 3600_000;

function parse<T>(
	schema: { safeParse(input: unknown): { success: true; data: T } | { success: false; error: { issues: unknown[] } } },
	input: unknown
): T {
	const result = schema.safeParse(input);
	if (!result.success) throw new ValidationError(issuesToFields(result.error.issues as Parameters<typeof issuesToFields>[0]));
	return result.data;
}

export function eventPhase(event: Pick<EventRow, 'startsAt' | 'endsAt' | 'cancelledAt'>, now = new Date()): EventPhase {
	if (event.cancelledAt) return 'cancelled';
	if (now.getTime() >= event.endsAt.getTime()) return 'ended';
	if (now.getTime() >= event.startsAt.getTime()) return 'ongoing';
	return 'upcoming';
}

/**
 * Registration is open until the deadline (if any), else until the end — late joiners of a
 * webinar may still register — and never for a cancelled event.
 */
export function registrationOpen(event: Pick<EventRow, 'endsAt' | 'cancelledAt' | 'registrationDeadline'>, now = new Date()) {
	if (event.cancelledAt || now.getTime() >= event.endsAt.getTime()) return false;
	return !event.registrationDeadline || now.getTime() <= event.registrationDeadline.getTime();
}

/** Fields whose change is worth telling registered members about. */
const NOTIFIED_FIELDS = ['startsAt', 'endsAt', 'timeZone', 'place', 'onlineUrl'] as const;

/** Fields an update compares for its audit row. */
const AUDITED_FIELDS = [
	'kind',
	'title',
	'description',
	'startsAt',
	'endsAt',
	'timeZone',
	'place',
	'onlineUrl',
	'countries',
	'guestSpeakers',
	'capacity',
	'registrationDeadline',
	'synthesis',
	'recordingUrl'
] as const;

const auditValue = (v: unknown) => (v instanceof Date ? v.toISOString() : v);

interface Resolved {
	startsAt: Date;
	endsAt: Date;
	registrationDeadline: Date | null;
}

/**
 * Events: lists, the event page's data, creation and edits by organisers (audited). The rest
 * of the domain lives beside it and is reached through here: members' registrations and
 * the participant list (`registrations.service.ts`), `.ics` files and private calendar
 * feeds (`calendar.service.ts`), documents (`documents.service.ts`), what registered
 * members are told (`notices.ts`). Every read goes through `loadEventContext`: an event in
 * a space the caller cannot read is "not found", on every route.
 */
export class EventsService {
	readonly repo: EventsRepository;
	private notices: EventNotices;
	private registrations: EventRegistrationsService;
	private calendar: EventCalendarService;
	private documentStore: EventDocumentsService;

	constructor(
		private db: Database,
		private spaces: SpacesService,
		notifications: NotificationsService,
		readonly storage: BlobStorage,
		publicOrigin: string,
		/** E-mails about seats and changes go to the outbox in the same transaction. */
		mail?: MailService
	) {
		this.repo = new EventsRepository(db);
		this.notices = new EventNotices(spaces, notifications, mail);
		this.registrations = new EventRegistrationsService(db, this.repo, spaces, this.notices);
		this.calendar = new EventCalendarService(db, this.repo, spaces, publicOrigin);
		this.documentStore = new EventDocumentsService(db, this.repo, spaces, storage);
	}

	/** The access check (404 when unreadable) and what the caller is to the event. */
	context(auth: Auth, eventId: string, tx: Database | Transaction = this.db): Promise<EventContext> {
		return loadEventContext(tx, this.spaces, auth, eventId);
	}

	private editable(auth: Auth, eventId: string): Promise<EventContext> {
		return loadEditableContext(this.db, this.spaces, auth, eventId);
	}

	/** The zone to show times in for this viewer: theirs, else their country's, else the default. */
	async viewerTimeZone(auth: Auth): Promise<string> {
		if (!auth) return viewerTimeZone(null);
		return viewerTimeZone(await this.repo.userZone(auth.user.id));
	}

	/** Spaces where the caller may create an event (they moderate it, it is not archived). */
	async hostableSpaces(auth: Auth): Promise<{ slug: string; name: string }[]> {
		if (!auth) return [];
		const rows = await this.repo.spacesFor(auth.user.id);
		return rows
			.filter((row) => !row.facts.archivedAt && spaceAccess.moderate(auth, row.facts))
			.map((row) => ({ slug: row.slug, name: row.name }))
			.sort((a, b) => a.name.localeCompare(b.name, 'fr'));
	}

	/* ---- lists ---- */

	/**
	 * Upcoming events (not yet ended, soonest first) or past ones (latest first), of the
	 * spaces the caller reads, filtered by kind, space and countries; keyset-paged.
	 */
	async list(auth: Auth, input: EventListInput = {}, now = new Date()): Promise<EventListOutput> {
		const query = parse(eventListQuery, input);
		const readable = await readableSpaceIds(this.repo, auth);
		let spaceIds = [...readable.keys()];
		if (query.espace) spaceIds = spaceIds.filter((id) => readable.get(id) === query.espace);
		let after: { startsAt: Date; id: string } | null = null;
		if (query.apres) {
			const [iso, id] = Buffer.from(query.apres, 'base64url').toString().split('|');
			const startsAt = new Date(iso ?? '');
			if (Number.isNaN(startsAt.getTime()) || !/^[0-9a-f-]{36}$/.test(id ?? '')) {
				throw new ValidationError({ apres: 'event_error_cursor' });
			}
			after = { startsAt, id: id! };
		}
		const rows = await this.repo.list({
			spaceIds,
			period: query.periode === 'passes' ? 'past' : 'upcoming',
			kind: query.type,
			countries: query.pays,
			now,
			after,
			limit: query.limite
		});
		const page = rows.slice(0, query.limite);
		const ids = page.map((r) => r.event.id);
		const [countRows, statuses] = await Promise.all([
			this.repo.counts(ids),
			auth ? this.repo.statuses(ids, auth.user.id) : Promise.resolve(new Map<string, RegistrationStatus>())
		]);
		const items: EventListItem[] = page.map(({ event, space }) => ({
			id: event.id,
			url: eventUrl(event.id),
			kind: event.kind,
			title: event.title,
			startsAt: event.startsAt.toISOString(),
			endsAt: event.endsAt.toISOString(),
			timeZone: event.timeZone,
			place: event.place,
			online: event.onlineUrl !== null,
			countries: event.countries,
			phase: eventPhase(event, now),
			space: { ...space, url: spaceUrl(space.slug) },
			counts: counts(countRows.get(event.id), event.capacity),
			registration: statuses.get(event.id) ?? null,
			hasSynthesis: event.synthesis.trim() !== '',
			hasRecording: event.recordingUrl !== null
		}));
		const last = page.at(-1);
		const next =
			rows.length > query.limite && last
				? Buffer.from(`${last.event.startsAt.toISOString()}|${last.event.id}`).toString('base64url')
				: null;
		return { items, next };
	}

	/* ---- one event ---- */

	/** The event page's data, as the caller may see it (the video link only when `revealsOnlineLink`). */
	async get(auth: Auth, eventId: string, now = new Date()): Promise<EventOutput> {
		const ctx = await this.context(auth, eventId);
		return this.output(auth, ctx, now);
	}

	private async output(auth: Auth, ctx: EventContext, now = new Date()): Promise<EventOutput> {
		const event = ctx.event;
		const [people, countRows, documents, registration] = await Promise.all([
			this.repo.people([event.id]),
			this.repo.counts([event.id]),
			this.repo.documents(event.id),
			this.registrations.state(ctx, auth?.user.id ?? null)
		]);
		const phase = eventPhase(event, now);
		const open = registrationOpen(event, now);
		const space = ctx.space.space;
		return {
			id: event.id,
			url: eventUrl(event.id),
			kind: event.kind,
			title: event.title,
			description: event.description,
			descriptionHtml: event.descriptionHtml,
			startsAt: event.startsAt.toISOString(),
			endsAt: event.endsAt.toISOString(),
			timeZone: event.timeZone,
			localStartsAt: utcToLocal(event.startsAt, event.timeZone),
			localEndsAt: utcToLocal(event.endsAt, event.timeZone),
			localRegistrationDeadline: event.registrationDeadline ? utcToLocal(event.registrationDeadline, event.timeZone) : null,
			place: event.place,
			online: event.onlineUrl !== null,
			onlineUrl: event.onlineUrl && revealsOnlineLink(ctx, now) ? event.onlineUrl : null,
			onlineUrlFrom: event.onlineUrl ? new Date(event.startsAt.getTime() - ONLINE_LINK_LEAD_MS).toISOString() : null,
			countries: event.countries,
			organisers: people.filter((p) => p.role === 'organiser').map(toPerson),
			speakers: people.filter((p) => p.role === 'speaker').map(toPerson),
			guestSpeakers: event.guestSpeakers,
			capacity: event.capacity,
			registrationDeadline: event.registrationDeadline?.toISOString() ?? null,
			registrationOpen: open,
			phase,
			cancelledAt: event.cancelledAt?.toISOString() ?? null,
			createdAt: event.createdAt.toISOString(),
			updatedAt: event.updatedAt.toISOString(),
			space: { id: space.id, slug: space.slug, name: space.name, url: spaceUrl(space.slug), visibility: space.visibility },
			counts: counts(countRows.get(event.id), event.capacity),
			registration,
			room: {
				open: roomOpen(event, now),
				openedAt: event.roomOpenedAt?.toISOString() ?? null,
				closedAt: event.roomClosedAt?.toISOString() ?? null,
				url: `${eventUrl(event.id)}/salle`
			},
			synthesis: event.synthesis,
			synthesisHtml: event.synthesisHtml,
			recordingUrl: event.recordingUrl,
			documents: documents.map(toDocument),
			icsUrl: eventIcsUrl(event.id),
			can: {
				edit: ctx.canEdit,
				cancel: ctx.canEdit && phase !== 'cancelled' && phase !== 'ended',
				register: auth !== null && registration === null && open,
				unregister: registration !== null && phase !== 'ended',
				participants: ctx.canEdit,
				documents: ctx.canEdit,
				moderate: ctx.canModerate
			}
		};
	}

	/* ---- writes by organisers ---- */

	/** Start, end and deadline typed in the event's zone → UTC, with every rule on them. */
	private resolveTimes(
		fields: FieldErrors,
		zone: string,
		local: { startsAt: string; endsAt: string; registrationDeadline: string | null }
	): Resolved | null {
		if (!isValidTimeZone(zone)) {
			fields.timeZone = 'event_error_zone';
			return null;
		}
		const resolve = (name: 'startsAt' | 'endsAt' | 'registrationDeadline', value: string) => {
			const result = resolveLocalTime(value, zone);
			if (result.ok) return result.utc;
			fields[name] = result.reason === 'nonexistent' ? 'event_error_time_nonexistent' : 'event_error_time_invalid';
			return null;
		};
		const startsAt = resolve('startsAt', local.startsAt);
		const endsAt = resolve('endsAt', local.endsAt);
		const deadline = local.registrationDeadline === null ? null : resolve('registrationDeadline', local.registrationDeadline);
		if (!startsAt || !endsAt || (local.registrationDeadline !== null && !deadline)) return null;
		if (endsAt.getTime() <= startsAt.getTime()) fields.endsAt = 'event_error_end_before_start';
		else if (endsAt.getTime() - startsAt.getTime() > MAX_DURATION_MS) fields.endsAt = 'event_error_duration';
		if (deadline && deadline.getTime() > startsAt.getTime()) fields.registrationDeadline = 'event_error_deadline_after_start';
		return { startsAt, endsAt, registrationDeadline: deadline };
	}

	/**
	 * Members named by handle, each of whom must exist and — in a private space — be able
	 * to read it (an organiser who cannot see the event would be no organiser).
	 */
	private async members(
		fields: FieldErrors,
		field: 'organisers' | 'speakers',
		handles: string[],
		space: EventContext['space']
	): Promise<{ id: string; handle: string }[]> {
		const unique = [...new Set(handles)];
		const found = await this.repo.usersByHandles(unique);
		if (found.length < unique.length) {
			fields[field] = 'event_error_handle_unknown';
			return [];
		}
		if (space.space.visibility === 'private') {
			for (const user of found) {
				if (!(await memberReadsSpace(this.spaces.repo, space.space.id, user))) {
					fields[field] = 'event_error_handle_no_access';
					return [];
				}
			}
		}
		return found;
	}

	/**
	 * Creates an event in a space the caller moderates (space moderators, site moderators,
	 * admins); the creator becomes its first organiser. Audited.
	 */
	async create(auth: Auth, input: unknown): Promise<EventOutput> {
		const actor = requireUser(auth);
		const data = parse(createEventInput, input);
		let space: EventContext['space'];
		try {
			space = await this.spaces.readable(auth, data.space);
		} catch (error) {
			if (isAppError(error) && error.code === 'not_found') {
				throw new ValidationError({ space: 'event_error_space' });
			}
			throw error;
		}
		if (space.space.archivedAt || !spaceAccess.moderate(auth, accessFacts(space))) throw new ForbiddenError();
		const fields: FieldErrors = {};
		const times = this.resolveTimes(fields, data.timeZone, data);
		if (!data.place && !data.onlineUrl) fields.place = 'event_error_place_or_link';
		const organisers = await this.members(fields, 'organisers', data.organisers, space);
		const speakers = await this.members(fields, 'speakers', data.speakers, space);
		if (Object.keys(fields).length > 0 || !times) throw new ValidationError(fields);
		const organiserIds = [...new Set([actor.user.id, ...organisers.map((o) => o.id)])];
		const id = await this.db.transaction(async (tx) => {
			const row = await this.repo.insert(tx, {
				spaceId: space.space.id,
				kind: data.kind,
				title: data.title,
				description: data.description,
				descriptionHtml: renderMarkdown(data.description),
				startsAt: times.startsAt,
				endsAt: times.endsAt,
				timeZone: data.timeZone,
				place: data.place,
				onlineUrl: data.onlineUrl,
				countries: [...new Set(data.countries)],
				guestSpeakers: data.guestSpeakers,
				capacity: data.capacity,
				registrationDeadline: times.registrationDeadline,
				createdBy: actor.user.id
			});
			await this.repo.setPeople(tx, row.id, 'organiser', organiserIds);
			await this.repo.setPeople(tx, row.id, 'speaker', [...new Set(speakers.map((s) => s.id))]);
			await recordAudit(tx, actor, {
				action: 'event.create',
				spaceId: row.spaceId,
				targetType: 'event',
				targetId: row.id,
				targetLabel: row.title,
				after: {
					kind: row.kind,
					title: row.title,
					startsAt: row.startsAt.toISOString(),
					endsAt: row.endsAt.toISOString(),
					timeZone: row.timeZone,
					place: row.place,
					capacity: row.capacity,
					organisers: organiserIds,
					speakers: speakers.map((s) => s.id)
				}
			});
			return row.id;
		});
		return this.get(auth, id);
	}

	/**
	 * Changes an event (its organisers and the host space's moderators). Times are re-read
	 * in the (new) zone; a raised capacity gives seats to the waiting list in order; a new
	 * time, place or link is told to registered and waiting members. Audited with what changed.
	 */
	async update(auth: Auth, eventId: string, input: unknown): Promise<EventOutput> {
		const actor = requireUser(auth);
		const ctx = await this.editable(auth, eventId);
		const data = parse(updateEventInput, input);
		const old = ctx.event;
		const fields: FieldErrors = {};
		const zone = data.timeZone ?? old.timeZone;
		const times = this.resolveTimes(fields, zone, {
			startsAt: data.startsAt ?? utcToLocal(old.startsAt, old.timeZone),
			endsAt: data.endsAt ?? utcToLocal(old.endsAt, old.timeZone),
			registrationDeadline:
				data.registrationDeadline !== undefined
					? data.registrationDeadline
					: old.registrationDeadline
						? utcToLocal(old.registrationDeadline, old.timeZone)
						: null
		});
		const place = data.place !== undefined ? data.place : old.place;
		const onlineUrl = data.onlineUrl !== undefined ? data.onlineUrl : old.onlineUrl;
		if (!place && !onlineUrl) fields[data.place !== undefined ? 'place' : 'onlineUrl'] = 'event_error_place_or_link';
		const organisers = data.organisers ? await this.members(fields, 'organisers', data.organisers, ctx.space) : null;
		if (data.organisers && data.organisers.length === 0) fields.organisers = 'event_error_organisers_empty';
		const speakers = data.speakers ? await this.members(fields, 'speakers', data.speakers, ctx.space) : null;
		if (Object.keys(fields).length > 0 || !times) throw new ValidationError(fields);

		const next = {
			kind: data.kind ?? old.kind,
			title: data.title ?? old.title,
			description: data.description ?? old.description,
			startsAt: times.startsAt,
			endsAt: times.endsAt,
			timeZone: zone,
			place,
			onlineUrl,
			countries: data.countries ? [...new Set(data.countries)] : old.countries,
			guestSpeakers: data.guestSpeakers ?? old.guestSpeakers,
			capacity: data.capacity !== undefined ? data.capacity : old.capacity,
			registrationDeadline: times.registrationDeadline,
			synthesis: data.synthesis ?? old.synthesis,
			recordingUrl: data.recordingUrl !== undefined ? data.recordingUrl : old.recordingUrl
		};
		const before: Record<string, unknown> = {};
		const after: Record<string, unknown> = {};
		for (const key of AUDITED_FIELDS) {
			const a = JSON.stringify(auditValue(old[key]));
			const b = JSON.stringify(auditValue(next[key]));
			if (a !== b) {
				before[key] = auditValue(old[key]);
				after[key] = auditValue(next[key]);
			}
		}
		const now = new Date();
		const notifyChange = eventPhase(old, now) !== 'ended' && !old.cancelledAt && NOTIFIED_FIELDS.some((key) => key in after);

		const result = await this.db.transaction(async (tx) => {
			const locked = await this.repo.lock(tx, eventId);
			if (!locked) throw new NotFoundError();
			if (organisers) await this.replacePeople(tx, eventId, 'organiser', organisers, before, after);
			if (speakers) await this.replacePeople(tx, eventId, 'speaker', speakers, before, after);
			if (Object.keys(after).length === 0) return { row: locked, promoted: [] as Recipient[], told: [] as Recipient[] };
			const row = await this.repo.update(tx, eventId, {
				...next,
				descriptionHtml: next.description === old.description ? old.descriptionHtml : renderMarkdown(next.description),
				synthesisHtml: next.synthesis === old.synthesis ? old.synthesisHtml : renderMarkdown(next.synthesis),
				updatedAt: now
			});
			await recordAudit(tx, actor, {
				action: 'event.update',
				spaceId: row.spaceId,
				targetType: 'event',
				targetId: row.id,
				targetLabel: row.title,
				before,
				after
			});
			// More seats (or no limit any more): the waiting list moves up, in order.
			let promoted: Recipient[] = [];
			if ('capacity' in after && eventPhase(row, now) !== 'ended' && !row.cancelledAt) {
				promoted = await this.registrations.promote(tx, row, now);
			}
			let told: Recipient[] = [];
			if (notifyChange) {
				const promotedIds = new Set(promoted.map((p) => p.id));
				told = (await this.repo.registrants(eventId, tx)).filter((r) => !promotedIds.has(r.id));
				told = await this.notices.readers(tx, row.spaceId, told);
				await this.notices.enqueueMails(tx, told, row, 'event_update', 'changed');
			}
			return { row, promoted, told };
		});
		await this.notices.tellSeats(actor.user.id, result.row, result.promoted);
		await this.notices.tellChange(actor.user.id, result.row, result.told, 'changed');
		return this.get(auth, eventId);
	}

	/** Sets an event's organisers or speakers when the list changed, noting the change for the audit row. */
	private async replacePeople(
		tx: Transaction,
		eventId: string,
		role: EventPersonRole,
		chosen: { id: string }[],
		before: Record<string, unknown>,
		after: Record<string, unknown>
	): Promise<void> {
		const ids = [...new Set(chosen.map((p) => p.id))].sort();
		const current = (await this.repo.people([eventId], tx))
			.filter((p) => p.role === role)
			.map((p) => p.userId)
			.sort();
		if (JSON.stringify(ids) === JSON.stringify(current)) return;
		before[`${role}s`] = current;
		after[`${role}s`] = ids;
		await this.repo.setPeople(tx, eventId, role, ids);
	}

	/** Cancels an event: kept (with its page) and marked cancelled; registered and waiting members are told. Audited. */
	async cancel(auth: Auth, eventId: string, input: unknown = {}): Promise<EventOutput> {
		const actor = requireUser(auth);
		await this.editable(auth, eventId);
		const { reason } = parse(cancelEventInput, input ?? {});
		const now = new Date();
		const result = await this.db.transaction(async (tx) => {
			const locked = await this.repo.lock(tx, eventId);
			if (!locked) throw new NotFoundError();
			if (locked.cancelledAt) throw new ConflictError('event_error_cancelled');
			if (eventPhase(locked, now) === 'ended') throw new ConflictError('event_error_ended');
			const row = await this.repo.update(tx, eventId, { cancelledAt: now, updatedAt: now });
			await recordAudit(tx, actor, {
				action: 'event.cancel',
				spaceId: row.spaceId,
				targetType: 'event',
				targetId: row.id,
				targetLabel: row.title,
				reason
			});
			const told = await this.notices.readers(tx, row.spaceId, await this.repo.registrants(eventId, tx));
			await this.notices.enqueueMails(tx, told, row, 'event_update', 'cancelled');
			return { row, told };
		});
		await this.notices.tellChange(actor.user.id, result.row, result.told, 'cancelled');
		return this.get(auth, eventId);
	}

	/* ---- registration (registrations.service.ts) ---- */

	register(auth: Auth, eventId: string, now = new Date()): Promise<RegistrationOutput> {
		return this.registrations.register(auth, eventId, now);
	}

	unregister(auth: Auth, eventId: string, now = new Date()): Promise<RegistrationOutput> {
		return this.registrations.unregister(auth, eventId, now);
	}

	participants(auth: Auth, eventId: string): Promise<ParticipantsOutput> {
		return this.registrations.participants(auth, eventId);
	}

	participantsCsv(auth: Auth, eventId: string): Promise<{ filename: string; body: string }> {
		return this.registrations.participantsCsv(auth, eventId);
	}

	/* ---- calendar (calendar.service.ts) ---- */

	ics(auth: Auth, eventId: string): Promise<{ filename: string; body: string }> {
		return this.calendar.ics(auth, eventId);
	}

	calendarFeedStatus(auth: Auth): Promise<CalendarFeedStatus> {
		return this.calendar.calendarFeedStatus(auth);
	}

	createCalendarFeed(auth: Auth): Promise<CalendarFeedOutput> {
		return this.calendar.createCalendarFeed(auth);
	}

	revokeCalendarFeed(auth: Auth): Promise<void> {
		return this.calendar.revokeCalendarFeed(auth);
	}

	calendarFeed(token: string): Promise<string> {
		return this.calendar.calendarFeed(token);
	}

	/* ---- documents (documents.service.ts) ---- */

	documents(auth: Auth, eventId: string): Promise<EventDocumentOutput[]> {
		return this.documentStore.documents(auth, eventId);
	}

	uploadDocument(auth: Auth, eventId: string, input: { filename: string; bytes: Buffer }): Promise<EventDocumentOutput> {
		return this.documentStore.uploadDocument(auth, eventId, input);
	}

	openDocument(
		auth: Auth,
		eventId: string,
		documentId: string
	): Promise<{ stream: Readable; filename: string; mimeType: string; size: number; sha256: string }> {
		return this.documentStore.openDocument(auth, eventId, documentId);
	}

	removeDocument(auth: Auth, eventId: string, documentId: string): Promise<void> {
		return this.documentStore.removeDocument(auth, eventId, documentId);
	}
}
