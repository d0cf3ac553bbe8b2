import { and, asc, desc, eq, gt, inArray, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Database, Transaction } from '../../../db/client.ts';
import {
	calendarFeeds,
	eventDocuments,
	eventPeople,
	eventRegistrations,
	events,
	organisations,
	spaceMembers,
	spaces,
	users
} from '../../../db/schema/index.ts';
import type { EventKind, EventPersonRole, RegistrationStatus } from '../../../db/schema/values.ts';
import type { SpaceAccessFacts } from '../spaces/access.ts';
import type { EventRow } from './access.ts';

type Executor = Database | Transaction;

/** What an e-mail or notice to a member needs (and their role, for the access check before telling them). */
const recipientColumns = {
	id: users.id,
	email: users.email,
	locale: users.locale,
	displayName: users.displayName,
	timeZone: users.timeZone,
	country: users.country,
	role: users.role
};

export interface PersonRow {
	eventId: string;
	userId: string;
	role: EventPersonRole;
	handle: string;
	displayName: string;
}

export interface CountRow {
	registered: number;
	waiting: number;
}

export interface ListFilters {
	/** Readable spaces: only their events are listed. */
	spaceIds: string[];
	period: 'upcoming' | 'past';
	kind: EventKind | null;
	countries: string[];
	now: Date;
	/** Keyset: the last row of the previous page. */
	after: { startsAt: Date; id: string } | null;
	limit: number;
}

export type DocumentRow = typeof eventDocuments.$inferSelect;

/** Queries of the events domain; services decide who may run them. */
export class EventsRepository {
	constructor(private db: Database) {}

	async find(id: string, tx: Executor = this.db): Promise<EventRow | undefined> {
		const [row] = await tx.select().from(events).where(eq(events.id, id)).limit(1);
		return row;
	}

	/** The event row, locked until the transaction ends: registrations are decided one at a time. */
	async lock(tx: Transaction, id: string): Promise<EventRow | undefined> {
		const [row] = await tx.select().from(events).where(eq(events.id, id)).for('update');
		return row;
	}

	async insert(tx: Transaction, values: typeof events.$inferInsert): Promise<EventRow> {
		const [row] = await tx.insert(events).values(values).returning();
		return row!;
	}

	async update(tx: Transaction, id: string, values: Partial<typeof events.$inferInsert>): Promise<EventRow> {
		const [row] = await tx.update(events).set(values).where(eq(events.id, id)).returning();
		return row!;
	}

	/** Members by handle (lower-case), active accounts only. */
	async usersByHandles(handles: string[], tx: Executor = this.db) {
		if (handles.length === 0) return [];
		return tx
			.select({ id: users.id, handle: users.handle, displayName: users.displayName, role: users.role })
			.from(users)
			.where(and(inArray(users.handle, handles), eq(users.status, 'active')));
	}

	async people(eventIds: string[], tx: Executor = this.db): Promise<PersonRow[]> {
		if (eventIds.length === 0) return [];
		return tx
			.select({
				eventId: eventPeople.eventId,
				userId: eventPeople.userId,
				role: eventPeople.role,
				handle: users.handle,
				displayName: users.displayName
			})
			.from(eventPeople)
			.innerJoin(users, eq(users.id, eventPeople.userId))
			.where(inArray(eventPeople.eventId, eventIds))
			.orderBy(asc(users.displayName));
	}

	/** Replaces the people of one role. */
	async setPeople(tx: Transaction, eventId: string, role: EventPersonRole, userIds: string[]): Promise<void> {
		await tx.delete(eventPeople).where(and(eq(eventPeople.eventId, eventId), eq(eventPeople.role, role)));
		if (userIds.length > 0) {
			await tx.insert(eventPeople).values(userIds.map((userId) => ({ eventId, userId, role })));
		}
	}

	async counts(eventIds: string[], tx: Executor = this.db): Promise<Map<string, CountRow>> {
		const out = new Map<string, CountRow>(eventIds.map((id) => [id, { registered: 0, waiting: 0 }]));
		if (eventIds.length === 0) return out;
		const rows = await tx
			.select({
				eventId: eventRegistrations.eventId,
				registered: sql<number>`count(*) filter (where ${eventRegistrations.status} = 'registered')::int`,
				waiting: sql<number>`count(*) filter (where ${eventRegistrations.status} = 'waiting')::int`
			})
			.from(eventRegistrations)
			.where(inArray(eventRegistrations.eventId, eventIds))
			.groupBy(eventRegistrations.eventId);
		for (const row of rows) out.set(row.eventId, { registered: row.registered, waiting: row.waiting });
		return out;
	}

	async registration(eventId: string, userId: string, tx: Executor = this.db) {
		const [row] = await tx
			.select()
			.from(eventRegistrations)
			.where(and(eq(eventRegistrations.eventId, eventId), eq(eventRegistrations.userId, userId)))
			.limit(1);
		return row;
	}

