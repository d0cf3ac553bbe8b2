import { and, desc, eq, sql } from 'drizzle-orm';
import type { Database, Transaction } from '../../../db/client.ts';
import { auditLog, notifications, reports, spaces, threads } from '../../../db/schema/index.ts';
import { requireUser, type Auth } from '../../auth/auth.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../../lib/errors.ts';
import type { ThreadModeratedEvent, ThreadModerationAction } from '../../realtime/events.ts';
import type { RealtimePublisher } from '../../realtime/publisher.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';
import { spaceAccess } from '../spaces/access.ts';
import { accessFacts, type SpacesService } from '../spaces/spaces.service.ts';
import type { ThreadsService } from '../threads/threads.service.ts';
import { recordAudit } from './audit.ts';
import { activeSlowMode } from './thread-guards.ts';
import type {
	CloseWithSynthesisInput,
	MoveThreadInput,
	SetSlowModeInput,
	ThreadModerationNotices,
	ThreadModerationState
} from './thread-actions.schema.ts';

type ThreadRecord = typeof threads.$inferSelect;
type SpaceRecord = typeof spaces.$inferSelect;
type Context = Awaited<ReturnType<ThreadsService['context']>>;

export function moderationState(t: ThreadRecord, space: SpaceRecord): ThreadModerationState {
	return {
		threadId: t.id,
		spaceId: t.spaceId,
		locked: t.lockedAt !== null,
		pinned: t.pinnedAt !== null,
		closed: t.closedAt !== null,
		deleted: t.deletedAt !== null,
		synthesisPostId: t.synthesisPostId,
		slowMode: activeSlowMode(t),
		spaceSlowMode: activeSlowMode(space)
	};
}

const slowModeOf = (row: Pick<ThreadRecord, 'slowModeSeconds' | 'slowModeUntil' | 'slowModeReason'>) => ({
	seconds: row.slowModeSeconds,
	until: row.slowModeUntil?.toISOString() ?? null,
	reason: row.slowModeReason
});

/** One change of a thread's moderation state, as `change` runs it. */
interface ThreadChange {
	action: ThreadModerationAction;
	reason?: string | null | undefined;
	/** False when the thread is already in the asked state: 409, nothing written. */
	applies: (t: ThreadRecord) => boolean;
	values: (t: ThreadRecord, now: Date) => Partial<typeof threads.$inferInsert>;
	before: (t: ThreadRecord) => unknown;
	after: (t: ThreadRecord) => unknown;
	/** Whether the space's thread list shows the change (order, markers, presence). */
	listed: boolean;
	/** More writes in the same transaction (counts, a move's related rows). */
	also?: (tx: Transaction, t: ThreadRecord) => Promise<void>;
}

/**
 * Thread-level moderator actions: lock, pin, move, delete, close with a synthesis, slow mode,
 * and their inverses. Each checks the caller moderates the thread's space (404 when they
 * cannot read it, 403 when they can but may not moderate), writes its effect, a sequence
 * number and its audit row in one transaction, then publishes `thread:moderated` and tells
 * the thread's author.
 */
export class ThreadActionsService {
	constructor(
		private db: Database,
		private threads: ThreadsService,
		private spaces: SpacesService,
		private notifications: NotificationsService,
		private realtime: RealtimePublisher
	) {}

	/** The thread, if the caller may moderate it: 401, then 404 (cannot read), then 403. */
	private async moderated(auth: Auth, threadId: string): Promise<{ actor: NonNullable<Auth>; ctx: Context }> {
		const actor = requireUser(auth);
		const ctx = await this.threads.context(auth, threadId);
		if (!spaceAccess.moderate(auth, ctx.facts)) throw new ForbiddenError('tmod_error_forbidden');
		return { actor, ctx };
	}

	private async lockedThread(tx: Transaction, threadId: string) {
		const [row] = await tx.select().from(threads).where(eq(threads.id, threadId)).for('update');
		if (!row) throw new NotFoundError();
		return row;
	}

