import { and, asc, eq } from 'drizzle-orm';
import type { Database, Transaction } from '../../../db/client.ts';
import { moderationReasons } from '../../../db/schema/index.ts';

type Executor = Database | Transaction;
export type ReasonRow = typeof moderationReasons.$inferSelect;

export class ReasonsRepository {
	constructor(private db: Database) {}

	list(options: { activeOnly: boolean }) {
		return this.db
			.select()
			.from(moderationReasons)
			.where(options.activeOnly ? eq(moderationReasons.active, true) : undefined)
			.orderBy(asc(moderationReasons.position), asc(moderationReasons.labelFr));
	}

	findById(id: string, tx: Executor = this.db) {
		return tx
			.select()
			.from(moderationReasons)
			.where(eq(moderationReasons.id, id))
			.then((rows) => rows[0]);
	}

	findActiveByCode(code: string, tx: Executor = this.db) {
		return tx
			.select()
			.from(moderationReasons)
			.where(and(eq(moderationReasons.code, code), eq(moderationReasons.active, true)))
			.then((rows) => rows[0]);
	}

	async insert(tx: Executor, values: typeof moderationReasons.$inferInsert) {
		const [row] = await tx.insert(moderationReasons).values(values).returning();
		return row!;
	}

	async update(tx: Executor, id: string, values: Partial<typeof moderationReasons.$inferInsert>) {
		const [row] = await tx.update(moderationReasons).set(values).where(eq(moderationReasons.id, id)).returning();
		return row!;
	}
}
