import { sql } from 'drizzle-orm';
import {
	bigserial,
	boolean,
	index,
	integer,
	jsonb,
	pgEnum,
	pgTable,
	primaryKey,
	text,
	timestamp,
	uniqueIndex,
	uuid
} from 'drizzle-orm/pg-core';
import { users } from './accounts.ts';
import { posts, spaces, threads } from './discussions.ts';
import { queueItemKinds, watchedWordActions } from './values.ts';

export const watchedWordActionEnum = pgEnum('watched_word_action', watchedWordActions);
export const queueItemKindEnum = pgEnum('queue_item_kind', queueItemKinds);

const timestamptz = (name: string) => timestamp(name, { withTimezone: true });

/** Site-wide settings an admin changes (e.g. `review_first_posts`), one JSON value per key. */
export const siteSettings = pgTable('site_settings', {
	key: text('key').primaryKey(),
	value: jsonb('value').notNull(),
	updatedAt: timestamptz('updated_at').notNull().defaultNow(),
	updatedBy: uuid('updated_by').references(() => users.id)
});

/** Ready-made reasons for rejections, reports and moderator actions; admins edit them. */
export const moderationReasons = pgTable(
	'moderation_reasons',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		/** Stable code (`hors_sujet`…); `autre` asks for free text. */
		code: text('code').notNull(),
		labelFr: text('label_fr').notNull(),
		labelEn: text('label_en').notNull(),
		position: integer('position').notNull().default(0),
		active: boolean('active').notNull().default(true),
		createdAt: timestamptz('created_at').notNull().defaultNow()
	},
	(t) => [uniqueIndex('moderation_reasons_code_key').on(t.code)]
);

/** One member's report of a post or of a thread (then `postId` is null). A member reports an item once. */
export const reports = pgTable(
	'reports',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		spaceId: uuid('space_id')
			.notNull()
			.references(() => spaces.id, { onDelete: 'cascade' }),
		threadId: uuid('thread_id')
			.notNull()
			.references(() => threads.id, { onDelete: 'cascade' }),
		postId: uuid('post_id').references(() => posts.id, { onDelete: 'cascade' }),
		reporterId: uuid('reporter_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		reasonCode: text('reason_code').notNull(),
		note: text('note').notNull().default(''),
		createdAt: timestamptz('created_at').notNull().defaultNow(),
		/** Handled: the moderator's decision ('upheld' hid or kept hidden, 'dismissed' restored). */
		resolvedAt: timestamptz('resolved_at'),
		resolvedBy: uuid('resolved_by').references(() => users.id),
		resolution: text('resolution')
	},
	(t) => [
		uniqueIndex('reports_post_reporter_key')
			.on(t.postId, t.reporterId)
			.where(sql`post_id is not null`),
		uniqueIndex('reports_thread_reporter_key')
			.on(t.threadId, t.reporterId)
			.where(sql`post_id is null`),
		index('reports_open_idx')
			.on(t.createdAt)
			.where(sql`resolved_at is null`)
	]
);

/** Who is handling a queue item, so that two moderators don't handle it twice. */
export const queueClaims = pgTable(
	'queue_claims',
	{
		kind: queueItemKindEnum('kind').notNull(),
		/** The post (pending_post, reported_post) or thread (reported_thread). */
		targetId: uuid('target_id').notNull(),
		moderatorId: uuid('moderator_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		claimedAt: timestamptz('claimed_at').notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.kind, t.targetId] })]
);

/** A private notice from a moderator that the member must acknowledge. */
export const warnings = pgTable(
	'warnings',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		moderatorId: uuid('moderator_id')
			.notNull()
			.references(() => users.id),
		message: text('message').notNull(),
		createdAt: timestamptz('created_at').notNull().defaultNow(),
		acknowledgedAt: timestamptz('acknowledged_at')
	},
	(t) => [index('warnings_user_idx').on(t.userId, t.createdAt)]
);

/** Every suspension, past and present; `users.status` holds the current one. */
export const suspensions = pgTable(
	'suspensions',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		moderatorId: uuid('moderator_id')
			.notNull()
			.references(() => users.id),
		reason: text('reason').notNull(),
		startsAt: timestamptz('starts_at').notNull().defaultNow(),
		/** null: indefinitely. */
		endsAt: timestamptz('ends_at'),
		liftedAt: timestamptz('lifted_at'),
		liftedBy: uuid('lifted_by').references(() => users.id)
	},
	(t) => [index('suspensions_user_idx').on(t.userId, t.startsAt)]
);

/** Words and phrases checked in every new post. Matching: case- and accent-insensitive. */
export const watchedWords = pgTable(
	'watched_words',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		phrase: text('phrase').notNull(),
		action: watchedWordActionEnum('action').notNull(),
		/** For `replace`: what the phrase becomes. */
		replacement: text('replacement'),
		/** Whole words only (default), or anywhere inside words. */
		wholeWord: boolean('whole_word').notNull().default(true),
		createdBy: uuid('created_by').references(() => users.id),
		createdAt: timestamptz('created_at').notNull().defaultNow()
	},
	(t) => [uniqueIndex('watched_words_phrase_key').on(sql`lower(${t.phrase})`)]
);

/**
 * Append-only record of every moderator and admin action, role change, suspension and
 * setting change, written in the action's own transaction. A trigger (migration 0002)
 * refuses UPDATE and DELETE: nobody edits history through the app, admins included.
 * No foreign keys: a row outlives whatever it names; `actorName` keeps who it was.
 */
export const auditLog = pgTable(
	'audit_log',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		at: timestamptz('at').notNull().defaultNow(),
		actorId: uuid('actor_id'),
		actorName: text('actor_name').notNull(),
		/** `post.hide`, `thread.lock`, `user.suspend`, `space.settings`… */
		action: text('action').notNull(),
		/** The space it happened in, if any: space moderators see their spaces' part. */
		spaceId: uuid('space_id'),
		targetType: text('target_type').notNull(),
		targetId: text('target_id').notNull(),
		/** A readable name of the target at the time (thread title, member name). */
		targetLabel: text('target_label').notNull().default(''),
		reason: text('reason'),
		before: jsonb('before'),
		after: jsonb('after')
	},
	(t) => [
		index('audit_log_at_idx').on(t.at.desc(), t.id.desc()),
		index('audit_log_space_idx').on(t.spaceId, t.at.desc()),
		index('audit_log_actor_idx').on(t.actorId, t.at.desc()),
		index('audit_log_target_idx').on(t.targetType, t.targetId)
	]
);