	private async currentState(threadId: string): Promise<ThreadModerationState> {
		const [row] = await this.db
			.select({ thread: threads, space: spaces })
			.from(threads)
			.innerJoin(spaces, eq(spaces.id, threads.spaceId))
			.where(eq(threads.id, threadId));
		if (!row) throw new NotFoundError();
		return moderationState(row.thread, row.space);
	}

	/** After commit: the event to the thread's room (and its space's list), the author's notification. */
	private async publish(
		actor: NonNullable<Auth>,
		thread: Pick<ThreadRecord, 'id' | 'authorId' | 'spaceId'>,
		event: Omit<ThreadModeratedEvent, 'state' | 'threadId'>,
		options: { listed: boolean; reason?: string | null | undefined; notifyAuthor?: boolean }
	): Promise<ThreadModerationState> {
		const state = await this.currentState(thread.id);
		const payload: ThreadModeratedEvent = { threadId: thread.id, ...event, state };
		const roomSpace = event.fromSpaceId ?? state.spaceId;
		this.realtime.emitToThread({ spaceId: roomSpace, threadId: thread.id }, 'thread:moderated', payload);
		if (options.listed) {
			this.realtime.emitToSpace(roomSpace, 'thread:moderated', payload);
			if (event.fromSpaceId) {
				this.realtime.emitToSpace(state.spaceId, 'thread:activity', {
					spaceId: state.spaceId,
					threadId: thread.id,
					created: true
				});
			}
		}
		if (options.notifyAuthor !== false) {
			await this.notifications.notify([
				{
					userId: thread.authorId,
					kind: 'moderation',
					actorId: actor.user.id,
					spaceId: state.spaceId,
					threadId: thread.id,
					data: { action: `thread.${event.action}`, reason: options.reason ?? null }
				}
			]);
		}
		return state;
	}

	/** The common path of the simple actions: check, write with its audit row and sequence number, publish. */
	private async change(auth: Auth, threadId: string, spec: ThreadChange): Promise<ThreadModerationState> {
		const { actor, ctx } = await this.moderated(auth, threadId);
		const spaceId = ctx.thread.thread.spaceId;
		const { seq, before } = await this.db.transaction(async (tx) => {
			const current = await this.lockedThread(tx, threadId);
			if (!spec.applies(current)) throw new ConflictError('tmod_error_no_change');
			const { seq } = await this.threads.repo.nextNumbers(tx, threadId, { newPost: false });
			await tx.update(threads).set(spec.values(current, new Date())).where(eq(threads.id, threadId));
			await spec.also?.(tx, current);
			await recordAudit(tx, actor, {
				action: `thread.${spec.action}`,
				spaceId,
				targetType: 'thread',
				targetId: threadId,
				targetLabel: current.title,
				reason: spec.reason ?? null,
				before: spec.before(current),
				after: spec.after(current)
			});
			return { seq, before: current };
		});
		return this.publish(
			actor,
			before,
			{ seq, action: spec.action, fromSpaceId: null },
			{ listed: spec.listed, reason: spec.reason }
		);
	}

	lock(auth: Auth, threadId: string, reason: string) {
		return this.change(auth, threadId, {
			action: 'lock',
			reason,
			applies: (t) => t.lockedAt === null,
			values: (_t, now) => ({ lockedAt: now, lockReason: reason }),
			before: () => ({ locked: false }),
			after: () => ({ locked: true }),
			listed: true
		});
	}

	unlock(auth: Auth, threadId: string, reason?: string) {
		return this.change(auth, threadId, {
			action: 'unlock',
			reason,
			applies: (t) => t.lockedAt !== null,
			values: () => ({ lockedAt: null, lockReason: null }),
			before: () => ({ locked: true }),
			after: () => ({ locked: false }),
			listed: true
		});
	}

