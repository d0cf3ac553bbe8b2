import { mkdirSync, openSync, closeSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema/index.ts';

/** The one database type services use, whichever driver is underneath. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
export type DatabaseDriver = 'pglite' | 'postgres';

export interface DatabaseHandle {
	db: Database;
	driver: DatabaseDriver;
	close(): Promise<void>;
	ping(): Promise<void>;
}

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

export class DataDirLockedError extends Error {
	constructor(dir: string, pid: string) {
		super(
			`Le dossier de données ${dir} est déjà ouvert par un autre processus Palabre (pid ${pid}). ` +
				`Arrêtez-le, ou choisissez un autre DATA_DIR. ` +
				`(The data folder is already used by another Palabre process.)`
		);
		this.name = 'DataDirLockedError';
	}
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/**
 * PGlite does not lock its directory, and two writers would corrupt it. An O_EXCL lock file
 * holding our pid; a lock left by a dead process is taken over.
 */
function lockDataDir(dir: string): () => void {
	mkdirSync(dir, { recursive: true });
	const lockPath = join(dir, 'palabre.lock');
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			const fd = openSync(lockPath, 'wx');
			writeSync(fd, String(process.pid));
			closeSync(fd);
			let released = false;
			const release = () => {
				if (released) return;
				released = true;
				try {
					unlinkSync(lockPath);
				} catch {
					/* already gone */
				}
			};
			process.once('exit', release);
			return release;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			const owner = readFileSync(lockPath, 'utf8').trim();
			const pid = Number(owner);
			if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
				throw new DataDirLockedError(dir, owner);
			}
			if (pid === process.pid) throw new DataDirLockedError(dir, owner);
			unlinkSync(lockPath); // stale lock from a crashed process
		}
	}
	throw new Error(`Impossible de verrouiller ${dir}`);
}

export interface OpenOptions {
	databaseUrl?: string | undefined;
	/** PGlite data directory; `null` = in memory (tests). */
	dataDir?: string | null;
	/** postgres.js pool size. */
	max?: number;
}

/**
 * Opens the database and applies the committed migrations. Same schema and migrations on
 * both drivers; the choice is made here and nowhere else.
 */
export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
	if (options.databaseUrl) {
		const { default: postgres } = await import('postgres');
		const { drizzle } = await import('drizzle-orm/postgres-js');
		const { migrate } = await import('drizzle-orm/postgres-js/migrator');
		const sql = postgres(options.databaseUrl, {
			// At least two: one connection holds the migration lock while another migrates.
			max: Math.max(2, options.max ?? 10),
			onnotice: () => {},
			connection: { application_name: 'palabre' }
		});
		const db = drizzle(sql, { schema, casing: 'snake_case' }) as unknown as Database;
		// Several processes may start at once against one server: serialize migrations.
		const lock = await sql.reserve();
		try {
			await lock`select pg_advisory_lock(7274617)`;
			await migrate(drizzle(sql, { schema }), { migrationsFolder });
		} finally {
			await lock`select pg_advisory_unlock(7274617)`;
			lock.release();
		}
		return {
			db,
			driver: 'postgres',
			ping: async () => {
				await sql`select 1`;
			},
			close: () => sql.end({ timeout: 5 })
		};
	}

	const { PGlite } = await import('@electric-sql/pglite');
	const { unaccent } = await import('@electric-sql/pglite/contrib/unaccent');
	const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
	const { drizzle } = await import('drizzle-orm/pglite');
	const { migrate } = await import('drizzle-orm/pglite/migrator');

	const dir = options.dataDir ? resolve(options.dataDir, 'pglite') : null;
	const release = options.dataDir ? lockDataDir(resolve(options.dataDir)) : () => {};
	try {
		const client = await PGlite.create(dir ?? undefined, { extensions: { unaccent, pg_trgm } });
		const db = drizzle(client, { schema, casing: 'snake_case' }) as unknown as Database;
		await migrate(drizzle(client, { schema }), { migrationsFolder });
		return {
			db,
			driver: 'pglite',
			ping: async () => {
				await client.query('select 1');
			},
			close: async () => {
				await client.close();
				release();
			}
		};
	} catch (error) {
		release();
		throw error;
	}
}
