import type { Database } from '../../../db/client.ts';
import { requireUser, type Auth } from '../../auth/auth.ts';
import { diffWords } from '../../lib/diff.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../../lib/errors.ts';
import { extractMentions, renderMarkdown } from '../../lib/markdown.ts';
import type { RealtimePublisher } from '../../realtime/publisher.ts';
import { recordAudit } from '../moderation/audit.ts';
import { memberUrl, uniqueViolation } from '../accounts/accounts.service.ts';
import type { AccountsRepository } from '../accounts/accounts.repository.ts';
import { activeSlowMode, assertMayPost } from '../moderation/thread-guards.ts';
import type { NewNotification, NotificationsService } from '../notifications/notifications.service.ts';
import { spaceAccess, type SpaceAccessFacts } from '../spaces/access.ts';
import { accessFacts, spaceUrl, type SpacesService } from '../spaces/spaces.service.ts';
import type { SpaceRow } from '../spaces/spaces.repository.ts';
import type { CreatePostInput, CreateThreadInput, PostOutput, ThreadOutput } from './threads.schema.ts';
import { ThreadsRepository, type PostRow, type ThreadRow } from './threads.repository.ts';

export const POSTS_PER_PAGE = 20;
export const THREADS_PER_PAGE = 30;

export const threadUrl = (id: string) => `/fils/${id}`;
export const postUrl = (threadId: string, number: number) => `/fils/${threadId}?n=${number}#p-${number}`;

const person = (p: PostRow['author']) => ({ ...p, url: memberUrl(p.id) });

function encodeCursor(at: Date, id: string) {
	return Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string | undefined): { at: Date; id: string } | null {
	if (!cursor) return null;
	const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
	const date = new Date(at ?? '');
	if (Number.isNaN(date.getTime()) || !/^[0-9a-f-]{36}$/.test(id ?? '')) return null;
	return { at: date, id: id! };
}

interface Context {
	space: SpaceRow;
	facts: SpaceAccessFacts;
	thread: ThreadRow;
}

/**
 * What moderation decides about a new text: whether the author's post waits for review
 * (their first posts in the space), and what the watched words make of the text. Bound
 * after construction (moderation needs the threads service too).
 */
export interface ModerationHooks {
	needsReview(auth: Auth, space: SpaceRow): Promise<boolean>;
	/** Throws when a blocking word is found; else the text to keep and whether it goes to review. */
	screen(body: string, auth: Auth): Promise<{ body: string; review: boolean }>;
	queued(change: { spaceId: string; kind: 'pending_post'; targetId: string }): void;
}

export class ThreadsService {
	readonly repo: ThreadsRepository;
	private moderation: ModerationHooks = {
		needsReview: async () => false,
		screen: async (body) => ({ body, review: false }),
		queued: () => {}
	};

	bindModeration(hooks: ModerationHooks) {
		this.moderation = hooks;
	}

	get spacesService(): SpacesService {
		return this.spaces;
	}

	constructor(
		private db: Database,
		private spaces: SpacesService,
		private accounts: AccountsRepository,
		private notifications: NotificationsService,
		private realtime: RealtimePublisher
	) {
		this.repo = new ThreadsRepository(db);
	}

	/** The thread and its space, if the caller may read them; else NotFoundError. */
	async context(auth: Auth, threadId: string): Promise<Context> {
		const thread = await this.repo.findThread(threadId, auth?.user.id ?? null);
		if (!thread) throw new NotFoundError();
		const space = await this.spaces.readableById(auth, thread.thread.spaceId);
		const facts = accessFacts(space);
		// Hidden pending review (reports, or a first post waiting): its author and moderators only.
		if (thread.thread.hiddenAt && auth?.user.id !== thread.thread.authorId && !spaceAccess.moderate(auth, facts))
			throw new NotFoundError();
		// Deleted by a moderator: moderators still see it (to restore it); for others it is gone.
		if (thread.thread.deletedAt && !spaceAccess.moderate(auth, facts)) throw new NotFoundError();
		return { space, facts, thread };
	}

