import { aliasedTable, and, asc, desc, eq, gt, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import type { Database, Transaction } from '../../../db/client.ts';
import { organisations, postRevisions, posts, postVotes, spaces, threadReads, threads, users } from '../../../db/schema/index.ts';

type Executor = Database | Transaction;

const NOBODY = '00000000-0000-0000-0000-000000000000';
const threadAuthors = aliasedTable(users, 'thread_author');
const threadAuthorOrgs = aliasedTable(organisations, 'thread_author_org');

const personColumns = (u: typeof users, o: typeof organisations) => ({
	id: u.id,
	displayName: u.displayName,
	handle: u.handle,
	organisation: o.name
});

export class ThreadsRepository {
	constructor(private db: Database) {}

	private threadQuery(viewerId: string | null, tx: Executor = this.db) {
		return tx
			.select({
				thread: threads,
				author: personColumns(threadAuthors, threadAuthorOrgs),
				space: { id: spaces.id, slug: spaces.slug, name: spaces.name },
				lastReadNumber: threadReads.lastReadNumber
			})
			.from(threads)
			.innerJoin(spaces, eq(spaces.id, threads.spaceId))
			.innerJoin(threadAuthors, eq(threadAuthors.id, threads.authorId))
			.innerJoin(threadAuthorOrgs, eq(threadAuthorOrgs.id, threadAuthors.organisationId))
			.leftJoin(threadReads, and(eq(threadReads.threadId, threads.id), eq(threadReads.userId, viewerId ?? NOBODY)));
	}

	/** Deleted threads too: the service shows them to moderators only. */
	findThread(id: string, viewerId: string | null, tx: Executor = this.db) {
		return this.threadQuery(viewerId, tx)
			.where(eq(threads.id, id))
			.limit(1)
			.then((rows) => rows[0]);
	}

	/**
	 * Keyset page by last activity (newest first); never OFFSET. The first page (no cursor)
	 * starts with the pinned threads, most recently pinned first, then fills up with unpinned
	 * ones; the keyset runs over unpinned threads only, so the cursor, taken from the page's
	 * last row, is always an unpinned one. At most `limit - 2` pinned threads are listed, so a
	 * page of `limit - 1` rows always ends with an unpinned one when there are more.
	 */
	async listThreads(
		spaceId: string,
		viewerId: string | null,
		after: { at: Date; id: string } | null,
		limit: number,
		/** Moderators also see threads hidden pending review; authors see their own. */
		includeHidden = false
	) {
		const shown = and(
			eq(threads.spaceId, spaceId),
			isNull(threads.deletedAt),
			includeHidden ? undefined : or(isNull(threads.hiddenAt), eq(threads.authorId, viewerId ?? NOBODY))
		);
		const pinned = after
			? []
			: await this.threadQuery(viewerId)
					.where(and(shown, isNotNull(threads.pinnedAt)))
					.orderBy(desc(threads.pinnedAt), desc(threads.id))
					.limit(Math.max(0, limit - 2));
		const rest = await this.threadQuery(viewerId)
			.where(
				and(
					shown,
					isNull(threads.pinnedAt),
					after
						? or(lt(threads.lastActivityAt, after.at), and(eq(threads.lastActivityAt, after.at), lt(threads.id, after.id)))
						: undefined
				)
			)
			.orderBy(desc(threads.lastActivityAt), desc(threads.id))
			.limit(limit - pinned.length);
		return [...pinned, ...rest];
	}

	private postQuery(viewerId: string | null, tx: Executor = this.db) {
		return tx
			.select({
				post: posts,
				author: personColumns(users, organisations),
				voted: sql<boolean>`exists(select 1 from ${postVotes} v where v.post_id = ${posts.id} and v.user_id = ${viewerId ?? NOBODY})`
			})
			.from(posts)
			.innerJoin(users, eq(users.id, posts.authorId))
			.innerJoin(organisations, eq(organisations.id, users.organisationId));
	}

	/** A page of posts in number order: from `from` on, or the page ending before `before`. */
	async postsPage(threadId: string, viewerId: string | null, page: { from?: number; before?: number }, limit: number) {
		if (page.before !== undefined) {
			const rows = await this.postQuery(viewerId)
				.where(and(eq(posts.threadId, threadId), lt(posts.number, page.before)))
				.orderBy(desc(posts.number))
				.limit(limit);
			return rows.reverse();
		}
		return this.postQuery(viewerId)
			.where(and(eq(posts.threadId, threadId), gt(posts.number, (page.from ?? 1) - 1)))
			.orderBy(asc(posts.number))
			.limit(limit);
	}

	/** Everything that changed after `seq`, in order: the catch-up after a reconnect. */
	postsSince(threadId: string, viewerId: string | null, seq: number, limit = 500) {
		return this.postQuery(viewerId)
			.where(and(eq(posts.threadId, threadId), gt(posts.seq, seq)))
			.orderBy(asc(posts.seq))
			.limit(limit);
	}

	findPost(id: string, viewerId: string | null, tx: Executor = this.db) {
		return this.postQuery(viewerId, tx)
			.where(eq(posts.id, id))
			.limit(1)
			.then((rows) => rows[0]);
	}

	findPostByClientKey(authorId: string, clientKey: string) {
		return this.db
			.select({ id: posts.id, threadId: posts.threadId })
			.from(posts)
			.where(and(eq(posts.authorId, authorId), eq(posts.clientKey, clientKey)))
			.then((rows) => rows[0]);
	}

	/**
	 * Takes the next post number and sequence number of a thread. The row lock this update
	 * takes serializes writers of one thread, so numbers commit in order, without gaps.
	 */
	async nextNumbers(tx: Transaction, threadId: string, opts: { newPost: boolean; bump?: { authorId: string } }) {
		const [row] = await tx
			.update(threads)
			.set({
				lastSeq: sql`${threads.lastSeq} + 1`,
				...(opts.newPost ? { postCount: sql`${threads.postCount} + 1` } : {}),
				...(opts.bump ? { lastActivityAt: new Date(), lastPostAuthorId: opts.bump.authorId } : {})
			})
			.where(eq(threads.id, threadId))
			.returning({ seq: threads.lastSeq, postCount: threads.postCount });
		return row!;
	}

	async insertThread(tx: Transaction, values: typeof threads.$inferInsert) {
		const [row] = await tx.insert(threads).values(values).returning({ id: threads.id });
		return row!.id;
	}

	async insertPost(tx: Transaction, values: typeof posts.$inferInsert) {
		const [row] = await tx.insert(posts).values(values).returning({ id: posts.id });
		return row!.id;
	}

	async updatePost(tx: Transaction, id: string, values: Partial<typeof posts.$inferInsert>) {
		await tx.update(posts).set(values).where(eq(posts.id, id));
	}

	async setAccepted(tx: Transaction, threadId: string, postId: string | null) {
		await tx.update(threads).set({ acceptedPostId: postId }).where(eq(threads.id, threadId));
	}

	async addRevision(tx: Transaction, values: typeof postRevisions.$inferInsert) {
		await tx.insert(postRevisions).values(values);
	}

	/** Earlier versions, each with who replaced it (the author of the next version). */
	revisions(postId: string) {
		return this.db
			.select({
				number: postRevisions.number,
				body: postRevisions.body,
				createdAt: postRevisions.createdAt,
				editedBy: postRevisions.editedBy,
				editorName: users.displayName
			})
			.from(postRevisions)
			.leftJoin(users, eq(users.id, postRevisions.editedBy))
			.where(eq(postRevisions.postId, postId))
			.orderBy(asc(postRevisions.number));
	}

	/** Adds or removes a vote; returns false when nothing changed (already in that state). */
	async setVote(tx: Transaction, postId: string, userId: string, useful: boolean): Promise<boolean> {
		if (useful) {
			const inserted = await tx
				.insert(postVotes)
				.values({ postId, userId })
				.onConflictDoNothing()
				.returning({ postId: postVotes.postId });
			return inserted.length > 0;
		}
		const deleted = await tx
			.delete(postVotes)
			.where(and(eq(postVotes.postId, postId), eq(postVotes.userId, userId)))
			.returning({ postId: postVotes.postId });
		return deleted.length > 0;
	}

	async bumpSpace(tx: Transaction, spaceId: string, counts: { threads?: number; posts?: number }) {
		await tx
			.update(spaces)
			.set({
				lastActivityAt: new Date(),
				threadCount: sql`${spaces.threadCount} + ${counts.threads ?? 0}`,
				postCount: sql`${spaces.postCount} + ${counts.posts ?? 0}`
			})
			.where(eq(spaces.id, spaceId));
	}

	/** Moves the reader's mark forward only; `watch` subscribes them to replies. */
	async markRead(tx: Executor, userId: string, threadId: string, number: number, watch?: boolean) {
		await tx
			.insert(threadReads)
			.values({ userId, threadId, lastReadNumber: number, watching: watch ?? false })
			.onConflictDoUpdate({
				target: [threadReads.userId, threadReads.threadId],
				set: {
					lastReadNumber: sql`greatest(${threadReads.lastReadNumber}, ${number})`,
					updatedAt: new Date(),
					...(watch ? { watching: true } : {})
				}
			});
	}

	watcherIds(threadId: string) {
		return this.db
			.select({ id: threadReads.userId })
			.from(threadReads)
			.where(and(eq(threadReads.threadId, threadId), eq(threadReads.watching, true)))
			.then((rows) => rows.map((r) => r.id));
	}
}

export type ThreadRow = NonNullable<Awaited<ReturnType<ThreadsRepository['findThread']>>>;
export type PostRow = NonNullable<Awaited<ReturnType<ThreadsRepository['findPost']>>>;
