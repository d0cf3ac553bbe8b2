import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { posts, threads, type spaces } from '../../../db/schema/index.ts';
import type { Auth } from '../../auth/auth.ts';
import { AppError, ConflictError, ForbiddenError } from '../../lib/errors.ts';
import { spaceAccess, type SpaceAccessFacts } from '../spaces/access.ts';
import type { SlowModeOutput } from './thread-actions.schema.ts';

type SlowModeColumns = Pick<typeof threads.$inferSelect, 'slowModeSeconds' | 'slowModeUntil' | 'slowModeReason'>;

/** The slow mode of a thread or a space while it lasts; null when off or over. */
export function activeSlowMode(row: SlowModeColumns, now = new Date()): SlowModeOutput | null {
	if (!row.slowModeSeconds || !row.slowModeUntil || row.slowModeUntil <= now) return null;
	return { seconds: row.slowModeSeconds, until: row.slowModeUntil.toISOString(), reason: row.slowModeReason ?? '' };
}

/** 429 with the wait in the message; `retryAfterSeconds` also becomes the Retry-After header. */
export class SlowModeError extends AppError {
	constructor(readonly retryAfterSeconds: number) {
		super(429, 'rate_limited', 'tmod_error_slow_mode');
	}

	override messageInputs(): Record<string, unknown> {
		return { seconds: this.retryAfterSeconds };
	}
}

/**
 * What moderation forbids before a post is written: a reply in a deleted, locked or closed
 * thread, or a post too soon in slow mode. Moderators pass the lock, the closing and slow mode.
 * Called by ThreadsService.createThread (no thread) and .reply, after the access check.
 * Two posts sent at the same instant may both pass slow mode: it paces people, not scripts.
 */
export async function assertMayPost(
	db: Database,
	auth: NonNullable<Auth>,
	target: { facts: SpaceAccessFacts; space: typeof spaces.$inferSelect; thread?: typeof threads.$inferSelect }
): Promise<void> {
	const { thread, space } = target;
	if (thread?.deletedAt) throw new ConflictError('tmod_error_thread_deleted');
	if (spaceAccess.moderate(auth, target.facts)) return;
	if (thread?.closedAt) throw new ForbiddenError('tmod_error_thread_closed');
	if (thread?.lockedAt) throw new ForbiddenError('tmod_error_thread_locked');
	const now = new Date();
	const threadSlow = thread ? activeSlowMode(thread, now) : null;
	const spaceSlow = activeSlowMode(space, now);
	let wait = 0;
	if (threadSlow && thread)
		wait = Math.max(wait, await secondsToWait(db, auth.user.id, threadSlow.seconds, { threadId: thread.id }));
	if (spaceSlow) wait = Math.max(wait, await secondsToWait(db, auth.user.id, spaceSlow.seconds, { spaceId: space.id }));
	if (wait > 0) throw new SlowModeError(wait);
}

/** Seconds left before this member's next post, from their latest post in the thread or space (database clock). */
async function secondsToWait(
	db: Database,
	userId: string,
	interval: number,
	where: { threadId: string } | { spaceId: string }
): Promise<number> {
	const wait = sql<number | null>`ceil(${interval} - extract(epoch from (now() - max(${posts.createdAt}))))::int`;
	const [row] =
		'threadId' in where
			? await db
					.select({ wait })
					.from(posts)
					.where(and(eq(posts.authorId, userId), eq(posts.threadId, where.threadId)))
			: await db
					.select({ wait })
					.from(posts)
					.innerJoin(threads, eq(threads.id, posts.threadId))
					.where(and(eq(posts.authorId, userId), eq(threads.spaceId, where.spaceId)));
	return Math.max(0, Number(row?.wait ?? 0));
}
