/** `npm run db:seed`: adds the demo network to the configured database, on request only. */
import { loadConfig } from '../../server/config.ts';
import { openDatabase } from '../client.ts';
import { attachmentStorage } from '../../server/lib/storage.ts';
import { seedDemo } from './demo.ts';

const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
	await seedDemo(database.db, attachmentStorage(config.dataDir));
	console.log(`Données de démonstration ajoutées (${database.driver}).`);
} finally {
	await database.close();
}
