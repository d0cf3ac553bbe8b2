import { z } from 'zod';
import type { ThreadModerationState } from '../modules/moderation/thread-actions.schema.ts';
import type { PostOutput } from '../modules/threads/threads.schema.ts';

/**
 * Typed event maps (socket.io TypeScript guide). Names are `domain:verb`. Every client
 * event carries an ack answering `{ ok: true, data } | { ok: false, code }`.
 */
export type Ack<T = unknown> = (
	result: { ok: true; data: T } | { ok: false; code: string; retryAfterSeconds?: number; message?: string }
) => void;

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
	/* The live room of an event (see RoomMessage…: contract shared by server and web). */
	/**
	 * A chat line created or changed (removed, pinned, unpinned): `seq` is the number of this
	 * change (every number reaches the room; they may arrive out of order: apply in order, see
	 * web/src/lib/realtime/sequencer.ts); the line, read after commit, may already show a later
	 * one: replace by id when its `changedSeq` is newer.
	 * Carries the sender's `clientKey`: its page replaces its pending line on it, ack or not.
	 */
	'room:message': (payload: { eventId: string; seq: number; message: RoomMessage }) => void;
	/** A question created or changed (vote count, answered, pinned, hidden). */
	'room:question': (payload: { eventId: string; seq: number; question: RoomQuestion }) => void;
	/** Opened, closed, locked, slow mode changed: the whole state, no sequence number. */
	'room:state': (payload: { eventId: string; state: RoomState }) => void;
	'room:presence': (payload: { eventId: string; presence: RoomPresence }) => void;
	/** To one member: muted or unmuted in this room. */
	'room:you': (payload: { eventId: string; muted: boolean }) => void;
	/** To the room's moderators: a member muted or unmuted (keeps `me.mutedUserIds` current). */
	'room:muted': (payload: { eventId: string; userId: string; muted: boolean }) => void;
}

/** A chat line as every person in the room sees it. A removed line keeps its place, without its text. */
export interface RoomMessage {
	id: string;
	seq: number;
	changedSeq: number;
	kind: 'message' | 'announcement';
	author: { id: string; displayName: string; handle: string };
	/** Empty once removed. */
	bodyHtml: string;
	pinned: boolean;
	removed: boolean;
	/**
	 * The sender's idempotency key (a random id its device made; unique per author, so of no
	 * use to anyone else): the sender matches its pending line with the stored one. Broadcasts
	 * carry it to the whole room (one payload for everyone); watch answers to its author only.
	 */
	clientKey: string | null;
	createdAt: string;
}

export interface RoomQuestion {
	id: string;
	seq: number;
	changedSeq: number;
	author: { id: string; displayName: string; handle: string };
	bodyHtml: string;
	votes: number;
	answered: boolean;
	answerHtml: string;
	pinned: boolean;
	/** Hidden questions reach moderators only (others receive them with `hidden: true` and no text, to drop them). */
	hidden: boolean;
	/** As for RoomMessage (never in the stub of a hidden question). */
	clientKey: string | null;
	createdAt: string;
}

export interface RoomState {
	open: boolean;
	/** Closed by an organiser (the event page shows the transcript). */
	closed: boolean;
	chatLocked: boolean;
	slowModeSeconds: number | null;
}

export interface RoomPresence {
	count: number;
	/** Who is there (members only; anonymous watchers are counted, not listed). At most 200 names. */
	people: { id: string; displayName: string; handle: string }[];
}

export interface RoomWatchResult {
	eventId: string;
	/** The room's last sequence number: keep it, send it as `since` when re-watching. */
	lastSeq: number;
	state: RoomState;
	/** With `since`: the lines changed after it (oldest first). Without, or when too far behind (`reset`): the latest 100. */
	messages: RoomMessage[];
	/** With `since`: the questions changed after it. Without: every question the caller may see. */
	questions: RoomQuestion[];
	/** True when the client must drop what it holds and take this as the whole room. */
	reset: boolean;
	presence: RoomPresence;
	me: {
		role: 'moderator' | 'participant' | 'viewer';
		muted: boolean;
		/** Question ids the caller voted for. */
		votes: string[];
		/** Moderators only (empty for everyone else): who is muted in this room; `room:muted` keeps it current. */
		mutedUserIds: string[];
	};
}

export type RoomModerationAction =
	| { action: 'remove_message'; messageId: string }
	| { action: 'pin_message' | 'unpin_message'; messageId: string }
	| { action: 'answer_question'; questionId: string; answer?: string }
	| { action: 'pin_question' | 'unpin_question' | 'hide_question' | 'unhide_question'; questionId: string }
	| { action: 'mute' | 'unmute'; userId: string }
	| { action: 'lock' | 'unlock' }
	| { action: 'slow_mode'; seconds: number | null };

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
	/** `{ eventId, since? }`: joins the room (404 `not_found` when the event is not readable). */
	'room:watch': (payload: unknown, ack?: Ack<RoomWatchResult>) => void;
	'room:unwatch': (payload: unknown, ack?: Ack<{ eventId: string }>) => void;
	/**
	 * `{ eventId, clientKey, body, kind? }`. Sent again with the same clientKey (after a
	 * reconnect), it answers the stored line (`duplicate: true`) instead of storing it twice.
	 * Refusals: `room_closed`, `chat_locked`, `muted`, `slow_mode` / `rate_limited` (with
	 * `retryAfterSeconds`), `forbidden` (viewer), `validation_failed`, `not_found`.
	 */
	'room:send': (payload: unknown, ack?: Ack<{ message: RoomMessage; duplicate: boolean }>) => void;
	/** `{ eventId, clientKey, body }`: a question for the Q&A (same idempotency as room:send). */
	'room:ask': (payload: unknown, ack?: Ack<{ question: RoomQuestion; duplicate: boolean }>) => void;
	/** `{ eventId, questionId }`: one vote per member; voting again changes nothing. */
	'room:vote': (payload: unknown, ack?: Ack<{ question: RoomQuestion }>) => void;
	/** `{ eventId, ...RoomModerationAction }`: organisers and moderators; audited. */
	'room:moderate': (payload: unknown, ack?: Ack<{ done: true }>) => void;
}

export interface SocketData {
	userId: string | null;
	sessionId: string | null;
	/** Set when the socket watches a live room: how presence lists its member. */
	displayName?: string;
	handle?: string;
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
	queue: (spaceId: string) => `space:${spaceId}:queue`,
	/** An event's live room; prefixed by its host space like threads. */
	eventRoom: (spaceId: string, eventId: string) => `space:${spaceId}:event:${eventId}`,
	/** The room's moderators (they receive hidden questions with their text). */
	eventRoomModerators: (spaceId: string, eventId: string) => `space:${spaceId}:event:${eventId}:moderators`
};

export const threadWatchPayload = z.strictObject({ threadId: z.uuid(), since: z.number().int().min(0).optional() });
export const threadUnwatchPayload = z.strictObject({ threadId: z.uuid() });
export const spaceWatchPayload = z.strictObject({ slug: z.string().min(1).max(60) });

export const roomPayload = z.strictObject({ room: z.string().min(1).max(200) });
