/** `npm run db:migrate`: applies the committed migrations (the server also does so at start). */
import { loadConfig } from '../server/config.ts';
import { openDatabase } from './client.ts';

const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
await database.close();
console.log(`Migrations appliquées (${database.driver}).`);
