import { sql } from 'drizzle-orm';
import {
	bigint,
	bigserial,
	boolean,
	index,
	integer,
	pgEnum,
	pgTable,
	primaryKey,
	text,
	timestamp,
	uniqueIndex,
	uuid
} from 'drizzle-orm/pg-core';
import { users } from './accounts.ts';
import { spaces } from './discussions.ts';
import { storedFileColumns } from './experiences.ts';
import { eventKinds, eventPersonRoles, mailStatuses, registrationStatuses, reminderKinds, roomMessageKinds } from './values.ts';

export const eventKindEnum = pgEnum('event_kind', eventKinds);
export const eventPersonRoleEnum = pgEnum('event_person_role', eventPersonRoles);
export const registrationStatusEnum = pgEnum('registration_status', registrationStatuses);
export const reminderKindEnum = pgEnum('reminder_kind', reminderKinds);
export const roomMessageKindEnum = pgEnum('room_message_kind', roomMessageKinds);
export const mailStatusEnum = pgEnum('mail_status', mailStatuses);

const timestamptz = (name: string) => timestamp(name, { withTimezone: true });

/**
 * A workshop, seminar, webinar or training. Instants are stored in UTC; `timeZone` (IANA,
 * e.g. `Africa/Dakar`) is the zone the event is held in, shown next to the viewer's own.
 * Visibility follows the host space. The live room is open when an organiser opened it or
 * the start time has passed, until an organiser closes it.
 */
export const events = pgTable(
	'events',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		spaceId: uuid('space_id')
			.notNull()
			.references(() => spaces.id),
		kind: eventKindEnum('kind').notNull(),
		title: text('title').notNull(),
		description: text('description').notNull().default(''),
		/** Rendered once at write time by the shared Markdown renderer. */
		descriptionHtml: text('description_html').notNull().default(''),
		startsAt: timestamptz('starts_at').notNull(),
		endsAt: timestamptz('ends_at').notNull(),
		timeZone: text('time_zone').notNull(),
		/** A physical place (address, city), or null for an online event. */
		place: text('place'),
		/** The external video room; revealed to registered participants only, shortly before the start. */
		onlineUrl: text('online_url'),
		/** Countries concerned (ISO codes of the region's list), for the list's country filter. */
		countries: text('countries')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		/** Speakers who are not members: names as printed in the programme. */
		guestSpeakers: text('guest_speakers')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		/** Seats; null = no limit. */
		capacity: integer('capacity'),
		registrationDeadline: timestamptz('registration_deadline'),
		createdBy: uuid('created_by').references(() => users.id),
		createdAt: timestamptz('created_at').notNull().defaultNow(),
		updatedAt: timestamptz('updated_at').notNull().defaultNow(),
		cancelledAt: timestamptz('cancelled_at'),
		/* The live room. */
		roomOpenedAt: timestamptz('room_opened_at'),
		roomClosedAt: timestamptz('room_closed_at'),
		chatLocked: boolean('chat_locked').notNull().default(false),
		/** Slow mode: seconds each participant waits between two messages; null = off. */
		slowModeSeconds: integer('slow_mode_seconds'),
		/** The room's sequence: every stored change (message, question, vote, removal) takes the next number. */
		lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
		/* After the event. */
		synthesis: text('synthesis').notNull().default(''),
		synthesisHtml: text('synthesis_html').notNull().default(''),
		recordingUrl: text('recording_url')
	},
	(t) => [index('events_starts_at_idx').on(t.startsAt), index('events_space_starts_idx').on(t.spaceId, t.startsAt)]
);

/** Organisers and speakers who are members. Organisers run the event and its room. */
export const eventPeople = pgTable(
	'event_people',
	{
		eventId: uuid('event_id')
			.notNull()
			.references(() => events.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		role: eventPersonRoleEnum('role').notNull()
	},
	(t) => [primaryKey({ columns: [t.eventId, t.userId, t.role] }), index('event_people_user_idx').on(t.userId)]
);

/**
 * A member's registration. Seats are given under a lock on the event row, so that
 * concurrent registrations never exceed the capacity; the waiting list is served in
 * `position` order.
 */
export const eventRegistrations = pgTable(
	'event_registrations',
	{
		eventId: uuid('event_id')
			.notNull()
			.references(() => events.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		status: registrationStatusEnum('status').notNull(),
		/** Arrival order (the waiting list's order). */
		position: bigserial('position', { mode: 'number' }).notNull(),
		registeredAt: timestamptz('registered_at').notNull().defaultNow(),
		/** When a waiting member got a seat. */
		promotedAt: timestamptz('promoted_at')
	},
	(t) => [
		primaryKey({ columns: [t.eventId, t.userId] }),
		index('event_registrations_user_idx').on(t.userId),
		index('event_registrations_queue_idx').on(t.eventId, t.status, t.position)
	]
);

/** A member's private calendar feed (events they registered for). Only the token's hash is kept; revoking deletes the row. */
export const calendarFeeds = pgTable('calendar_feeds', {
	userId: uuid('user_id')
		.primaryKey()
		.references(() => users.id, { onDelete: 'cascade' }),
	tokenHash: text('token_hash').notNull().unique(),
	createdAt: timestamptz('created_at').notNull().defaultNow()
});

/**
 * One row per reminder sent: the primary key is what guarantees that a reminder is never
 * sent twice, whichever process or restart tries again.
 */
export const eventReminders = pgTable(
	'event_reminders',
	{
		eventId: uuid('event_id')
			.notNull()
			.references(() => events.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		kind: reminderKindEnum('kind').notNull(),
		sentAt: timestamptz('sent_at').notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.eventId, t.userId, t.kind] })]
);

