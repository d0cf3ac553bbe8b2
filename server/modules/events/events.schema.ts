import { z } from 'zod';
import { eventKinds, registrationStatuses, spaceVisibilities } from '../../../db/schema/values.ts';
import { countryCodes } from '../accounts/countries.ts';

/**
 * API shapes of events (ateliers, séminaires, webinaires, formations). Inputs are what an
 * organiser types: start, end and registration deadline as LOCAL date-times
 * (`2026-12-01T10:00`) in the event's IANA zone; the service turns them into UTC instants
 * (server/modules/events/time-zones.ts) and refuses a time skipped by a daylight-saving
 * change. Outputs carry instants as ISO strings (UTC) plus the event's `timeZone`.
 * Web forms parse their FormData with the same schemas: lists may come as arrays or as
 * text separated by commas or new lines, an empty capacity means "no limit".
 */

export const MAX_TITLE = 200;
export const MAX_DESCRIPTION = 20_000;
export const MAX_SYNTHESIS = 50_000;
export const MAX_PLACE = 300;
export const MAX_URL = 2000;
export const MAX_PEOPLE = 30;

export const eventIdParams = z.strictObject({ id: z.uuid('error_not_found') });
export const documentParams = z.strictObject({ id: z.uuid('error_not_found'), documentId: z.uuid('error_not_found') });

/** `''`, `null` and absent are the same "nothing" in forms. */
const blankToNull = (v: unknown) => (v === '' || v === undefined ? null : v);

/** A list as an array, or text split on commas / new lines (`@awa, @moussa`). */
const list = <T extends z.ZodType>(item: T, max: number, separator = /[,\n]/) =>
	z.preprocess(
		(v) =>
			v === undefined || v === null || v === ''
				? []
				: (Array.isArray(v) ? v : String(v).split(separator))
						.map((s) => (typeof s === 'string' ? s.trim() : s))
						.filter((s) => s !== ''),
		z.array(item).max(max, 'event_error_too_many')
	);

/** A member's handle, with or without its @ (stored handles are lower-case). */
const handle = z
	.string()
	.trim()
	.min(1, 'event_error_handle_unknown')
	.max(100, 'event_error_handle_unknown')
	.transform((h) => h.replace(/^@/, '').toLowerCase());

/** Only http(s): no `javascript:`, no `data:`, no mailto in a link members will click. */
export const httpUrl = z
	.string()
	.trim()
	.max(MAX_URL, 'event_error_url')
	.refine((v) => {
		try {
			const url = new URL(v);
			return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
		} catch {
			return false;
		}
	}, 'event_error_url');

/** A local date-time as `<input type="datetime-local">` sends it; checked against the zone by the service. */
export const localDateTime = z
	.string('event_error_time_invalid')
	.trim()
	.regex(/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?$/, 'event_error_time_invalid');

const optionalText = (max: number, message = 'event_error_too_long') =>
	z.preprocess(blankToNull, z.string().trim().max(max, message).nullable());

const capacity = z.preprocess(
	blankToNull,
	z.coerce
		.number('event_error_capacity')
		.int('event_error_capacity')
		.min(1, 'event_error_capacity')
		.max(100_000, 'event_error_capacity')
		.nullable()
);

/** Fields shared by create and update, each with its own message key. */
const eventFields = {
	kind: z.enum(eventKinds, 'event_error_kind'),
	title: z.string('event_error_title').trim().min(3, 'event_error_title').max(MAX_TITLE, 'event_error_title'),
	description: z.string().max(MAX_DESCRIPTION, 'event_error_too_long').default(''),
	/** Local date-time in `timeZone`. */
	startsAt: localDateTime,
	/** Local date-time in `timeZone`; after the start. */
	endsAt: localDateTime,
	/** IANA zone the event is held in (`Africa/Dakar`). */
	timeZone: z.string('event_error_zone').trim().min(1, 'event_error_zone').max(64, 'event_error_zone'),
	/** Address, city; null for an online event. */
	place: optionalText(MAX_PLACE),
	/** The external video room (http/https); shown to registered participants shortly before the start. */
	onlineUrl: z.preprocess(blankToNull, httpUrl.nullable()),
	countries: list(z.enum(countryCodes, 'event_error_country'), 60),
	/** Members' handles (the creator is always an organiser). */
	organisers: list(handle, MAX_PEOPLE),
	speakers: list(handle, MAX_PEOPLE),
	/** Speakers who are not members: one name a line (commas may be part of a name). */
	guestSpeakers: list(z.string().trim().max(200, 'event_error_too_long'), MAX_PEOPLE, /\n/),
	/** Seats; null or empty = no limit. */
	capacity,
	/** Local date-time in `timeZone`, at the latest the start; null = until the start. */
	registrationDeadline: z.preprocess(blankToNull, localDateTime.nullable())
};

