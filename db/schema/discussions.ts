import { sql } from 'drizzle-orm';
import {
	bigint,
	boolean,
	customType,
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
import {
	notificationKinds,
	postStatuses,
	spaceMemberRoles,
	spaceMemberStatuses,
	spaceVisibilities,
	threadKinds
} from './values.ts';

export const spaceVisibilityEnum = pgEnum('space_visibility', spaceVisibilities);
export const spaceMemberRoleEnum = pgEnum('space_member_role', spaceMemberRoles);
export const spaceMemberStatusEnum = pgEnum('space_member_status', spaceMemberStatuses);
export const threadKindEnum = pgEnum('thread_kind', threadKinds);
export const notificationKindEnum = pgEnum('notification_kind', notificationKinds);
export const postStatusEnum = pgEnum('post_status', postStatuses);

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
const timestamptz = (name: string) => timestamp(name, { withTimezone: true });

export const spaces = pgTable(
	'spaces',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		slug: text('slug').notNull(),
		name: text('name').notNull(),
		description: text('description').notNull().default(''),
		/** Rendered once at write time: reads are many, writes few. */
		descriptionHtml: text('description_html').notNull().default(''),
		visibility: spaceVisibilityEnum('visibility').notNull().default('public'),
		themes: text('themes')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		countries: text('countries')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		createdBy: uuid('created_by').references(() => users.id),
		createdAt: timestamptz('created_at').notNull().defaultNow(),
		archivedAt: timestamptz('archived_at'),
		lastActivityAt: timestamptz('last_activity_at').notNull().defaultNow(),
		threadCount: integer('thread_count').notNull().default(0),
		postCount: integer('post_count').notNull().default(0),
		/** A new member's first posts here that wait for review; null = the site default. */
		reviewFirstPosts: integer('review_first_posts'),
		/** Reports from this many distinct members hide an item pending review. */
		reportThreshold: integer('report_threshold').notNull().default(3),
		/** Slow mode: at least this many seconds between two posts of a member, until `slowModeUntil`. */
		slowModeSeconds: integer('slow_mode_seconds'),
		slowModeUntil: timestamptz('slow_mode_until'),
		slowModeReason: text('slow_mode_reason'),
		isDemo: boolean('is_demo').notNull().default(false)
	},
	(t) => [uniqueIndex('spaces_slug_key').on(t.slug), index('spaces_activity_idx').on(t.lastActivityAt)]
);

export const spaceMembers = pgTable(
	'space_members',
	{
		spaceId: uuid('space_id')
			.notNull()
			.references(() => spaces.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		role: spaceMemberRoleEnum('role').notNull().default('member'),
		status: spaceMemberStatusEnum('status').notNull().default('active'),
		/** Who invited, or who decided a request. */
		decidedBy: uuid('decided_by').references(() => users.id),
		message: text('message').notNull().default(''),
		createdAt: timestamptz('created_at').notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.spaceId, t.userId] }), index('space_members_user_idx').on(t.userId)]
);

export const threads = pgTable(
	'threads',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		spaceId: uuid('space_id')
			.notNull()
			.references(() => spaces.id),
		authorId: uuid('author_id')
			.notNull()
			.references(() => users.id),
		kind: threadKindEnum('kind').notNull().default('discussion'),
		title: text('title').notNull(),
		createdAt: timestamptz('created_at').notNull().defaultNow(),
		/** Bumped by every reply: thread lists sort on it. */
		lastActivityAt: timestamptz('last_activity_at').notNull().defaultNow(),
		lastPostAuthorId: uuid('last_post_author_id').references(() => users.id),
		/** Highest post number; posts are numbered 1, 2, 3… in the thread. */
		postCount: integer('post_count').notNull().default(0),
		/** Per-thread sequence of realtime events, assigned inside the writing transaction. */
		lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
		acceptedPostId: uuid('accepted_post_id'),
		titleSearch: tsvector('title_search').generatedAlwaysAs(sql`to_tsvector('french', palabre_unaccent(title))`),
		deletedAt: timestamptz('deleted_at'),
		deletedBy: uuid('deleted_by').references(() => users.id),
		/** Locked: nobody but moderators replies. */
		lockedAt: timestamptz('locked_at'),
		/** Why, as the moderator wrote it: shown to every reader of a locked thread. */
		lockReason: text('lock_reason'),
		/** Pinned threads head their space's list. */
		pinnedAt: timestamptz('pinned_at'),
		/** Closed with a synthesis: the moderator post shown at the top (DOMAIN.md, capitalisation). */
		closedAt: timestamptz('closed_at'),
		synthesisPostId: uuid('synthesis_post_id'),
		/** Hidden pending review after enough reports. */
		hiddenAt: timestamptz('hidden_at'),
		slowModeSeconds: integer('slow_mode_seconds'),
		slowModeUntil: timestamptz('slow_mode_until'),
		slowModeReason: text('slow_mode_reason')
	},
	(t) => [
		index('threads_space_activity_idx').on(t.spaceId, t.lastActivityAt.desc(), t.id.desc()),
		index('threads_title_search_idx').using('gin', t.titleSearch),
		index('threads_title_trgm_idx').using('gin', sql`palabre_unaccent(lower(${t.title})) gin_trgm_ops`)
	]
);