	private toThread(auth: Auth, ctx: Pick<Context, 'facts' | 'thread'>): ThreadOutput {
		const { thread: t, author, space, lastReadNumber } = ctx.thread;
		const read = lastReadNumber ?? 0;
		return {
			id: t.id,
			url: threadUrl(t.id),
			title: t.title,
			kind: t.kind,
			space: { ...space, url: spaceUrl(space.slug) },
			author: person(author),
			createdAt: t.createdAt.toISOString(),
			lastActivityAt: t.lastActivityAt.toISOString(),
			postCount: t.postCount,
			lastSeq: t.lastSeq,
			acceptedPostId: t.acceptedPostId,
			unread: auth ? Math.max(0, t.postCount - read) : null,
			firstUnreadNumber: auth && t.postCount > read ? read + 1 : null,
			locked: t.lockedAt !== null,
			pinned: t.pinnedAt !== null,
			closed: t.closedAt !== null,
			deleted: t.deletedAt !== null,
			synthesisPostId: t.synthesisPostId,
			slowMode: activeSlowMode(t),
			can: { reply: spaceAccess.post(auth, ctx.facts), moderate: spaceAccess.moderate(auth, ctx.facts) }
		};
	}

	/**
	 * Who sees a post at all. Published and not hidden: whoever reads the thread. Pending,
	 * rejected or hidden: its author and the space's moderators only.
	 */
	visible(auth: Auth, ctx: Pick<Context, 'facts'>, row: PostRow): boolean {
		const p = row.post;
		if (p.status === 'published' && p.hiddenAt === null) return true;
		return auth?.user.id === p.authorId || spaceAccess.moderate(auth, ctx.facts);
	}

	toPost(auth: Auth, ctx: Pick<Context, 'facts' | 'thread'>, row: PostRow): PostOutput {
		const p = row.post;
		const moderator = spaceAccess.moderate(auth, ctx.facts);
		const own = auth?.user.id === p.authorId;
		const deleted = p.deletedAt !== null;
		const removed = !this.visible(auth, ctx, row);
		const readable = !removed && (!deleted || moderator);
		const threadRow = ctx.thread.thread;
		const canWrite = spaceAccess.post(auth, ctx.facts);
		const published = p.status === 'published' && p.hiddenAt === null;
		return {
			id: p.id,
			url: postUrl(p.threadId, p.number),
			threadId: p.threadId,
			number: p.number,
			author: person(row.author),
			bodyHtml: readable ? p.bodyHtml : null,
			body: readable && (own || moderator) ? p.body : null,
			createdAt: p.createdAt.toISOString(),
			editedAt: p.editedAt?.toISOString() ?? null,
			revisionCount: p.revisionCount,
			usefulCount: p.usefulCount,
			votedUseful: row.voted,
			deleted,
			accepted: threadRow.acceptedPostId === p.id,
			seq: p.seq,
			status: p.status,
			hidden: p.hiddenAt !== null,
			removed,
			moderationNote:
				!removed && (own || moderator)
					? p.status === 'rejected'
						? [p.rejectionReason, p.rejectionNote].filter(Boolean).join(' — ')
						: p.hiddenAt
							? p.hiddenReason
							: null
					: null,
			isSynthesis: p.isSynthesis,
			can: {
				// A rejected post is edited to be resubmitted; a hidden one stays as the moderators left it.
				edit: !deleted && !removed && canWrite && ((own && p.hiddenAt === null) || moderator),
				delete: !deleted && !removed && canWrite && (own || moderator),
				vote: !deleted && published && canWrite && !own,
				accept:
					!deleted &&
					published &&
					threadRow.kind === 'question' &&
					p.number > 1 &&
					canWrite &&
					(auth?.user.id === threadRow.authorId || moderator),
				report: !deleted && published && auth !== null && !own,
				moderate: !deleted && moderator
			}
		};
	}

	/* Reading */

	async list(auth: Auth, spaceSlug: string, after?: string) {
		const space = await this.spaces.readable(auth, spaceSlug);
		const facts = accessFacts(space);
		const rows = await this.repo.listThreads(
			space.space.id,
			auth?.user.id ?? null,
			decodeCursor(after),
			THREADS_PER_PAGE + 1,
			spaceAccess.moderate(auth, facts)
		);
		const page = rows.slice(0, THREADS_PER_PAGE);
		const last = page.at(-1);
		return {
			items: page.map((thread) => this.toThread(auth, { facts, thread })),
			next: rows.length > THREADS_PER_PAGE && last ? encodeCursor(last.thread.lastActivityAt, last.thread.id) : null
		};
	}

