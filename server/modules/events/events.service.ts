import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Database, Transaction } from '../../../db/client.ts';
import type { Locale, RegistrationStatus, Role } from '../../../db/schema/values.ts';
import { requireUser, type Auth } from '../../auth/auth.ts';
import { CSV_BOM, csvLine } from '../../lib/csv.ts';
import { issuesToFields } from '../../lib/error-handler.ts';
import { ConflictError, ForbiddenError, isAppError, NotFoundError, ValidationError, type FieldErrors } from '../../lib/errors.ts';
import { translate } from '../../lib/i18n.ts';
import { renderMarkdown } from '../../lib/markdown.ts';
import { newStorageKey, type BlobStorage } from '../../lib/storage.ts';
import { memberUrl } from '../accounts/accounts.service.ts';
import { checkUpload, TooManyAttachmentsError } from '../experiences/attachments.service.ts';
import { MAX_ATTACHMENTS } from '../experiences/attachments.schema.ts';
import type { MailService } from '../mail/mail.service.ts';
import type { EventChange, EventNotificationData } from '../mail/templates.ts';
import { recordAudit } from '../moderation/audit.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';
import { spaceAccess } from '../spaces/access.ts';
import { accessFacts, spaceUrl, type SpacesService } from '../spaces/spaces.service.ts';
import {
	loadEventContext,
	ONLINE_LINK_LEAD_MS,
	revealsOnlineLink,
	roomOpen,
	type EventContext,
	type EventRow
} from './access.ts';
import { EventsRepository, type CountRow, type DocumentRow, type PersonRow } from './events.repository.ts';
import {
	cancelEventInput,
	createEventInput,
	eventListQuery,
	updateEventInput,
	type CalendarFeedOutput,
	type CalendarFeedStatus,
	type EventCounts,
	type EventDocumentOutput,
	type EventListInput,
	type EventListItem,
	type EventListOutput,
	type EventOutput,
	type EventPerson,
	type EventPhase,
	type ParticipantOutput,
	type ParticipantsOutput,
	type RegistrationOutput,
	type RegistrationState
} from './events.schema.ts';
import { buildCalendar, type IcsEvent } from './ics.ts';
import { isValidTimeZone, resolveLocalTime, utcToLocal, viewerTimeZone } from './time-zones.ts';

export const eventUrl = (id: string) => `/evenements/${id}`;
export const eventIcsUrl = (id: string) => `/api/v1/events/${id}/ics`;
export const eventDocumentUrl = (eventId: string, documentId: string) => `/api/v1/events/${eventId}/documents/${documentId}`;
export const calendarFeedPath = (token: string) => `/api/v1/calendar/${token}.ics`;

/** An event lasts at most this long: a longer one is almost surely a typo in the end date. */
export const MAX_DURATION_MS = 31 * 24 * 3600_000;
/** The feed lists events that ended at most this long ago. */
const FEED_HISTORY_MS = 365 * 24 * 3600_000;
const FEED_TOKEN = /^[A-Za-z0-9_-]{43}$/;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

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

function counts(row: CountRow | undefined, capacity: number | null): EventCounts {
	const registered = row?.registered ?? 0;
	return {
		registered,
		waiting: row?.waiting ?? 0,
		capacity,
		seatsLeft: capacity === null ? null : Math.max(0, capacity - registered)
	};
}

const toPerson = (p: PersonRow): EventPerson => ({
	id: p.userId,
	handle: p.handle,
	displayName: p.displayName,
	url: memberUrl(p.userId)
});

function toDocument(row: DocumentRow): EventDocumentOutput {
	return {
		id: row.id,
		filename: row.filename,
		mimeType: row.mimeType,
		size: row.size,
		url: eventDocumentUrl(row.eventId, row.id),
		createdAt: row.createdAt.toISOString()
	};
}

/** ASCII file name from a title: `atelier-de-dakar`. */
function fileSlug(title: string): string {
	return (
		title
			.normalize('NFD')
			.replace(/\p{M}/gu, '')
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, '-')
			.replace(/^-+|-+$/g, '')
			.slice(0, 60) || 'evenement'
	);
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

type Recipient = Awaited<ReturnType<EventsRepository['recipients']>>[number];

