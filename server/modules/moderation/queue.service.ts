import { and, asc, count, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import {
	auditLog,
	posts,
	queueClaims,
	reports,
	spaceMembers,
	spaces,
	suspensions,
	threads,
	users,
	type QueueItemKind
} from '../../../db/schema/index.ts';
import { requireUser, type Auth } from '../../auth/auth.ts';
import { ConflictError, ForbiddenError } from '../../lib/errors.ts';
import type { RealtimePublisher } from '../../realtime/publisher.ts';
import { memberUrl } from '../accounts/accounts.service.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';
import { spaceAccess } from '../spaces/access.ts';
import type { SpaceRow } from '../spaces/spaces.repository.ts';
import { accessFacts, spaceUrl } from '../spaces/spaces.service.ts';
import { threadUrl, type ThreadsService } from '../threads/threads.service.ts';
import type { PostOutput } from '../threads/threads.schema.ts';
import { recordAudit } from './audit.ts';
import type { ReasonsService } from './reasons.service.ts';
import type { SettingsService } from './settings.service.ts';
import type { QueueItem, ReasonInput, ReportInput } from './queue.schema.ts';

type ThreadContext = Awaited<ReturnType<ThreadsService['context']>>;

/** 409: another moderator holds the item; the message names them. */
export class ClaimedError extends ConflictError {
	constructor(readonly holder: string) {
		super('error_claimed_by_other');
	}

	override messageInputs(): Record<string, unknown> {
		return { name: this.holder };
	}
}

/**
 * The review queue (posts waiting for approval, reported posts and threads), claims, the
 * decisions on them, and hiding / restoring posts. Every decision checks the caller
 * moderates the item's space, writes its audit row in its own transaction, tells the
 * author, and updates the queue of every moderator watching it, live.
 */
export class ModerationQueueService {
	constructor(
		private db: Database,
		private threads: ThreadsService,
		private notifications: NotificationsService,
		private realtime: RealtimePublisher,
		private reasons: ReasonsService,
		private settings: SettingsService
	) {}

	/* Who moderates what */

	/** Ids of the spaces the caller moderates: admins all, site moderators those they read, space moderators theirs. */
	async moderatedSpaceIds(auth: Auth): Promise<string[]> {
		if (!auth) return [];
		const { user } = auth;
		if (user.role === 'admin' || user.role === 'moderator') {
			const rows = await this.db
				.select({ id: spaces.id, visibility: spaces.visibility, status: spaceMembers.status })
				.from(spaces)
				.leftJoin(spaceMembers, and(eq(spaceMembers.spaceId, spaces.id), eq(spaceMembers.userId, user.id)));
			return rows.filter((r) => user.role === 'admin' || r.visibility !== 'private' || r.status === 'active').map((r) => r.id);
		}
		const rows = await this.db
			.select({ id: spaceMembers.spaceId })
			.from(spaceMembers)
			.where(and(eq(spaceMembers.userId, user.id), eq(spaceMembers.role, 'moderator'), eq(spaceMembers.status, 'active')));
		return rows.map((r) => r.id);
	}

	/** How many first posts of a new member go to review here (0: none): the space's setting, else the site's. */
	async reviewFirstPosts(space: SpaceRow['space']): Promise<number> {
		return space.reviewFirstPosts ?? (await this.settings.reviewFirstPosts());
	}

	/** Whether the caller's next post in this space waits for review: their first N posts (moderators' never do). */
	async needsReview(auth: Auth, space: SpaceRow): Promise<boolean> {
		if (!auth || spaceAccess.moderate(auth, accessFacts(space))) return false;
		const first = await this.reviewFirstPosts(space.space);
		if (first <= 0) return false;
		// "New" is new to the network (as Discourse counts approved posts): a long-standing
		// member entering another space is not reviewed again.
		const [row] = await this.db
			.select({ n: count() })
			.from(posts)
			.where(and(eq(posts.authorId, auth.user.id), eq(posts.status, 'published')));
		return (row?.n ?? 0) < first;
	}

	/** The thread's context already holds its space and the caller's rights there: no second lookup. */
	private requireModerator(auth: Auth, ctx: ThreadContext) {
		const caller = requireUser(auth);
		if (!spaceAccess.moderate(auth, ctx.facts)) throw new ForbiddenError();
		return { caller, space: ctx.space };
	}

	/** A ready-made reason, with the free text `autre` requires. Stored and shown in French, the network's language. */
	reasonText(input: ReasonInput): Promise<string> {
		return this.reasons.resolve(input.reason, input.note, 'fr');
	}

	/* The queue */

	async queue(auth: Auth, filter: { spaceSlug?: string | undefined } = {}): Promise<QueueItem[]> {
		requireUser(auth);
		let spaceIds = await this.moderatedSpaceIds(auth);
		if (spaceIds.length === 0) throw new ForbiddenError();
		if (filter.spaceSlug) {
			const [space] = await this.db.select({ id: spaces.id }).from(spaces).where(eq(spaces.slug, filter.spaceSlug));
			spaceIds = spaceIds.filter((id) => id === space?.id);
			if (spaceIds.length === 0) return [];
		}

		const pending = await this.db
			.select({ postId: posts.id, createdAt: posts.createdAt, spaceId: threads.spaceId })
			.from(posts)
			.innerJoin(threads, eq(threads.id, posts.threadId))
			.where(
				and(eq(posts.status, 'pending'), isNull(posts.deletedAt), isNull(threads.deletedAt), inArray(threads.spaceId, spaceIds))
			)
			.orderBy(asc(posts.createdAt))
			.limit(200);

		const open = await this.db
			.select({ report: reports, reporterName: users.displayName })
			.from(reports)
			.innerJoin(users, eq(users.id, reports.reporterId))
			.innerJoin(threads, eq(threads.id, reports.threadId))
			.where(and(isNull(reports.resolvedAt), isNull(threads.deletedAt), inArray(reports.spaceId, spaceIds)))
			.orderBy(asc(reports.createdAt))
			.limit(1000);

		type Draft = { kind: QueueItemKind; targetId: string; createdAt: Date; postId: string | null; threadId: string | null };
		const drafts = new Map<string, Draft>();
		for (const p of pending) {
			drafts.set(`pending_post:${p.postId}`, {
				kind: 'pending_post',
				targetId: p.postId,
				createdAt: p.createdAt,
				postId: p.postId,
				threadId: null
			});
		}
		const reportsByKey = new Map<string, QueueItem['reports']>();
		for (const { report, reporterName } of open) {
			const kind: QueueItemKind = report.postId ? 'reported_post' : 'reported_thread';
			const targetId = report.postId ?? report.threadId;
			const key = `${kind}:${targetId}`;
			if (!drafts.has(key))
				drafts.set(key, { kind, targetId, createdAt: report.createdAt, postId: report.postId, threadId: report.threadId });
			const list = reportsByKey.get(key) ?? [];
			list.push({
				reason: report.reasonCode,
				note: report.note,
				reporter: reporterName,
				createdAt: report.createdAt.toISOString()
			});
			reportsByKey.set(key, list);
		}
		if (drafts.size === 0) return [];

		const claims = await this.db
			.select({ claim: queueClaims, name: users.displayName })
			.from(queueClaims)
			.innerJoin(users, eq(users.id, queueClaims.moderatorId))
			.where(
				inArray(
					queueClaims.targetId,
					[...drafts.values()].map((d) => d.targetId)
				)
			);
		const claimOf = new Map(claims.map((c) => [`${c.claim.kind}:${c.claim.targetId}`, c]));

		const items: (Omit<QueueItem, 'author'> & { author: Omit<QueueItem['author'], 'history'> })[] = [];
		for (const [key, draft] of [...drafts].sort((a, b) => a[1].createdAt.getTime() - b[1].createdAt.getTime())) {
			let post: PostOutput | null = null;
			let ctx: ThreadContext | null;
			if (draft.postId) {
				// (threads.post checks the thread's context on the way: reuse it)
				const found = await this.threads.post(auth, draft.postId).catch(() => null);
				post = found?.post ?? null;
				ctx = found?.ctx ?? null;
			} else ctx = await this.threads.context(auth, draft.threadId!).catch(() => null);
			if (!ctx) continue;
			const t = ctx.thread.thread;
			const author = post ? post.author : { ...ctx.thread.author, url: memberUrl(ctx.thread.author.id) };
			const claim = claimOf.get(key);
			items.push({
				kind: draft.kind,
				targetId: draft.targetId,
				createdAt: draft.createdAt.toISOString(),
				space: {
					id: ctx.space.space.id,
					slug: ctx.space.space.slug,
					name: ctx.space.space.name,
					url: spaceUrl(ctx.space.space.slug)
				},
				thread: { id: t.id, title: t.title, url: threadUrl(t.id), hidden: t.hiddenAt !== null },
				post: post
					? { id: post.id, number: post.number, url: post.url, bodyHtml: post.bodyHtml, status: post.status, hidden: post.hidden }
					: null,
				author: { id: author.id, displayName: author.displayName, url: author.url },
				reports: reportsByKey.get(key) ?? [],
				claim: claim
					? {
							moderatorId: claim.claim.moderatorId,
							moderatorName: claim.name,
							claimedAt: claim.claim.claimedAt.toISOString(),
							mine: claim.claim.moderatorId === auth!.user.id
						}
					: null
			});
		}
		const histories = await this.histories([...new Set(items.map((i) => i.author.id))]);
		return items.map((item) => ({ ...item, author: { ...item.author, history: histories.get(item.author.id)! } }));
	}

	/**
	 * The authors' records, for the moderator's judgement (published posts, past rejections,
	 * suspensions): one query for the whole queue.
	 */
	private async histories(userIds: string[]): Promise<Map<string, QueueItem['author']['history']>> {
		if (userIds.length === 0) return new Map();
		// Qualified by hand: in a one-table select Drizzle leaves columns bare, and a bare "id"
		// inside the sub-selects would mean the sub-select's own table.
		const userId = sql.raw('"users"."id"');
		const rows = await this.db
			.select({
				id: users.id,
				posts:
					sql<number>`(select count(*) from ${posts} where ${posts.authorId} = ${userId} and ${posts.status} = 'published')`.mapWith(
						Number
					),
				rejections:
					sql<number>`(select count(*) from ${auditLog} where ${auditLog.action} = 'post.reject' and ${auditLog.after}->>'authorId' = ${userId}::text)`.mapWith(
						Number
					),
				suspensions: sql<number>`(select count(*) from ${suspensions} where ${suspensions.userId} = ${userId})`.mapWith(Number)
			})
			.from(users)
			.where(inArray(users.id, userIds));
		return new Map(rows.map(({ id, ...history }) => [id, history]));
	}

	/* Claims */

	private async target(auth: Auth, kind: QueueItemKind, targetId: string) {
		if (kind === 'reported_thread') {
			const ctx = await this.threads.context(auth, targetId);
			return { spaceId: ctx.thread.thread.spaceId, threadId: targetId, ctx };
		}
		const { ctx } = await this.threads.post(auth, targetId);
		return { spaceId: ctx.thread.thread.spaceId, threadId: ctx.thread.thread.id, ctx };
	}

	/** Takes an item so that no other moderator handles it too; 409 naming who holds it. */
	async claim(auth: Auth, kind: QueueItemKind, targetId: string) {
		requireUser(auth);
		const { spaceId, ctx } = await this.target(auth, kind, targetId);
		const { caller } = this.requireModerator(auth, ctx);
		const inserted = await this.db
			.insert(queueClaims)
			.values({ kind, targetId, moderatorId: caller.user.id })
			.onConflictDoNothing()
			.returning();
		if (inserted.length === 0) await this.checkClaim(caller.user.id, kind, targetId);
		else this.realtime.emitToQueue({ spaceId, kind, targetId, change: 'claimed' });
		return { kind, targetId, moderatorId: caller.user.id };
	}

	/** Gives an item back (its holder, or an admin). */
	async release(auth: Auth, kind: QueueItemKind, targetId: string) {
		requireUser(auth);
		const { spaceId, ctx } = await this.target(auth, kind, targetId);
		const { caller } = this.requireModerator(auth, ctx);
		const mineOnly = caller.user.role === 'admin' ? undefined : eq(queueClaims.moderatorId, caller.user.id);
		await this.db.delete(queueClaims).where(and(eq(queueClaims.kind, kind), eq(queueClaims.targetId, targetId), mineOnly));
		this.realtime.emitToQueue({ spaceId, kind, targetId, change: 'released' });
	}

	/** Deciding on an item someone else claimed is refused: they are handling it. */
	private async checkClaim(callerId: string, kind: QueueItemKind, targetId: string) {
		const [holder] = await this.db
			.select({ id: queueClaims.moderatorId, name: users.displayName })
			.from(queueClaims)
			.innerJoin(users, eq(users.id, queueClaims.moderatorId))
			.where(and(eq(queueClaims.kind, kind), eq(queueClaims.targetId, targetId)));
		if (holder && holder.id !== callerId) throw new ClaimedError(holder.name);
	}

	/* Posts waiting for review */

	async approve(auth: Auth, postId: string): Promise<PostOutput> {
		requireUser(auth);
		const { ctx, row } = await this.threads.post(auth, postId);
		const { caller, space } = this.requireModerator(auth, ctx);
		if (row.post.status !== 'pending') throw new ConflictError('error_not_pending');
		await this.checkClaim(caller.user.id, 'pending_post', postId);
		const threadId = row.post.threadId;
		await this.db.transaction(async (tx) => {
			const { seq } = await this.threads.repo.nextNumbers(tx, threadId, {
				newPost: false,
				bump: { authorId: row.post.authorId }
			});
			await this.threads.repo.updatePost(tx, postId, { status: 'published', seq });
			// A new thread waited with its first post: it opens with it.
			if (row.post.number === 1) await tx.update(threads).set({ hiddenAt: null }).where(eq(threads.id, threadId));
			await this.threads.repo.bumpSpace(tx, space.space.id, {});
			await tx.delete(queueClaims).where(and(eq(queueClaims.kind, 'pending_post'), eq(queueClaims.targetId, postId)));
			await recordAudit(tx, auth, {
				action: 'post.approve',
				spaceId: space.space.id,
				targetType: 'post',
				targetId: postId,
				targetLabel: ctx.thread.thread.title,
				before: { status: 'pending' },
				after: { status: 'published', authorId: row.post.authorId }
			});
		});
		const approved = await this.threads.post(auth, postId);
		this.threads.publish(approved.ctx, 'post:created', approved.post);
		// (a reply's bump reaches the space list through notifyPublished below)
		if (row.post.number === 1)
			this.realtime.emitToSpace(space.space.id, 'thread:activity', { spaceId: space.space.id, threadId, created: true });
		this.realtime.emitToQueue({ spaceId: space.space.id, kind: 'pending_post', targetId: postId, change: 'resolved' });
		const base = { actorId: caller.user.id, spaceId: space.space.id, threadId, postId };
		await this.notifications.notify([{ ...base, userId: row.post.authorId, kind: 'post_approved' }]);
		await this.threads.notifyPublished(approved.row, approved.ctx);
		return approved.post;
	}

	/** Back to its author with a reason; the text is kept for them to edit and resubmit. */
	async reject(auth: Auth, postId: string, input: ReasonInput): Promise<PostOutput> {
		requireUser(auth);
		const { ctx, row } = await this.threads.post(auth, postId);
		const { caller, space } = this.requireModerator(auth, ctx);
		if (row.post.status !== 'pending') throw new ConflictError('error_not_pending');
		await this.checkClaim(caller.user.id, 'pending_post', postId);
		const reason = await this.reasonText(input);
		await this.db.transaction(async (tx) => {
			const { seq } = await this.threads.repo.nextNumbers(tx, row.post.threadId, { newPost: false });
			await this.threads.repo.updatePost(tx, postId, {
				status: 'rejected',
				rejectionReason: reason,
				rejectionNote: null,
				seq
			});
			await tx.delete(queueClaims).where(and(eq(queueClaims.kind, 'pending_post'), eq(queueClaims.targetId, postId)));
			await recordAudit(tx, auth, {
				action: 'post.reject',
				spaceId: space.space.id,
				targetType: 'post',
				targetId: postId,
				targetLabel: ctx.thread.thread.title,
				reason,
				before: { status: 'pending' },
				after: { status: 'rejected', authorId: row.post.authorId }
			});
		});
		this.realtime.emitToQueue({ spaceId: space.space.id, kind: 'pending_post', targetId: postId, change: 'resolved' });
		await this.notifications.notify([
			{
				userId: row.post.authorId,
				kind: 'post_rejected',
				actorId: caller.user.id,
				spaceId: space.space.id,
				threadId: row.post.threadId,
				postId,
				data: { reason }
			}
		]);
		return (await this.threads.post(auth, postId)).post;
	}

	/* Reports */

	/** One report per member and item; enough distinct reporters hide the item pending review. */
	async report(auth: Auth, input: ReportInput) {
		const { user } = requireUser(auth);
		let spaceId: string;
		let threadId: string;
		let postId: string | null = null;
		let authorId: string;
		if (input.postId) {
			const { ctx, post, row } = await this.threads.post(auth, input.postId);
			if (!post.can.report) throw row.post.authorId === user.id ? new ConflictError('error_report_own') : new ForbiddenError();
			spaceId = ctx.thread.thread.spaceId;
			threadId = row.post.threadId;
			postId = row.post.id;
			authorId = row.post.authorId;
		} else {
			const ctx = await this.threads.context(auth, input.threadId!);
			spaceId = ctx.thread.thread.spaceId;
			threadId = ctx.thread.thread.id;
			authorId = ctx.thread.thread.authorId;
			if (authorId === user.id) throw new ConflictError('error_report_own');
		}
		const note = input.note?.trim() ?? '';
		await this.reasonText({ reason: input.reason, note });
		const kind: QueueItemKind = postId ? 'reported_post' : 'reported_thread';
		const targetId = postId ?? threadId;
		const hidden = await this.db.transaction(async (tx) => {
			const inserted = await tx
				.insert(reports)
				.values({ spaceId, threadId, postId, reporterId: user.id, reasonCode: input.reason, note })
				.onConflictDoNothing()
				.returning({ id: reports.id });
			if (inserted.length === 0) throw new ConflictError('error_already_reported');
			const [{ n } = { n: 0 }] = await tx
				.select({ n: sql<number>`count(distinct ${reports.reporterId})::int` })
				.from(reports)
				.where(
					and(
						isNull(reports.resolvedAt),
						postId ? eq(reports.postId, postId) : and(eq(reports.threadId, threadId), isNull(reports.postId))
					)
				);
			const [space] = await tx.select({ threshold: spaces.reportThreshold }).from(spaces).where(eq(spaces.id, spaceId));
			if (n < (space?.threshold ?? 3)) return false;
			const now = new Date();
			if (postId) {
				const [target] = await tx.select({ hiddenAt: posts.hiddenAt }).from(posts).where(eq(posts.id, postId));
				if (target?.hiddenAt) return false;
				const { seq } = await this.threads.repo.nextNumbers(tx, threadId, { newPost: false });
				await this.threads.repo.updatePost(tx, postId, { hiddenAt: now, hiddenBy: null, hiddenReason: 'reports', seq });
			} else {
				const [target] = await tx.select({ hiddenAt: threads.hiddenAt }).from(threads).where(eq(threads.id, threadId));
				if (target?.hiddenAt) return false;
				await tx.update(threads).set({ hiddenAt: now }).where(eq(threads.id, threadId));
			}
			await recordAudit(tx, null, {
				action: postId ? 'post.auto_hide' : 'thread.auto_hide',
				spaceId,
				targetType: postId ? 'post' : 'thread',
				targetId,
				reason: `${n} signalements`,
				before: { hidden: false },
				after: { hidden: true, reports: n }
			});
			return true;
		});
		this.realtime.emitToQueue({ spaceId, kind, targetId, change: 'added' });
		if (hidden && postId) await this.publishVisibility(postId);
		if (hidden && !postId) this.realtime.emitToSpace(spaceId, 'thread:activity', { spaceId, threadId, created: false });
		return { reported: true, hidden };
	}

	/** After a post was hidden or shown again: readers see it go or come back, live. */
	private async publishVisibility(postId: string) {
		const row = await this.threads.repo.findPost(postId, null);
		if (!row) return;
		const ctx = await this.threads.context(null, row.post.threadId).catch(() => null);
		if (!ctx) return;
		this.threads.publish(ctx, 'post:updated', this.threads.toPost(null, ctx, row));
	}

	/* Hiding and restoring posts */

	async hidePost(auth: Auth, postId: string, input: ReasonInput): Promise<PostOutput> {
		requireUser(auth);
		const { ctx, row } = await this.threads.post(auth, postId);
		const { caller, space } = this.requireModerator(auth, ctx);
		const reason = await this.reasonText(input);
		const wasHidden = row.post.hiddenAt !== null;
		await this.db.transaction(async (tx) => {
			const { seq } = await this.threads.repo.nextNumbers(tx, row.post.threadId, { newPost: false });
			await this.threads.repo.updatePost(tx, postId, {
				hiddenAt: new Date(),
				hiddenBy: caller.user.id,
				hiddenReason: reason,
				seq
			});
			await this.resolveReports(tx, { postId }, caller.user.id, 'upheld');
			await recordAudit(tx, auth, {
				action: 'post.hide',
				spaceId: space.space.id,
				targetType: 'post',
				targetId: postId,
				targetLabel: ctx.thread.thread.title,
				reason,
				before: { hidden: wasHidden, hiddenReason: row.post.hiddenReason },
				after: { hidden: true, hiddenReason: reason, authorId: row.post.authorId }
			});
		});
		await this.publishVisibility(postId);
		this.realtime.emitToQueue({ spaceId: space.space.id, kind: 'reported_post', targetId: postId, change: 'resolved' });
		await this.notifications.notify([
			{
				userId: row.post.authorId,
				kind: 'moderation',
				actorId: caller.user.id,
				spaceId: space.space.id,
				threadId: row.post.threadId,
				postId,
				data: { action: 'post.hide', reason }
			}
		]);
		return (await this.threads.post(auth, postId)).post;
	}

	/** The inverse of hiding (also dismisses the reports that hid it). */
	async restorePost(auth: Auth, postId: string, input: { note?: string | undefined } = {}): Promise<PostOutput> {
		requireUser(auth);
		const { ctx, row } = await this.threads.post(auth, postId);
		const { caller, space } = this.requireModerator(auth, ctx);
		const note = input.note?.trim() || null;
		await this.db.transaction(async (tx) => {
			const { seq } = await this.threads.repo.nextNumbers(tx, row.post.threadId, { newPost: false });
			await this.threads.repo.updatePost(tx, postId, { hiddenAt: null, hiddenBy: null, hiddenReason: null, seq });
			await this.resolveReports(tx, { postId }, caller.user.id, 'dismissed');
			await recordAudit(tx, auth, {
				action: 'post.restore',
				spaceId: space.space.id,
				targetType: 'post',
				targetId: postId,
				targetLabel: ctx.thread.thread.title,
				reason: note,
				before: { hidden: row.post.hiddenAt !== null, hiddenReason: row.post.hiddenReason },
				after: { hidden: false, authorId: row.post.authorId }
			});
		});
		await this.publishVisibility(postId);
		this.realtime.emitToQueue({ spaceId: space.space.id, kind: 'reported_post', targetId: postId, change: 'resolved' });
		if (row.post.hiddenAt) {
			await this.notifications.notify([
				{
					userId: row.post.authorId,
					kind: 'moderation',
					actorId: caller.user.id,
					spaceId: space.space.id,
					threadId: row.post.threadId,
					postId,
					data: { action: 'post.restore', reason: note }
				}
			]);
		}
		return (await this.threads.post(auth, postId)).post;
	}

	/**
	 * Decides on a reported thread: `keep` leaves it hidden (reports upheld; deleting it is a
	 * thread action), `restore` shows it again and dismisses the reports.
	 */
	async decideThreadReports(
		auth: Auth,
		threadId: string,
		decision: 'keep' | 'restore',
		input: { note?: string | undefined } = {}
	) {
		requireUser(auth);
		const ctx = await this.threads.context(auth, threadId);
		const { caller, space } = this.requireModerator(auth, ctx);
		await this.checkClaim(caller.user.id, 'reported_thread', threadId);
		const t = ctx.thread.thread;
		await this.db.transaction(async (tx) => {
			const hiddenAt = decision === 'keep' ? (t.hiddenAt ?? new Date()) : null;
			await tx.update(threads).set({ hiddenAt }).where(eq(threads.id, threadId));
			await this.resolveReports(tx, { threadId }, caller.user.id, decision === 'keep' ? 'upheld' : 'dismissed');
			await recordAudit(tx, auth, {
				action: decision === 'keep' ? 'thread.hide' : 'thread.unhide',
				spaceId: space.space.id,
				targetType: 'thread',
				targetId: threadId,
				targetLabel: t.title,
				reason: input.note?.trim() || null,
				before: { hidden: t.hiddenAt !== null },
				after: { hidden: hiddenAt !== null }
			});
		});
		this.realtime.emitToQueue({ spaceId: space.space.id, kind: 'reported_thread', targetId: threadId, change: 'resolved' });
		this.realtime.emitToSpace(space.space.id, 'thread:activity', { spaceId: space.space.id, threadId, created: false });
		return { threadId, hidden: decision === 'keep' };
	}

	private async resolveReports(
		tx: Parameters<Parameters<Database['transaction']>[0]>[0],
		target: { postId: string } | { threadId: string },
		moderatorId: string,
		resolution: 'upheld' | 'dismissed'
	) {
		const where =
			'postId' in target ? eq(reports.postId, target.postId) : and(eq(reports.threadId, target.threadId), isNull(reports.postId));
		await tx
			.update(reports)
			.set({ resolvedAt: new Date(), resolvedBy: moderatorId, resolution })
			.where(and(where, isNull(reports.resolvedAt)));
		const kind: QueueItemKind = 'postId' in target ? 'reported_post' : 'reported_thread';
		const id = 'postId' in target ? target.postId : target.threadId;
		await tx.delete(queueClaims).where(and(eq(queueClaims.kind, kind), eq(queueClaims.targetId, id)));
	}
}