	/** Rank on the waiting list of the member at `position` (1 = next). */
	async waitingRank(eventId: string, position: number, tx: Executor = this.db): Promise<number> {
		const [row] = await tx
			.select({ n: sql<number>`count(*)::int` })
			.from(eventRegistrations)
			.where(
				and(
					eq(eventRegistrations.eventId, eventId),
					eq(eventRegistrations.status, 'waiting'),
					lte(eventRegistrations.position, position)
				)
			);
		return row?.n ?? 0;
	}

	async insertRegistration(tx: Transaction, eventId: string, userId: string, status: RegistrationStatus) {
		const [row] = await tx.insert(eventRegistrations).values({ eventId, userId, status }).returning();
		return row!;
	}

	async deleteRegistration(tx: Transaction, eventId: string, userId: string) {
		const [row] = await tx
			.delete(eventRegistrations)
			.where(and(eq(eventRegistrations.eventId, eventId), eq(eventRegistrations.userId, userId)))
			.returning();
		return row;
	}

	/** Gives seats to the first `seats` members of the waiting list (all of them when null); their ids. */
	async promote(tx: Transaction, eventId: string, seats: number | null, now: Date): Promise<string[]> {
		if (seats !== null && seats <= 0) return [];
		const next = tx
			.select({ userId: eventRegistrations.userId })
			.from(eventRegistrations)
			.where(and(eq(eventRegistrations.eventId, eventId), eq(eventRegistrations.status, 'waiting')))
			.orderBy(asc(eventRegistrations.position));
		const chosen = await (seats === null ? next : next.limit(seats));
		if (chosen.length === 0) return [];
		const ids = chosen.map((r) => r.userId);
		await tx
			.update(eventRegistrations)
			.set({ status: 'registered', promotedAt: now })
			.where(and(eq(eventRegistrations.eventId, eventId), inArray(eventRegistrations.userId, ids)));
		return ids;
	}

	/** Registered members (arrival order), then the waiting list (its order), with what the export shows. */
	async participants(eventId: string, tx: Executor = this.db) {
		return tx
			.select({
				userId: users.id,
				displayName: users.displayName,
				handle: users.handle,
				organisation: organisations.name,
				country: users.country,
				status: eventRegistrations.status,
				position: eventRegistrations.position,
				registeredAt: eventRegistrations.registeredAt,
				promotedAt: eventRegistrations.promotedAt
			})
			.from(eventRegistrations)
			.innerJoin(users, eq(users.id, eventRegistrations.userId))
			.innerJoin(organisations, eq(organisations.id, users.organisationId))
			.where(eq(eventRegistrations.eventId, eventId))
			.orderBy(sql`${eventRegistrations.status} = 'waiting'`, asc(eventRegistrations.position));
	}

	/** Members registered or waiting, with what an e-mail to them needs. */
	async registrants(eventId: string, tx: Executor = this.db) {
		return tx
			.select({ ...recipientColumns, status: eventRegistrations.status })
			.from(eventRegistrations)
			.innerJoin(users, eq(users.id, eventRegistrations.userId))
			.where(and(eq(eventRegistrations.eventId, eventId), eq(users.status, 'active')));
	}

	async recipients(userIds: string[], tx: Executor = this.db) {
		if (userIds.length === 0) return [];
		return tx
			.select(recipientColumns)
			.from(users)
			.where(and(inArray(users.id, userIds), eq(users.status, 'active')));
	}

	/** A page of the list: events of readable spaces, filtered, one more than asked (to know if there is a next). */
	async list(filters: ListFilters) {
		if (filters.spaceIds.length === 0) return [];
		const upcoming = filters.period === 'upcoming';
		const conditions: (SQL | undefined)[] = [
			inArray(events.spaceId, filters.spaceIds),
			upcoming ? gt(events.endsAt, filters.now) : lte(events.endsAt, filters.now),
			filters.kind ? eq(events.kind, filters.kind) : undefined,
			filters.countries.length > 0
				? sql`${events.countries} && ARRAY[${sql.join(
						filters.countries.map((c) => sql`${c}`),
						sql`, `
					)}]::text[]`
				: undefined
		];
		if (filters.after) {
			const { startsAt, id } = filters.after;
			conditions.push(
				upcoming
					? or(gt(events.startsAt, startsAt), and(eq(events.startsAt, startsAt), gt(events.id, id)))
					: or(sql`${events.startsAt} < ${startsAt}`, and(eq(events.startsAt, startsAt), sql`${events.id} < ${id}`))
			);
		}
		return this.db
			.select({
				event: events,
				space: { id: spaces.id, slug: spaces.slug, name: spaces.name, visibility: spaces.visibility }
			})
			.from(events)
			.innerJoin(spaces, eq(spaces.id, events.spaceId))
			.where(and(...conditions))
			.orderBy(...(upcoming ? [asc(events.startsAt), asc(events.id)] : [desc(events.startsAt), desc(events.id)]))
			.limit(filters.limit + 1);
	}