/**
 * Events: lists, the event page's data, creation and edits by organisers (audited), members'
 * registration with a waiting list served in arrival order, the participant list and its
 * CSV, `.ics` files and members' private calendar feeds, documents attached to an event.
 * Every read goes through `loadEventContext`: an event in a space the caller cannot read is
 * "not found", on every route.
 */
export class EventsService {
	readonly repo: EventsRepository;

	constructor(
		private db: Database,
		private spaces: SpacesService,
		private notifications: NotificationsService,
		readonly storage: BlobStorage,
		private publicOrigin: string,
		/** E-mails about seats and changes go to the outbox in the same transaction. */
		private mail?: MailService
	) {
		this.repo = new EventsRepository(db);
	}

	/** The access check (404 when unreadable) and what the caller is to the event. */
	context(auth: Auth, eventId: string, tx: Database | Transaction = this.db): Promise<EventContext> {
		return loadEventContext(tx, this.spaces, auth, eventId);
	}

	private async editable(auth: Auth, eventId: string): Promise<EventContext> {
		requireUser(auth);
		const ctx = await this.context(auth, eventId);
		if (!ctx.canEdit) throw new ForbiddenError();
		return ctx;
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

	/** The spaces the caller reads: id → slug. */
	private async readableSpaceIds(auth: Auth): Promise<Map<string, string>> {
		const rows = await this.repo.spacesFor(auth?.user.id ?? null);
		return new Map(rows.filter((row) => spaceAccess.read(auth, row.facts)).map((row) => [row.id, row.slug]));
	}

	/* ---- lists ---- */

	/**
	 * Upcoming events (not yet ended, soonest first) or past ones (latest first), of the
	 * spaces the caller reads, filtered by kind, space and countries; keyset-paged.
	 */
	async list(auth: Auth, input: EventListInput = {}, now = new Date()): Promise<EventListOutput> {
		const query = parse(eventListQuery, input);
		const readable = await this.readableSpaceIds(auth);
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

	private async registrationState(ctx: EventContext, userId: string | null): Promise<RegistrationState | null> {
		if (!userId || !ctx.registration) return null;
		const row = await this.repo.registration(ctx.event.id, userId);
		if (!row) return null;
		return {
			status: row.status,
			position: row.status === 'waiting' ? await this.repo.waitingRank(ctx.event.id, row.position) : null,
			registeredAt: row.registeredAt.toISOString()
		};
	}

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
			this.registrationState(ctx, auth?.user.id ?? null)
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
				const row = await this.spaces.repo.findById(space.space.id, user.id);
				const auth: Auth = {
					user: { id: user.id, role: user.role, email: '', displayName: '', locale: 'fr' },
					session: { id: '', expiresAt: new Date() }
				};
				if (!row || !spaceAccess.read(auth, accessFacts(row))) {
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
			if (organisers) {
				const ids = organisers.map((o) => o.id).sort();
				const current = (await this.repo.people([eventId], tx))
					.filter((p) => p.role === 'organiser')
					.map((p) => p.userId)
					.sort();
				if (JSON.stringify(ids) !== JSON.stringify(current)) {
					before.organisers = current;
					after.organisers = ids;
					await this.repo.setPeople(tx, eventId, 'organiser', ids);
				}
			}
			if (speakers) {
				const ids = [...new Set(speakers.map((s) => s.id))].sort();
				const current = (await this.repo.people([eventId], tx))
					.filter((p) => p.role === 'speaker')
					.map((p) => p.userId)
					.sort();
				if (JSON.stringify(ids) !== JSON.stringify(current)) {
					before.speakers = current;
					after.speakers = ids;
					await this.repo.setPeople(tx, eventId, 'speaker', ids);
				}
			}
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
				promoted = await this.promote(tx, row, now);
			}
			let told: Recipient[] = [];
			if (notifyChange) {
				const promotedIds = new Set(promoted.map((p) => p.id));
				told = (await this.repo.registrants(eventId, tx)).filter((r) => !promotedIds.has(r.id));
				told = await this.readers(tx, row.spaceId, told);
				await this.enqueueMails(tx, told, row, 'event_update', 'changed');
			}
			return { row, promoted, told };
		});
		await this.tellSeats(actor.user.id, result.row, result.promoted);
		await this.tellChange(actor.user.id, result.row, result.told, 'changed');
		return this.get(auth, eventId);
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
			const told = await this.readers(tx, row.spaceId, await this.repo.registrants(eventId, tx));
			await this.enqueueMails(tx, told, row, 'event_update', 'cancelled');
			return { row, told };
		});
		await this.tellChange(actor.user.id, result.row, result.told, 'cancelled');
		return this.get(auth, eventId);
	}

	/* ---- registration ---- */

	private refuseClosed(event: EventRow, now: Date) {
		if (event.cancelledAt) throw new ConflictError('event_error_cancelled');
		if (now.getTime() >= event.endsAt.getTime()) throw new ConflictError('event_error_ended');
		if (event.registrationDeadline && now.getTime() > event.registrationDeadline.getTime()) {
			throw new ConflictError('event_error_deadline_passed');
		}
	}

	private async registrationOutput(eventId: string, userId: string, tx?: Database | Transaction): Promise<RegistrationOutput> {
		const executor = tx ?? this.db;
		const [row, countRows, event] = [
			await this.repo.registration(eventId, userId, executor),
			await this.repo.counts([eventId], executor),
			await this.repo.find(eventId, executor)
		];
		return {
			registration: row
				? {
						status: row.status,
						position: row.status === 'waiting' ? await this.repo.waitingRank(eventId, row.position, executor) : null,
						registeredAt: row.registeredAt.toISOString()
					}
				: null,
			counts: counts(countRows.get(eventId), event?.capacity ?? null)
		};
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
		await this.tellSeats(actor.user.id, result.event, result.promoted);
		return result.output;
	}

	/**
	 * Fills free seats from the waiting list in arrival order (under the caller's lock on the
	 * event row) and writes their e-mails in the same transaction; returns who got a seat.
	 */
	private async promote(tx: Transaction, event: EventRow, now: Date): Promise<Recipient[]> {
		const taken = (await this.repo.counts([event.id], tx)).get(event.id)?.registered ?? 0;
		const ids = await this.repo.promote(tx, event.id, event.capacity === null ? null : event.capacity - taken, now);
		if (ids.length === 0) return [];
		const byId = new Map((await this.repo.recipients(ids, tx)).map((r) => [r.id, r]));
		const promoted = ids.map((id) => byId.get(id)).filter((r): r is Recipient => r !== undefined);
		const told = await this.readers(tx, event.spaceId, promoted);
		await this.enqueueMails(tx, told, event, 'event_seat');
		return promoted;
	}

	/** Recipients who can still read the space (a member removed from a private space hears nothing more of it). */
	private async readers<T extends { id: string }>(tx: Transaction, spaceId: string, recipients: T[]): Promise<T[]> {
		const out: T[] = [];
		for (const recipient of recipients) {
			const row = await this.spaces.repo.findById(spaceId, recipient.id, tx);
			const role = (recipient as { role?: Role }).role ?? 'member';
			const auth: Auth = {
				user: { id: recipient.id, role, email: '', displayName: '', locale: 'fr' },
				session: { id: '', expiresAt: new Date() }
			};
			if (row && spaceAccess.read(auth, accessFacts(row))) out.push(recipient);
		}
		return out;
	}

	private async enqueueMails(
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

	private notificationData(event: EventRow, change?: EventChange): EventNotificationData {
		return {
			eventId: event.id,
			title: event.title,
			startsAt: event.startsAt.toISOString(),
			timeZone: event.timeZone,
			...(change ? { change } : {})
		};
	}

	/** In-app notices to members who got a seat (after commit; `notify` re-checks their access). */
	private async tellSeats(actorId: string, event: EventRow, promoted: Recipient[]): Promise<void> {
		if (promoted.length === 0) return;
		await this.notifications.notify(
			promoted.map((p) => ({
				userId: p.id,
				kind: 'event_seat' as const,
				actorId,
				spaceId: event.spaceId,
				data: { ...this.notificationData(event) }
			}))
		);
	}

	private async tellChange(actorId: string, event: EventRow, told: Recipient[], change: EventChange): Promise<void> {
		if (told.length === 0) return;
		await this.notifications.notify(
			told.map((p) => ({
				userId: p.id,
				kind: 'event_update' as const,
				actorId,
				spaceId: event.spaceId,
				data: { ...this.notificationData(event, change) }
			}))
		);
	}

	/* ---- participants ---- */

	/** Registered members (arrival order), then the waiting list (its order): organisers only. */
	async participants(auth: Auth, eventId: string): Promise<ParticipantsOutput> {
		return this.participantList(await this.editable(auth, eventId));
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
		const ctx = await this.editable(auth, eventId);
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

	/* ---- calendar ---- */

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
		const ctx = await this.context(auth, eventId);
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
		const readable = await this.readableSpaceIds(auth);
		const rows = await this.repo.registeredEvents(owner.id, new Date(Date.now() - FEED_HISTORY_MS));
		const items = rows.filter((r) => readable.has(r.event.spaceId)).map((r) => this.icsEvent(r.event));
		return buildCalendar(items, this.icsOptions(owner.locale, translate('event_ics_feed_name', owner.locale)));
	}

	/* ---- documents ---- */

	async documents(auth: Auth, eventId: string): Promise<EventDocumentOutput[]> {
		await this.context(auth, eventId);
		return (await this.repo.documents(eventId)).map(toDocument);
	}

	/**
	 * Attaches a document (slides, report) — organisers only; the same checks as a fiche's
	 * attachments (name, size, type from the bytes), at most 20 per event. Audited.
	 */
	async uploadDocument(auth: Auth, eventId: string, input: { filename: string; bytes: Buffer }): Promise<EventDocumentOutput> {
		const actor = requireUser(auth);
		const ctx = await this.editable(auth, eventId);
		const { filename, mimeType, sha256 } = checkUpload(input.filename, input.bytes);
		const storageKey = newStorageKey();
		await this.storage.put(storageKey, input.bytes);
		try {
			const row = await this.db.transaction(async (tx) => {
				// Locks the event so that two uploads at once cannot both pass the count.
				await this.repo.lock(tx, eventId);
				if ((await this.repo.documentCount(tx, eventId)) >= MAX_ATTACHMENTS) throw new TooManyAttachmentsError();
				const inserted = await this.repo.insertDocument(tx, {
					eventId,
					storageKey,
					filename,
					mimeType,
					size: input.bytes.length,
					sha256,
					uploadedBy: actor.user.id
				});
				await recordAudit(tx, actor, {
					action: 'event.document.add',
					spaceId: ctx.event.spaceId,
					targetType: 'event',
					targetId: eventId,
					targetLabel: ctx.event.title,
					after: { documentId: inserted.id, filename, mimeType, size: input.bytes.length, sha256 }
				});
				return inserted;
			});
			return toDocument(row);
		} catch (error) {
			await this.storage.delete(storageKey).catch(() => {});
			throw error;
		}
	}

	/** The bytes of a document, for whoever may read the event (404 otherwise). */
	async openDocument(
		auth: Auth,
		eventId: string,
		documentId: string
	): Promise<{ stream: Readable; filename: string; mimeType: string; size: number; sha256: string }> {
		await this.context(auth, eventId);
		const row = await this.repo.document(eventId, documentId);
		if (!row) throw new NotFoundError();
		const stream = await this.storage.get(row.storageKey).catch(() => {
			throw new NotFoundError();
		});
		return { stream, filename: row.filename, mimeType: row.mimeType, size: row.size, sha256: row.sha256 };
	}

	/** Removes a document (organisers); audited; the bytes are deleted after commit. */
	async removeDocument(auth: Auth, eventId: string, documentId: string): Promise<void> {
		const actor = requireUser(auth);
		const ctx = await this.editable(auth, eventId);
		const row = await this.repo.document(eventId, documentId);
		if (!row) throw new NotFoundError();
		await this.db.transaction(async (tx) => {
			await this.repo.deleteDocument(tx, row.id);
			await recordAudit(tx, actor, {
				action: 'event.document.remove',
				spaceId: ctx.event.spaceId,
				targetType: 'event',
				targetId: eventId,
				targetLabel: ctx.event.title,
				before: { documentId: row.id, filename: row.filename, mimeType: row.mimeType, size: row.size, sha256: row.sha256 }
			});
		});
		await this.storage.delete(row.storageKey).catch(() => {});
	}
}