	pin(auth: Auth, threadId: string) {
		return this.change(auth, threadId, {
			action: 'pin',
			applies: (t) => t.pinnedAt === null,
			values: (_t, now) => ({ pinnedAt: now }),
			before: () => ({ pinned: false }),
			after: () => ({ pinned: true }),
			listed: true
		});
	}

	unpin(auth: Auth, threadId: string) {
		return this.change(auth, threadId, {
			action: 'unpin',
			applies: (t) => t.pinnedAt !== null,
			values: () => ({ pinnedAt: null }),
			before: () => ({ pinned: true }),
			after: () => ({ pinned: false }),
			listed: true
		});
	}

	/** Soft delete: members get 404, moderators still see it (marked) and may restore it. Space counts follow. */
	async delete(auth: Auth, threadId: string, reason: string) {
		const actorId = requireUser(auth).user.id;
		return this.change(auth, threadId, {
			action: 'delete',
			reason,
			applies: (t) => t.deletedAt === null,
			values: (_t, now) => ({ deletedAt: now, deletedBy: actorId }),
			before: () => ({ deleted: false }),
			after: () => ({ deleted: true }),
			listed: true,
			also: (tx, t) => this.countThread(tx, t, -1)
		});
	}

	async restore(auth: Auth, threadId: string, reason?: string) {
		return this.change(auth, threadId, {
			action: 'restore',
			reason,
			applies: (t) => t.deletedAt !== null,
			values: () => ({ deletedAt: null, deletedBy: null }),
			before: () => ({ deleted: true }),
			after: () => ({ deleted: false }),
			listed: true,
			also: (tx, t) => this.countThread(tx, t, 1)
		});
	}

	private async countThread(tx: Transaction, t: ThreadRecord, sign: 1 | -1, spaceId = t.spaceId) {
		await tx
			.update(spaces)
			.set({
				threadCount: sql`greatest(0, ${spaces.threadCount} + ${sign})`,
				postCount: sql`greatest(0, ${spaces.postCount} + ${sign * t.postCount})`
			})
			.where(eq(spaces.id, spaceId));
	}

	/**
	 * Moves the thread to another space the moderator also moderates. Its posts, read marks and
	 * notifications go with it (notifications and reports take the new space, whose access
	 * rules now apply to them); the audit row keeps both spaces.
	 */
	async move(auth: Auth, threadId: string, input: MoveThreadInput) {
		const { actor, ctx } = await this.moderated(auth, threadId);
		const from = ctx.space.space;
		const target = await this.spaces.readableById(auth, input.spaceId);
		if (!spaceAccess.moderate(auth, accessFacts(target))) throw new ForbiddenError('tmod_error_target_space_forbidden');
		if (target.space.id === from.id) throw new ConflictError('tmod_error_same_space');
		if (target.space.archivedAt) throw new ConflictError('tmod_error_target_archived');
		const to = target.space;
		const { seq, before } = await this.db.transaction(async (tx) => {
			const current = await this.lockedThread(tx, threadId);
			if (current.spaceId !== from.id) throw new ConflictError('tmod_error_no_change');
			const { seq } = await this.threads.repo.nextNumbers(tx, threadId, { newPost: false });
			await tx.update(threads).set({ spaceId: to.id }).where(eq(threads.id, threadId));
			if (current.deletedAt === null) {
				await this.countThread(tx, current, -1, from.id);
				await this.countThread(tx, current, 1, to.id);
			}
			await tx.update(notifications).set({ spaceId: to.id }).where(eq(notifications.threadId, threadId));
			await tx.update(reports).set({ spaceId: to.id }).where(eq(reports.threadId, threadId));
			// Both spaces' moderators find the move in their part of the log: one row each.
			for (const spaceId of [from.id, to.id]) {
				await recordAudit(tx, actor, {
					action: 'thread.move',
					spaceId,
					targetType: 'thread',
					targetId: threadId,
					targetLabel: current.title,
					reason: input.reason ?? null,
					before: { spaceId: from.id, space: from.name },
					after: { spaceId: to.id, space: to.name }
				});
			}
			return { seq, before: current };
		});
		const state = await this.publish(
			actor,
			{ ...before, spaceId: to.id },
			{ seq, action: 'move', fromSpaceId: from.id },
			{ listed: true, reason: input.reason }
		);
		return state;
	}