export const createEventInput = z.strictObject({
	/** The host space's slug: the event's visibility follows the space's. */
	space: z.string('event_error_space').trim().min(1, 'event_error_space').max(100, 'event_error_space'),
	...eventFields,
	place: eventFields.place.default(null),
	onlineUrl: eventFields.onlineUrl.default(null),
	capacity: eventFields.capacity.default(null),
	registrationDeadline: eventFields.registrationDeadline.default(null)
});
export type CreateEventInput = z.input<typeof createEventInput>;
export type CreateEventData = z.output<typeof createEventInput>;

/**
 * Any subset of the fields; plus, after the event, the synthesis and the recording link.
 * When only `timeZone` changes, the local times stay as they were typed (the organiser
 * fixes the zone, not the clock): the instants move with the zone.
 */
export const updateEventInput = z.strictObject({
	kind: eventFields.kind.optional(),
	title: eventFields.title.optional(),
	description: z.string().max(MAX_DESCRIPTION, 'event_error_too_long').optional(),
	startsAt: localDateTime.optional(),
	endsAt: localDateTime.optional(),
	timeZone: eventFields.timeZone.optional(),
	place: eventFields.place.optional(),
	onlineUrl: eventFields.onlineUrl.optional(),
	countries: eventFields.countries.optional(),
	organisers: eventFields.organisers.optional(),
	speakers: eventFields.speakers.optional(),
	guestSpeakers: eventFields.guestSpeakers.optional(),
	capacity: eventFields.capacity.optional(),
	registrationDeadline: eventFields.registrationDeadline.optional(),
	/** Markdown, written after the event. */
	synthesis: z.string().max(MAX_SYNTHESIS, 'event_error_too_long').optional(),
	recordingUrl: z.preprocess(blankToNull, httpUrl.nullable()).optional()
});
export type UpdateEventInput = z.input<typeof updateEventInput>;
export type UpdateEventData = z.output<typeof updateEventInput>;

export const cancelEventInput = z.strictObject({
	/** Told to registered members with the cancellation. */
	reason: z.preprocess(blankToNull, z.string().trim().max(1000, 'event_error_too_long').nullable()).default(null)
});
export type CancelEventInput = z.input<typeof cancelEventInput>;

/**
 * List filters in the pages' URL vocabulary (French), so that a filtered list is a link:
 * `periode` (a-venir: not yet ended, soonest first · passes: ended, latest first), `type`,
 * `espace` (slug), `pays` (repeated or comma-separated), `apres` (cursor of the next page).
 */
export const eventListQuery = z.object({
	periode: z.enum(['a-venir', 'passes'], 'event_error_period').default('a-venir'),
	type: z.preprocess(blankToNull, z.enum(eventKinds, 'event_error_kind').nullable()).default(null),
	espace: z.preprocess(blankToNull, z.string().trim().max(100).nullable()).default(null),
	pays: list(z.enum(countryCodes, 'event_error_country'), 50),
	apres: z.preprocess(blankToNull, z.string().max(300).nullable()).default(null),
	limite: z.coerce.number().int().min(1).max(100).default(20)
});
export type EventListInput = Partial<z.input<typeof eventListQuery>>;
export type EventListQuery = z.output<typeof eventListQuery>;

export const participantsQuery = z.object({ format: z.enum(['json', 'csv']).default('json') });

/* ---- outputs ---- */

const person = z.object({ id: z.uuid(), handle: z.string(), displayName: z.string(), url: z.string() });
export type EventPerson = z.infer<typeof person>;

const spaceRef = z.object({
	id: z.uuid(),
	slug: z.string(),
	name: z.string(),
	url: z.string(),
	visibility: z.enum(spaceVisibilities)
});

export const eventDocumentOutput = z.object({
	id: z.uuid(),
	filename: z.string(),
	mimeType: z.string(),
	size: z.number().int(),
	/** Where the bytes are served (`events.getDocument`). */
	url: z.string(),
	createdAt: z.iso.datetime()
});
export type EventDocumentOutput = z.infer<typeof eventDocumentOutput>;

export const registrationState = z.object({
	status: z.enum(registrationStatuses),
	/** Rank on the waiting list (1 = next to get a seat); null when registered. */
	position: z.number().int().nullable(),
	registeredAt: z.iso.datetime()
});
export type RegistrationState = z.infer<typeof registrationState>;

export const eventCounts = z.object({
	registered: z.number().int(),
	waiting: z.number().int(),
	/** null = no limit. */
	capacity: z.number().int().nullable(),
	/** null = no limit. */
	seatsLeft: z.number().int().nullable()
});
export type EventCounts = z.infer<typeof eventCounts>;

/** upcoming: not started · ongoing: between start and end · ended · cancelled. */
export const eventPhases = ['upcoming', 'ongoing', 'ended', 'cancelled'] as const;
export type EventPhase = (typeof eventPhases)[number];

