import { and, desc, eq, isNull, lte, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Database, Transaction } from '../../../db/client.ts';
import { suspensions, users, warnings } from '../../../db/schema/index.ts';

type Executor = Database | Transaction;

// `alias` (not `aliasedTable`) so that TypeScript tells the two joins of `users` apart.
const moderators = alias(users, 'moderator');
const lifters = alias(users, 'lifter');

/** What a sanction needs to know about its target. */
export type SanctionTarget = NonNullable<Awaited<ReturnType<SanctionsRepository['findTarget']>>>;

export class SanctionsRepository {
	constructor(private db: Database) {}

	findTarget(userId: string, tx: Executor = this.db) {
		return tx
			.select({
				id: users.id,
				displayName: users.displayName,
				role: users.role,
				status: users.status,
				suspendedUntil: users.suspendedUntil,
				suspensionReason: users.suspensionReason
			})
			.from(users)
			.where(eq(users.id, userId))
			.limit(1)
			.then((rows) => rows[0]);
	}

	setSuspended(tx: Executor, userId: string, state: { until: Date | null; reason: string } | null) {
		return tx
			.update(users)
			.set(
				state
					? { status: 'suspended', suspendedUntil: state.until, suspensionReason: state.reason, updatedAt: new Date() }
					: { status: 'active', suspendedUntil: null, suspensionReason: null, updatedAt: new Date() }
			)
			.where(eq(users.id, userId));
	}

	/** Lifts a suspension whose end has passed; false if another request already did (or it changed). */
	liftExpired(tx: Executor, userId: string, now: Date) {
		return tx
			.update(users)
			.set({ status: 'active', suspendedUntil: null, suspensionReason: null, updatedAt: now })
			.where(and(eq(users.id, userId), eq(users.status, 'suspended'), lte(users.suspendedUntil, now)))
			.returning({ id: users.id })
			.then((rows) => rows.length > 0);
	}

	insertSuspension(tx: Executor, row: { userId: string; moderatorId: string; reason: string; endsAt: Date | null }) {
		return tx.insert(suspensions).values(row);
	}

	/** Closes the open suspension rows of a user (at most one in practice). */
	liftOpenSuspensions(tx: Executor, userId: string, liftedBy: string | null, at = new Date()) {
		return tx
			.update(suspensions)
			.set({ liftedAt: at, liftedBy })
			.where(and(eq(suspensions.userId, userId), isNull(suspensions.liftedAt)));
	}

	/** Newest first, with who decided and who lifted. */
	listSuspensions(userId: string) {
		return this.db
			.select({
				id: suspensions.id,
				reason: suspensions.reason,
				startsAt: suspensions.startsAt,
				endsAt: suspensions.endsAt,
				liftedAt: suspensions.liftedAt,
				moderator: { id: moderators.id, displayName: moderators.displayName },
				lifter: { displayName: lifters.displayName }
			})
			.from(suspensions)
			.innerJoin(moderators, eq(moderators.id, suspensions.moderatorId))
			.leftJoin(lifters, eq(lifters.id, suspensions.liftedBy))
			.where(eq(suspensions.userId, userId))
			.orderBy(desc(suspensions.startsAt), desc(suspensions.id));
	}

	insertWarning(tx: Executor, row: { userId: string; moderatorId: string; message: string }) {
		return tx
			.insert(warnings)
			.values(row)
			.returning({ id: warnings.id, createdAt: warnings.createdAt })
			.then((rows) => rows[0]!);
	}

	/** Newest first. */
	listWarnings(userId: string) {
		return this.db
			.select({
				id: warnings.id,
				message: warnings.message,
				createdAt: warnings.createdAt,
				acknowledgedAt: warnings.acknowledgedAt,
				moderator: { id: moderators.id, displayName: moderators.displayName }
			})
			.from(warnings)
			.innerJoin(moderators, eq(moderators.id, warnings.moderatorId))
			.where(eq(warnings.userId, userId))
			.orderBy(desc(warnings.createdAt), desc(warnings.id));
	}

	/** Only the warned member's own warning; the first acknowledgement is the one kept. */
	acknowledgeWarning(userId: string, warningId: string) {
		return this.db
			.update(warnings)
			.set({ acknowledgedAt: sql`coalesce(${warnings.acknowledgedAt}, now())` })
			.where(and(eq(warnings.id, warningId), eq(warnings.userId, userId)))
			.returning({ id: warnings.id, acknowledgedAt: warnings.acknowledgedAt })
			.then((rows) => rows[0]);
	}
}