	/**
	 * Writes the moderator's synthesis as a post of the thread (marked "Synthèse", rendered like
	 * any post), features it and closes the thread, in one transaction.
	 */
	async closeWithSynthesis(auth: Auth, threadId: string, input: CloseWithSynthesisInput) {
		const { actor, ctx } = await this.moderated(auth, threadId);
		const userId = actor.user.id;
		const spaceId = ctx.thread.thread.spaceId;
		const bodyHtml = await this.threads.render(input.body);
		const { postId, seq, before } = await this.db.transaction(async (tx) => {
			const current = await this.lockedThread(tx, threadId);
			if (current.closedAt !== null || current.deletedAt !== null) throw new ConflictError('tmod_error_no_change');
			const repo = this.threads.repo;
			const numbers = await repo.nextNumbers(tx, threadId, { newPost: true, bump: { authorId: userId } });
			const postId = await repo.insertPost(tx, {
				threadId,
				authorId: userId,
				number: numbers.postCount,
				seq: numbers.seq,
				body: input.body,
				bodyHtml,
				isSynthesis: true
			});
			await repo.bumpSpace(tx, spaceId, { posts: 1 });
			await repo.markRead(tx, userId, threadId, numbers.postCount, true);
			const { seq } = await repo.nextNumbers(tx, threadId, { newPost: false });
			await tx.update(threads).set({ closedAt: new Date(), synthesisPostId: postId }).where(eq(threads.id, threadId));
			await recordAudit(tx, actor, {
				action: 'thread.close',
				spaceId,
				targetType: 'thread',
				targetId: threadId,
				targetLabel: current.title,
				reason: input.reason ?? null,
				before: { closed: false, synthesisPostId: current.synthesisPostId },
				after: { closed: true, synthesisPostId: postId }
			});
			return { postId, seq, before: current };
		});
		// The synthesis is a new post for everyone reading the thread.
		const { post } = await this.threads.post(auth, postId);
		const { can: _can, body: _body, votedUseful: _voted, moderationNote: _note, ...shared } = post;
		this.realtime.emitToThread({ spaceId, threadId }, 'post:created', { threadId, seq: post.seq, post: shared });
		this.realtime.emitToSpace(spaceId, 'thread:activity', { spaceId, threadId, created: false });
		return this.publish(actor, before, { seq, action: 'close', fromSpaceId: null }, { listed: true, reason: input.reason });
	}

	/**
	 * Reopens a closed thread to replies. The synthesis stays featured: it remains the
	 * summary of the exchange so far until a new closing replaces it.
	 */
	reopen(auth: Auth, threadId: string, reason?: string) {
		return this.change(auth, threadId, {
			action: 'reopen',
			reason,
			applies: (t) => t.closedAt !== null,
			values: () => ({ closedAt: null }),
			before: (t) => ({ closed: true, synthesisPostId: t.synthesisPostId }),
			after: (t) => ({ closed: false, synthesisPostId: t.synthesisPostId }),
			listed: true
		});
	}

