import { eq, inArray } from 'drizzle-orm';
import type { Database, Transaction } from '../../../db/client.ts';
import { watchedWords } from '../../../db/schema/index.ts';

type Executor = Database | Transaction;
export type WatchedWordRow = typeof watchedWords.$inferSelect;

export class WatchedWordsRepository {
	constructor(private db: Database) {}

	all(tx: Executor = this.db): Promise<WatchedWordRow[]> {
		return tx.select().from(watchedWords);
	}

	find(id: string, tx: Executor = this.db): Promise<WatchedWordRow | undefined> {
		return tx
			.select()
			.from(watchedWords)
			.where(eq(watchedWords.id, id))
			.limit(1)
			.then((rows) => rows[0]);
	}

	async insert(tx: Executor, values: typeof watchedWords.$inferInsert): Promise<WatchedWordRow> {
		const [row] = await tx.insert(watchedWords).values(values).returning();
		return row!;
	}

	async update(
		tx: Executor,
		id: string,
		values: Pick<WatchedWordRow, 'phrase' | 'action' | 'replacement' | 'wholeWord'>
	): Promise<WatchedWordRow> {
		const [row] = await tx.update(watchedWords).set(values).where(eq(watchedWords.id, id)).returning();
		return row!;
	}

	async remove(tx: Executor, ids: string[]): Promise<void> {
		if (ids.length > 0) await tx.delete(watchedWords).where(inArray(watchedWords.id, ids));
	}
}
