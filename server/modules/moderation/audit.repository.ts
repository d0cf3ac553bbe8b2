import { and, desc, eq, gte, inArray, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { auditLog, posts, spaceMembers, spaces, users } from '../../../db/schema/index.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string) => UUID.test(value);

/** A filter already resolved to ids and instants. */
export interface AuditQuery {
	/** null: every row (admins); else rows of these spaces only. */
	spaceIds: string[] | null;
	actorId?: string | undefined;
	action?: string | undefined;
	actionPrefix?: string | undefined;
	spaceId?: string | undefined;
	targetType?: string | undefined;
	targetId?: string | undefined;
	from?: Date | undefined;
	/** Exclusive. */
	until?: Date | undefined;
	after?: { at: string; id: number } | undefined;
}

export class AuditRepository {
	constructor(private db: Database) {}

	/** Spaces whose part of the log a space moderator sees: those they actively moderate. */
	spacesModeratedBy(userId: string) {
		return this.db
			.select({ id: spaces.id, slug: spaces.slug, name: spaces.name })
			.from(spaceMembers)
			.innerJoin(spaces, eq(spaces.id, spaceMembers.spaceId))
			.where(and(eq(spaceMembers.userId, userId), eq(spaceMembers.role, 'moderator'), eq(spaceMembers.status, 'active')))
			.orderBy(spaces.name);
	}

	/** Spaces a signed-in non-admin can read (see spaceAccess.read): a site moderator's scope. */
	spacesReadableBy(userId: string) {
		return this.db
			.select({ id: spaces.id, slug: spaces.slug, name: spaces.name })
			.from(spaces)
			.leftJoin(spaceMembers, and(eq(spaceMembers.spaceId, spaces.id), eq(spaceMembers.userId, userId)))
			.where(or(ne(spaces.visibility, 'private'), eq(spaceMembers.status, 'active')))
			.orderBy(spaces.name);
	}

	allSpaces() {
		return this.db.select({ id: spaces.id, slug: spaces.slug, name: spaces.name }).from(spaces).orderBy(spaces.name);
	}

	spaceIdOf(idOrSlug: string) {
		return this.db
			.select({ id: spaces.id })
			.from(spaces)
			.where(isUuid(idOrSlug) ? eq(spaces.id, idOrSlug) : eq(spaces.slug, idOrSlug.toLowerCase()))
			.limit(1)
			.then((rows) => rows[0]?.id ?? null);
	}

	userIdOf(idOrHandle: string) {
		if (isUuid(idOrHandle)) return Promise.resolve(idOrHandle);
		return this.db
			.select({ id: users.id })
			.from(users)
			.where(eq(users.handle, idOrHandle.replace(/^@/, '').toLowerCase()))
			.limit(1)
			.then((rows) => rows[0]?.id ?? null);
	}

	/** Newest first, by (at, id): `at` is the transaction's start, so ids alone are not in order. */
	page(query: AuditQuery, limit: number) {
		const conditions: (SQL | undefined)[] = [
			query.spaceIds ? inArray(auditLog.spaceId, query.spaceIds) : undefined,
			query.actorId ? eq(auditLog.actorId, query.actorId) : undefined,
			query.action ? eq(auditLog.action, query.action) : undefined,
			query.actionPrefix ? sql`left(${auditLog.action}, ${query.actionPrefix.length}) = ${query.actionPrefix}` : undefined,
			query.spaceId ? eq(auditLog.spaceId, query.spaceId) : undefined,
			query.targetType ? eq(auditLog.targetType, query.targetType) : undefined,
			query.targetId ? eq(auditLog.targetId, query.targetId) : undefined,
			query.from ? gte(auditLog.at, query.from) : undefined,
			query.until ? lt(auditLog.at, query.until) : undefined,
			query.after ? sql`(${auditLog.at}, ${auditLog.id}) < (${query.after.at}::timestamptz, ${query.after.id})` : undefined
		];
		return this.db
			.select({
				entry: auditLog,
				// Microseconds kept: a JavaScript Date would round them away and break the cursor.
				atKey: sql<string>`to_char(${auditLog.at} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
				spaceSlug: spaces.slug,
				spaceName: spaces.name
			})
			.from(auditLog)
			.leftJoin(spaces, eq(spaces.id, auditLog.spaceId))
			.where(and(...conditions))
			.orderBy(desc(auditLog.at), desc(auditLog.id))
			.limit(limit);
	}

	/** Where the posts named by rows live, for links. */
	postLocations(ids: string[]) {
		const valid = ids.filter(isUuid);
		if (valid.length === 0) return Promise.resolve([]);
		return this.db
			.select({ id: posts.id, threadId: posts.threadId, number: posts.number })
			.from(posts)
			.where(inArray(posts.id, valid));
	}

	spaceSlugs(ids: string[]) {
		const valid = ids.filter(isUuid);
		if (valid.length === 0) return Promise.resolve([]);
		return this.db.select({ id: spaces.id, slug: spaces.slug }).from(spaces).where(inArray(spaces.id, valid));
	}
}

export type AuditPageRow = Awaited<ReturnType<AuditRepository['page']>>[number];