export const eventOutput = z.object({
	id: z.uuid(),
	url: z.string(),
	kind: z.enum(eventKinds),
	title: z.string(),
	description: z.string(),
	descriptionHtml: z.string(),
	/** UTC instants (ISO); show them in `timeZone` and in the viewer's own. */
	startsAt: z.iso.datetime(),
	endsAt: z.iso.datetime(),
	timeZone: z.string(),
	/** Start and end as typed (`2026-12-01T10:00`, local to `timeZone`): the edit form's values. */
	localStartsAt: z.string(),
	localEndsAt: z.string(),
	localRegistrationDeadline: z.string().nullable(),
	place: z.string().nullable(),
	/** The event has a video room (its link may be hidden from the caller). */
	online: z.boolean(),
	/** The video-room link: only for organisers, speakers and registered participants, from shortly before the start. */
	onlineUrl: z.string().nullable(),
	/** When the link shows to registered participants (null when there is no link). */
	onlineUrlFrom: z.iso.datetime().nullable(),
	countries: z.array(z.string()),
	organisers: z.array(person),
	speakers: z.array(person),
	guestSpeakers: z.array(z.string()),
	capacity: z.number().int().nullable(),
	registrationDeadline: z.iso.datetime().nullable(),
	/** Registration is possible now (not past the deadline, not cancelled, not ended). */
	registrationOpen: z.boolean(),
	phase: z.enum(eventPhases),
	cancelledAt: z.iso.datetime().nullable(),
	createdAt: z.iso.datetime(),
	updatedAt: z.iso.datetime(),
	space: spaceRef,
	counts: eventCounts,
	/** The caller's registration; null when not registered (or anonymous). */
	registration: registrationState.nullable(),
	room: z.object({
		open: z.boolean(),
		openedAt: z.iso.datetime().nullable(),
		closedAt: z.iso.datetime().nullable(),
		url: z.string()
	}),
	synthesis: z.string(),
	synthesisHtml: z.string(),
	recordingUrl: z.string().nullable(),
	documents: z.array(eventDocumentOutput),
	/** The event's `.ics` file. */
	icsUrl: z.string(),
	can: z.object({
		edit: z.boolean(),
		cancel: z.boolean(),
		register: z.boolean(),
		unregister: z.boolean(),
		participants: z.boolean(),
		documents: z.boolean(),
		/** Run the live room (open, close, moderate). */
		moderate: z.boolean()
	})
});
export type EventOutput = z.infer<typeof eventOutput>;

export const eventListItem = z.object({
	id: z.uuid(),
	url: z.string(),
	kind: z.enum(eventKinds),
	title: z.string(),
	startsAt: z.iso.datetime(),
	endsAt: z.iso.datetime(),
	timeZone: z.string(),
	place: z.string().nullable(),
	online: z.boolean(),
	countries: z.array(z.string()),
	phase: z.enum(eventPhases),
	space: spaceRef,
	counts: eventCounts,
	/** The caller's status, if registered or waiting. */
	registration: z.enum(registrationStatuses).nullable(),
	/** Past events: there is a synthesis, a recording. */
	hasSynthesis: z.boolean(),
	hasRecording: z.boolean()
});
export type EventListItem = z.infer<typeof eventListItem>;

export const eventListOutput = z.object({
	items: z.array(eventListItem),
	/** Cursor for `apres` of the next page; null on the last page. */
	next: z.string().nullable()
});
export type EventListOutput = z.infer<typeof eventListOutput>;

/** What register / unregister answer: the caller's new state and the counts. */
export const registrationOutput = z.object({
	registration: registrationState.nullable(),
	counts: eventCounts
});
export type RegistrationOutput = z.infer<typeof registrationOutput>;

export const participantOutput = z.object({
	userId: z.uuid(),
	displayName: z.string(),
	handle: z.string(),
	organisation: z.string(),
	country: z.string(),
	status: z.enum(registrationStatuses),
	/** Rank on the waiting list (1 = next); null for registered members. */
	position: z.number().int().nullable(),
	registeredAt: z.iso.datetime(),
	promotedAt: z.iso.datetime().nullable()
});
export type ParticipantOutput = z.infer<typeof participantOutput>;

export const participantsOutput = z.object({
	/** Registered first (arrival order), then the waiting list in its order. */
	items: z.array(participantOutput),
	counts: eventCounts
});
export type ParticipantsOutput = z.infer<typeof participantsOutput>;

export const calendarFeedOutput = z.object({
	/** The private feed's address: shown once, at creation; only its hash is kept. */
	url: z.string()
});
export type CalendarFeedOutput = z.infer<typeof calendarFeedOutput>;

export const calendarFeedStatus = z.object({
	active: z.boolean(),
	createdAt: z.iso.datetime().nullable()
});
export type CalendarFeedStatus = z.infer<typeof calendarFeedStatus>;

/** `/api/v1/calendar/<token>.ics`: 43 base64url characters (32 random bytes). */
export const calendarFeedParams = z.strictObject({ file: z.string().max(100) });

export const uploadQuery = z.strictObject({ nom: z.string().max(1000, 'att_error_filename').optional() });