	/** The caller's registrations among these events. */
	async statuses(eventIds: string[], userId: string): Promise<Map<string, RegistrationStatus>> {
		if (eventIds.length === 0) return new Map();
		const rows = await this.db
			.select({ eventId: eventRegistrations.eventId, status: eventRegistrations.status })
			.from(eventRegistrations)
			.where(and(inArray(eventRegistrations.eventId, eventIds), eq(eventRegistrations.userId, userId)));
		return new Map(rows.map((r) => [r.eventId, r.status]));
	}

	/** Events a member registered for (seat or waiting list), soonest first, a year back at most. */
	async registeredEvents(userId: string, since: Date) {
		return this.db
			.select({ event: events })
			.from(eventRegistrations)
			.innerJoin(events, eq(events.id, eventRegistrations.eventId))
			.where(and(eq(eventRegistrations.userId, userId), gt(events.endsAt, since)))
			.orderBy(asc(events.startsAt))
			.limit(500);
	}

	/**
	 * Every space with the viewer's membership, for access decisions over many events at
	 * once (lists, feeds): no unread counts, unlike the spaces list.
	 */
	async spacesFor(userId: string | null): Promise<{ id: string; slug: string; name: string; facts: SpaceAccessFacts }[]> {
		const rows = await this.db
			.select({
				id: spaces.id,
				slug: spaces.slug,
				name: spaces.name,
				visibility: spaces.visibility,
				archivedAt: spaces.archivedAt,
				role: spaceMembers.role,
				status: spaceMembers.status
			})
			.from(spaces)
			.leftJoin(spaceMembers, and(eq(spaceMembers.spaceId, spaces.id), userId ? eq(spaceMembers.userId, userId) : sql`false`));
		return rows.map((r) => ({
			id: r.id,
			slug: r.slug,
			name: r.name,
			facts: {
				visibility: r.visibility,
				archivedAt: r.archivedAt,
				membership: r.role && r.status ? { role: r.role, status: r.status } : null
			}
		}));
	}

	/* ---- documents ---- */

	async documents(eventId: string, tx: Executor = this.db): Promise<DocumentRow[]> {
		return tx
			.select()
			.from(eventDocuments)
			.where(eq(eventDocuments.eventId, eventId))
			.orderBy(asc(eventDocuments.createdAt), asc(eventDocuments.id));
	}

	async document(eventId: string, documentId: string): Promise<DocumentRow | undefined> {
		const [row] = await this.db
			.select()
			.from(eventDocuments)
			.where(and(eq(eventDocuments.id, documentId), eq(eventDocuments.eventId, eventId)))
			.limit(1);
		return row;
	}

	async documentCount(tx: Transaction, eventId: string): Promise<number> {
		const [row] = await tx
			.select({ n: sql<number>`count(*)::int` })
			.from(eventDocuments)
			.where(eq(eventDocuments.eventId, eventId));
		return row?.n ?? 0;
	}

	async insertDocument(tx: Transaction, values: typeof eventDocuments.$inferInsert): Promise<DocumentRow> {
		const [row] = await tx.insert(eventDocuments).values(values).returning();
		return row!;
	}

	async deleteDocument(tx: Transaction, id: string): Promise<void> {
		await tx.delete(eventDocuments).where(eq(eventDocuments.id, id));
	}

	/* ---- calendar feeds ---- */

	async feedOf(userId: string) {
		const [row] = await this.db.select().from(calendarFeeds).where(eq(calendarFeeds.userId, userId)).limit(1);
		return row;
	}

	/** One feed per member: a new token replaces the old one (rotation). */
	async saveFeed(userId: string, tokenHash: string): Promise<void> {
		await this.db
			.insert(calendarFeeds)
			.values({ userId, tokenHash })
			.onConflictDoUpdate({ target: calendarFeeds.userId, set: { tokenHash, createdAt: new Date() } });
	}

	async deleteFeed(userId: string): Promise<void> {
		await this.db.delete(calendarFeeds).where(eq(calendarFeeds.userId, userId));
	}

	/** The member behind a feed token's hash, if the feed and the account are live. */
	async feedOwner(tokenHash: string) {
		const [row] = await this.db
			.select({
				id: users.id,
				email: users.email,
				displayName: users.displayName,
				role: users.role,
				locale: users.locale,
				status: users.status
			})
			.from(calendarFeeds)
			.innerJoin(users, eq(users.id, calendarFeeds.userId))
			.where(eq(calendarFeeds.tokenHash, tokenHash))
			.limit(1);
		return row;
	}

	async userZone(userId: string) {
		const [row] = await this.db
			.select({ timeZone: users.timeZone, country: users.country })
			.from(users)
			.where(eq(users.id, userId))
			.limit(1);
		return row;
	}
}
