import { z } from 'zod';
import type { ThreadModerationState } from '../modules/moderation/thread-actions.schema.ts';
import type { PostOutput } from '../modules/threads/threads.schema.ts';

/**
 * Typed event maps (socket.io TypeScript guide). Names are `domain:verb`. Every client
 * event carries an ack answering `{ ok: true, data } | { ok: false, code }`.
 */
export type Ack<T = unknown> = (result: { ok: true; data: T } | { ok: false; code: string }) => void;

/** A post as every reader of the thread may see it (no per-reader fields). */
export type SharedPost = Omit<PostOutput, 'can' | 'body' | 'votedUseful' | 'moderationNote'>;
export interface PostEvent {
	threadId: string;
	/** The thread's sequence number of this change: clients apply each once, in order. */
	seq: number;
	post: SharedPost;
}

export interface ServerToClientEvents {
	'session:ended': (payload: { reason: 'logout' | 'revoked' }) => void;
	'presence:count': (payload: { threadId: string; readers: number }) => void;
	'notification:count': (payload: { unread: number }) => void;
	'post:created': (payload: PostEvent) => void;
	'post:updated': (payload: PostEvent) => void;
	'post:deleted': (payload: PostEvent) => void;
	'post:voted': (payload: PostEvent) => void;
	'thread:accepted': (payload: { threadId: string; postId: string | null }) => void;
	'thread:activity': (payload: { spaceId: string; threadId: string; created: boolean }) => void;
	/** A moderator locked, pinned, moved, deleted, closed… a thread (to its room and its space's list). */
	'thread:moderated': (payload: ThreadModeratedEvent) => void;
	/** The review queue of a space changed: moderators watching it refresh their list. */
	'queue:changed': (payload: QueueChange) => void;
}

export interface QueueChange {
	spaceId: string;
	kind: 'pending_post' | 'reported_post' | 'reported_thread';
	targetId: string;
	change: 'added' | 'claimed' | 'released' | 'resolved';
}

export type ThreadModerationAction =
	'lock' | 'unlock' | 'pin' | 'unpin' | 'move' | 'delete' | 'restore' | 'close' | 'reopen' | 'slow_mode';

export interface ThreadModeratedEvent {
	threadId: string;
	/** The thread's sequence number of this change (as for post events). */
	seq: number;
	action: ThreadModerationAction;
	/** For a move: the space it left (its list and room got this event). */
	fromSpaceId: string | null;
	state: ThreadModerationState;
}

export interface ThreadWatchResult {
	threadId: string;
	lastSeq: number;
	readers: number;
	/** Posts changed after the `since` the client sent: apply them, then live events. */
	posts: PostOutput[];
}

export interface ClientToServerEvents {
	'room:join': (payload: unknown, ack?: Ack<{ room: string }>) => void;
	'room:leave': (payload: unknown, ack?: Ack<{ room: string }>) => void;
	'thread:watch': (payload: unknown, ack?: Ack<ThreadWatchResult>) => void;
	'thread:unwatch': (payload: unknown, ack?: Ack<{ threadId: string }>) => void;
	'space:watch': (payload: unknown, ack?: Ack<{ spaceId: string }>) => void;
	/** Joins the review queue rooms of every space the caller moderates. */
	'queue:watch': (payload: unknown, ack?: Ack<{ spaces: number }>) => void;
}

export interface SocketData {
	userId: string | null;
	sessionId: string | null;
}

/** Room names, built by helpers rather than string literals scattered around. */
export const rooms = {
	user: (id: string) => `user:${id}`,
	session: (id: string) => `session:${id}`,
	/** The public lobby: site-wide announcements anyone may read. */
	site: () => 'site',
	space: (spaceId: string) => `space:${spaceId}`,
	/** Prefixed by its space, so leaving a space leaves its threads' rooms in one sweep. */
	thread: (spaceId: string, threadId: string) => `space:${spaceId}:thread:${threadId}`,
	/** The space's review queue: its moderators only. */
	queue: (spaceId: string) => `space:${spaceId}:queue`
};

export const threadWatchPayload = z.strictObject({ threadId: z.uuid(), since: z.number().int().min(0).optional() });
export const threadUnwatchPayload = z.strictObject({ threadId: z.uuid() });
export const spaceWatchPayload = z.strictObject({ slug: z.string().min(1).max(60) });

export const roomPayload = z.strictObject({ room: z.string().min(1).max(200) });