	/**
	 * A thread and one page of its posts. Without a position, opens at the reader's first
	 * unread post. Marks what it shows as read.
	 */
	async get(auth: Auth, threadId: string, position: { n?: number | undefined; before?: number | undefined } = {}) {
		const ctx = await this.context(auth, threadId);
		const t = ctx.thread.thread;
		const thread = this.toThread(auth, ctx);
		let from = position.n;
		if (from === undefined && position.before === undefined && thread.firstUnreadNumber) from = thread.firstUnreadNumber;
		if (from !== undefined) from = Math.min(from, Math.max(1, t.postCount));
		const rows = await this.repo.postsPage(threadId, auth?.user.id ?? null, { from, before: position.before }, POSTS_PER_PAGE);
		const items = rows.filter((row) => this.visible(auth, ctx, row)).map((row) => this.toPost(auth, ctx, row));
		const firstShown = items[0]?.number ?? 1;
		const lastShown = items.at(-1)?.number ?? 0;
		if (auth && lastShown > (ctx.thread.lastReadNumber ?? 0))
			await this.repo.markRead(this.db, auth.user.id, threadId, lastShown);
		let accepted: PostOutput | null = null;
		if (t.acceptedPostId) {
			const row = await this.repo.findPost(t.acceptedPostId, auth?.user.id ?? null);
			if (row && this.visible(auth, ctx, row)) accepted = this.toPost(auth, ctx, row);
		}
		return {
			thread,
			accepted,
			posts: items,
			previous: firstShown > 1 ? firstShown : null,
			next: lastShown < t.postCount ? lastShown + 1 : null
		};
	}

	/** Posts changed after `since` (a sequence number): what a reconnecting page missed. */
	async catchUp(auth: Auth, threadId: string, since: number) {
		const ctx = await this.context(auth, threadId);
		const rows = await this.repo.postsSince(threadId, auth?.user.id ?? null, since);
		// A post never published is nobody else's business; one hidden since goes as a bare `removed`.
		const shown = rows.filter((row) => row.post.status === 'published' || this.visible(auth, ctx, row));
		return { thread: this.toThread(auth, ctx), posts: shown.map((row) => this.toPost(auth, ctx, row)) };
	}

	async post(auth: Auth, postId: string): Promise<{ ctx: Context; post: PostOutput; row: PostRow }> {
		const row = await this.repo.findPost(postId, auth?.user.id ?? null);
		if (!row) throw new NotFoundError();
		const ctx = await this.context(auth, row.post.threadId);
		if (!this.visible(auth, ctx, row)) throw new NotFoundError();
		return { ctx, post: this.toPost(auth, ctx, row), row };
	}

	/** Earlier versions, with the word diff to each next version. Checks the parent first. */
	async revisions(auth: Auth, postId: string) {
		const { post, row } = await this.post(auth, postId);
		if (post.bodyHtml === null) throw new NotFoundError();
		const revisions = await this.repo.revisions(postId);
		// Who wrote each version: the author the first, then whoever made each edit (a moderator, maybe).
		const writers = [row.author.displayName, ...revisions.map((r) => r.editorName ?? row.author.displayName)];
		const versions = [
			...revisions.map((r) => ({ number: r.number, body: r.body, createdAt: r.createdAt })),
			{ number: revisions.length + 1, body: row.post.body, createdAt: row.post.editedAt ?? row.post.createdAt }
		];
		return versions.map((v, i) => ({
			number: v.number,
			body: v.body,
			createdAt: v.createdAt.toISOString(),
			editedBy: writers[i]!,
			diff: i === 0 ? [[0, v.body] as [number, string]] : diffWords(versions[i - 1]!.body, v.body)
		}));
	}

	/* Writing */

	private async mentionsToNotify(body: string, base: Omit<NewNotification, 'userId' | 'kind'>): Promise<NewNotification[]> {
		const handles = extractMentions(body);
		const users = await this.accounts.findIdsByHandles(handles);
		return users.map((u) => ({ ...base, userId: u.id, kind: 'mention' as const }));
	}