	/**
	 * Slow mode on the thread or on its whole space; `seconds` 0 or null turns it off. The
	 * space's slow mode is audited against the space, and tells no one in particular.
	 */
	async setSlowMode(auth: Auth, threadId: string, input: SetSlowModeInput) {
		const off = !input.seconds;
		const values = off
			? { slowModeSeconds: null, slowModeUntil: null, slowModeReason: null }
			: { slowModeSeconds: input.seconds!, slowModeUntil: input.until!, slowModeReason: input.reason ?? '' };
		const after = off ? { seconds: null, until: null, reason: null } : slowModeOf(values);
		if (input.scope === 'thread') {
			return this.change(auth, threadId, {
				action: 'slow_mode',
				reason: input.reason ?? null,
				applies: (t) => !off || t.slowModeSeconds !== null,
				values: () => values,
				before: (t) => slowModeOf(t),
				after: () => after,
				listed: false
			});
		}
		const { actor, ctx } = await this.moderated(auth, threadId);
		const space = ctx.space.space;
		const seq = await this.db.transaction(async (tx) => {
			const [current] = await tx.select().from(spaces).where(eq(spaces.id, space.id)).for('update');
			if (!current) throw new NotFoundError();
			if (off && current.slowModeSeconds === null) throw new ConflictError('tmod_error_no_change');
			const { seq } = await this.threads.repo.nextNumbers(tx, threadId, { newPost: false });
			await tx.update(spaces).set(values).where(eq(spaces.id, space.id));
			await recordAudit(tx, actor, {
				action: 'space.slow_mode',
				spaceId: space.id,
				targetType: 'space',
				targetId: space.id,
				targetLabel: current.name,
				reason: input.reason ?? null,
				before: slowModeOf(current),
				after
			});
			return seq;
		});
		return this.publish(
			actor,
			ctx.thread.thread,
			{ seq, action: 'slow_mode', fromSpaceId: null },
			{ listed: true, notifyAuthor: false }
		);
	}

	/* Reading, for the thread page and the moderation page */

	private async latestReason(threadId: string, action: string): Promise<string | null> {
		const [row] = await this.db
			.select({ reason: auditLog.reason })
			.from(auditLog)
			.where(and(eq(auditLog.targetType, 'thread'), eq(auditLog.targetId, threadId), eq(auditLog.action, action)))
			.orderBy(desc(auditLog.at), desc(auditLog.id))
			.limit(1);
		return row?.reason ?? null;
	}

	/**
	 * What the thread page shows about moderation: the state, the lock's reason (on the
	 * thread, for everyone who reads it), the featured synthesis, and for moderators why it
	 * was deleted (from the audit log, which only they read).
	 */
	async notices(auth: Auth, threadId: string): Promise<ThreadModerationNotices> {
		const ctx = await this.threads.context(auth, threadId);
		const t = ctx.thread.thread;
		const state = moderationState(t, ctx.space.space);
		const moderator = spaceAccess.moderate(auth, ctx.facts);
		let synthesis: ThreadModerationNotices['synthesis'] = null;
		if (t.synthesisPostId) {
			const found = await this.threads.post(auth, t.synthesisPostId).catch(() => null);
			const p = found?.post;
			if (p && p.bodyHtml !== null && !p.deleted) {
				synthesis = {
					postId: p.id,
					number: p.number,
					bodyHtml: p.bodyHtml,
					author: { displayName: p.author.displayName, url: p.author.url },
					createdAt: p.createdAt
				};
			}
		}
		return {
			...state,
			lockReason: state.locked ? t.lockReason : null,
			deleteReason: state.deleted && moderator ? await this.latestReason(threadId, 'thread.delete') : null,
			synthesis
		};
	}

	/** The moderation page: the thread's state and the spaces it may be moved to. Moderators only. */
	async page(auth: Auth, threadId: string) {
		const { ctx } = await this.moderated(auth, threadId);
		const notices = await this.notices(auth, threadId);
		const targets = (await this.spaces.list(auth))
			.filter((s) => s.can.moderate && !s.archived && s.id !== ctx.space.space.id)
			.map((s) => ({ id: s.id, slug: s.slug, name: s.name }));
		const space = ctx.space.space;
		return {
			thread: {
				id: ctx.thread.thread.id,
				title: ctx.thread.thread.title,
				space: { id: space.id, slug: space.slug, name: space.name },
				slowMode: slowModeOf(ctx.thread.thread),
				spaceSlowMode: slowModeOf(space)
			},
			notices,
			targets
		};
	}
}
