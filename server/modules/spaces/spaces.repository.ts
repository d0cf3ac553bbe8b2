import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Database, Transaction } from '../../../db/client.ts';
import {
	spaceMembers,
	spaces,
	threadReads,
	threads,
	users,
	type SpaceMemberRole,
	type SpaceMemberStatus
} from '../../../db/schema/index.ts';

type Executor = Database | Transaction;

const NOBODY = '00000000-0000-0000-0000-000000000000';

export class SpacesRepository {
	constructor(private db: Database) {}

	/**
	 * Spaces with the caller's membership and, when asked, their unread-thread count. The
	 * count scans the space's threads: visitors (no reads) and access checks skip it.
	 */
	private withViewer(userId: string | null, tx: Executor = this.db, withUnread = true) {
		const viewer = userId ?? NOBODY;
		const unreadThreads =
			userId && withUnread
				? sql<number>`(
					select count(*)::int from ${threads} t
					left join ${threadReads} r on r.thread_id = t.id and r.user_id = ${viewer}
					where t.space_id = ${spaces.id} and t.deleted_at is null
					and t.post_count > coalesce(r.last_read_number, 0)
				)`
				: sql<number>`0`;
		return tx
			.select({ space: spaces, memberRole: spaceMembers.role, memberStatus: spaceMembers.status, unreadThreads })
			.from(spaces)
			.leftJoin(spaceMembers, and(eq(spaceMembers.spaceId, spaces.id), eq(spaceMembers.userId, viewer)));
	}

	list(userId: string | null) {
		return this.withViewer(userId).orderBy(desc(spaces.lastActivityAt), asc(spaces.name));
	}

	findBySlug(slug: string, userId: string | null, tx: Executor = this.db) {
		return this.withViewer(userId, tx)
			.where(eq(spaces.slug, slug))
			.limit(1)
			.then((rows) => rows[0]);
	}

	/** By id, for access checks of content inside the space: no unread count. */
	findById(id: string, userId: string | null, tx: Executor = this.db) {
		return this.withViewer(userId, tx, false)
			.where(eq(spaces.id, id))
			.limit(1)
			.then((rows) => rows[0]);
	}

	async insert(tx: Executor, values: typeof spaces.$inferInsert) {
		const [row] = await tx.insert(spaces).values(values).returning({ id: spaces.id });
		return row!.id;
	}

	async update(tx: Executor, id: string, values: Partial<typeof spaces.$inferInsert>) {
		await tx.update(spaces).set(values).where(eq(spaces.id, id));
	}

	membership(spaceId: string, userId: string, tx: Executor = this.db) {
		return tx
			.select()
			.from(spaceMembers)
			.where(and(eq(spaceMembers.spaceId, spaceId), eq(spaceMembers.userId, userId)))
			.then((rows) => rows[0]);
	}

	async upsertMember(
		tx: Executor,
		values: {
			spaceId: string;
			userId: string;
			role?: SpaceMemberRole;
			status: SpaceMemberStatus;
			decidedBy?: string | null;
			message?: string;
		}
	) {
		await tx
			.insert(spaceMembers)
			.values(values)
			.onConflictDoUpdate({
				target: [spaceMembers.spaceId, spaceMembers.userId],
				set: {
					status: values.status,
					...(values.role ? { role: values.role } : {}),
					...(values.decidedBy !== undefined ? { decidedBy: values.decidedBy } : {}),
					...(values.message !== undefined ? { message: values.message } : {})
				}
			});
	}

	async removeMember(tx: Executor, spaceId: string, userId: string) {
		await tx.delete(spaceMembers).where(and(eq(spaceMembers.spaceId, spaceId), eq(spaceMembers.userId, userId)));
	}

	members(spaceId: string, options: { activeOnly: boolean }) {
		return this.db
			.select({
				userId: spaceMembers.userId,
				displayName: users.displayName,
				handle: users.handle,
				role: spaceMembers.role,
				status: spaceMembers.status,
				message: spaceMembers.message,
				createdAt: spaceMembers.createdAt
			})
			.from(spaceMembers)
			.innerJoin(users, eq(users.id, spaceMembers.userId))
			.where(and(eq(spaceMembers.spaceId, spaceId), options.activeOnly ? eq(spaceMembers.status, 'active') : undefined))
			.orderBy(asc(spaceMembers.status), asc(users.displayName));
	}

	/** Space moderators (active), who decide join requests. */
	moderatorIds(spaceId: string) {
		return this.db
			.select({ id: spaceMembers.userId })
			.from(spaceMembers)
			.where(and(eq(spaceMembers.spaceId, spaceId), eq(spaceMembers.role, 'moderator'), eq(spaceMembers.status, 'active')))
			.then((rows) => rows.map((r) => r.id));
	}

	/** Who may read the space once private: its active members and the admins. */
	async readerIdsOfPrivate(spaceId: string) {
		const members = await this.db
			.select({ id: spaceMembers.userId })
			.from(spaceMembers)
			.where(and(eq(spaceMembers.spaceId, spaceId), eq(spaceMembers.status, 'active')));
		const admins = await this.db.select({ id: users.id }).from(users).where(eq(users.role, 'admin'));
		return [...members, ...admins].map((r) => r.id);
	}

	/** For audit rows: the member's name at the time. */
	displayName(userId: string, tx: Executor = this.db) {
		return tx
			.select({ name: users.displayName })
			.from(users)
			.where(eq(users.id, userId))
			.then((rows) => rows[0]?.name ?? '');
	}

	findUserByHandle(handle: string) {
		return this.db
			.select({ id: users.id, displayName: users.displayName })
			.from(users)
			.where(and(eq(users.handle, handle), eq(users.status, 'active')))
			.then((rows) => rows[0]);
	}

	slugTaken(slug: string, tx: Executor = this.db) {
		return tx
			.select({ id: spaces.id })
			.from(spaces)
			.where(eq(spaces.slug, slug))
			.then((rows) => rows.length > 0);
	}
}

export type SpaceRow = NonNullable<Awaited<ReturnType<SpacesRepository['findBySlug']>>>;