	/** Markdown to safe HTML, with known @mentions linked (also used for a moderator's synthesis). */
	async render(body: string) {
		const handles = extractMentions(body);
		const known = new Map((await this.accounts.findIdsByHandles(handles)).map((u) => [u.handle, u.id]));
		return renderMarkdown(body, { mentionUrl: (handle) => (known.has(handle) ? memberUrl(known.get(handle)!) : null) });
	}

	async createThread(auth: Auth, spaceSlug: string, input: CreateThreadInput) {
		const { user } = requireUser(auth);
		const space = await this.spaces.readable(auth, spaceSlug);
		const facts = accessFacts(space);
		if (!spaceAccess.post(auth, facts)) throw new ForbiddenError();
		if (input.kind === 'announcement' && !spaceAccess.moderate(auth, facts))
			throw new ForbiddenError('error_announcement_moderators');
		if (input.clientKey) {
			const existing = await this.repo.findPostByClientKey(user.id, input.clientKey);
			if (existing) return this.get(auth, existing.threadId, { n: 1 });
		}
		await assertMayPost(this.db, requireUser(auth), { facts, space: space.space });
		const screened = await this.moderation.screen(input.body, auth);
		// A new member's first thread waits, hidden, until a moderator approves its first post.
		const pending = screened.review || (await this.moderation.needsReview(auth, space));
		const bodyHtml = await this.render(screened.body);
		const threadId = await this.db.transaction(async (tx) => {
			const threadId = await this.repo.insertThread(tx, {
				spaceId: space.space.id,
				authorId: user.id,
				kind: input.kind,
				title: input.title,
				postCount: 1,
				lastSeq: 1,
				lastPostAuthorId: user.id,
				hiddenAt: pending ? new Date() : null
			});
			await this.repo.insertPost(tx, {
				threadId,
				authorId: user.id,
				number: 1,
				seq: 1,
				body: screened.body,
				bodyHtml,
				clientKey: input.clientKey ?? null,
				status: pending ? 'pending' : 'published'
			});
			await this.repo.bumpSpace(tx, space.space.id, { threads: 1, posts: 1 });
			await this.repo.markRead(tx, user.id, threadId, 1, true);
			return threadId;
		});
		const result = await this.get(auth, threadId, { n: 1 });
		if (pending) {
			this.moderation.queued({ spaceId: space.space.id, kind: 'pending_post', targetId: result.posts[0]!.id });
			return result;
		}
		this.realtime.emitToSpace(space.space.id, 'thread:activity', { spaceId: space.space.id, threadId, created: true });
		await this.notifications.notify(
			await this.mentionsToNotify(input.body, {
				actorId: user.id,
				spaceId: space.space.id,
				threadId,
				postId: result.posts[0]!.id
			})
		);
		return result;
	}

	async reply(auth: Auth, threadId: string, input: CreatePostInput): Promise<PostOutput> {
		const { user } = requireUser(auth);
		if (input.clientKey) {
			const existing = await this.repo.findPostByClientKey(user.id, input.clientKey);
			if (existing) return (await this.post(auth, existing.id)).post;
		}
		const ctx = await this.context(auth, threadId);
		if (!spaceAccess.post(auth, ctx.facts)) throw new ForbiddenError();
		await assertMayPost(this.db, requireUser(auth), { facts: ctx.facts, space: ctx.space.space, thread: ctx.thread.thread });
		let quoted: PostRow | undefined;
		if (input.quotePostId) {
			// Quoting is reading: the quoted post must be readable by the replier.
			quoted = (await this.post(auth, input.quotePostId)).row;
			if (quoted.post.deletedAt) throw new NotFoundError();
		}
		const screened = await this.moderation.screen(input.body, auth);
		// Waiting for review: numbered, but seen by its author and the moderators only, and
		// nobody else hears of it (no bump, no event, no notification) until approved.
		const pending = screened.review || (await this.moderation.needsReview(auth, ctx.space));
		const bodyHtml = await this.render(screened.body);
		let postId: string;
		try {
			postId = await this.db.transaction(async (tx) => {
				const { seq, postCount } = await this.repo.nextNumbers(tx, threadId, {
					newPost: true,
					bump: pending ? undefined : { authorId: user.id }
				});
				const id = await this.repo.insertPost(tx, {
					threadId,
					authorId: user.id,
					number: postCount,
					seq,
					body: screened.body,
					bodyHtml,
					quotePostId: quoted?.post.id ?? null,
					clientKey: input.clientKey ?? null,
					status: pending ? 'pending' : 'published'
				});
				if (!pending) await this.repo.bumpSpace(tx, ctx.thread.thread.spaceId, { posts: 1 });
				await this.repo.markRead(tx, user.id, threadId, postCount, true);
				return id;
			});
		} catch (error) {
			// The same send twice at once: the idempotency key's unique index kept one.
			if (input.clientKey && uniqueViolation(error) === 'posts_author_client_key') {
				const existing = await this.repo.findPostByClientKey(user.id, input.clientKey);
				if (existing) return (await this.post(auth, existing.id)).post;
			}
			throw error;
		}
		const { post, row } = await this.post(auth, postId);
		if (pending) {
			this.moderation.queued({ spaceId: ctx.thread.thread.spaceId, kind: 'pending_post', targetId: postId });
			return post;
		}
		this.publishPost(ctx, 'post:created', post);
		await this.notifyPublished(row, ctx, quoted);
		return post;
	}

