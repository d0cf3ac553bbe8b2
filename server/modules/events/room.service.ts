import { eq, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { Database } from '../../../db/client.ts';
import { eventMessages, eventQuestions, events } from '../../../db/schema/index.ts';
import type { Locale } from '../../../db/schema/values.ts';
import { requireUser, type Auth } from '../../auth/auth.ts';
import { issuesToFields } from '../../lib/error-handler.ts';
import { AppError, ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.ts';
import { renderMarkdown } from '../../lib/markdown.ts';
import type { RateLimiter, RateRule } from '../../lib/rate-limit.ts';
import type { RealtimePublisher } from '../../realtime/publisher.ts';
import type { RoomMessage, RoomPresence, RoomQuestion, RoomState, RoomWatchResult } from '../../realtime/events.ts';
import { uniqueViolation } from '../accounts/accounts.service.ts';
import { recordAudit } from '../moderation/audit.ts';
import type { SpacesService } from '../spaces/spaces.service.ts';
import { loadEventContext, roomOpen, roomRole, type EventContext, type EventRow } from './access.ts';
import { RoomRepository, type MessageRow, type QuestionRow } from './room.repository.ts';
import {
	roomAskPayload,
	roomModeratePayload,
	roomSendPayload,
	roomVotePayload,
	type RoomAskInput,
	type RoomModerateInput,
	type RoomSendInput,
	type RoomVoteInput
} from './room.schema.ts';
import { transcriptMarkdown, transcriptText, type Transcript } from './transcript.ts';

/** Lines a first visit (or a reset) shows. */
export const LATEST_LINES = 100;
/** Further behind than this, a reconnecting client starts again from the latest lines. */
export const CATCH_UP_LIMIT = 500;
const QUESTIONS_LIMIT = 500;

export interface RoomRateRules {
	/** Chat lines per member (moderators included): a flood stops here whatever the slow mode. */
	chat: RateRule;
	questions: RateRule;
}

export const defaultRoomRateRules: RoomRateRules = {
	chat: { limit: 10, windowMs: 10_000 },
	questions: { limit: 5, windowMs: 60_000 }
};

export type RoomRefusal = 'room_closed' | 'chat_locked' | 'muted' | 'slow_mode';

/** Posting refused by the room's state: the socket ack carries `roomCode` as its code. */
export class RoomRefusedError extends AppError {
	constructor(
		readonly roomCode: Exclude<RoomRefusal, 'slow_mode'>,
		messageKey: string
	) {
		super(403, 'forbidden', messageKey);
	}
}

/** Too soon after one's last line in slow mode (a 429 like any rate limit, with its own code). */
export class SlowModeError extends AppError {
	readonly roomCode = 'slow_mode';
	constructor(readonly retryAfterSeconds: number) {
		super(429, 'rate_limited', 'room_error_slow_mode');
	}

	override messageInputs() {
		return { seconds: this.retryAfterSeconds };
	}
}

class RoomRateLimitedError extends AppError {
	constructor(readonly retryAfterSeconds: number) {
		super(429, 'rate_limited', 'room_error_rate_limited');
	}

	override messageInputs() {
		return { seconds: this.retryAfterSeconds };
	}
}

/** The process is shutting down: try again (on the next connection). */
export class RoomUnavailableError extends AppError {
	readonly roomCode = 'unavailable';
	constructor() {
		super(503, 'internal', 'room_error_unavailable');
	}
}

/** Thrown inside a transaction to roll it back when there was nothing to change (no sequence number spent). */
class NothingChanged extends Error {}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
	const result = schema.safeParse(input);
	if (!result.success) throw new ValidationError(issuesToFields(result.error.issues));
	return result.data;
}

export function roomState(event: EventRow, now = new Date()): RoomState {
	return {
		open: roomOpen(event, now),
		closed: event.roomClosedAt !== null,
		chatLocked: event.chatLocked,
		slowModeSeconds: event.slowModeSeconds && event.slowModeSeconds > 0 ? event.slowModeSeconds : null
	};
}

/**
 * A chat line for one reader: its idempotency key goes to its author only (broadcasts are
 * written as the author reads them); a removed line has no text.
 */
export function toRoomMessage(row: MessageRow, viewerId: string | null): RoomMessage {
	const m = row.message;
	const removed = m.removedAt !== null;
	return {
		id: m.id,
		seq: m.seq,
		changedSeq: m.changedSeq,
		kind: m.kind,
		author: { ...row.author },
		bodyHtml: removed ? '' : m.bodyHtml,
		pinned: m.pinned,
		removed,
		clientKey: viewerId !== null && viewerId === m.authorId ? m.clientKey : null,
		createdAt: m.createdAt.toISOString()
	};
}

/** A question for one reader: hidden ones keep their text for moderators; others get a bare stub to drop. */
export function toRoomQuestion(row: QuestionRow, viewer: { id: string | null; moderator: boolean }): RoomQuestion {
	const q = row.question;
	const hidden = q.hiddenAt !== null;
	if (hidden && !viewer.moderator) {
		return {
			id: q.id,
			seq: q.seq,
			changedSeq: q.changedSeq,
			author: { id: '', displayName: '', handle: '' },
			bodyHtml: '',
			votes: 0,
			answered: false,
			answerHtml: '',
			pinned: false,
			hidden: true,
			clientKey: null,
			createdAt: q.createdAt.toISOString()
		};
	}
	return {
		id: q.id,
		seq: q.seq,
		changedSeq: q.changedSeq,
		author: { ...row.author },
		bodyHtml: q.bodyHtml,
		votes: q.votes,
		answered: q.answeredAt !== null,
		answerHtml: q.answerHtml,
		pinned: q.pinned,
		hidden,
		clientKey: viewer.id !== null && viewer.id === q.authorId ? q.clientKey : null,
		createdAt: q.createdAt.toISOString()
	};
}

const NOBODY: RoomPresence = { count: 0, people: [] };

/**
 * The live room of an event: chat, Q&A, moderation, transcript. Every change is stored
 * first, in a transaction that takes the room's next sequence number, and broadcast after
 * commit with that number; a client that missed some catches up from the last it holds.
 */
export class RoomService {
	readonly repo: RoomRepository;
	private presenceOf: (spaceId: string, eventId: string) => Promise<RoomPresence> = async () => NOBODY;
	private draining = false;
	private readonly inFlight = new Set<Promise<unknown>>();
	/** Per room, this process's latest broadcast of a numbered change: the next one leaves after it (see inTurn). */
	private readonly turns = new Map<string, Promise<unknown>>();

	constructor(
		private db: Database,
		private spaces: SpacesService,
		private limiter: RateLimiter,
		private realtime: RealtimePublisher,
		private rules: RoomRateRules = defaultRoomRateRules
	) {
		this.repo = new RoomRepository(db);
	}

	/**
	 * Shutting down: refuses new writes (`unavailable`: the client keeps them and sends them
	 * again once reconnected), and waits for those under way, so that every change this
	 * process committed has been broadcast before its sockets close. Without this, a change
	 * committed after the clients had moved to another process would reach them only at
	 * their next reconnect.
	 */
	async drain() {
		this.draining = true;
		await Promise.allSettled([...this.inFlight]);
	}

	private async tracked<T>(work: () => Promise<T>): Promise<T> {
		if (this.draining) throw new RoomUnavailableError();
		const running = work();
		this.inFlight.add(running);
		try {
			return await running;
		} finally {
			this.inFlight.delete(running);
		}
	}

	/** Bound by the socket layer, which knows who is connected (across processes). */
	bindPresence(presenceOf: (spaceId: string, eventId: string) => Promise<RoomPresence>) {
		this.presenceOf = presenceOf;
	}

	/** The event and what the caller is in its room; NotFoundError when the event is not readable. */
	async context(auth: Auth, eventId: string): Promise<{ ctx: EventContext; role: 'moderator' | 'participant' | 'viewer' }> {
		const ctx = await loadEventContext(this.db, this.spaces, auth, eventId);
		return { ctx, role: roomRole(ctx, auth) };
	}

	/* Reading */

	/**
	 * What a client needs to show the room. Without `since` (or when it is more than
	 * CATCH_UP_LIMIT changes behind, or ahead of the room): the latest lines and every
	 * question the caller may see, with `reset`. With `since`: what changed after it.
	 */
	async watch(auth: Auth, eventId: string, since?: number): Promise<RoomWatchResult> {
		return this.snapshot(auth, await this.context(auth, eventId), since);
	}

	/**
	 * The room as of now for a caller whose context is known. The socket layer calls it
	 * after joining the room, so that nothing committed in between is missed; the last
	 * sequence number is read before the rows, so the rows cover at least up to it.
	 */
	async snapshot(
		auth: Auth,
		{ ctx, role }: { ctx: EventContext; role: 'moderator' | 'participant' | 'viewer' },
		since?: number
	): Promise<RoomWatchResult> {
		const eventId = ctx.event.id;
		const event = (await this.repo.event(eventId)) ?? ctx.event;
		const viewer = { id: auth?.user.id ?? null, moderator: role === 'moderator' };
		const reset = since === undefined || since > event.lastSeq || event.lastSeq - since > CATCH_UP_LIMIT;
		const [messageRows, questionRows, votes, muted, mutedUserIds, presence] = await Promise.all([
			reset ? this.repo.latestMessages(eventId, LATEST_LINES) : this.repo.messagesSince(eventId, since),
			reset
				? this.repo.listQuestions(eventId, { hidden: viewer.moderator, limit: QUESTIONS_LIMIT })
				: this.repo.questionsSince(eventId, since),
			viewer.id ? this.repo.votedQuestionIds(eventId, viewer.id) : Promise.resolve([]),
			viewer.id && role !== 'moderator' ? this.repo.isMuted(eventId, viewer.id) : Promise.resolve(false),
			// Who is muted is the moderators' business only.
			role === 'moderator' ? this.repo.mutedUserIds(eventId) : Promise.resolve([]),
			this.presenceOf(ctx.event.spaceId, eventId).catch(() => NOBODY)
		]);
		return {
			eventId,
			lastSeq: event.lastSeq,
			state: roomState(event),
			messages: messageRows.map((row) => toRoomMessage(row, viewer.id)),
			questions: questionRows.map((row) => toRoomQuestion(row, viewer)),
			reset,
			presence,
			me: { role, muted, votes, mutedUserIds }
		};
	}

	/* Writing */

	/** Room open, chat not locked (moderators excepted), caller not muted (moderators exempt). */
	private async assertMayWrite(ctx: EventContext, role: string, userId: string, what: 'chat' | 'questions') {
		if (role === 'viewer') throw new ForbiddenError('room_error_viewer');
		if (!roomOpen(ctx.event)) throw new RoomRefusedError('room_closed', 'room_error_closed');
		if (role === 'moderator') return;
		if (what === 'chat' && ctx.event.chatLocked) throw new RoomRefusedError('chat_locked', 'room_error_locked');
		if (await this.repo.isMuted(ctx.event.id, userId)) throw new RoomRefusedError('muted', 'room_error_muted');
	}

	/** Slow mode (per participant; moderators exempt) and the rate limit, shared between processes. */
	private async throttle(ctx: EventContext, role: string, userId: string, what: 'chat' | 'questions') {
		const eventId = ctx.event.id;
		const slow = ctx.event.slowModeSeconds;
		if (what === 'chat' && slow && slow > 0 && role !== 'moderator') {
			// The interval is in the key: a changed slow mode starts afresh.
			const decision = await this.limiter.consume(`room-slow:${eventId}:${slow}:${userId}`, {
				limit: 1,
				windowMs: slow * 1000
			});
			if (!decision.allowed) throw new SlowModeError(decision.retryAfterSeconds);
		}
		const rule = what === 'chat' ? this.rules.chat : this.rules.questions;
		const decision = await this.limiter.consume(`room-${what}:${eventId}:${userId}`, rule);
		if (!decision.allowed) throw new RoomRateLimitedError(decision.retryAfterSeconds);
	}

	/**
	 * Posts a chat line (announcements: moderators only, pinned at the top). Sent again with
	 * the same clientKey, answers the stored line with `duplicate: true` — even once the room
	 * has closed, since it was stored before.
	 */
	send(auth: Auth, input: RoomSendInput): Promise<{ message: RoomMessage; duplicate: boolean }> {
		return this.tracked(() => this.sendNow(auth, input));
	}

	private async sendNow(auth: Auth, input: RoomSendInput): Promise<{ message: RoomMessage; duplicate: boolean }> {
		const data = parse(roomSendPayload, input);
		const { user } = requireUser(auth);
		const { ctx, role } = await this.context(auth, data.eventId);
		const existing = await this.repo.messageByKey(data.eventId, user.id, data.clientKey);
		if (existing) return { message: toRoomMessage(existing, user.id), duplicate: true };
		const kind = data.kind ?? 'message';
		if (kind === 'announcement' && role !== 'moderator') throw new ForbiddenError('room_error_announcement');
		await this.assertMayWrite(ctx, role, user.id, 'chat');
		await this.throttle(ctx, role, user.id, 'chat');
		const bodyHtml = renderMarkdown(data.body);
		let stored: { id: string; seq: number };
		try {
			stored = await this.db.transaction(async (tx) => {
				const seq = await this.repo.nextSeq(tx, data.eventId);
				const id = await this.repo.insertMessage(tx, {
					eventId: data.eventId,
					seq,
					changedSeq: seq,
					authorId: user.id,
					kind,
					body: data.body,
					bodyHtml,
					clientKey: data.clientKey,
					pinned: kind === 'announcement'
				});
				return { id, seq };
			});
		} catch (error) {
			// The same line sent twice at once: the unique index kept one; the other answers it.
			if (uniqueViolation(error) === 'event_messages_client_key_idx') {
				const stored = await this.repo.messageByKey(data.eventId, user.id, data.clientKey);
				if (stored) return { message: toRoomMessage(stored, user.id), duplicate: true };
			}
			throw error;
		}
		const row = await this.broadcastMessage(ctx, stored.seq, stored.id);
		return { message: toRoomMessage(row, user.id), duplicate: false };
	}

	/** Asks a question for the Q&A (same idempotency as `send`). */
	ask(auth: Auth, input: RoomAskInput): Promise<{ question: RoomQuestion; duplicate: boolean }> {
		return this.tracked(() => this.askNow(auth, input));
	}

	private async askNow(auth: Auth, input: RoomAskInput): Promise<{ question: RoomQuestion; duplicate: boolean }> {
		const data = parse(roomAskPayload, input);
		const { user } = requireUser(auth);
		const { ctx, role } = await this.context(auth, data.eventId);
		const viewer = { id: user.id, moderator: role === 'moderator' };
		const existing = await this.repo.questionByKey(data.eventId, user.id, data.clientKey);
		if (existing) return { question: toRoomQuestion(existing, viewer), duplicate: true };
		await this.assertMayWrite(ctx, role, user.id, 'questions');
		await this.throttle(ctx, role, user.id, 'questions');
		const bodyHtml = renderMarkdown(data.body);
		let stored: { id: string; seq: number };
		try {
			stored = await this.db.transaction(async (tx) => {
				const seq = await this.repo.nextSeq(tx, data.eventId);
				const id = await this.repo.insertQuestion(tx, {
					eventId: data.eventId,
					seq,
					changedSeq: seq,
					authorId: user.id,
					body: data.body,
					bodyHtml,
					clientKey: data.clientKey
				});
				return { id, seq };
			});
		} catch (error) {
			if (uniqueViolation(error) === 'event_questions_client_key_idx') {
				const stored = await this.repo.questionByKey(data.eventId, user.id, data.clientKey);
				if (stored) return { question: toRoomQuestion(stored, viewer), duplicate: true };
			}
			throw error;
		}
		const row = await this.broadcastQuestion(ctx, stored.seq, stored.id);
		return { question: toRoomQuestion(row, viewer), duplicate: false };
	}

	/** One vote per member and question: voting again answers the question unchanged. */
	vote(auth: Auth, input: RoomVoteInput): Promise<{ question: RoomQuestion }> {
		return this.tracked(() => this.voteNow(auth, input));
	}

	private async voteNow(auth: Auth, input: RoomVoteInput): Promise<{ question: RoomQuestion }> {
		const data = parse(roomVotePayload, input);
		const { user } = requireUser(auth);
		const { ctx, role } = await this.context(auth, data.eventId);
		const viewer = { id: user.id, moderator: role === 'moderator' };
		const found = await this.repo.question(data.eventId, data.questionId);
		if (!found || (found.question.hiddenAt && !viewer.moderator)) throw new NotFoundError();
		await this.assertMayWrite(ctx, role, user.id, 'questions');
		const seq = await this.change(async (tx) => {
			// The room's lock first (as every change takes it): a double vote waits, then finds the first.
			const seq = await this.repo.nextSeq(tx, data.eventId);
			if (!(await this.repo.addVote(tx, data.questionId, user.id))) throw new NothingChanged();
			await this.repo.updateQuestion(tx, data.eventId, data.questionId, {
				votes: sql`${eventQuestions.votes} + 1`,
				changedSeq: seq
			});
			return seq;
		});
		const row =
			seq === null
				? (await this.repo.question(data.eventId, data.questionId))!
				: await this.broadcastQuestion(ctx, seq, data.questionId);
		return { question: toRoomQuestion(row, viewer) };
	}

	/* Moderation */

	/** One moderator action, audited in its own transaction; changes to lines and questions take a sequence number. */
	moderate(auth: Auth, input: RoomModerateInput): Promise<{ done: true }> {
		return this.tracked(() => this.moderateNow(auth, input));
	}

	private async moderateNow(auth: Auth, input: RoomModerateInput): Promise<{ done: true }> {
		const data = parse(roomModeratePayload, input);
		const actor = requireUser(auth);
		const { ctx, role } = await this.context(auth, data.eventId);
		if (role !== 'moderator') throw new ForbiddenError();
		const eventId = ctx.event.id;
		const spaceId = ctx.event.spaceId;
		switch (data.action) {
			case 'remove_message':
			case 'pin_message':
			case 'unpin_message': {
				const found = await this.repo.message(eventId, data.messageId);
				if (!found) throw new NotFoundError();
				const change =
					data.action === 'remove_message'
						? { set: { removedAt: new Date(), removedBy: actor.user.id, pinned: false }, unless: isNull(eventMessages.removedAt) }
						: {
								set: { pinned: data.action === 'pin_message' },
								unless: sql`${eventMessages.pinned} <> ${data.action === 'pin_message'} and ${eventMessages.removedAt} is null`
							};
				const seq = await this.change(async (tx) => {
					const seq = await this.repo.nextSeq(tx, eventId);
					if (!(await this.repo.updateMessage(tx, eventId, data.messageId, { ...change.set, changedSeq: seq }, change.unless)))
						throw new NothingChanged();
					await recordAudit(tx, actor, {
						action: `event_message.${data.action.replace('_message', '')}`,
						spaceId,
						targetType: 'event_message',
						targetId: data.messageId,
						targetLabel: ctx.event.title,
						before: { body: found.message.body, author: found.author.handle }
					});
					return seq;
				});
				if (seq !== null) await this.broadcastMessage(ctx, seq, data.messageId);
				return { done: true };
			}
			case 'answer_question':
			case 'pin_question':
			case 'unpin_question':
			case 'hide_question':
			case 'unhide_question': {
				const found = await this.repo.question(eventId, data.questionId);
				if (!found) throw new NotFoundError();
				const now = new Date();
				let set: Partial<typeof eventQuestions.$inferInsert>;
				let unless: SQL | undefined;
				let after: unknown = undefined;
				if (data.action === 'answer_question') {
					const answer = data.answer ?? '';
					set = {
						answeredAt: now,
						answeredBy: actor.user.id,
						answer,
						answerHtml: answer === '' ? '' : renderMarkdown(answer)
					};
					after = { answer };
				} else if (data.action === 'pin_question' || data.action === 'unpin_question') {
					const pinned = data.action === 'pin_question';
					set = { pinned };
					unless = sql`${eventQuestions.pinned} <> ${pinned}`;
				} else if (data.action === 'hide_question') {
					set = { hiddenAt: now, hiddenBy: actor.user.id, pinned: false };
					unless = isNull(eventQuestions.hiddenAt);
				} else {
					set = { hiddenAt: null, hiddenBy: null };
					unless = isNotNull(eventQuestions.hiddenAt);
				}
				const seq = await this.change(async (tx) => {
					const seq = await this.repo.nextSeq(tx, eventId);
					if (!(await this.repo.updateQuestion(tx, eventId, data.questionId, { ...set, changedSeq: seq }, unless)))
						throw new NothingChanged();
					await recordAudit(tx, actor, {
						action: `event_question.${data.action.replace('_question', '')}`,
						spaceId,
						targetType: 'event_question',
						targetId: data.questionId,
						targetLabel: ctx.event.title,
						before: { body: found.question.body, author: found.author.handle },
						after
					});
					return seq;
				});
				if (seq !== null) await this.broadcastQuestion(ctx, seq, data.questionId);
				return { done: true };
			}
			case 'mute':
			case 'unmute': {
				const target = await this.repo.member(data.userId);
				if (!target) throw new NotFoundError();
				const muted = data.action === 'mute';
				const changed = await this.change(async (tx) => {
					const done = muted
						? await this.repo.mute(tx, eventId, data.userId, actor.user.id)
						: await this.repo.unmute(tx, eventId, data.userId);
					if (!done) throw new NothingChanged();
					await recordAudit(tx, actor, {
						action: `event.${data.action}`,
						spaceId,
						targetType: 'user',
						targetId: data.userId,
						targetLabel: target.displayName,
						after: { eventId, event: ctx.event.title }
					});
					return true;
				});
				if (changed) {
					this.realtime.emitToUser(data.userId, 'room:you', { eventId, muted });
					this.realtime.emitToEventRoom({ spaceId, eventId, audience: 'moderators' }, 'room:muted', {
						eventId,
						userId: data.userId,
						muted
					});
				}
				return { done: true };
			}
			case 'lock':
			case 'unlock':
			case 'slow_mode': {
				const set =
					data.action === 'slow_mode'
						? { slowModeSeconds: data.seconds && data.seconds > 0 ? data.seconds : null }
						: { chatLocked: data.action === 'lock' };
				const before = { chatLocked: ctx.event.chatLocked, slowModeSeconds: ctx.event.slowModeSeconds };
				const event = await this.db.transaction(async (tx) => {
					const [row] = await tx.update(events).set(set).where(eq(events.id, eventId)).returning();
					await recordAudit(tx, actor, {
						action: `event.${data.action}`,
						spaceId,
						targetType: 'event',
						targetId: eventId,
						targetLabel: ctx.event.title,
						before,
						after: set
					});
					return row!;
				});
				this.broadcastState(ctx, event);
				return { done: true };
			}
		}
	}

	/** Opens the room now (before the start, or again after closing it). Organisers and moderators. */
	async open(auth: Auth, eventId: string): Promise<RoomState> {
		return this.setOpen(auth, eventId, true);
	}

	/** Closes the room: nobody posts any more; the event page keeps the transcript. */
	async close(auth: Auth, eventId: string): Promise<RoomState> {
		return this.setOpen(auth, eventId, false);
	}

	private setOpen(auth: Auth, eventId: string, open: boolean): Promise<RoomState> {
		return this.tracked(() => this.setOpenNow(auth, eventId, open));
	}

	private async setOpenNow(auth: Auth, eventId: string, open: boolean): Promise<RoomState> {
		const actor = requireUser(auth);
		const { ctx, role } = await this.context(auth, eventId);
		if (role !== 'moderator') throw new ForbiddenError();
		const now = new Date();
		const event = await this.db.transaction(async (tx) => {
			const [row] = await tx
				.update(events)
				.set(open ? { roomOpenedAt: now, roomClosedAt: null } : { roomClosedAt: now })
				.where(eq(events.id, eventId))
				.returning();
			await recordAudit(tx, actor, {
				action: open ? 'event.room_open' : 'event.room_close',
				spaceId: ctx.event.spaceId,
				targetType: 'event',
				targetId: eventId,
				targetLabel: ctx.event.title
			});
			return row!;
		});
		this.broadcastState(ctx, event);
		return roomState(event, now);
	}

	/** Runs a change; null (and nothing written) when it turned out there was nothing to change. */
	private async change<T>(work: (tx: Parameters<Parameters<Database['transaction']>[0]>[0]) => Promise<T>): Promise<T | null> {
		try {
			return await this.db.transaction(work);
		} catch (error) {
			if (error instanceof NothingChanged) return null;
			throw error;
		}
	}

	/*
	 * Broadcasts, after commit. One payload for the whole room, so it carries the sender's
	 * clientKey (a random id of its device, useless to others): the sender's page replaces its
	 * pending line as soon as either this or its ack arrives. Hence written as the author reads it.
	 *
	 * Each carries the number its transaction took, even when the row read after commit shows
	 * a later change (two votes at once): every number reaches the room, so clients see no gap
	 * to catch up on; they apply the item by its own changedSeq.
	 */

	/**
	 * Reads a changed row after commit and broadcasts it once this process's earlier changes
	 * of the same room have been. Commits resolve in sequence order (the room's row lock is
	 * held until commit) but the reads after them finish in any order: unqueued, a process
	 * would send 12 before 11 and its clients would wait for 11. Numbers of other processes
	 * are not waited for (clients reorder what crosses Redis).
	 */
	private inTurn<T>(eventId: string, read: Promise<T | undefined>, emit: (row: T) => void): Promise<T> {
		const turn = Promise.all([this.turns.get(eventId), read]).then(([, row]) => {
			emit(row!);
			return row!;
		});
		const settled = turn.catch(() => {});
		this.turns.set(eventId, settled);
		void settled.then(() => {
			if (this.turns.get(eventId) === settled) this.turns.delete(eventId);
		});
		return turn;
	}

	private broadcastMessage(ctx: EventContext, seq: number, messageId: string): Promise<MessageRow> {
		const eventId = ctx.event.id;
		return this.inTurn(eventId, this.repo.message(eventId, messageId), (row) =>
			this.realtime.emitToEventRoom({ spaceId: ctx.event.spaceId, eventId }, 'room:message', {
				eventId,
				seq,
				message: toRoomMessage(row, row.message.authorId)
			})
		);
	}

	/** A hidden question reaches the moderators with its text, everyone else as a stub. */
	private broadcastQuestion(ctx: EventContext, seq: number, questionId: string): Promise<QuestionRow> {
		const eventId = ctx.event.id;
		return this.inTurn(eventId, this.repo.question(eventId, questionId), (row) => {
			const target = { spaceId: ctx.event.spaceId, eventId };
			const payload = (moderator: boolean) => ({
				eventId,
				seq,
				question: toRoomQuestion(row, { id: row.question.authorId, moderator })
			});
			if (row.question.hiddenAt) {
				this.realtime.emitToEventRoom({ ...target, audience: 'moderators' }, 'room:question', payload(true));
				this.realtime.emitToEventRoom({ ...target, audience: 'others' }, 'room:question', payload(false));
			} else {
				this.realtime.emitToEventRoom(target, 'room:question', payload(false));
			}
		});
	}

	private broadcastState(ctx: EventContext, event: EventRow) {
		this.realtime.emitToEventRoom({ spaceId: ctx.event.spaceId, eventId: ctx.event.id }, 'room:state', {
			eventId: ctx.event.id,
			state: roomState(event)
		});
	}

	/* After the event */

	/** Chat without removed lines, Q&A with answers without hidden questions; whoever may read the event. */
	async transcript(auth: Auth, eventId: string): Promise<Transcript> {
		const { ctx } = await this.context(auth, eventId);
		const [messages, questions] = await Promise.all([
			this.repo.transcriptMessages(eventId),
			this.repo.transcriptQuestions(eventId)
		]);
		const e = ctx.event;
		return {
			event: {
				id: e.id,
				title: e.title,
				timeZone: e.timeZone,
				startsAt: e.startsAt.toISOString(),
				endsAt: e.endsAt.toISOString()
			},
			messages: messages.map(({ message: m, author }) => ({
				id: m.id,
				seq: m.seq,
				kind: m.kind,
				author: { ...author },
				body: m.body,
				bodyHtml: m.bodyHtml,
				pinned: m.pinned,
				createdAt: m.createdAt.toISOString()
			})),
			questions: questions.map(({ question: q, author }) => ({
				id: q.id,
				seq: q.seq,
				author: { ...author },
				body: q.body,
				bodyHtml: q.bodyHtml,
				votes: q.votes,
				answered: q.answeredAt !== null,
				answer: q.answer,
				answerHtml: q.answerHtml,
				answeredAt: q.answeredAt?.toISOString() ?? null,
				createdAt: q.createdAt.toISOString()
			}))
		};
	}

	/** The transcript as a Markdown file (UTF-8), headings in the reader's language, times in the event's zone. */
	async transcriptMarkdown(auth: Auth, eventId: string, locale?: Locale) {
		const transcript = await this.transcript(auth, eventId);
		return {
			filename: transcriptFilename(transcript, 'md'),
			content: transcriptMarkdown(transcript, locale ?? auth?.user.locale ?? 'fr')
		};
	}

	async transcriptText(auth: Auth, eventId: string, locale?: Locale) {
		const transcript = await this.transcript(auth, eventId);
		return {
			filename: transcriptFilename(transcript, 'txt'),
			content: transcriptText(transcript, locale ?? auth?.user.locale ?? 'fr')
		};
	}
}

/** An ASCII file name from the title (the full title is inside the file). */
function transcriptFilename(transcript: Transcript, ext: 'md' | 'txt') {
	const slug = transcript.event.title
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 60);
	return `transcription-${slug || transcript.event.id.slice(0, 8)}.${ext}`;
}
