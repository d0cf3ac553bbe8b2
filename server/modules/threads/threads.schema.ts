import { z } from 'zod';
import { postStatuses, threadKinds } from '../../../db/schema/values.ts';
import { slowModeOutput } from '../moderation/thread-actions.schema.ts';

const body = z.string().trim().min(2, 'error_body_length').max(20_000, 'error_body_length');

export const createThreadInput = z.strictObject({
	title: z.string().trim().min(5, 'error_title_length').max(150, 'error_title_length'),
	kind: z.enum(threadKinds, 'error_thread_kind').default('discussion'),
	body,
	/** Idempotency key chosen by the client: a retried send returns the same thread. */
	clientKey: z.uuid().optional()
});
export type CreateThreadInput = z.infer<typeof createThreadInput>;

export const createPostInput = z.strictObject({
	body,
	quotePostId: z.uuid('error_not_found').optional(),
	clientKey: z.uuid().optional()
});
export type CreatePostInput = z.infer<typeof createPostInput>;

export const updatePostInput = z.strictObject({ body });
export const voteInput = z.strictObject({ useful: z.boolean() });
export const acceptInput = z.strictObject({ postId: z.uuid('error_not_found').nullable() });

export const threadIdParams = z.strictObject({ id: z.uuid('error_not_found') });
export const postIdParams = z.strictObject({ id: z.uuid('error_not_found') });

export const threadListQuery = z.strictObject({
	/** Opaque keyset cursor from the previous page's `next`. */
	after: z.string().max(200).optional()
});

export const threadPostsQuery = z.strictObject({
	/** First post number of the page (default: the reader's first unread post). */
	n: z.coerce.number().int().min(1).optional(),
	/** Show the page that ends just before this number (previous page). */
	before: z.coerce.number().int().min(2).optional()
});

export const catchUpQuery = z.strictObject({ since: z.coerce.number().int().min(0) });

const person = z.object({ id: z.uuid(), url: z.string(), displayName: z.string(), handle: z.string(), organisation: z.string() });

export const postOutput = z.object({
	id: z.uuid(),
	url: z.string(),
	threadId: z.uuid(),
	number: z.number().int(),
	author: person,
	/** Null when deleted, unless the reader moderates the space. */
	bodyHtml: z.string().nullable(),
	/** The Markdown source, for its author (edit form) and moderators. */
	body: z.string().nullable(),
	createdAt: z.iso.datetime(),
	editedAt: z.iso.datetime().nullable(),
	revisionCount: z.number().int(),
	usefulCount: z.number().int(),
	votedUseful: z.boolean(),
	deleted: z.boolean(),
	accepted: z.boolean(),
	seq: z.number().int(),
	/** pending: waiting for review (its author and moderators see it) · rejected: back with its author. */
	status: z.enum(postStatuses),
	/** Hidden by a moderator or by reports: only its author and moderators still see it. */
	hidden: z.boolean(),
	/**
	 * True in a catch-up for a reader who may no longer see this post (hidden since): the
	 * page removes it. Such a post carries no text.
	 */
	removed: z.boolean(),
	/** Why it was hidden or rejected: for its author and moderators only. */
	moderationNote: z.string().nullable(),
	isSynthesis: z.boolean(),
	can: z.object({
		edit: z.boolean(),
		delete: z.boolean(),
		vote: z.boolean(),
		accept: z.boolean(),
		report: z.boolean(),
		/** Hide or restore it, approve or reject it: the space's moderators. */
		moderate: z.boolean()
	})
});
export type PostOutput = z.infer<typeof postOutput>;

export const threadOutput = z.object({
	id: z.uuid(),
	url: z.string(),
	title: z.string(),
	kind: z.enum(threadKinds),
	space: z.object({ id: z.uuid(), slug: z.string(), name: z.string(), url: z.string() }),
	author: person,
	createdAt: z.iso.datetime(),
	lastActivityAt: z.iso.datetime(),
	postCount: z.number().int(),
	lastSeq: z.number().int(),
	acceptedPostId: z.uuid().nullable(),
	/** Posts the caller has not read yet (null for visitors). */
	unread: z.number().int().nullable(),
	firstUnreadNumber: z.number().int().nullable(),
	/** Locked by a moderator: only moderators reply. */
	locked: z.boolean(),
	/** Pinned at the top of its space's list. */
	pinned: z.boolean(),
	/** Closed with a synthesis: no more replies. */
	closed: z.boolean(),
	/** Deleted by a moderator: only moderators still see it. */
	deleted: z.boolean(),
	/** The featured synthesis post (kept after a reopening). */
	synthesisPostId: z.uuid().nullable(),
	/** The thread's own slow mode while it lasts (the space's is on the space). */
	slowMode: slowModeOutput.nullable(),
	can: z.object({ reply: z.boolean(), moderate: z.boolean() })
});
export type ThreadOutput = z.infer<typeof threadOutput>;

export const revisionOutput = z.object({
	number: z.number().int(),
	body: z.string(),
	createdAt: z.iso.datetime(),
	/** Who wrote this version: the author, or the moderator who edited it. */
	editedBy: z.string(),
	/** Word diff from this version to the next one: [op, text] with op -1 removed, 0 same, 1 added. */
	diff: z.array(z.tuple([z.number().int(), z.string()]))
});