export const posts = pgTable(
	'posts',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		threadId: uuid('thread_id')
			.notNull()
			.references(() => threads.id),
		authorId: uuid('author_id')
			.notNull()
			.references(() => users.id),
		number: integer('number').notNull(),
		body: text('body').notNull(),
		bodyHtml: text('body_html').notNull(),
		createdAt: timestamptz('created_at').notNull().defaultNow(),
		editedAt: timestamptz('edited_at'),
		revisionCount: integer('revision_count').notNull().default(0),
		usefulCount: integer('useful_count').notNull().default(0),
		/** Thread sequence number of this post's latest change: catch-up reads `seq > n`. */
		seq: bigint('seq', { mode: 'number' }).notNull(),
		quotePostId: uuid('quote_post_id'),
		/** A client-chosen key: a retried send finds the post it already made. */
		clientKey: uuid('client_key'),
		deletedAt: timestamptz('deleted_at'),
		deletedBy: uuid('deleted_by').references(() => users.id),
		status: postStatusEnum('status').notNull().default('published'),
		/** Hidden by a moderator (with a reason) or by reports, pending review. */
		hiddenAt: timestamptz('hidden_at'),
		hiddenBy: uuid('hidden_by').references(() => users.id),
		hiddenReason: text('hidden_reason'),
		/** The latest rejection, kept with the text so the author can edit and resubmit. */
		rejectionReason: text('rejection_reason'),
		rejectionNote: text('rejection_note'),
		/** A moderator's closing synthesis of the thread. */
		isSynthesis: boolean('is_synthesis').notNull().default(false),
		bodySearch: tsvector('body_search').generatedAlwaysAs(sql`to_tsvector('french', palabre_unaccent(body))`)
	},
	(t) => [
		uniqueIndex('posts_thread_number_key').on(t.threadId, t.number),
		uniqueIndex('posts_author_client_key').on(t.authorId, t.clientKey),
		index('posts_thread_seq_idx').on(t.threadId, t.seq),
		index('posts_author_idx').on(t.authorId, t.createdAt),
		index('posts_pending_idx')
			.on(t.createdAt)
			.where(sql`status = 'pending'`),
		index('posts_body_search_idx').using('gin', t.bodySearch)
	]
);

/** Every earlier version of an edited post, readable by whoever reads the post. */
export const postRevisions = pgTable(
	'post_revisions',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		postId: uuid('post_id')
			.notNull()
			.references(() => posts.id, { onDelete: 'cascade' }),
		number: integer('number').notNull(),
		body: text('body').notNull(),
		editedBy: uuid('edited_by').references(() => users.id),
		createdAt: timestamptz('created_at').notNull().defaultNow()
	},
	(t) => [uniqueIndex('post_revisions_post_number_key').on(t.postId, t.number)]
);

export const postVotes = pgTable(
	'post_votes',
	{
		postId: uuid('post_id')
			.notNull()
			.references(() => posts.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		createdAt: timestamptz('created_at').notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.postId, t.userId] })]
);

/** How far each reader got: unread state and "jump to first unread". */
export const threadReads = pgTable(
	'thread_reads',
	{
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		threadId: uuid('thread_id')
			.notNull()
			.references(() => threads.id, { onDelete: 'cascade' }),
		lastReadNumber: integer('last_read_number').notNull().default(0),
		/** Watching: notified of every reply (set when starting or replying). */
		watching: boolean('watching').notNull().default(false),
		updatedAt: timestamptz('updated_at').notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.userId, t.threadId] })]
);

export const notifications = pgTable(
	'notifications',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		kind: notificationKindEnum('kind').notNull(),
		actorId: uuid('actor_id').references(() => users.id),
		spaceId: uuid('space_id').references(() => spaces.id, { onDelete: 'cascade' }),
		threadId: uuid('thread_id').references(() => threads.id, { onDelete: 'cascade' }),
		postId: uuid('post_id').references(() => posts.id, { onDelete: 'cascade' }),
		data: jsonb('data').notNull().default({}),
		createdAt: timestamptz('created_at').notNull().defaultNow(),
		readAt: timestamptz('read_at')
	},
	(t) => [index('notifications_user_idx').on(t.userId, t.createdAt.desc())]
);
