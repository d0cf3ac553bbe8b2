import { and, asc, eq, gt, ilike, inArray, like, or, sql } from 'drizzle-orm';
import type { Database, Transaction } from '../../../db/client.ts';
import { organisations, users, type OrganisationType } from '../../../db/schema/index.ts';

type Executor = Database | Transaction;

const memberColumns = {
	id: users.id,
	email: users.email,
	displayName: users.displayName,
	handle: users.handle,
	role: users.role,
	status: users.status,
	locale: users.locale,
	country: users.country,
	timeZone: users.timeZone,
	bio: users.bio,
	createdAt: users.createdAt,
	organisation: {
		id: organisations.id,
		name: organisations.name,
		type: organisations.type,
		country: organisations.country
	}
};

export type MemberRow = Awaited<ReturnType<AccountsRepository['findMember']>> & {};

export class AccountsRepository {
	constructor(private db: Database) {}

	findCredentialsByEmail(email: string) {
		return this.db
			.select({
				id: users.id,
				displayName: users.displayName,
				passwordHash: users.passwordHash,
				status: users.status,
				suspendedUntil: users.suspendedUntil,
				suspensionReason: users.suspensionReason
			})
			.from(users)
			.where(eq(users.email, email))
			.limit(1)
			.then((rows) => rows[0]);
	}

	findPasswordHash(userId: string) {
		return this.db
			.select({ passwordHash: users.passwordHash })
			.from(users)
			.where(eq(users.id, userId))
			.then((rows) => rows[0]?.passwordHash);
	}

	emailExists(email: string, tx: Executor = this.db) {
		return tx
			.select({ id: users.id })
			.from(users)
			.where(eq(users.email, email))
			.limit(1)
			.then((rows) => rows.length > 0);
	}

	findMember(id: string, tx: Executor = this.db) {
		return tx
			.select(memberColumns)
			.from(users)
			.innerJoin(organisations, eq(organisations.id, users.organisationId))
			.where(eq(users.id, id))
			.limit(1)
			.then((rows) => rows[0]);
	}

	/** Keyset pagination on e-mail (unique), 50 a page. */
	listMembers(filter: { q?: string | undefined; after?: string | undefined }, limit = 50) {
		const conditions = [];
		if (filter.q) {
			const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
			conditions.push(or(ilike(users.email, pattern), ilike(users.displayName, pattern), ilike(organisations.name, pattern)));
		}
		if (filter.after) conditions.push(gt(users.email, filter.after));
		return this.db
			.select(memberColumns)
			.from(users)
			.innerJoin(organisations, eq(organisations.id, users.organisationId))
			.where(and(...conditions))
			.orderBy(asc(users.email))
			.limit(limit);
	}

	/**
	 * Handles already used that a new `base` could collide with (base, base-2…). Inside a
	 * transaction it first takes a lock on `base` until commit, so namesakes signing up at the
	 * same moment pick their handles one after the other instead of colliding.
	 */
	async handlesLike(base: string, tx: Executor = this.db) {
		if (tx !== this.db) await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`handle:${base}`}))`);
		return tx
			.select({ handle: users.handle })
			.from(users)
			.where(or(eq(users.handle, base), like(users.handle, `${base}-%`)))
			.then((rows) => rows.map((r) => r.handle));
	}

	findIdsByHandles(handles: string[]) {
		if (handles.length === 0) return Promise.resolve([]);
		return this.db
			.select({ id: users.id, handle: users.handle })
			.from(users)
			.where(and(inArray(users.handle, handles), eq(users.status, 'active')));
	}

	/** Same name (any case) in the same country = same organisation. */
	async findOrCreateOrganisation(
		tx: Executor,
		org: { name: string; type: OrganisationType; country: string; isDemo?: boolean }
	): Promise<string> {
		const [created] = await tx.insert(organisations).values(org).onConflictDoNothing().returning({ id: organisations.id });
		if (created) return created.id;
		const [existing] = await tx
			.select({ id: organisations.id })
			.from(organisations)
			.where(and(sql`lower(${organisations.name}) = lower(${org.name})`, eq(organisations.country, org.country)))
			.limit(1);
		return existing!.id;
	}

	async insertUser(tx: Executor, values: typeof users.$inferInsert): Promise<string> {
		const [row] = await tx.insert(users).values(values).returning({ id: users.id });
		return row!.id;
	}

	async updateUser(tx: Executor, id: string, values: Partial<typeof users.$inferInsert>) {
		await tx
			.update(users)
			.set({ ...values, updatedAt: new Date() })
			.where(eq(users.id, id));
	}
}