	/** Tells the space list, mentioned members and watchers about a post now public. */
	async notifyPublished(row: PostRow, ctx: Context, quoted?: PostRow) {
		const threadId = row.post.threadId;
		const spaceId = ctx.thread.thread.spaceId;
		this.realtime.emitToSpace(spaceId, 'thread:activity', { spaceId, threadId, created: false });
		const base = { actorId: row.post.authorId, spaceId, threadId, postId: row.post.id };
		const mentions = await this.mentionsToNotify(row.post.body, base);
		const mentioned = new Set(mentions.map((m) => m.userId));
		const watchers = (await this.repo.watcherIds(threadId)).filter((id) => !mentioned.has(id));
		if (quoted && !mentioned.has(quoted.post.authorId) && !watchers.includes(quoted.post.authorId))
			watchers.push(quoted.post.authorId);
		await this.notifications.notify([...mentions, ...watchers.map((userId) => ({ ...base, userId, kind: 'reply' as const }))]);
	}

	/** Broadcasts a post change to the thread's room (for moderation, which changes posts too). */
	publish(ctx: Context, event: 'post:created' | 'post:updated' | 'post:deleted' | 'post:voted', post: PostOutput) {
		this.publishPost(ctx, event, post);
	}

	/**
	 * Broadcasts a post change to the thread's room. The room holds readers of every kind, so
	 * the payload is the view of a plain reader: a deleted post carries no body.
	 */
	private publishPost(ctx: Context, event: 'post:created' | 'post:updated' | 'post:deleted' | 'post:voted', post: PostOutput) {
		const { can: _can, body: _body, votedUseful: _voted, moderationNote: _note, ...shared } = post;
		const payload = { ...shared, bodyHtml: post.deleted ? null : post.bodyHtml };
		this.realtime.emitToThread({ spaceId: ctx.thread.thread.spaceId, threadId: post.threadId }, event, {
			threadId: post.threadId,
			seq: post.seq,
			post: payload
		});
	}