/** A chat line of a live room. Stored first, then broadcast with its `seq`. */
export const eventMessages = pgTable(
	'event_messages',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		eventId: uuid('event_id')
			.notNull()
			.references(() => events.id, { onDelete: 'cascade' }),
		/** Its place in the room's sequence (creation). */
		seq: bigint('seq', { mode: 'number' }).notNull(),
		/** The sequence number of its latest change (= seq until removed or unpinned). */
		changedSeq: bigint('changed_seq', { mode: 'number' }).notNull(),
		authorId: uuid('author_id')
			.notNull()
			.references(() => users.id),
		kind: roomMessageKindEnum('kind').notNull().default('message'),
		body: text('body').notNull(),
		bodyHtml: text('body_html').notNull(),
		/** The sender's idempotency key: a message sent twice (retry after a reconnect) is stored once. */
		clientKey: text('client_key').notNull(),
		/** Announcements are pinned at the top until unpinned. */
		pinned: boolean('pinned').notNull().default(false),
		createdAt: timestamptz('created_at').notNull().defaultNow(),
		removedAt: timestamptz('removed_at'),
		removedBy: uuid('removed_by').references(() => users.id)
	},
	(t) => [
		uniqueIndex('event_messages_seq_idx').on(t.eventId, t.seq),
		uniqueIndex('event_messages_client_key_idx').on(t.eventId, t.authorId, t.clientKey),
		index('event_messages_changed_idx').on(t.eventId, t.changedSeq)
	]
);

/** A question of the room's Q&A, separate from the chat; ordered by votes. */
export const eventQuestions = pgTable(
	'event_questions',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		eventId: uuid('event_id')
			.notNull()
			.references(() => events.id, { onDelete: 'cascade' }),
		seq: bigint('seq', { mode: 'number' }).notNull(),
		changedSeq: bigint('changed_seq', { mode: 'number' }).notNull(),
		authorId: uuid('author_id')
			.notNull()
			.references(() => users.id),
		body: text('body').notNull(),
		bodyHtml: text('body_html').notNull(),
		clientKey: text('client_key').notNull(),
		votes: integer('votes').notNull().default(0),
		answeredAt: timestamptz('answered_at'),
		answeredBy: uuid('answered_by').references(() => users.id),
		answer: text('answer').notNull().default(''),
		answerHtml: text('answer_html').notNull().default(''),
		pinned: boolean('pinned').notNull().default(false),
		hiddenAt: timestamptz('hidden_at'),
		hiddenBy: uuid('hidden_by').references(() => users.id),
		createdAt: timestamptz('created_at').notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('event_questions_seq_idx').on(t.eventId, t.seq),
		uniqueIndex('event_questions_client_key_idx').on(t.eventId, t.authorId, t.clientKey),
		index('event_questions_changed_idx').on(t.eventId, t.changedSeq)
	]
);

/** One vote per member and question (the primary key says so). */
export const eventQuestionVotes = pgTable(
	'event_question_votes',
	{
		questionId: uuid('question_id')
			.notNull()
			.references(() => eventQuestions.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		createdAt: timestamptz('created_at').notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.questionId, t.userId] })]
);

/** A participant muted in a room for the rest of the session. */
export const eventMutes = pgTable(
	'event_mutes',
	{
		eventId: uuid('event_id')
			.notNull()
			.references(() => events.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		mutedBy: uuid('muted_by').references(() => users.id),
		createdAt: timestamptz('created_at').notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.eventId, t.userId] })]
);

/** Documents attached to an event (slides, reports), stored like a fiche's attachments. */
export const eventDocuments = pgTable(
	'event_documents',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		eventId: uuid('event_id')
			.notNull()
			.references(() => events.id, { onDelete: 'cascade' }),
		...storedFileColumns()
	},
	(t) => [index('event_documents_event_idx').on(t.eventId)]
);

/**
 * Outgoing e-mail, written in the transaction of what caused it. With SMTP_URL a sender
 * job delivers pending rows; without, rows are `local` and admins read them in the app.
 */
export const mailOutbox = pgTable(
	'mail_outbox',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
		toAddress: text('to_address').notNull(),
		subject: text('subject').notNull(),
		textBody: text('text_body').notNull(),
		/** What it is about (`event_reminder`…), for the admins' outbox view. */
		topic: text('topic').notNull(),
		status: mailStatusEnum('status').notNull(),
		attempts: integer('attempts').notNull().default(0),
		lastError: text('last_error'),
		createdAt: timestamptz('created_at').notNull().defaultNow(),
		/** Not before this instant (retries back off). */
		nextAttemptAt: timestamptz('next_attempt_at').notNull().defaultNow(),
		sentAt: timestamptz('sent_at')
	},
	(t) => [index('mail_outbox_status_idx').on(t.status, t.nextAttemptAt), index('mail_outbox_created_idx').on(t.createdAt)]
);
