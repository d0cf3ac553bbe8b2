import { eq } from 'drizzle-orm';
import type { Database, Transaction } from '../../../db/client.ts';
import { siteSettings } from '../../../db/schema/index.ts';

export type Executor = Database | Transaction;

export class SettingsRepository {
	constructor(private db: Database) {}

	value(key: string, tx: Executor = this.db) {
		return tx
			.select({ value: siteSettings.value })
			.from(siteSettings)
			.where(eq(siteSettings.key, key))
			.then((rows) => rows[0]?.value);
	}

	async put(tx: Executor, key: string, value: unknown, userId: string) {
		const now = new Date();
		await tx
			.insert(siteSettings)
			.values({ key, value, updatedAt: now, updatedBy: userId })
			.onConflictDoUpdate({ target: siteSettings.key, set: { value, updatedAt: now, updatedBy: userId } });
	}
}