	async edit(auth: Auth, postId: string, body: string): Promise<PostOutput> {
		const { user } = requireUser(auth);
		const { ctx, post, row } = await this.post(auth, postId);
		if (!post.can.edit) throw new ForbiddenError();
		// A rejected post comes back to review once its author has edited it.
		const resubmit = row.post.status === 'rejected' && row.post.authorId === user.id;
		if (body === row.post.body && !resubmit) return post;
		const screened = await this.moderation.screen(body, auth);
		body = screened.body;
		const toReview = resubmit || (screened.review && row.post.status === 'published' && !post.can.moderate);
		const bodyHtml = await this.render(body);
		await this.db.transaction(async (tx) => {
			const { seq } = await this.repo.nextNumbers(tx, row.post.threadId, { newPost: false });
			await this.repo.addRevision(tx, {
				postId,
				number: row.post.revisionCount + 1,
				body: row.post.body,
				editedBy: user.id,
				createdAt: row.post.editedAt ?? row.post.createdAt
			});
			if (row.post.authorId !== user.id) {
				await recordAudit(tx, auth, {
					action: 'post.edit',
					spaceId: ctx.thread.thread.spaceId,
					targetType: 'post',
					targetId: postId,
					targetLabel: ctx.thread.thread.title,
					before: { body: row.post.body },
					after: { body, authorId: row.post.authorId }
				});
			}
			await this.repo.updatePost(tx, postId, {
				body,
				bodyHtml,
				seq,
				editedAt: new Date(),
				revisionCount: row.post.revisionCount + 1,
				...(toReview ? { status: 'pending' as const } : {})
			});
		});
		const updated = (await this.post(auth, postId)).post;
		if (toReview) {
			this.moderation.queued({ spaceId: ctx.thread.thread.spaceId, kind: 'pending_post', targetId: postId });
			// Readers who saw it published see it go until a moderator approves it again.
			if (row.post.status === 'published')
				this.publishPost(ctx, 'post:updated', this.toPost(null, ctx, { ...row, post: { ...row.post, status: 'pending' } }));
		} else if (updated.status === 'published' && !updated.hidden) this.publishPost(ctx, 'post:updated', updated);
		return updated;
	}

	/** Soft delete: readers see a placeholder, moderators still see the text. */
	async delete(auth: Auth, postId: string): Promise<PostOutput> {
		const { user } = requireUser(auth);
		const { ctx, post, row } = await this.post(auth, postId);
		if (!post.can.delete) throw new ForbiddenError();
		await this.db.transaction(async (tx) => {
			const { seq } = await this.repo.nextNumbers(tx, row.post.threadId, { newPost: false });
			await this.repo.updatePost(tx, postId, { deletedAt: new Date(), deletedBy: user.id, seq });
			if (ctx.thread.thread.acceptedPostId === postId) await this.repo.setAccepted(tx, row.post.threadId, null);
		});
		const deleted = (await this.post(auth, postId)).post;
		this.publishPost(ctx, 'post:deleted', deleted);
		return deleted;
	}

	/** "Utile": one vote per member, never on one's own post. */
	async vote(auth: Auth, postId: string, useful: boolean): Promise<PostOutput> {
		const { user } = requireUser(auth);
		const { ctx, post, row } = await this.post(auth, postId);
		if (row.post.authorId === user.id) throw new ConflictError('error_vote_own');
		if (!post.can.vote) throw new ForbiddenError();
		const changed = await this.db.transaction(async (tx) => {
			if (!(await this.repo.setVote(tx, postId, user.id, useful))) return false;
			const { seq } = await this.repo.nextNumbers(tx, row.post.threadId, { newPost: false });
			await this.repo.updatePost(tx, postId, { usefulCount: row.post.usefulCount + (useful ? 1 : -1), seq });
			return true;
		});
		const updated = (await this.post(auth, postId)).post;
		if (changed) this.publishPost(ctx, 'post:voted', updated);
		return updated;
	}

	/** The question's author or a moderator marks one reply as the accepted answer (or none). */
	async accept(auth: Auth, threadId: string, postId: string | null) {
		const { user } = requireUser(auth);
		const ctx = await this.context(auth, threadId);
		const t = ctx.thread.thread;
		if (t.kind !== 'question') throw new ConflictError('error_not_question');
		if (t.authorId !== user.id && !spaceAccess.moderate(auth, ctx.facts)) throw new ForbiddenError();
		let answerAuthor: string | null = null;
		if (postId) {
			const { post, row } = await this.post(auth, postId);
			if (row.post.threadId !== threadId || !post.can.accept) throw new NotFoundError();
			answerAuthor = row.post.authorId;
		}
		await this.db.transaction(async (tx) => {
			await this.repo.setAccepted(tx, threadId, postId);
		});
		this.realtime.emitToThread({ spaceId: t.spaceId, threadId }, 'thread:accepted', { threadId, postId });
		if (answerAuthor && postId) {
			await this.notifications.notify([
				{ userId: answerAuthor, kind: 'accepted', actorId: user.id, spaceId: t.spaceId, threadId, postId }
			]);
		}
		return this.get(auth, threadId, { n: 1 });
	}
}
